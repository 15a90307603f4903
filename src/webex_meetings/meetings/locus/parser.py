"""The Locus DTO parser: orders deltas, blocks on gaps, and resynchronises when needed.

Mirrors the JS ``locus-info/parser.ts`` behaviour:

* deltas wait in a queue sorted by ``baseSequence`` and are handled one at a time;
* a delta built on a version we do not have yet (``WAIT``) blocks the queue and starts a
  timer of ``ooo_wait + random() * ooo_random_delay`` seconds (10 s + 0-5 s by default);
  the missing delta unblocks it, the timer or more than ``max_ooo_count`` queued deltas
  trigger a sync;
* ``DESYNC`` triggers a sync at once; ``LOCUS_URL_CHANGED`` (a breakout move) a full
  sync of the new locus;
* during a sync the queue is held; afterwards deltas it made stale are dropped by the
  ordinary comparison (``USE_CURRENT``), so nothing older than the working copy is ever
  applied and nothing is applied twice.

Full DTOs bypass the queue: they are applied when their last sequence entry is newer.

The parser owns no I/O: applying is an injected callback and a sync is an injected
coroutine (``LocusInfo`` provides both).
"""

from __future__ import annotations

import asyncio
import enum
import random
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from webex_meetings._logging import get_logger
from webex_meetings.meetings.locus.sequence import (
    LocusAction,
    SeqCmp,
    compare,
    compare_full,
    compare_sequence,
    is_locus,
    is_sequence_empty,
    last_entry,
)

__all__ = [
    "MAX_OOO_DELTA_COUNT",
    "OOO_DELTA_WAIT_TIME",
    "OOO_DELTA_WAIT_TIME_RANDOM_DELAY",
    "ApplyCallback",
    "LocusParser",
    "ParserState",
    "SyncCallback",
]

logger = get_logger(__name__)

#: Seconds to wait for a missing delta before syncing (JS ``OOO_DELTA_WAIT_TIME``).
OOO_DELTA_WAIT_TIME = 10.0
#: Largest random extra wait, in seconds (JS ``OOO_DELTA_WAIT_TIME_RANDOM_DELAY``).
OOO_DELTA_WAIT_TIME_RANDOM_DELAY = 5.0
#: More queued deltas than this while blocked → sync (JS ``MAX_OOO_DELTA_COUNT``).
MAX_OOO_DELTA_COUNT = 5

#: ``apply(dto, is_full)``: make ``dto`` the meeting's state; called once per accepted DTO.
ApplyCallback = Callable[[dict[str, Any], bool], None]
#: ``sync(full)``: fetch what changed (a delta, a full DTO, or None for "up to date").
#: ``full=True`` asks for the whole DTO (used when a delta sync did not settle things).
SyncCallback = Callable[[bool], Awaitable[Mapping[str, Any] | None]]


class ParserState(enum.StrEnum):
    """Lifecycle of the parser."""

    IDLE = "IDLE"
    """Nothing queued."""
    WORKING = "WORKING"
    """Handling queued deltas (only seen from inside an ``apply`` callback)."""
    BLOCKED = "BLOCKED"
    """Waiting for a missing delta; the resync timer runs."""
    SYNCING = "SYNCING"
    """A sync is in flight; queued deltas wait for it."""
    CLOSED = "CLOSED"
    """Closed: everything is ignored."""


_EMPTY_SEQUENCE: dict[str, Any] = {"entries": [], "rangeStart": 0, "rangeEnd": 0}


def _order_key(dto: Mapping[str, Any]) -> Mapping[str, Any]:
    return dto.get("baseSequence") or dto.get("sequence") or {}


def _describe(dto: Mapping[str, Any] | None) -> str:
    if dto is None:
        return "none"
    seq = last_entry(dto)
    kind = "delta" if "baseSequence" in dto else "full"
    return f"{kind} seq={seq}" if seq is not None else f"{kind} (empty sequence)"


