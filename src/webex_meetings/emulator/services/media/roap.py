"""ROAP as the media server speaks it: messages, and the per-session offer/answer rules.

Messages follow the ROAP protocol. The session rules mirror the client's state machine from the
other side: one sequence number per media session, OFFERs with a higher ``seq`` start a
transaction, a repeated OFFER (same ``seq``, same SDP) gets the same reply again, a stale
one gets ``OUT_OF_ORDER``. Glare (a client OFFER while the server's own OFFER waits for
its ANSWER) is settled by ``tieBreaker``: the higher one wins, equal ones give
``DOUBLECONFLICT`` to both. The web client always uses ``0xFFFFFFFE``; the server's
default is lower, so the client wins unless a test asks otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

VERSION = "2"
INCLUDE_ANSWER_IN_HTTP = "includeAnswerInHttpResponse"
NO_OK_IN_TRANSACTION = "noOkInTransaction"
WEB_TIE_BREAKER = 0xFFFFFFFE
"""The value every web client sends."""
SERVER_TIE_BREAKER = 0x7FFFFFFF
"""The server's default: below the web value, so a client OFFER wins glare."""
MAX_TIE_BREAKER = 0xFFFFFFFF


class MessageType(StrEnum):
    """``messageType`` values (ROAP protocol)."""

    OFFER = "OFFER"
    ANSWER = "ANSWER"
    OK = "OK"
    ERROR = "ERROR"
    TURN_DISCOVERY_REQUEST = "TURN_DISCOVERY_REQUEST"
    TURN_DISCOVERY_RESPONSE = "TURN_DISCOVERY_RESPONSE"


class ErrorType(StrEnum):
    """``errorType`` values the server sends (the client's enum)."""

    CONFLICT = "CONFLICT"
    DOUBLECONFLICT = "DOUBLECONFLICT"
    FAILED = "FAILED"
    INVALID_STATE = "INVALID_STATE"
    OUT_OF_ORDER = "OUT_OF_ORDER"


class RoapFormatError(ValueError):
    """A ROAP message the server cannot read."""


def _seq(value: Any) -> int:
    # The seq may travel as a string ("0"); bool is an int subclass and is refused.
    if isinstance(value, bool):
        raise RoapFormatError("roapMessage.seq must be a number.")
    if isinstance(value, int):
        seq = value
    elif isinstance(value, str) and value.strip().isdigit():
        seq = int(value)
    else:
        raise RoapFormatError("roapMessage.seq must be a number.")
    if seq < 0:
        raise RoapFormatError("roapMessage.seq must not be negative.")
    return seq


@dataclass(frozen=True)
class RoapMessage:
    """A ROAP message received from a client."""

    type: MessageType
    seq: int
    sdp: str | None = None
    tie_breaker: int | None = None
    headers: tuple[str, ...] = ()
    error_type: str | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> RoapMessage:
        """Read a ``roapMessage`` object.

        Raises:
            RoapFormatError: Unknown type, bad ``seq``, an OFFER/ANSWER without exactly
                one SDP, or a ``tieBreaker`` outside 32 bits.
        """
        try:
            kind = MessageType(str(raw.get("messageType")))
        except ValueError:
            raise RoapFormatError(
                f"Unsupported roapMessage.messageType {raw.get('messageType')!r}."
            ) from None
        seq = _seq(raw.get("seq"))
        sdps = raw.get("sdps")
        sdp = None
        if kind in (MessageType.OFFER, MessageType.ANSWER):
            if not (isinstance(sdps, list) and len(sdps) == 1 and isinstance(sdps[0], str)):
                raise RoapFormatError(f"A ROAP {kind} needs exactly one SDP in sdps.")
            sdp = sdps[0]
        tie = raw.get("tieBreaker")
        if tie is not None and (
            isinstance(tie, bool) or not isinstance(tie, int) or not 0 <= tie <= MAX_TIE_BREAKER
        ):
            raise RoapFormatError("roapMessage.tieBreaker must be an unsigned 32-bit number.")
        headers = raw.get("headers") or []
        if not isinstance(headers, list) or not all(isinstance(h, str) for h in headers):
            raise RoapFormatError("roapMessage.headers must be a list of strings.")
        error_type = raw.get("errorType")
        return cls(
            type=kind,
            seq=seq,
            sdp=sdp,
            tie_breaker=tie,
            headers=tuple(headers),
            error_type=error_type if isinstance(error_type, str) else None,
        )

    @property
    def reply_in_http(self) -> bool:
        """True when the client wants the reply in the HTTP response."""
        return INCLUDE_ANSWER_IN_HTTP in self.headers


