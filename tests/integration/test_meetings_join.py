"""meetings.create() and Meeting.join()/leave() against the emulator's meeting info and Locus."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import (
    DestinationType,
    MeetingLifecycle,
    MeetingRemovedReason,
    NoMeetingInfoError,
    ParameterError,
    PasswordStatus,
    SpaceIDDeprecatedError,
)

from ._meetings import WAIT, Recorder, config, registered, statuses


async def test_join_by_sip_url_roster_and_leave(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(title="Standup")
    webex = await registered(emulator, connect)
    added = Recorder(webex.meetings, "meeting:added", "meeting:removed")

    meeting = await webex.meetings.create(room["sipUrl"])

    assert added.payloads("meeting:added") == [{"meeting": meeting, "type": "CREATED"}]
    assert meeting.destination_type is DestinationType.SIP_URI
    assert meeting.sip_uri == room["sipUrl"]
    assert meeting.meeting_number == room["meetingNumber"]
    assert meeting.password_status is PasswordStatus.NOT_REQUIRED
    assert meeting.permission_token
    assert meeting.meeting_info["meetingNumber"] == room["meetingNumber"]
    assert webex.meetings.get_all_meetings() == {meeting.id: meeting}
    assert meeting.lifecycle is MeetingLifecycle.NEW

    roster = Recorder(meeting.members, "members:update")
    events = Recorder(meeting, "meeting:stateChange", "meeting:ringing", "meeting:lifecycle")
    response = await meeting.join()

    assert meeting.lifecycle is MeetingLifecycle.JOINED
    assert meeting.is_joined()
    assert meeting.state == "JOINED"
    assert meeting.meeting_state == "ACTIVE"
    assert meeting.type == "MEETING"
    assert meeting.locus_url == response.locus_url
    assert meeting.self_id == response.self_id == meeting.members.self_id
    assert events.payloads("meeting:ringing") == [{"type": "JOIN", "id": meeting.id}]
    assert events.payloads("meeting:stateChange")[0]["payload"]["currentState"] == "ACTIVE"
    assert [p["current"] for p in events.payloads("meeting:lifecycle")] == [
        MeetingLifecycle.JOINING,
        MeetingLifecycle.JOINED,
    ]
    me = meeting.members.members_collection.get(str(meeting.self_id))
    assert me is not None
    assert me.is_self
    assert me.is_in_meeting

    # Simulated attendees come and go; the roster follows over Mercury.
    alice = await emulator.add_participant(room["meetingId"], name="Alice")
    await roster.until(lambda: statuses(meeting).get("Alice") == "IN_MEETING")
    await emulator.remove_participant(room["meetingId"], alice)
    await roster.until(lambda: statuses(meeting).get("Alice") == "NOT_IN_MEETING")
    updates = roster.payloads("members:update")
    assert any(m.name == "Alice" for u in updates for m in u["delta"]["added"])

    # Bob stays, so the meeting goes on after we leave: Locus removes only us.
    await emulator.add_participant(room["meetingId"], name="Bob")
    await roster.until(lambda: statuses(meeting).get("Bob") == "IN_MEETING")
    await meeting.leave()
    await added.until(lambda: bool(added.payloads("meeting:removed")))
    assert added.payloads("meeting:removed") == [
        {"meetingId": meeting.id, "reason": MeetingRemovedReason.SELF_REMOVED}
    ]
    assert meeting.lifecycle is MeetingLifecycle.REMOVED
    assert webex.meetings.get_all_meetings() == {}


@pytest.mark.parametrize("kind", ["MEETING_ID", None])
async def test_join_by_meeting_number(
    emulator: Emulator, connect: Callable[..., Webex], kind: str | None
) -> None:
    room = await emulator.create_meeting_room(title="Weekly")
    webex = await registered(emulator, connect)

    meeting = await webex.meetings.create(room["meetingNumber"], kind)

    assert meeting.destination_type is DestinationType.MEETING_ID
    assert meeting.sip_uri == room["sipUrl"]
    await meeting.join()
    assert meeting.lifecycle is MeetingLifecycle.JOINED
    locus = await emulator.locus(room["meetingId"])
    assert meeting.locus_url == locus["url"]
    assert meeting.self_id in {p["id"] for p in locus["participants"]}


async def test_create_returns_the_open_meeting_and_lookups_by_key(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room()
    webex = await registered(emulator, connect)
    meetings = webex.meetings

    first = await meetings.create(room["sipUrl"])
    assert await meetings.create(room["sipUrl"]) is first
    assert await meetings.create(room["meetingNumber"], "MEETING_ID") is first
    assert len(meetings.get_all_meetings()) == 1

    assert meetings.get_meeting_by_type("sipUri", room["sipUrl"]) is first
    assert meetings.get_meeting_by_type("sip_uri", room["sipUrl"]) is first
    assert meetings.get_meeting_by_type("meeting_number", room["meetingNumber"]) is first
    assert meetings.get_meeting_by_type("id", first.id) is first
    assert meetings.get_meeting_by_type("locusUrl", None) is None
    await first.join()
    assert meetings.get_meeting_by_type("locus_url", first.locus_url) is first
    assert meetings.get_meeting_by_type("correlationId", first.correlation_id) is first


async def test_join_needs_registration(emulator: Emulator, connect: Callable[..., Webex]) -> None:
    room = await emulator.create_meeting_room()
    webex = connect(config=config(emulator))
    meeting = await webex.meetings.create(room["sipUrl"])

    with pytest.raises(ParameterError, match=r"register\(\)"):
        await meeting.join()
    assert meeting.lifecycle is MeetingLifecycle.NEW
    assert not await emulator.requests(path="*/loci/call*")


async def test_concurrent_joins_share_one_request(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room()
    webex = await registered(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])

    first, second = await asyncio.gather(meeting.join(), meeting.join())

    assert first is second
    assert len(await emulator.requests(method="POST", path="*/loci/call*")) == 1


async def test_space_id_is_rejected_with_30105(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = connect(config=config(emulator))
    space = await webex.rooms.create(title="Team space")

    with pytest.raises(SpaceIDDeprecatedError) as info:
        await webex.meetings.create(space.id)
    assert info.value.code == 30105
    assert webex.meetings.get_all_meetings() == {}


async def test_missing_meeting_info(emulator: Emulator, connect: Callable[..., Webex]) -> None:
    webex = connect(config=config(emulator))
    meetings = webex.meetings
    removed = Recorder(meetings, "meeting:removed")

    # Without the flag an unknown address is taken for a 1:1 call.
    call = await meetings.create("nobody-here@example.com")
    assert call.sip_uri == "nobody-here@example.com"
    assert call.meeting_info == {}
    assert meetings.get_all_meetings() == {call.id: call}

    with pytest.raises(NoMeetingInfoError) as info:
        await meetings.create("nobody-else@example.com", fail_on_missing_meeting_info=True)
    assert info.value.code == 10
    assert [p["reason"] for p in removed.payloads("meeting:removed")] == [
        MeetingRemovedReason.MISSING_MEETING_INFO
    ]
    assert list(meetings.get_all_meetings()) == [call.id]


async def test_close_stops_every_meeting_task(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(lobby=True)
    webex = await registered(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join()
    assert meeting.lifecycle is MeetingLifecycle.IN_LOBBY
    before = {t for t in asyncio.all_tasks() if t.get_name() == "meeting-keep-alive"}
    assert before

    await asyncio.wait_for(webex.close(), WAIT)

    assert all(task.done() for task in before)
    names = {t.get_name() for t in asyncio.all_tasks() if not t.done()}
    assert not names & {"meeting-keep-alive", "locus-sync", "meetings-sync", "mercury-runner"}


async def test_register_finds_the_preferred_site_and_unified_toggle(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await registered(emulator, connect)
    meetings = webex.meetings
    assert meetings.preferred_webex_site
    assert meetings.meeting_info.preferred_webex_site == meetings.preferred_webex_site
    assert await emulator.requests(method="GET", path="*/meetingPreferences")

    assert meetings.config.experimental.enable_unified_meetings is True
    meetings.toggle_unified_meetings("no")  # type: ignore[arg-type]  # ignored, as in JS
    assert webex.config.meetings.experimental.enable_unified_meetings is True
    meetings._toggle_unified_meetings(False)
    assert meetings.config.experimental.enable_unified_meetings is False
    meetings.toggle_adhoc_meetings(False)
    assert webex.config.meetings.experimental.enable_adhoc_meetings is False

    # Without unified meetings a space id is its conversation, not error 30105.
    space = await webex.rooms.create(title="Old style")
    meeting = await meetings.create(space.id)
    assert meeting.destination_type is DestinationType.CONVERSATION_URL
