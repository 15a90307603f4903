"""Locus sequence comparison: which of two Locus versions is newer, and what to do with a DTO.

A Locus ``sequence`` is ``{entries: [int...], rangeStart: int, rangeEnd: int}``: a sorted
list of recent version numbers plus a range summarising older ones (``0..0`` = no range).
The rules below are the JS SDK's, in the same order and with the same edge cases: the
JS code compares possibly-missing numbers, where ``undefined > x`` and ``NaN < x`` are
both false, so the helpers here treat ``None`` the same way. That matters for the empty
and range-only sequences the test vectors exercise.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "LocusAction",
    "SeqCmp",
    "compare",
    "compare_full",
    "compare_sequence",
    "is_locus",
    "is_sequence_empty",
    "last_entry",
]


class SeqCmp(enum.StrEnum):
    """Result of comparing the *current* sequence with an *incoming* one.

    ``LESS_THAN`` means "current is older" (the incoming one is newer).
    """

    EQUAL = "EQUAL"
    LESS_THAN = "LESS_THAN"
    GREATER_THAN = "GREATER_THAN"
    DESYNC = "DESYNC"


class LocusAction(enum.StrEnum):
    """What to do with an incoming Locus DTO (JS ``Parser.loci`` actions)."""

    USE_INCOMING = "USE_INCOMING"
    USE_CURRENT = "USE_CURRENT"
    WAIT = "WAIT"
    DESYNC = "DESYNC"
    LOCUS_URL_CHANGED = "LOCUS_URL_CHANGED"


Number = int | float | None


def _gt(a: Number, b: Number) -> bool:
    return a is not None and b is not None and a > b


def _lt(a: Number, b: Number) -> bool:
    return a is not None and b is not None and a < b


def _sub(a: Number, b: Number) -> float:
    if a is None or b is None:
        return math.nan
    return float(a - b)


@dataclass
class _Meta:
    start: Number
    end: Number
    min: Number
    max: Number
    entries: list[int]
    unique: list[int]


def _meta(sequence: Mapping[str, Any]) -> _Meta:
    entries = list(sequence.get("entries") or [])
    first = entries[0] if entries else None
    last = entries[-1] if entries else None
    start = sequence.get("rangeStart")
    end = sequence.get("rangeEnd")
    return _Meta(
        start=start,
        end=end,
        # JS: ``start || first`` and ``last || end`` (0 counts as absent).
        min=start if start else first,
        max=last if last else end,
        entries=entries,
        unique=[],
    )


def _unique(base: _Meta, other: _Meta) -> list[int]:
    """Entries of ``base`` that ``other`` neither lists nor covers with its range."""
    others = set(other.entries)
    diff = [n for n in base.entries if n not in others]
    return sorted(n for n in diff if _lt(n, other.start) or _gt(n, other.end))


def _check_overlap(cur: _Meta, inc: _Meta) -> SeqCmp | None:
    if _gt(cur.min, inc.max):
        return SeqCmp.GREATER_THAN
    if _lt(cur.max, inc.min):
        return SeqCmp.LESS_THAN
    return None


def _check_unequal_ranges(cur: _Meta, inc: _Meta) -> SeqCmp | None:
    if cur.unique or inc.unique:
        return None
    # Quirk kept from the JS code: the "range" is rangeEnd minus the minimum.
    cur_range = _sub(cur.end, cur.min)
    inc_range = _sub(inc.end, inc.min)
    if cur_range > inc_range:
        return SeqCmp.GREATER_THAN
    if cur_range < inc_range:
        return SeqCmp.LESS_THAN
    return SeqCmp.EQUAL


def _check_unique_entries(cur: _Meta, inc: _Meta) -> SeqCmp | None:
    if cur.unique and not inc.unique:
        return SeqCmp.GREATER_THAN
    if inc.unique and not cur.unique:
        return SeqCmp.LESS_THAN
    return None


def _check_out_of_sync(cur: _Meta, inc: _Meta) -> SeqCmp:
    neither_has_range = not cur.start and not cur.end and not inc.start and not inc.end

    def overlaps(values: Sequence[int], low: Number, high: Number) -> bool:
        return any(_lt(low, v) and _lt(v, high) for v in values)

    if (
        neither_has_range
        or overlaps(cur.unique, inc.min, inc.max)
        or overlaps(inc.unique, cur.min, cur.max)
    ):
        return SeqCmp.DESYNC
    cur_min = cur.unique[0] if cur.unique else None
    inc_min = inc.unique[0] if inc.unique else None
    return SeqCmp.GREATER_THAN if _gt(cur_min, inc_min) else SeqCmp.LESS_THAN


def compare_sequence(current: Mapping[str, Any], incoming: Mapping[str, Any]) -> SeqCmp:
    """Compare two sequence objects (JS ``Parser.compareSequence``).

    Args:
        current: the sequence of the working copy.
        incoming: the sequence of the incoming DTO (or its ``baseSequence``).

    Returns:
        ``LESS_THAN`` if ``incoming`` is newer, ``GREATER_THAN`` if ``current`` is newer,
        ``EQUAL``, or ``DESYNC`` when the two cannot be ordered.
    """
    cur = _meta(current)
    inc = _meta(incoming)
    cur.unique = _unique(cur, inc)
    inc.unique = _unique(inc, cur)
    for rule in (_check_overlap, _check_unequal_ranges, _check_unique_entries):
        result = rule(cur, inc)
        if result is not None:
            return result
    return _check_out_of_sync(cur, inc)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_sequence(sequence: Any) -> bool:
    """A sequence object every comparison can work with: numbers, or nothing, throughout."""
    if not isinstance(sequence, Mapping) or "rangeStart" not in sequence:
        return False
    if "rangeEnd" not in sequence:
        return False
    entries = sequence.get("entries")
    if entries is not None and not (
        isinstance(entries, list) and all(_is_number(entry) for entry in entries)
    ):
        return False
    return all(
        sequence.get(bound) is None or _is_number(sequence.get(bound))
        for bound in ("rangeStart", "rangeEnd")
    )


def is_locus(dto: Any) -> bool:
    """True if ``dto`` looks like a Locus DTO: ``sequence`` has ``rangeStart`` and ``rangeEnd``.

    The sequence (and a delta's ``baseSequence``) must hold numbers where numbers go: a
    malformed one cannot be ordered, so the DTO is not a Locus DTO (it is ignored).
    """
    if not isinstance(dto, Mapping) or not _is_sequence(dto.get("sequence")):
        return False
    base = dto.get("baseSequence")
    return base is None or _is_sequence(base)


def is_sequence_empty(dto: Mapping[str, Any]) -> bool:
    """True if the DTO's sequence has no entries and the range ``0..0``."""
    sequence = dto.get("sequence") or {}
    return (
        not sequence.get("entries")
        and sequence.get("rangeStart", None) == 0
        and sequence.get("rangeEnd", None) == 0
    )


def last_entry(dto: Mapping[str, Any] | None) -> int | None:
    """The newest version number of a DTO (last ``sequence.entries`` item), if any."""
    if not dto:
        return None
    sequence = dto.get("sequence")
    entries = sequence.get("entries") if isinstance(sequence, Mapping) else None
    return entries[-1] if isinstance(entries, list) and entries else None


def _to_action(result: SeqCmp) -> LocusAction:
    if result is SeqCmp.LESS_THAN:
        return LocusAction.USE_INCOMING
    if result is SeqCmp.DESYNC:
        return LocusAction.DESYNC
    return LocusAction.USE_CURRENT


def compare(current: Mapping[str, Any], incoming: Mapping[str, Any]) -> LocusAction:
    """Decide what to do with ``incoming`` given the working copy (JS ``Parser.compare``).

    Works for full DTOs (no ``baseSequence``: newer → ``USE_INCOMING``) and deltas
    (applied only on top of a version the working copy has, otherwise ``WAIT`` or
    ``DESYNC``; a changed locus URL → ``LOCUS_URL_CHANGED``).

    Args:
        current: the working copy (a DTO with ``sequence``).
        incoming: the incoming DTO.

    Returns:
        The action.
    """
    if is_sequence_empty(current) or is_sequence_empty(incoming):
        return LocusAction.USE_INCOMING
    current_seq = current.get("sequence") or {}
    incoming_seq = incoming.get("sequence") or {}
    result = compare_sequence(current_seq, incoming_seq)
    base = incoming.get("baseSequence")
    if base is None:
        return _to_action(result)
    if result is not SeqCmp.LESS_THAN:
        return _to_action(result)
    if incoming.get("url") != current.get("url"):
        # Moving to or from a breakout changes the URL and the base: not comparable.
        return LocusAction.LOCUS_URL_CHANGED
    against_base = compare_sequence(current_seq, base)
    if against_base in (SeqCmp.GREATER_THAN, SeqCmp.EQUAL):
        return LocusAction.USE_INCOMING
    if against_base is SeqCmp.LESS_THAN:
        # base == sequence is Locus' way of saying "too big for Mercury: fetch it".
        if compare_sequence(base, incoming_seq) is SeqCmp.EQUAL:
            return LocusAction.DESYNC
        return LocusAction.WAIT
    return LocusAction.DESYNC


def compare_full(current: Mapping[str, Any] | None, incoming: Mapping[str, Any]) -> LocusAction:
    """Decide whether a full DTO replaces the working copy (JS ``compareFullDtoSequence``).

    Returns:
        ``USE_INCOMING`` when there is no working copy, either sequence is empty, or the
        incoming last entry is greater than the current one; else ``USE_CURRENT``.
    """
    if current is None or is_sequence_empty(current) or is_sequence_empty(incoming):
        return LocusAction.USE_INCOMING
    if _gt(last_entry(incoming), last_entry(current)):
        return LocusAction.USE_INCOMING
    return LocusAction.USE_CURRENT
