"""Malformed Locus sections are rejected before they reach the meeting state.

A DTO with a list as ``self.id``, a string as ``host`` or junk inside participants used
to leave the bad value in the state, where it broke the member updates of every later
good DTO. Each section is now checked first: a bad one is left out (the last good value
stays) and logged at WARNING without its content, so after any malformed DTOs one good
full DTO brings the members and self state to what they would be without them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webex_meetings import _logging as sdk_logging
from webex_meetings._events import EventEmitter
from webex_meetings.meetings.locus.info import LocusInfo
from webex_meetings.meetings.locus.parser import ParserState
from webex_meetings.meetings.locus.validation import clean_dto, invalid_reason
from webex_meetings.meetings.members import Members

from ..unit._locus_dtos import (
    DEVICE_URL,
    LOCUS_URL,
    SELF_ID,
    delta_dto,
    full_dto,
    participant,
    self_part,
)
from ._support import WAIT
from .test_fuzz import JUNK, Draw, mangle

#: Sections of the sequence parser; their faults are covered by the fuzz tests.
ORDERING = ("sequence", "baseSequence", "syncUrl")
GOOD_SEQ = 10**7


class Logs(logging.Handler):
    """Every record of the SDK at WARNING or above."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def __enter__(self) -> Logs:
        logging.getLogger(sdk_logging.ROOT_LOGGER).addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        logging.getLogger(sdk_logging.ROOT_LOGGER).removeHandler(self)

    def at(self, level: int) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno == level]


def new_info() -> LocusInfo:
    return LocusInfo(
        emitter=EventEmitter(),
        members=Members(),
        device_url=DEVICE_URL,
        ooo_wait=0.001,
        ooo_random_delay=0.001,
    )


def good_dto() -> dict[str, Any]:
    """A later full DTO that changes the roster, the host and a control."""
    return full_dto(
        GOOD_SEQ,
        participants=[
            self_part(),
            participant("part-2", name="Bob"),
            participant("part-3", name="Carol", state="IDLE", devices=[]),
        ],
        host={"id": "person-part-2", "name": "Bob"},
        controls={"lock": {"locked": True}, "record": {"recording": False, "meta": {}}},
    )


def member_view(info: LocusInfo, member_id: str) -> tuple[Any, ...]:
    member = info.members.members_collection.get(member_id)
    assert member is not None, member_id
    return (
        member.name,
        member.status,
        member.is_self,
        member.is_host,
        member.is_guest,
        member.is_audio_muted,
        member.is_video_muted,
        member.roles,
        member.media_status,
        dict(member.raw_participant),
    )


def assert_like_reference(info: LocusInfo) -> None:
    """Members of the good DTO and self equal a state that never saw malformed DTOs."""
    reference = new_info()
    assert reference.init(full_dto(5))
    assert reference.handle_full(good_dto())
    ids = [p["id"] for p in good_dto()["participants"]]
    assert {i: member_view(info, i) for i in ids} == {i: member_view(reference, i) for i in ids}
    assert all(isinstance(key, str) for key in info.members.members_collection.get_all())
    assert info.members.self_id == reference.members.self_id == SELF_ID
    assert info.members.host_id == reference.members.host_id == "person-part-2"
    assert info.self_state == reference.self_state
    assert info.info_state == reference.info_state
    for key in ("self", "host", "info", "controls", "fullState", "mediaShares", "url"):
        assert info.raw.get(key) == reference.raw.get(key), key
    assert info.raw_participants == reference.raw_participants


@st.composite
def malformed(draw: Draw) -> tuple[bool, dict[str, Any]]:
    """A full DTO or a delta (seq 6-9) with a few parts replaced by junk or removed."""
    n = draw(st.integers(6, 9))
    base = draw(
        st.sampled_from(
            [
                full_dto(n),
                delta_dto(5, n, participants=[participant("p9"), self_part()], self=self_part()),
                delta_dto(5, n, host={"id": "person-p9", "name": "P9"}),
            ]
        )
    )
    ordering = {key: base.pop(key) for key in ORDERING if key in base}
    dto = mangle(draw, base, rounds=4, junk=JUNK)
    return "baseSequence" not in ordering, {**dto, **ordering}


