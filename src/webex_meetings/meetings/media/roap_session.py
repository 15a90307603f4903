"""The ROAP state machine of one media connection: offers, answers, glare, timeouts.

Client-initiated transaction (ROAP protocol), run by :meth:`RoapSession.negotiate`:

1. the peer makes an SDP offer; the session sends ``OFFER`` with the next ``seq``, the
   client tie-breaker and the headers ``includeAnswerInHttpResponse`` and
   ``noOkInTransaction`` (so no ``OK`` follows the answer);
2. the reply comes in the HTTP response or over Mercury (:meth:`RoapSession.receive`),
   whichever is first; a waiter is registered before the request leaves, so a Mercury
   answer that overtakes the HTTP response is not lost;
3. ``ANSWER`` with the same ``seq`` → the peer applies it; ``ERROR`` → the add-media
   fails, unless it is glare; nothing within ``answer_timeout`` (35 s in JS) → fails.

Server-initiated transactions (§4.2): a server ``OFFER`` while idle is answered with
``ANSWER`` (same ``seq``); a repeated offer gets the same answer again; an older one is
ignored. ``OK`` messages end a transaction and need nothing.

Glare (an ``OFFER`` from the server while ours waits), decided by the tie-breakers as in
ROAP: a lower server value gets ``ERROR CONFLICT`` and ours goes on; a higher one wins, so
the local offer is rolled back and the server offer answered; equal values get ``ERROR
DOUBLECONFLICT`` from both sides. Whenever our offer lost, it is retried with a new
``seq`` after the other transaction, at most ``max_glare_retries`` times.
"""

from __future__ import annotations

import asyncio
import enum
import random
from collections.abc import Awaitable, Callable
from typing import Final, Protocol

from webex_meetings._logging import get_logger
from webex_meetings.meetings.errors import AddMediaFailedError, MediaError
from webex_meetings.meetings.media.roap import (
    CLIENT_TIE_BREAKER,
    HEADER_INCLUDE_ANSWER_IN_HTTP_RESPONSE,
    HEADER_NO_OK_IN_TRANSACTION,
    RoapErrorType,
    RoapMessage,
    RoapMessageType,
)

__all__ = [
    "ROAP_OFFER_ANSWER_EXCHANGE_TIMEOUT",
    "RoapPeer",
    "RoapSession",
    "RoapState",
    "SendRoap",
]

logger = get_logger(__name__)

#: Seconds to wait for the answer to an OFFER (JS ``ROAP_OFFER_ANSWER_EXCHANGE_TIMEOUT``).
ROAP_OFFER_ANSWER_EXCHANGE_TIMEOUT: Final = 35.0

#: Sends one message; returns the reply found in the HTTP response, if any.
SendRoap = Callable[[RoapMessage], Awaitable[RoapMessage | None]]


class RoapPeer(Protocol):
    """The SDP side of the session (the peer connection)."""

    async def create_offer(self) -> str:
        """Make a local offer, set it as the local description and return its SDP."""
        ...

    async def apply_answer(self, sdp: str) -> None:
        """Set the remote answer."""
        ...

    async def answer_offer(self, sdp: str) -> str:
        """Set a remote offer, make and set the local answer, and return its SDP."""
        ...

    async def rollback(self) -> None:
        """Abandon the local offer (glare lost), back to a stable state."""
        ...


class RoapState(enum.StrEnum):
    """Where the session is."""

    IDLE = "idle"
    WAITING_ANSWER = "waiting-answer"
    ANSWERING = "answering"
    CLOSED = "closed"


class _Lost(enum.Enum):
    """How our pending offer ended when it did not get an answer."""

    GLARE_LOST = "glare-lost"  # the server offer won; answer it, then retry
    DOUBLE_CONFLICT = "double-conflict"  # equal tie-breakers; back off, then retry


