"""The media lifecycle enum and the step timeouts."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from webex_meetings.meetings.media.roap_session import ROAP_OFFER_ANSWER_EXCHANGE_TIMEOUT
from webex_meetings.meetings.media.turn import TURN_DISCOVERY_TIMEOUT

__all__ = ["ICE_AND_DTLS_CONNECTION_TIMEOUT", "MediaState", "MediaTimeouts"]

#: Seconds for ICE and DTLS to connect after the answer (JS ``ICE_AND_DTLS_CONNECTION_TIMEOUT``).
ICE_AND_DTLS_CONNECTION_TIMEOUT: Final = 20.0


class MediaState(enum.StrEnum):
    """Lifecycle of a meeting's media."""

    IDLE = "idle"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    FAILED = "failed"
    CLOSED = "closed"


@dataclass(frozen=True)
class MediaTimeouts:
    """Seconds to wait for each step (the JS values by default).

    Attributes:
        answer: ROAP answer after an OFFER.
        turn: Mercury TURN discovery response on the separate-request path.
        connect: ICE + DTLS after the answer.
    """

    answer: float = ROAP_OFFER_ANSWER_EXCHANGE_TIMEOUT
    turn: float = TURN_DISCOVERY_TIMEOUT
    connect: float = ICE_AND_DTLS_CONNECTION_TIMEOUT
