"""ROAP messages: the offer/answer envelope Locus carries for media (ROAP protocol).

A ROAP message travels as ``roapMessage`` inside the JSON *string* ``localSdp`` of a
``PUT <selfUrl>/media`` body, and comes back inside the JSON string ``remoteSdp`` of
``mediaConnections[]`` or as a Mercury ``locus.message.roap`` event. This module holds
the value object and the (de)serialisation of those two strings; the transaction logic
lives in :mod:`~webex_meetings.meetings.media.roap_session`.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "CLIENT_TIE_BREAKER",
    "HEADER_INCLUDE_ANSWER_IN_HTTP_RESPONSE",
    "HEADER_NO_OK_IN_TRANSACTION",
    "MAX_SEQ",
    "MAX_TIE_BREAKER",
    "ROAP_VERSION",
    "RoapErrorType",
    "RoapMessage",
    "RoapMessageType",
    "dump_local_sdp",
    "roap_from_media_connections",
]

#: ``version`` of every ROAP message the SDK sends.
ROAP_VERSION: Final = "2"
#: Client flag: put the reply in the HTTP response rather than only on Mercury.
HEADER_INCLUDE_ANSWER_IN_HTTP_RESPONSE: Final = "includeAnswerInHttpResponse"
#: Both directions: the transaction ends without an ``OK``.
HEADER_NO_OK_IN_TRANSACTION: Final = "noOkInTransaction"
#: The tie-breaker of client offers; the value the JS SDK's tests show (``0xFFFFFFFE``).
#: A server offer only wins a glare with ``0xFFFFFFFF``.
CLIENT_TIE_BREAKER: Final = 0xFFFFFFFE


class RoapMessageType(enum.StrEnum):
    """``messageType`` values (JS ``ROAP.ROAP_TYPES``)."""

    OFFER = "OFFER"
    ANSWER = "ANSWER"
    OK = "OK"
    ERROR = "ERROR"
    TURN_DISCOVERY_REQUEST = "TURN_DISCOVERY_REQUEST"
    TURN_DISCOVERY_RESPONSE = "TURN_DISCOVERY_RESPONSE"


_MESSAGE_TYPES: Final = frozenset(t.value for t in RoapMessageType)


class RoapErrorType(enum.StrEnum):
    """``errorType`` values the SDK uses; ``CONFLICT`` and ``DOUBLECONFLICT`` mean glare."""

    CONFLICT = "CONFLICT"
    DOUBLECONFLICT = "DOUBLECONFLICT"
    FAILED = "FAILED"


#: The largest ``seq`` accepted: the largest integer a JSON number holds exactly.
MAX_SEQ: Final = 2**53 - 1
#: Tie-breakers are unsigned 32-bit numbers.
MAX_TIE_BREAKER: Final = 0xFFFFFFFF


def _number(value: Any, name: str, maximum: int) -> int:
    # Servers may send the number as a string ("0"). The error names the type only:
    # a message is never quoted, however large or odd.
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value)
    else:
        raise ValueError(f"ROAP {name} must be a whole number, got a {type(value).__name__}")
    if not 0 <= number <= maximum:
        raise ValueError(f"ROAP {name} is out of range")
    return number


def _seq(value: Any) -> int:
    return _number(value, "seq", MAX_SEQ)


def _text(value: Any, limit: int = 200) -> str | None:
    # Free text from the server ends up in exception messages and logs: keep it short.
    if not isinstance(value, str) or not value:
        return None
    return value if len(value) <= limit else f"{value[:limit]}..."


@dataclass(frozen=True)
class RoapMessage:
    """One ROAP message.

    Attributes:
        message_type: ``messageType``.
        seq: transaction sequence number (0 for TURN discovery).
        sdp: the SDP of an OFFER or ANSWER (``sdps[0]`` on the wire).
        tie_breaker: glare tie-breaker of an OFFER (unsigned 32-bit).
        headers: flag and ``key=value`` strings.
        error_type: ``errorType`` of an ERROR.
        error_cause: free-text ``errorCause`` of an ERROR.
        version: always ``"2"``.
    """

    message_type: RoapMessageType
    seq: int
    sdp: str | None = None
    tie_breaker: int | None = None
    headers: tuple[str, ...] = field(default_factory=tuple)
    error_type: str | None = None
    error_cause: str | None = None
    version: str = ROAP_VERSION

    def __repr__(self) -> str:
        # Headers may carry TURN credentials; SDPs are long. Neither goes into a repr.
        extra = f", error_type={self.error_type!r}" if self.error_type else ""
        return f"RoapMessage({self.message_type.value}, seq={self.seq}{extra})"

    def has_header(self, name: str) -> bool:
        """True when ``name`` is one of the flag headers."""
        return name in self.headers

    def header_value(self, key: str) -> str | None:
        """The value of a ``key=value`` header, or None."""
        prefix = f"{key}="
        for header in self.headers:
            if header.startswith(prefix):
                return header[len(prefix) :]
        return None

    def to_wire(self) -> dict[str, Any]:
        """The ``roapMessage`` object as the JS SDK builds it."""
        wire: dict[str, Any] = {"messageType": self.message_type.value, "version": self.version}
        if self.sdp is not None:
            wire["sdps"] = [self.sdp]
        wire["seq"] = self.seq
        if self.tie_breaker is not None:
            wire["tieBreaker"] = self.tie_breaker
        if self.error_type is not None:
            wire["errorType"] = self.error_type
        if self.error_cause is not None:
            wire["errorCause"] = self.error_cause
        if self.headers:
            wire["headers"] = list(self.headers)
        return wire

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> RoapMessage:
        """Parse a ``roapMessage`` object (HTTP ``remoteSdp`` or Mercury ``message``).

        Raises:
            ValueError: the message type, sequence number or tie-breaker is missing or
                invalid (a negative or too large number, a fraction...).
        """
        kind = data.get("messageType")
        if not isinstance(kind, str) or kind not in _MESSAGE_TYPES:
            raise ValueError("unknown ROAP messageType")
        message_type = RoapMessageType(kind)
        sdps = data.get("sdps")
        sdp = data.get("sdp")  # some transports flatten sdps[0] to sdp
        if isinstance(sdps, Sequence) and not isinstance(sdps, str) and sdps:
            sdp = sdps[0]
        tie = data.get("tieBreaker")
        headers = data.get("headers")
        return cls(
            message_type=message_type,
            seq=_seq(data.get("seq")),
            sdp=sdp if isinstance(sdp, str) else None,
            tie_breaker=(_number(tie, "tieBreaker", MAX_TIE_BREAKER) if tie is not None else None),
            headers=(
                tuple(h for h in headers if isinstance(h, str)) if isinstance(headers, list) else ()
            ),
            error_type=_text(data.get("errorType"), 64),
            error_cause=_text(data.get("errorCause")),
            version=_text(data.get("version"), 16) or ROAP_VERSION,
        )

    @property
    def is_glare_error(self) -> bool:
        """True for an ERROR of type ``CONFLICT`` or ``DOUBLECONFLICT``."""
        return self.message_type is RoapMessageType.ERROR and self.error_type in (
            RoapErrorType.CONFLICT,
            RoapErrorType.DOUBLECONFLICT,
        )


def dump_local_sdp(
    *,
    audio_muted: bool | None = None,
    video_muted: bool | None = None,
    roap: RoapMessage | None = None,
    reachability: Mapping[str, Any] | None = None,
) -> str:
    """The ``localSdp`` JSON string (Locus wants a string, not an object)."""
    value: dict[str, Any] = {}
    if audio_muted is not None:
        value["audioMuted"] = audio_muted
    if video_muted is not None:
        value["videoMuted"] = video_muted
    if roap is not None:
        value["roapMessage"] = roap.to_wire()
    if reachability is not None:
        value["reachability"] = dict(reachability)
    return json.dumps(value, separators=(",", ":"))


def _remote_sdp(connection: Any) -> dict[str, Any] | None:
    if not isinstance(connection, Mapping):
        return None
    raw = connection.get("remoteSdp")
    if isinstance(raw, Mapping):  # tolerate an object where a string is expected
        return dict(raw)
    if not isinstance(raw, str) or not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def roap_from_media_connections(connections: Any) -> RoapMessage | None:
    """The ROAP reply in ``mediaConnections[].remoteSdp``, or None.

    The JS SDK keeps the last entry; a ``remoteSdp`` without ``roapMessage`` (Locus had
    no reply for the HTTP path) yields None.
    """
    if not isinstance(connections, list):
        return None
    for connection in reversed(connections):
        remote = _remote_sdp(connection)
        if remote is None:
            continue
        message = remote.get("roapMessage")
        if isinstance(message, Mapping):
            try:
                return RoapMessage.from_wire(message)
            except ValueError:
                return None
        return None
    return None