class RoapSession:
    """One ROAP signalling session.

    Args:
        send: sends a message over ``/media`` and returns the HTTP-path reply.
        peer: makes and applies SDPs.
        answer_timeout: seconds to wait for the answer to an offer.
        tie_breaker: our tie-breaker (``0xFFFFFFFE`` as in the JS SDK's tests).
        max_glare_retries: how often a lost offer is retried.
        seq: the highest sequence number already used on this media session (by an
            earlier session object, e.g. a failed ``add_media``): ROAP sequence numbers
            only ever increase, so the next offer uses one more.
    """

    def __init__(
        self,
        send: SendRoap,
        peer: RoapPeer | None = None,
        *,
        answer_timeout: float = ROAP_OFFER_ANSWER_EXCHANGE_TIMEOUT,
        tie_breaker: int = CLIENT_TIE_BREAKER,
        max_glare_retries: int = 3,
        seq: int = 0,
    ) -> None:
        self._send = send
        self.peer = peer
        self.answer_timeout = answer_timeout
        self.tie_breaker = tie_breaker
        self.max_glare_retries = max_glare_retries
        self.state = RoapState.IDLE
        #: Highest sequence number used or seen in an SDP transaction.
        self.seq = max(0, seq)
        #: Glare events seen (CONFLICT / DOUBLECONFLICT either way).
        self.glare_count = 0
        self._lock = asyncio.Lock()
        self._pending_seq: int | None = None
        self._pending: asyncio.Future[RoapMessage | _Lost] | None = None
        self._stashed_offer: RoapMessage | None = None
        self._last_answer: tuple[int, str] | None = None
        self._waiters: list[
            tuple[int, frozenset[RoapMessageType], asyncio.Future[RoapMessage]]
        ] = []
        #: Set by the media facade: the media server name from the answer's ``o=`` line.
        self.media_server: str | None = None

    def __repr__(self) -> str:
        return f"RoapSession(state={self.state.value}, seq={self.seq})"

    # -- client-initiated ---------------------------------------------------------

    async def negotiate(self) -> None:
        """Run one offer/answer exchange started by us (with glare retries).

        Raises:
            AddMediaFailedError: the server answered with an error, never answered, or the
                request failed.
            MediaError: the session is closed or has no peer.
        """
        peer = self._require_peer()
        async with self._lock:
            try:
                for _attempt in range(self.max_glare_retries + 1):
                    outcome = await self._offer_once(peer)
                    if outcome is None:
                        return
                    if outcome is _Lost.DOUBLE_CONFLICT or self._last_answer is None:
                        # Let the other side's transaction through before retrying.
                        await asyncio.sleep(random.uniform(0.01, 0.1))  # noqa: S311  # jitter
                raise AddMediaFailedError(
                    f"ROAP offer lost to glare {self.max_glare_retries + 1} times in a row"
                )
            finally:
                if self.state is not RoapState.CLOSED:
                    await self._answer_stashed_offer(peer)

    async def _offer_once(self, peer: RoapPeer) -> _Lost | None:
        try:
            sdp = await peer.create_offer()
        except Exception as exc:
            raise MediaError(f"creating the SDP offer failed: {exc}", error=exc) from exc
        self.seq += 1
        seq = self.seq
        offer = RoapMessage(
            RoapMessageType.OFFER,
            seq,
            sdp=sdp,
            tie_breaker=self.tie_breaker,
            headers=(HEADER_INCLUDE_ANSWER_IN_HTTP_RESPONSE, HEADER_NO_OK_IN_TRANSACTION),
        )
        loop = asyncio.get_running_loop()
        self._pending = loop.create_future()
        self._pending_seq = seq
        self.state = RoapState.WAITING_ANSWER
        try:
            stashed, self._stashed_offer = self._stashed_offer, None
            if stashed is not None:
                # A server offer came in while ours was being made: that is glare too.
                await self._receive_offer(stashed)
            try:
                reply = None if self._pending.done() else await self._send(offer)
            except MediaError:
                raise
            except Exception as exc:
                raise AddMediaFailedError(
                    f"sending the ROAP offer failed: {exc}", error=exc
                ) from exc
            if reply is not None:
                await self.receive(reply)
            try:
                async with asyncio.timeout(self.answer_timeout):
                    result = await self._pending
            except TimeoutError:
                raise AddMediaFailedError("Timed out waiting for REMOTE SDP ANSWER") from None
        finally:
            self._pending = None
            self._pending_seq = None
            if self.state is RoapState.WAITING_ANSWER:
                self.state = RoapState.IDLE
        if isinstance(result, _Lost):
            self.glare_count += 1
            await peer.rollback()
            await self._answer_stashed_offer(peer)
            return result
        if result.message_type is RoapMessageType.ANSWER:
            if not result.sdp:
                raise AddMediaFailedError("the ROAP answer has no SDP")
            try:
                await peer.apply_answer(result.sdp)
            except Exception as exc:
                raise AddMediaFailedError(
                    f"the remote answer was refused: {exc}", error=exc
                ) from exc
            self.media_server = _media_server(result.sdp)
            return None
        if result.is_glare_error:
            # The server says our offer collided with its own: let its offer through.
            self.glare_count += 1
            await peer.rollback()
            await self._answer_stashed_offer(peer)
            return (
                _Lost.DOUBLE_CONFLICT
                if result.error_type == RoapErrorType.DOUBLECONFLICT
                else _Lost.GLARE_LOST
            )
        cause = f" ({result.error_cause})" if result.error_cause else ""
        raise AddMediaFailedError(f"the server refused the ROAP offer: {result.error_type}{cause}")

    # -- inbound ------------------------------------------------------------------

    def expect(self, seq: int, types: frozenset[RoapMessageType]) -> asyncio.Future[RoapMessage]:
        """Register interest in a message before sending the request that causes it."""
        future: asyncio.Future[RoapMessage] = asyncio.get_running_loop().create_future()
        self._waiters.append((seq, types, future))
        return future

    def forget(self, future: asyncio.Future[RoapMessage]) -> None:
        """Drop a waiter made by :meth:`expect` (cancelling it if still pending)."""
        if not future.done():
            future.cancel()
        self._waiters = [w for w in self._waiters if w[2] is not future]

    async def receive(self, message: RoapMessage) -> None:
        """Handle a message from the server (Mercury, or the HTTP response of an offer).

        Never raises: a message that cannot be handled is answered with ``ERROR`` when
        the protocol wants a reply, or logged and ignored.
        """
        if self.state is RoapState.CLOSED:
            return
        for seq, types, future in list(self._waiters):
            if seq == message.seq and message.message_type in types and not future.done():
                future.set_result(message)
                return
        kind = message.message_type
        if kind is RoapMessageType.OFFER:
            try:
                await self._receive_offer(message)
            except MediaError as exc:  # no peer yet, or closed meanwhile
                logger.info("roap: server offer seq %s not answered: %s", message.seq, exc)
                if not self.closed:
                    await self._send_error(message.seq, RoapErrorType.FAILED, "no media connection")
        elif kind in (RoapMessageType.ANSWER, RoapMessageType.ERROR):
            pending = self._pending
            if pending is not None and not pending.done() and message.seq == self._pending_seq:
                pending.set_result(message)
            else:
                logger.debug("roap: %r does not match a pending offer; ignored", message)
        elif kind is RoapMessageType.OK:
            logger.debug("roap: OK for seq %s", message.seq)
        else:
            logger.debug("roap: unexpected %r ignored", message)

    async def _receive_offer(self, offer: RoapMessage) -> None:
        pending = self._pending
        if self.state is RoapState.WAITING_ANSWER and pending is not None and not pending.done():
            ours, theirs = self.tie_breaker, offer.tie_breaker or 0
            self.glare_count += 1
            if theirs < ours:
                logger.info("roap: glare on seq %s, our offer wins", offer.seq)
                await self._send_error(offer.seq, RoapErrorType.CONFLICT)
            elif theirs > ours:
                logger.info("roap: glare on seq %s, the server offer wins", offer.seq)
                self._stashed_offer = offer
                pending.set_result(_Lost.GLARE_LOST)
            else:
                logger.info("roap: glare on seq %s with equal tie-breakers", offer.seq)
                await self._send_error(offer.seq, RoapErrorType.DOUBLECONFLICT)
                pending.set_result(_Lost.DOUBLE_CONFLICT)
            return
        if self._last_answer is not None and offer.seq == self._last_answer[0]:
            # A retransmitted offer: the answer got lost, send it again.
            await self._send_reply(
                RoapMessage(RoapMessageType.ANSWER, offer.seq, sdp=self._last_answer[1])
            )
            return
        if offer.seq < self.seq:
            logger.info("roap: stale offer seq %s (current %s) ignored", offer.seq, self.seq)
            return
        if self._lock.locked():
            # Our own transaction is being set up or wrapped up: answer right after it.
            self._stashed_offer = offer
            return
        async with self._lock:
            peer = self._require_peer()
            await self._answer(peer, offer)
            await self._answer_stashed_offer(peer)

    async def _answer_stashed_offer(self, peer: RoapPeer) -> None:
        while self._stashed_offer is not None and self.state is not RoapState.CLOSED:
            offer, self._stashed_offer = self._stashed_offer, None
            await self._answer(peer, offer)

    async def _answer(self, peer: RoapPeer, offer: RoapMessage) -> None:
        self.seq = max(self.seq, offer.seq)
        if not offer.sdp:
            await self._send_error(offer.seq, RoapErrorType.FAILED, "offer without SDP")
            return
        self.state = RoapState.ANSWERING
        try:
            sdp = await peer.answer_offer(offer.sdp)
        except Exception as exc:
            logger.warning("roap: cannot answer the server offer seq %s: %s", offer.seq, exc)
            await self._send_error(offer.seq, RoapErrorType.FAILED, "cannot apply the offer")
            return
        finally:
            if self.state is RoapState.ANSWERING:
                self.state = RoapState.IDLE
        self._last_answer = (offer.seq, sdp)
        await self._send_reply(RoapMessage(RoapMessageType.ANSWER, offer.seq, sdp=sdp))

    async def _send_reply(self, reply: RoapMessage) -> None:
        # The server retransmits its offer when our answer is lost, and the same answer
        # goes out again then: a failed send is no reason to fail anything here.
        try:
            await self._send(reply)
        except Exception as exc:
            logger.warning("roap: sending %r failed: %s", reply, exc)

    async def _send_error(self, seq: int, error_type: str, cause: str | None = None) -> None:
        try:
            await self._send(
                RoapMessage(RoapMessageType.ERROR, seq, error_type=error_type, error_cause=cause)
            )
        except Exception as exc:
            logger.info("roap: sending ERROR %s for seq %s failed: %s", error_type, seq, exc)

    # -- lifecycle ----------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self.state is RoapState.CLOSED

    def _require_peer(self) -> RoapPeer:
        if self.state is RoapState.CLOSED:
            raise MediaError("the media connection is closed")
        if self.peer is None:
            raise MediaError("no peer connection to negotiate")
        return self.peer

    def close(self) -> None:
        """Stop: pending waits fail with :class:`MediaError`."""
        self.state = RoapState.CLOSED
        error = MediaError("the media connection was closed")
        if self._pending is not None and not self._pending.done():
            self._pending.set_exception(error)
        for _seq, _types, future in self._waiters:
            if not future.done():
                future.set_exception(error)
        self._waiters.clear()


def _media_server(sdp: str) -> str | None:
    """The first token after ``o=`` (JS ``MeetingsUtil.getMediaServer``)."""
    for line in sdp.splitlines():
        if line.startswith("o="):
            parts = line[2:].split()
            return parts[0] if parts else None
    return None
