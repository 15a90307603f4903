"""Locus push faults and event modes: gaps, duplicates, reordering, full-DTO events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator

from .locus_support import User, make_user, version


@pytest.fixture
def emu(webex_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return webex_emulator


@pytest.fixture
async def joined(
    emu: ThreadedEmulator,
) -> AsyncIterator[tuple[User, dict[str, Any], str]]:
    """The seeded user joined to a meeting it hosts: (user, join locus, meeting number)."""
    async with httpx.AsyncClient(trust_env=False) as http:
        host = await make_user(emu, http, seeded=True)
        room = emu.create_meeting_room(host_email=emu.person_email)
        locus = await host.enter(emu, room["sipUrl"])
        yield host, locus, room["meetingNumber"]
        await host.close()


async def test_dropped_delta_leaves_a_gap_that_sync_fills(
    emu: ThreadedEmulator, joined: tuple[User, dict[str, Any], str]
) -> None:
    host, locus, number = joined
    known = version(locus["sequence"])
    emu.locus_faults(drop_next=1)
    first = emu.add_participant(number, name="First")
    second = emu.add_participant(number, name="Second")
    event = await host.next_locus()
    # The first change never arrives: the next delta is based on a version never seen.
    assert version(event["locus"]["baseSequence"]) == known + 1
    assert [p["id"] for p in event["locus"]["participants"]] == [second]
    missing = await host.request("GET", locus["syncUrl"])
    assert missing.status_code == 200
    body = missing.json()
    assert version(body["baseSequence"]) == known
    assert version(body["sequence"]) == known + 2
    assert {p["id"] for p in body["participants"]} == {first, second}
    stats = emu.locus_push_state()["stats"]
    assert stats["dropped"] == 1


async def test_duplicated_delta(
    emu: ThreadedEmulator, joined: tuple[User, dict[str, Any], str]
) -> None:
    host, locus, number = joined
    emu.locus_faults(duplicate=True)
    emu.add_participant(number, name="Twice")
    one, two = await host.next_locus(), await host.next_locus()
    assert one == two
    assert version(one["locus"]["baseSequence"]) == version(locus["sequence"])
    emu.add_participant(number, name="Once")
    following = await host.next_locus()
    assert following["locus"]["baseSequence"] == one["locus"]["sequence"]


async def test_reordered_deltas(
    emu: ThreadedEmulator, joined: tuple[User, dict[str, Any], str]
) -> None:
    host, locus, number = joined
    known = version(locus["sequence"])
    emu.locus_faults(reorder=True)
    emu.add_participant(number, name="A")
    emu.add_participant(number, name="B")
    early, late = await host.next_locus(), await host.next_locus()
    assert version(early["locus"]["baseSequence"]) == known + 1, "B arrives first"
    assert version(late["locus"]["baseSequence"]) == known, "then A"
    assert emu.locus_push_state()["stats"]["reordered"] == 1


async def test_clearing_faults_delivers_a_held_event(
    emu: ThreadedEmulator, joined: tuple[User, dict[str, Any], str]
) -> None:
    host, locus, number = joined
    emu.locus_faults(reorder=1, drop_next=0)
    emu.add_participant(number, name="Held")
    state = emu.locus_push_state()
    assert state["held"] == 1
    assert emu.clear_locus_faults() == 0
    event = await host.next_locus()
    assert event["locus"]["baseSequence"] == locus["sequence"]


async def test_full_dto_event_mode(
    emu: ThreadedEmulator, joined: tuple[User, dict[str, Any], str]
) -> None:
    host, locus, number = joined
    emu.locus_event_mode("full")
    sim = emu.add_participant(number, name="Full")
    event = await host.next_locus()
    assert event["eventType"] == "locus.participant_joined"
    dto = event["locus"]
    assert "baseSequence" not in dto
    assert dto["self"]["id"] == locus["self"]["id"]
    assert {p["id"] for p in dto["participants"]} == {locus["self"]["id"], sim}
    assert version(dto["sequence"]) == version(locus["sequence"]) + 1
    emu.mute_participant(number, sim)
    muted = await host.next_locus()
    assert muted["eventType"] == "locus.participant_audio_muted"
    emu.locus_event_mode("delta")
    emu.raise_hand(number, sim)
    assert (await host.next_locus())["eventType"] == "locus.difference"
