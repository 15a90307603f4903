"""The media seam: what Locus asks a media server for (ROAP protocol).

:class:`LocusBackend` holds one :class:`MediaProvider`: by default the emulated media
server (``services/media``), which answers ROAP offers with real WebRTC media. The
:class:`PlaceholderMedia` provider has no media: a join gets a placeholder media
connection ``{mediaId, type: "SDP"}`` and ROAP messages are refused.

``open`` and ``close`` are synchronous (they run inside a join or a leave, which must not
wait on media); ``roap`` is a coroutine because answering an offer sets up a peer
connection.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ...core.ids import new_uuid
from .errors import MEDIA_NOT_EMULATED, LocusError
from .model import DeviceSession, Locus, Participant


@dataclass(frozen=True)
class MediaRequest:
    """One ``PUT <self>/media`` that carries a ROAP message (ROAP protocol)."""

    locus: Locus
    participant: Participant
    device: DeviceSession
    media_id: str
    """``localMedias[0].mediaId``; ``""`` asks for a new media session."""
    message: Mapping[str, Any]
    """The ``roapMessage`` object decoded from ``localSdp``."""
    correlation_id: str
    """The body's ``correlationId`` (else the device's): Mercury replies carry it."""


class MediaProvider(Protocol):
    """What Locus needs from a media server."""

    def open(
        self, locus: Locus, participant: Participant, device: DeviceSession, join: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Create the media session of a joining device.

        Args:
            locus: The locus joined.
            participant: The joining participant.
            device: The device session just created.
            join: The join body (``localMedias`` may carry a ROAP message).

        Returns:
            The ``mediaConnections`` of the join response (``remoteSdp`` included).
        """
        ...

    async def roap(self, request: MediaRequest) -> list[dict[str, Any]]:
        """Handle one ROAP message from ``PUT <self>/media``; returns ``mediaConnections``."""
        ...

    def close(self, locus: Locus, participant: Participant, device: DeviceSession) -> None:
        """Release the media of a device that left."""
        ...


def stored(connections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The connections as a device keeps them in the DTO: without the ``remoteSdp`` reply.

    The reply belongs to one response; ``devices[].mediaConnections`` only lists
    ``{mediaId, type}`` (Locus protocol).
    """
    return [{k: v for k, v in entry.items() if k != "remoteSdp"} for entry in connections]


class PlaceholderMedia:
    """No media: placeholder connections, ROAP refused."""

    def open(
        self, locus: Locus, participant: Participant, device: DeviceSession, join: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Return one placeholder connection ``{mediaId, type: "SDP"}``."""
        return [{"mediaId": new_uuid(), "type": "SDP"}]

    async def roap(self, request: MediaRequest) -> list[dict[str, Any]]:
        """Refuse: there is no media server.

        Raises:
            LocusError: Always (501).
        """
        raise LocusError(501, MEDIA_NOT_EMULATED, "Media is not emulated.")

    def close(self, locus: Locus, participant: Participant, device: DeviceSession) -> None:
        """Nothing to release."""