class LocusParser:
    """Orders and filters incoming Locus DTOs for one meeting.

    Args:
        apply: called with ``(dto, is_full)`` for every DTO that becomes the new working
            copy, in order; never called twice for the same version.
        sync: coroutine fetching the latest state; its result goes through the same
            comparisons (a mapping with ``baseSequence`` is a delta, without one a full
            DTO; ``None`` or ``{}`` means "nothing newer").
        ooo_wait: base seconds to wait for a missing delta.
        ooo_random_delay: largest random extra seconds added to ``ooo_wait``.
        max_ooo_count: queued deltas tolerated while blocked before syncing.
        rng: random source in ``[0, 1)`` for the extra delay (tests pin it).
    """

    def __init__(
        self,
        *,
        apply: ApplyCallback,
        sync: SyncCallback,
        ooo_wait: float = OOO_DELTA_WAIT_TIME,
        ooo_random_delay: float = OOO_DELTA_WAIT_TIME_RANDOM_DELAY,
        max_ooo_count: int = MAX_OOO_DELTA_COUNT,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._apply = apply
        self._sync = sync
        self._ooo_wait = ooo_wait
        self._ooo_random_delay = ooo_random_delay
        self._max_ooo_count = max_ooo_count
        self._rng = rng
        self._queue: list[dict[str, Any]] = []
        self._state = ParserState.IDLE
        self._working_copy: dict[str, Any] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._sync_task: asyncio.Task[None] | None = None
        self._settled = asyncio.Event()
        self._settled.set()
        # A sync whose own result needs another sync is followed by a full one, so a
        # server that keeps answering with unusable deltas cannot loop us forever.
        self._in_sync_followup = False
        self._followup_full = False
        self._force_full_sync = False

    def __repr__(self) -> str:
        return (
            f"LocusParser(state={self._state.value}, queued={len(self._queue)}, "
            f"working_copy={_describe(self._working_copy)})"
        )

    # -- state --------------------------------------------------------------------

    @property
    def state(self) -> ParserState:
        """The current lifecycle state."""
        return self._state

    @property
    def working_copy(self) -> dict[str, Any] | None:
        """The last accepted DTO (a delta or a full DTO), the base of every comparison."""
        return self._working_copy

    @property
    def queued(self) -> int:
        """How many deltas wait in the queue."""
        return len(self._queue)

    def _set_state(self, state: ParserState) -> None:
        if state is not self._state:
            logger.debug("locus parser: %s -> %s", self._state.value, state.value)
        self._state = state
        if state in (ParserState.IDLE, ParserState.CLOSED):
            self._settled.set()
        else:
            self._settled.clear()

    async def wait_settled(self, timeout: float | None = None) -> None:
        """Wait until nothing is queued, blocked or syncing (state IDLE or CLOSED).

        Raises:
            TimeoutError: not settled within ``timeout`` seconds.
        """
        async with asyncio.timeout(timeout):
            await self._settled.wait()

    # -- input --------------------------------------------------------------------

    def on_full(self, dto: Mapping[str, Any]) -> LocusAction:
        """Handle a full DTO: apply it if it is newer than the working copy.

        Returns:
            ``USE_INCOMING`` if applied, else ``USE_CURRENT``.
        """
        if self._state is ParserState.CLOSED or not is_locus(dto):
            logger.debug("locus parser: ignoring full DTO (closed or not a locus)")
            return LocusAction.USE_CURRENT
        action = compare_full(self._working_copy, dto)
        logger.debug("locus parser: full DTO %s -> %s", _describe(dto), action.value)
        if action is not LocusAction.USE_INCOMING:
            return LocusAction.USE_CURRENT
        self._accept(dict(dto), is_full=True)
        if self._state is ParserState.BLOCKED:
            # The new base may make the waiting delta applicable or stale.
            self._process()
        return LocusAction.USE_INCOMING

    def on_delta(self, dto: Mapping[str, Any]) -> None:
        """Queue a delta (or any DTO that must be ordered) and process what can be."""
        if self._state is ParserState.CLOSED:
            return
        if not is_locus(dto):
            logger.debug("locus parser: ignoring a non-locus object")
            return
        self._enqueue(dict(dto))
        if self._state is ParserState.BLOCKED:
            if len(self._queue) > self._max_ooo_count:
                self._trigger_sync("queue too big while blocked on an out-of-order delta")
            else:
                self._process()
        elif self._state is ParserState.IDLE:
            self._process()
        # WORKING: the running loop picks it up; SYNCING: handled after the sync.

    def close(self) -> None:
        """Stop: cancel the timer and any sync, drop the queue, ignore further input."""
        self._stop_timer()
        if self._sync_task is not None and not self._sync_task.done():
            self._sync_task.cancel()
        self._sync_task = None
        self._queue.clear()
        self._set_state(ParserState.CLOSED)

    # -- processing ---------------------------------------------------------------

    def _enqueue(self, dto: dict[str, Any]) -> None:
        if is_sequence_empty(dto):
            self._queue.insert(0, dto)
            return
        key = _order_key(dto)
        for index, queued in enumerate(self._queue):
            if is_sequence_empty(queued):
                continue
            if compare_sequence(key, _order_key(queued)) is SeqCmp.LESS_THAN:
                self._queue.insert(index, dto)
                return
        self._queue.append(dto)

    def _decide(self, dto: Mapping[str, Any]) -> LocusAction | None:
        if self._working_copy is None:
            # Without a base only a complete DTO can be used.
            return None if "baseSequence" in dto else LocusAction.USE_INCOMING
        return compare(self._working_copy, dto)

    def _accept(self, dto: dict[str, Any], *, is_full: bool) -> None:
        self._working_copy = dto
        self._force_full_sync = False
        try:
            self._apply(dto, is_full)
        except Exception:  # one bad DTO must not wedge the parser
            logger.exception("locus parser: applying %s failed", _describe(dto))

    def _process(self) -> None:
        self._set_state(ParserState.WORKING)
        while self._queue:
            dto = self._queue.pop(0)
            action = self._decide(dto)
            logger.debug(
                "locus parser: %s -> %s", _describe(dto), action.value if action else "ignored"
            )
            if action is LocusAction.WAIT and self._in_sync_followup and self._followup_full:
                # The whole DTO was just fetched and this delta still builds on a version
                # Locus did not give us: it cannot be applied, and waiting for it again
                # would only repeat the sync forever.
                logger.info("locus parser: dropping %s after a full sync", _describe(dto))
                continue
            if action is LocusAction.WAIT:
                self._queue.insert(0, dto)
                self._set_state(ParserState.BLOCKED)
                if self._in_sync_followup:
                    self._force_full_sync = True
                self._start_timer()
                return
            self._stop_timer()
            if action is LocusAction.USE_INCOMING:
                self._accept(dto, is_full="baseSequence" not in dto)
                if self._state is not ParserState.WORKING:  # closed from a callback
                    return
            elif action is LocusAction.LOCUS_URL_CHANGED:
                # The new locus cannot be compared with the old one. Keep only its URL
                # with an empty sequence, so the full DTO fetched next is accepted
                # whatever its version (JS keeps the unapplied delta as the base, which
                # makes a same-version full DTO look stale).
                self._working_copy = {"url": dto.get("url"), "sequence": dict(_EMPTY_SEQUENCE)}
                self._force_full_sync = True
                self._trigger_sync("locus URL changed")
                return
            elif action is LocusAction.DESYNC:
                self._trigger_sync("sequence out of sync")
                return
        self._set_state(ParserState.IDLE)

    # -- blocking and sync --------------------------------------------------------

    def _start_timer(self) -> None:
        if self._timer is not None:
            return
        delay = self._ooo_wait + self._rng() * self._ooo_random_delay
        self._timer = asyncio.get_running_loop().call_later(delay, self._on_timer)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _on_timer(self) -> None:
        self._timer = None
        if self._state is ParserState.BLOCKED:
            self._trigger_sync("timer expired while blocked on an out-of-order delta")

    def _trigger_sync(self, reason: str) -> None:
        full = self._in_sync_followup or self._force_full_sync
        logger.info("locus parser: syncing (%s)%s", reason, " with a full DTO" if full else "")
        self._stop_timer()
        self._set_state(ParserState.SYNCING)
        self._sync_task = asyncio.get_running_loop().create_task(
            self._run_sync(full), name="locus-sync"
        )

    async def _run_sync(self, full: bool) -> None:
        result: Mapping[str, Any] | None
        try:
            result = await self._sync(full)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("locus parser: sync failed")
            result = None
        if self._state is ParserState.CLOSED:
            return
        self._sync_task = None
        self._set_state(ParserState.WORKING)
        self._in_sync_followup = True
        self._followup_full = full
        try:
            if result and is_locus(result):
                if "baseSequence" in result:
                    self._enqueue(dict(result))
                elif compare_full(self._working_copy, result) is LocusAction.USE_INCOMING:
                    self._accept(dict(result), is_full=True)
            if self._state is ParserState.WORKING:
                self._process()
        finally:
            self._in_sync_followup = False
