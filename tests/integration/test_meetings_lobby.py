"""The lobby and join intents: waiting, keep-alives, admission, host PIN."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import IntentToJoinError, MeetingLifecycle

from ._meetings import Recorder, host_of, registered, statuses


async def test_bot_waits_in_lobby_until_a_host_client_admits_it(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(title="Board", lobby=True)
    host = await host_of(emulator, connect, room)
    host_meeting = await host.meetings.create(room["sipUrl"])
    await host_meeting.join()
    assert host_meeting.lifecycle is MeetingLifecycle.JOINED
    assert host_meeting.moderator

    bot = await registered(emulator, connect)
    meeting = await bot.meetings.create(room["sipUrl"])
    events = Recorder(meeting, "meeting:self:lobbyWaiting", "meeting:self:guestAdmitted")
    await meeting.join()

    assert meeting.lifecycle is MeetingLifecycle.IN_LOBBY
    assert meeting.is_user_unadmitted
    assert not meeting.is_joined()
    assert events.names() == ["meeting:self:lobbyWaiting"]
    assert meeting._keep_alive.running
    assert meeting._keep_alive.interval == pytest.approx((20 - 1) * 0.75)

    # The host sees the bot waiting and may admit it.
    host_roster = Recorder(host_meeting.members, "members:update")
    await host_roster.until(lambda: statuses(host_meeting).get("Emulated User") == "IN_LOBBY")
    assert host_meeting.in_meeting_actions.can_admit_participant
    waiting = [m for m in host_meeting.members.members_collection if m.is_in_lobby]
    assert [m.id for m in waiting] == [meeting.self_id]

    await host_meeting.admit([m.id for m in waiting if m.id])

    await meeting.wait_for_lifecycle(MeetingLifecycle.JOINED, timeout=10)
    assert events.names() == ["meeting:self:lobbyWaiting", "meeting:self:guestAdmitted"]
    assert not meeting.is_user_unadmitted
    assert not meeting._keep_alive.running


async def test_emulator_admission_and_lobby_members(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(lobby=True)
    bot = await registered(emulator, connect)
    meeting = await bot.meetings.create(room["meetingNumber"], "MEETING_ID")
    await meeting.join()
    assert meeting.lifecycle is MeetingLifecycle.IN_LOBBY
    me = meeting.members.members_collection.get(str(meeting.self_id))
    assert me is not None
    assert me.is_in_lobby

    await emulator.admit_participant(room["meetingId"], str(meeting.self_id))

    assert await meeting.wait_for_lifecycle(MeetingLifecycle.JOINED, timeout=10)
    me = meeting.members.members_collection.get(str(meeting.self_id))
    assert me is not None
    assert me.is_in_meeting


async def test_host_pin_intent(emulator: Emulator, connect: Callable[..., Webex]) -> None:
    room = await emulator.create_meeting_room(host_pin_required=True)
    bot = await registered(emulator, connect)
    meeting = await bot.meetings.create(room["sipUrl"])

    with pytest.raises(IntentToJoinError) as info:
        await meeting.join()
    assert info.value.code == 1
    assert info.value.locus_error_code == 2423005
    assert meeting.lifecycle is MeetingLifecycle.NEW

    with pytest.raises(IntentToJoinError) as info:
        await meeting.join(pin="000000", moderator=True)
    assert info.value.locus_error_code == 2423006

    await meeting.join(pin=room["hostKey"], moderator=True)
    assert meeting.lifecycle is MeetingLifecycle.JOINED
    assert meeting.moderator
    assert "MODERATOR" in meeting.roles
    assert meeting.get_cur_user_type() == "host"


async def test_guest_intent_waits_for_the_host(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(host_pin_required=True)
    bot = await registered(emulator, connect)
    meeting = await bot.meetings.create(room["sipUrl"])

    await meeting.join(moderator=False)
    assert meeting.lifecycle is MeetingLifecycle.IN_LOBBY

    host = await host_of(emulator, connect, room)
    host_meeting = await host.meetings.create(room["sipUrl"])
    await host_meeting.join()

    await meeting.wait_for_lifecycle(MeetingLifecycle.JOINED, timeout=10)
    assert not meeting.moderator
