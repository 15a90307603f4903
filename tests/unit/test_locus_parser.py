"""The Locus DTO parser: ordering, blocking on gaps, resync, and convergence."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webex_meetings.meetings.locus.parser import LocusParser, ParserState
from webex_meetings.meetings.locus.sequence import LocusAction, last_entry

from ._locus_dtos import LOCUS_URL, delta_dto, full_dto, seq


class Harness:
    """A parser with a recording ``apply`` and a scripted ``sync``."""

    def __init__(self, *, sync_result: Any = None, ooo_wait: float = 60.0, **kw: Any) -> None:
        self.applied: list[tuple[int | None, bool]] = []
        self.sync_calls: list[bool] = []
        self.sync_result = sync_result
        self.parser = LocusParser(
            apply=self.apply,
            sync=self.sync,
            ooo_wait=ooo_wait,
            ooo_random_delay=0.0,
            **kw,
        )

    def apply(self, dto: dict[str, Any], is_full: bool) -> None:
        self.applied.append((last_entry(dto), is_full))

    async def sync(self, full: bool) -> Mapping[str, Any] | None:
        self.sync_calls.append(full)
        result = self.sync_result
        return result(full) if callable(result) else result

    @property
    def seqs(self) -> list[int | None]:
        return [s for s, _ in self.applied]


async def test_full_then_deltas_apply_in_order() -> None:
    h = Harness()
    assert h.parser.on_full(full_dto(1)) is LocusAction.USE_INCOMING
    h.parser.on_delta(delta_dto(1, 2))
    h.parser.on_delta(delta_dto(2, 3))
    assert h.applied == [(1, True), (2, False), (3, False)]
    assert h.parser.state is ParserState.IDLE
    assert h.sync_calls == []


async def test_duplicates_and_stale_dtos_are_never_applied_twice() -> None:
    h = Harness()
    h.parser.on_full(full_dto(5))
    assert h.parser.on_full(full_dto(5)) is LocusAction.USE_CURRENT
    assert h.parser.on_full(full_dto(4)) is LocusAction.USE_CURRENT
    h.parser.on_delta(delta_dto(5, 6))
    h.parser.on_delta(delta_dto(5, 6))
    h.parser.on_delta(delta_dto(3, 4))
    assert h.seqs == [5, 6]


async def test_gap_blocks_until_the_missing_delta_arrives() -> None:
    h = Harness()
    h.parser.on_full(full_dto(1))
    h.parser.on_delta(delta_dto(3, 4))
    h.parser.on_delta(delta_dto(2, 3))
    assert h.parser.state is ParserState.BLOCKED
    assert h.seqs == [1]
    h.parser.on_delta(delta_dto(1, 2))
    assert h.seqs == [1, 2, 3, 4]
    assert h.parser.state is ParserState.IDLE
    assert h.sync_calls == []


async def test_timer_expiry_syncs_and_drops_what_the_sync_superseded() -> None:
    h = Harness(ooo_wait=0.01, sync_result=delta_dto(1, 3))
    h.parser.on_full(full_dto(1))
    h.parser.on_delta(delta_dto(2, 3))
    assert h.parser.state is ParserState.BLOCKED
    await h.parser.wait_settled(timeout=5)
    assert h.sync_calls == [False]
    assert h.seqs == [1, 3]
    assert h.parser.state is ParserState.IDLE


async def test_more_than_five_queued_while_blocked_syncs_without_waiting() -> None:
    h = Harness(ooo_wait=3600, sync_result=full_dto(9))
    h.parser.on_full(full_dto(1))
    for n in range(3, 9):  # base 2..7: all wait for the missing delta 1 -> 2
        h.parser.on_delta(delta_dto(n - 1, n))
    await h.parser.wait_settled(timeout=5)
    assert h.sync_calls == [False]
    assert h.applied == [(1, True), (9, True)]


async def test_base_equal_to_sequence_means_desync() -> None:
    h = Harness(sync_result=full_dto(5))
    h.parser.on_full(full_dto(1))
    h.parser.on_delta({**delta_dto(5, 5)})
    assert h.parser.state is ParserState.SYNCING
    await h.parser.wait_settled(timeout=5)
    assert h.seqs == [1, 5]


async def test_empty_sync_answer_means_up_to_date() -> None:
    h = Harness(ooo_wait=0.0, sync_result=None)
    h.parser.on_full(full_dto(1))
    h.parser.on_delta(delta_dto(5, 6))
    await h.parser.wait_settled(timeout=5)
    # a delta sync found nothing, then a full one: the orphan delta is dropped
    assert h.sync_calls == [False, True]
    assert h.seqs == [1]
    assert h.parser.queued == 0
    h.parser.on_delta(delta_dto(1, 2))
    assert h.seqs == [1, 2]


async def test_sync_answer_that_is_still_unusable_leads_to_a_full_sync() -> None:
    answers = [delta_dto(7, 8), full_dto(8)]

    def sync(full: bool) -> Any:
        return answers.pop(0)

    h = Harness(ooo_wait=0.0, sync_result=sync)
    h.parser.on_full(full_dto(1))
    h.parser.on_delta(delta_dto(3, 4))
    await h.parser.wait_settled(timeout=5)
    assert h.sync_calls == [False, True]
    assert h.seqs == [1, 8]


async def test_locus_url_change_takes_the_new_locus_in_full() -> None:
    other = "https://locus-a.wbx2.com/locus/api/v1/loci/breakout-1"
    new_full = {**full_dto(3), "url": other}
    h = Harness(sync_result=new_full)
    h.parser.on_full(full_dto(10))
    h.parser.on_delta({**delta_dto(10, 11), "url": other})
    await h.parser.wait_settled(timeout=5)
    assert h.sync_calls == [True]
    assert h.applied == [(10, True), (3, True)]
    assert h.parser.working_copy is not None
    assert h.parser.working_copy["url"] == other


async def test_full_dto_unblocks_a_waiting_parser() -> None:
    h = Harness()
    h.parser.on_full(full_dto(1))
    h.parser.on_delta(delta_dto(4, 5))
    h.parser.on_delta(delta_dto(3, 4))
    assert h.parser.state is ParserState.BLOCKED
    h.parser.on_full(full_dto(3))
    assert h.seqs == [1, 3, 4, 5]
    assert h.parser.state is ParserState.IDLE


async def test_deltas_before_any_base_are_ignored_but_a_full_one_is_taken() -> None:
    h = Harness()
    h.parser.on_delta(delta_dto(1, 2))
    assert h.applied == []
    h.parser.on_delta({"url": LOCUS_URL, "sequence": seq(7)})
    assert h.applied == [(7, True)]


async def test_non_locus_objects_are_ignored() -> None:
    h = Harness()
    h.parser.on_full({"url": LOCUS_URL})
    h.parser.on_delta({"sequence": {"entries": [1]}})
    assert h.applied == []


async def test_an_apply_error_does_not_wedge_the_parser() -> None:
    calls: list[int | None] = []

    def apply(dto: dict[str, Any], is_full: bool) -> None:
        calls.append(last_entry(dto))
        if last_entry(dto) == 2:
            raise RuntimeError("boom")

    async def sync(full: bool) -> None:
        return None

    parser = LocusParser(apply=apply, sync=sync)
    parser.on_full(full_dto(1))
    parser.on_delta(delta_dto(1, 2))
    parser.on_delta(delta_dto(2, 3))
    assert calls == [1, 2, 3]
    assert parser.state is ParserState.IDLE


async def test_close_cancels_the_sync_and_ignores_input() -> None:
    started = asyncio.Event()

    async def slow_sync(full: bool) -> Mapping[str, Any] | None:
        started.set()
        await asyncio.sleep(3600)
        return None

    applied: list[Any] = []
    parser = LocusParser(apply=lambda d, f: applied.append(d), sync=slow_sync)
    parser.on_full(full_dto(1))
    parser.on_delta(delta_dto(4, 4))
    await asyncio.wait_for(started.wait(), 5)
    parser.close()
    parser.on_full(full_dto(9))
    parser.on_delta(delta_dto(1, 2))
    await parser.wait_settled(timeout=5)
    assert parser.state is ParserState.CLOSED
    assert len(applied) == 1


# -- property: any delivery order converges ------------------------------------------


async def _deliver(
    order: list[int], drops: set[int], n: int
) -> tuple[list[tuple[int, int | None]], dict[str, Any] | None]:
    """Deliver deltas 1..n (by number, duplicates allowed) after the base full DTO 0."""
    applied: list[tuple[int, int | None]] = []
    server_final = full_dto(n, controls={"value": n})
    state: dict[str, Any] = {}

    def apply(dto: dict[str, Any], is_full: bool) -> None:
        entry = last_entry(dto)
        assert entry is not None
        base = None if is_full else last_entry({"sequence": dto["baseSequence"]})
        applied.append((entry, base))
        state.update(dto.get("controls") or {})

    async def sync(full: bool) -> Mapping[str, Any]:
        await asyncio.sleep(0)
        return server_final

    parser = LocusParser(
        apply=apply, sync=sync, ooo_wait=0.002, ooo_random_delay=0.002, max_ooo_count=5
    )
    parser.on_full(full_dto(0, controls={"value": 0}))
    for number in order:
        if number in drops:
            continue
        parser.on_delta(delta_dto(number - 1, number, controls={"value": number}))
        await asyncio.sleep(0)
    await parser.wait_settled(timeout=10)
    assert last_entry(parser.working_copy) == n
    return applied, state


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.data(),
    n=st.integers(min_value=1, max_value=12),
)
def test_any_permutation_with_duplicates_converges(data: st.DataObject, n: int) -> None:
    numbers = list(range(1, n + 1))
    extra = data.draw(st.lists(st.sampled_from(numbers), max_size=n), label="duplicates")
    order = data.draw(st.permutations(numbers + extra), label="order")
    # Any delta may be lost except the last one (without it nothing tells us we are behind).
    drops = set(data.draw(st.lists(st.sampled_from(numbers[:-1] or [0]), max_size=3)))
    drops.discard(n)
    applied, state = asyncio.run(_deliver(list(order), drops, n))
    assert state == {"value": n}
    assert applied[0] == (0, None)
    for (previous, _), (entry, base) in itertools.pairwise(applied):
        # never anything older than (or equal to) what was already applied ...
        assert entry > previous
        # ... and a delta only on top of the version it was built on
        assert base is None or base == previous