async def feed(inputs: list[tuple[bool, dict[str, Any]]]) -> LocusInfo:
    info = new_info()
    assert info.init(full_dto(5))
    for is_full, dto in inputs:
        if is_full:
            info.handle_full(dto)
        else:
            info.handle_delta(dto)
        await info.wait_settled(WAIT)
    assert info.handle_full(good_dto())
    await info.wait_settled(WAIT)
    return info


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs=st.lists(malformed(), min_size=1, max_size=3))
def test_after_malformed_dtos_a_good_full_dto_gives_the_expected_state(
    inputs: list[tuple[bool, dict[str, Any]]],
) -> None:
    with Logs() as logs:
        info = asyncio.run(feed(inputs))
    if info.removed_reason is not None:
        # A junk value may legitimately end the meeting (e.g. self no longer there);
        # the parser then stops, as it does for a good DTO saying so.
        assert info.parser.state is ParserState.CLOSED
        return
    assert_like_reference(info)
    assert logs.at(logging.ERROR) == []  # nothing failed while applying
    for message in logs.at(logging.WARNING):
        assert LOCUS_URL not in message
        assert "https://" not in message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("self", {**self_part(), "id": ["part-self"]}),
        ("self", {**self_part(), "devices": [1, "x"]}),
        ("self", {**self_part(), "controls": "muted"}),
        ("self", [self_part()]),
        ("host", "person-part-2"),
        ("host", {"id": 7}),
        ("info", {"displayHints": {"joined": "LOCK_STATUS_LOCKED"}}),
        ("controls", {"record": {"recording": True, "meta": "someone"}}),
        ("controls", []),
        ("fullState", {"state": ["ACTIVE"]}),
        ("mediaShares", {"name": "content"}),
        ("mediaShares", [{"name": "content", "floor": "GRANTED"}]),
        ("url", ["https://locus/x"]),
        ("links", {"services": "record"}),
        ("participants", {"id": "part-2"}),
    ],
)
async def test_a_malformed_section_keeps_the_last_good_value(key: str, value: Any) -> None:
    info = new_info()
    assert info.init(full_dto(5))
    before = {k: v for k, v in info.raw.items() if k not in ORDERING}
    members_before = dict(info.members.members_collection.get_all())
    with Logs() as logs:
        assert info.handle_full(full_dto(6, **{key: value}))
    warnings = logs.at(logging.WARNING)
    assert len(warnings) == 1
    assert repr(key) in warnings[0]
    assert logs.at(logging.ERROR) == []
    assert {k: v for k, v in info.raw.items() if k not in ORDERING} == before
    assert set(info.members.members_collection.get_all()) == set(members_before)
    assert info.handle_full(good_dto())
    assert_like_reference(info)


@pytest.mark.parametrize(
    "entry",
    [
        {**participant("part-2", name="Bob"), "controls": [1]},
        {**participant("part-2", name="Bob"), "person": "Bob"},
        {**participant("part-2", name="Bob"), "devices": {"url": "x"}},
        {**participant("part-2", name="Bob"), "state": 3},
    ],
)
async def test_a_malformed_participant_keeps_its_last_good_value(entry: dict[str, Any]) -> None:
    info = new_info()
    assert info.init(full_dto(5))
    good_bob = info.raw_participants["part-2"]
    with Logs() as logs:
        info.handle_delta(delta_dto(5, 6, participants=[entry, participant("p9", name="Nine")]))
        await info.wait_settled(WAIT)
    assert len(logs.at(logging.WARNING)) == 1
    assert "Bob" not in logs.at(logging.WARNING)[0]
    assert info.raw_participants["part-2"] == good_bob
    assert info.raw_participants["p9"]["person"]["name"] == "Nine"  # the rest applied
    bob = info.members.members_collection.get("part-2")
    assert bob is not None
    assert bob.name == "Bob"


@pytest.mark.parametrize("entry", [["part-2"], {"id": ["x"]}, {"id": ""}, {"name": "no id"}])
async def test_participant_entries_without_a_string_id_are_skipped(entry: Any) -> None:
    info = new_info()
    assert info.init(full_dto(5))
    with Logs() as logs:
        info.handle_delta(delta_dto(5, 6, participants=[entry]))
        await info.wait_settled(WAIT)
    assert len(logs.at(logging.WARNING)) == 1
    assert set(info.raw_participants) == {SELF_ID, "part-2"}
    assert all(isinstance(k, str) for k in info.members.members_collection.get_all())


def test_sections_unknown_or_of_the_sequence_parser_are_not_judged() -> None:
    assert invalid_reason("somethingNew", [1, {"x": 2}]) is None
    for key in ORDERING:
        assert invalid_reason(key, ["junk"]) is None
    assert invalid_reason("self", None) is None  # an absent section, not a bad one
    dto = {"sequence": "junk", "somethingNew": 5, "host": "junk"}
    assert clean_dto(dto, {}) == {"sequence": "junk", "somethingNew": 5}
