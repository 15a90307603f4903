"""Locus sequence comparison against the vectors in data/locus_sequence_vectors.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

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

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "locus_sequence_vectors.json").read_text()
)
SEQS = VECTORS["sequences"]


@pytest.mark.parametrize("case", sorted(VECTORS["comparisons"]))
def test_compare_sequence_vectors(case: str) -> None:
    spec = VECTORS["comparisons"][case]
    result = compare_sequence(SEQS[spec["current"]], SEQS[spec["new"]])
    assert result == SeqCmp(spec["result"])


@pytest.mark.parametrize("case", sorted(VECTORS["update_actions"]))
def test_compare_update_action_vectors(case: str) -> None:
    spec = VECTORS["update_actions"][case]
    current: dict[str, Any] = {"sequence": SEQS[spec["current"]]}
    incoming: dict[str, Any] = {"sequence": SEQS[spec["new"]]}
    if "newbase" in spec:
        incoming["baseSequence"] = SEQS[spec["newbase"]]
    if "currentUrl" in spec:
        current["url"] = spec["currentUrl"]
        incoming["url"] = spec["newUrl"]
    assert compare(current, incoming) == LocusAction(spec["result"])


def test_every_rule_outcome_is_covered() -> None:
    results = {spec["result"] for spec in VECTORS["comparisons"].values()}
    actions = {spec["result"] for spec in VECTORS["update_actions"].values()}
    assert results == {c.value for c in SeqCmp}
    assert actions == {a.value for a in LocusAction}


def _dto(*entries: int, start: int = 0, end: int = 0) -> dict[str, Any]:
    return {"sequence": {"entries": list(entries), "rangeStart": start, "rangeEnd": end}}


@pytest.mark.parametrize(
    ("current", "incoming", "expected"),
    [
        (None, _dto(10), LocusAction.USE_INCOMING),
        (_dto(1, 2, 100), _dto(1, 10, 101), LocusAction.USE_INCOMING),
        (_dto(1, 2, 100), _dto(1, 10, 100), LocusAction.USE_CURRENT),
        (_dto(1, 2, 100), _dto(1, 10, 99), LocusAction.USE_CURRENT),
        (_dto(1, 2, 3), _dto(), LocusAction.USE_INCOMING),
        (_dto(), _dto(1, 2, 3), LocusAction.USE_INCOMING),
        # a range-only sequence is not empty, and has no last entry to be newer with
        (_dto(5), _dto(start=1, end=9), LocusAction.USE_CURRENT),
    ],
)
def test_compare_full(current: Any, incoming: Any, expected: LocusAction) -> None:
    assert compare_full(current, incoming) == expected


def test_is_locus_needs_both_range_keys() -> None:
    assert is_locus({"sequence": {"entries": [], "rangeStart": 0, "rangeEnd": 0}})
    assert not is_locus({"sequence": {"entries": [1], "rangeStart": 0}})
    assert not is_locus({"url": "x"})
    assert not is_locus(None)


def test_sequence_empty_requires_explicit_zero_range() -> None:
    assert is_sequence_empty(_dto())
    assert not is_sequence_empty({"sequence": {"entries": []}})
    assert not is_sequence_empty(_dto(start=3, end=4))
    assert last_entry(_dto(4, 9)) == 9
    assert last_entry(_dto()) is None
