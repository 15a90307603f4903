"""Locus state convergence under delta faults, sync_meetings(), meetings made from Locus."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import Meeting, MeetingLifecycle, MeetingRemovedReason

from ._meetings import WAIT, Recorder, registered, statuses


def snapshot(meeting: Meeting) -> dict[str, Any]:
    """The parts of the client's Locus state that must match the server's."""
    raw = meeting.locus_info.raw
    return {
        "participants": {
            pid: (p.get("state"), p.get("controls"))
            for pid, p in meeting.locus_info.raw_participants.items()
        },
        "controls": raw.get("controls"),
        "fullState": raw.get("fullState"),
    }


def expected(locus: dict[str, Any]) -> dict[str, Any]:
    """The same parts of the emulator's full DTO."""
    return {
        "participants": {
            p["id"]: (p.get("state"), p.get("controls")) for p in locus["participants"]
        },
        "controls": locus.get("controls"),
        "fullState": locus.get("fullState"),
    }


async def converged(emulator: Emulator, meeting: Meeting, room: str, email: str) -> None:
    """Wait until the client's state equals the emulator's (both settled)."""
    async with asyncio.timeout(WAIT * 2):
        while True:
            await meeting.locus_info.wait_settled()
            want = expected(await emulator.locus(room, email=email))
            if snapshot(meeting) == want:
                return
            await asyncio.sleep(0.05)


@pytest.mark.parametrize(
    "fault", [{"reorder": 2}, {"duplicate": 2}, {"drop_next": 1}], ids=lambda f: next(iter(f))
)
async def test_delta_faults_converge(
    emulator: Emulator, connect: Callable[..., Webex], fault: dict[str, int]
) -> None:
    room = await emulator.create_meeting_room(host_email=emulator.person_email)
    bot = await registered(emulator, connect)
    meeting = await bot.meetings.create(room["sipUrl"])
    await meeting.join()
    roster = Recorder(meeting.members, "members:update")
    await meeting.locus_info.wait_settled(WAIT)
    await emulator.clear_requests()

    await emulator.locus_faults(**fault)
    # More changes than the parser keeps queued behind a gap, so a drop resyncs at once.
    ids = [await emulator.add_participant(room["meetingId"], name=f"P{n}") for n in range(7)]
    await emulator.mute_participant(room["meetingId"], ids[0])
    await emulator.raise_hand(room["meetingId"], ids[1])
    await meeting.lock_meeting()

    await converged(emulator, meeting, room["meetingId"], emulator.person_email)
    await roster.until(
        lambda: all(statuses(meeting).get(f"P{n}") == "IN_MEETING" for n in range(7))
    )
    stats = (await emulator.locus_push_state())["stats"]
    kind = next(iter(fault)).replace("drop_next", "dropped").replace("reorder", "reordered")
    assert stats[kind.replace("duplicate", "duplicated")] >= 1
    assert meeting.locked
    assert meeting.lifecycle is MeetingLifecycle.JOINED
    if "drop_next" in fault:  # a gap can only be closed by fetching the state
        assert await emulator.requests(method="GET", path="*/loci/*")


async def test_sync_removes_ended_meetings_but_keeps_unjoined_ones(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    first = await emulator.create_meeting_room(title="Ends")
    second = await emulator.create_meeting_room(title="Not joined")
    bot = await registered(emulator, connect)
    removed = Recorder(bot.meetings, "meeting:removed")
    joined = await bot.meetings.create(first["sipUrl"])
    await joined.join()
    await emulator.add_participant(first["meetingId"], name="Bob")
    await emulator.start_locus(second["meetingId"])  # its info now has a locusUrl
    waiting = await bot.meetings.create(second["sipUrl"])
    assert waiting.locus_url

    await emulator.locus_faults(drop_next=1)
    await emulator.end_meeting_for_all(first["meetingId"])  # the client never hears of it
    assert joined.lifecycle is MeetingLifecycle.JOINED

    await bot.meetings.sync_meetings()

    assert removed.payloads("meeting:removed") == [
        {"meetingId": joined.id, "reason": MeetingRemovedReason.NO_MEETINGS_TO_SYNC}
    ]
    assert bot.meetings.get_all_meetings() == {waiting.id: waiting}


async def test_other_device_learns_the_meeting_from_sync(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room()
    first = await registered(emulator, connect)
    meeting = await first.meetings.create(room["sipUrl"])
    await meeting.join()

    second = await registered(emulator, connect)
    added = Recorder(second.meetings, "meeting:added")
    await second.meetings.sync_meetings()

    [payload] = added.payloads("meeting:added")
    other = payload["meeting"]
    assert payload["type"] == "JOIN"
    assert other.locus_url == meeting.locus_url
    assert other.type == "MEETING"
    assert other.self_id == meeting.self_id  # same user, other device
    assert other.lifecycle is MeetingLifecycle.NEW  # not joined on this device
    assert other.meeting_number == room["meetingNumber"]  # looked up from the Locus info


@pytest.mark.parametrize("as_delta", [False, True], ids=["full", "delta"])
async def test_unknown_locus_event_creates_a_meeting(
    emulator: Emulator, connect: Callable[..., Webex], as_delta: bool
) -> None:
    room = await emulator.create_meeting_room()
    await emulator.add_participant(room["meetingId"], name="Host", email=emulator.person_email)
    bot = await registered(emulator, connect)
    added = Recorder(bot.meetings, "meeting:added")
    locus = await emulator.locus(room["meetingId"], email=emulator.person_email)
    event_type = "locus.participant_joined"
    if as_delta:
        event_type = "locus.difference"
        locus = {**locus, "baseSequence": locus["sequence"]}

    await emulator.publish_event(
        {"eventType": event_type, "locusUrl": locus["url"], "locus": locus},
        device_url=bot.internal.device.url,
    )

    await added.until(lambda: bool(added.payloads("meeting:added")))
    [payload] = added.payloads("meeting:added")
    assert payload["type"] == "JOIN"
    assert payload["meeting"].locus_url == locus["url"]
    assert "Host" in statuses(payload["meeting"])


async def test_reconnect_resyncs_meetings(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room()
    bot = await registered(emulator, connect)
    removed = Recorder(bot.meetings, "meeting:removed")
    meeting = await bot.meetings.create(room["sipUrl"])
    await meeting.join()
    await emulator.locus_faults(drop_next=1)
    await emulator.end_meeting_for_all(room["meetingId"])  # lost with the connection
    assert meeting.lifecycle is MeetingLifecycle.JOINED

    await emulator.drop_mercury(device_url=bot.internal.device.url)

    await removed.until(lambda: bool(removed.payloads("meeting:removed")))
    assert removed.payloads("meeting:removed") == [
        {"meetingId": meeting.id, "reason": MeetingRemovedReason.NO_MEETINGS_TO_SYNC}
    ]
    assert await emulator.requests(method="GET", path="*/locus/api/v1/loci")