def message(kind: MessageType, seq: int | str, **fields: Any) -> dict[str, Any]:
    """Build a server ROAP message; None fields are left out."""
    out: dict[str, Any] = {"messageType": kind.value, "version": VERSION, "seq": seq}
    out.update((key, value) for key, value in fields.items() if value is not None)
    return out


def error(seq: int, kind: ErrorType, cause: str) -> dict[str, Any]:
    """An ERROR reply to the transaction ``seq``."""
    return message(MessageType.ERROR, seq, errorType=kind.value, errorCause=cause)


class OfferVerdict(StrEnum):
    """What to do with a client OFFER."""

    ANSWER = "answer"
    """A new transaction: answer it."""
    RESEND = "resend"
    """A retransmission: send the same reply again."""
    REJECT = "reject"
    """Reply with the given ERROR."""


@dataclass
class ServerOffer:
    """An OFFER the server sent and whose ANSWER it awaits."""

    seq: int
    tie_breaker: int
    sdp: str


@dataclass
class RoapSession:
    """The server side of one media session's ROAP transactions."""

    seq: int = 0
    server_offer: ServerOffer | None = None
    last_offer: tuple[int, str] | None = None
    last_reply: dict[str, Any] | None = None
    glare: list[str] = field(default_factory=list)
    """How each glare ended: ``client-won``, ``DOUBLECONFLICT`` or ``CONFLICT``."""
    client_errors: list[dict[str, Any]] = field(default_factory=list)
    """ERROR messages received from the client: ``{seq, errorType}``."""
    oks: list[int] = field(default_factory=list)
    """The ``seq`` of every OK received."""

    def on_offer(self, offer: RoapMessage) -> tuple[OfferVerdict, dict[str, Any] | None]:
        """Decide on a client OFFER; REJECT and RESEND come with the reply to send."""
        pending = self.server_offer
        if pending is not None:
            theirs = offer.tie_breaker if offer.tie_breaker is not None else 0
            if theirs < pending.tie_breaker:
                self.glare.append(ErrorType.CONFLICT.value)
                return OfferVerdict.REJECT, error(
                    offer.seq, ErrorType.CONFLICT, "Glare: the server's offer wins."
                )
            # Either way the server's own offer is abandoned.
            self.server_offer = None
            if theirs == pending.tie_breaker:
                self.glare.append(ErrorType.DOUBLECONFLICT.value)
                return OfferVerdict.REJECT, error(
                    offer.seq, ErrorType.DOUBLECONFLICT, "Glare with equal tie-breakers."
                )
            self.glare.append("client-won")
        if (
            self.last_offer == (offer.seq, offer.sdp or "")
            and self.last_reply is not None
            and offer.seq == self.seq
        ):
            return OfferVerdict.RESEND, self.last_reply
        if offer.seq <= self.seq:
            return OfferVerdict.REJECT, error(
                offer.seq, ErrorType.OUT_OF_ORDER, f"seq {offer.seq} is not above {self.seq}."
            )
        self.seq = offer.seq
        return OfferVerdict.ANSWER, None

    def answered(self, offer: RoapMessage, reply: dict[str, Any]) -> None:
        """Remember the reply to ``offer`` so that a retransmission gets it again."""
        self.last_offer = (offer.seq, offer.sdp or "")
        self.last_reply = reply

    def start_offer(self, tie_breaker: int, sdp: str) -> ServerOffer:
        """Open a server-initiated transaction; its seq is one above the current one.

        Raises:
            ValueError: A server offer already waits for its answer.
        """
        if self.server_offer is not None:
            raise ValueError("A server offer is already waiting for its answer.")
        self.server_offer = ServerOffer(self.seq + 1, tie_breaker, sdp)
        return self.server_offer

    def on_answer(self, answer: RoapMessage) -> ServerOffer | None:
        """Match a client ANSWER to the pending server offer (None: no such offer)."""
        pending = self.server_offer
        if pending is None or answer.seq != pending.seq:
            return None
        self.server_offer = None
        self.seq = pending.seq
        return pending

    def on_error(self, received: RoapMessage) -> None:
        """Record a client ERROR; one about the pending server offer cancels it."""
        self.client_errors.append({"seq": received.seq, "errorType": received.error_type})
        if self.server_offer is not None and received.seq == self.server_offer.seq:
            self.server_offer = None

    def on_ok(self, received: RoapMessage) -> bool:
        """Record an OK; False when it closes no transaction (seq 0 is TURN discovery)."""
        self.oks.append(received.seq)
        return received.seq in (0, self.seq)
