"""Host controls against the emulator: lock, invite, mute, remove, transfer, reclaim, end."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import (
    Meeting,
    MeetingLifecycle,
    MeetingPermissionError,
    MeetingRemovedReason,
    ReclaimHostEmptyWrongKeyError,
)

from ._meetings import Recorder, registered, statuses


def member_named(meeting: Meeting, name: str) -> dict[str, Any]:
    """The raw participant of the member called ``name``."""
    for member in meeting.members.members_collection:
        if member.name == name:
            return dict(member.raw_participant)
    raise AssertionError(f"no member {name!r} in {statuses(meeting)}")


async def hosted_meeting(
    emulator: Emulator, connect: Callable[..., Webex]
) -> tuple[dict[str, Any], Meeting]:
    """A room hosted by the seeded user, joined by that user's bot."""
    created = await emulator.create_meeting_room(host_email=emulator.person_email)
    webex = await registered(emulator, connect)
    meeting = await webex.meetings.create(created["sipUrl"])
    await meeting.join()
    assert meeting.lifecycle is MeetingLifecycle.JOINED
    return created, meeting


async def test_lock_unlock_and_the_capability_gate(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room, meeting = await hosted_meeting(emulator, connect)
    assert meeting.moderator
    assert meeting.in_meeting_actions.can_lock
    events = Recorder(meeting, "meeting:locked", "meeting:unlocked")

    await meeting.lock_meeting()
    await events.until(lambda: "meeting:locked" in events.names())
    assert meeting.locked
    assert (await emulator.locus(room["meetingId"]))["fullState"]["locked"] is True
    assert meeting.in_meeting_actions.can_unlock
    with pytest.raises(MeetingPermissionError, match="can_lock"):
        await meeting.lock_meeting()

    await meeting.unlock_meeting()
    await events.until(lambda: "meeting:unlocked" in events.names())
    assert not meeting.locked
    with pytest.raises(MeetingPermissionError, match="can_unlock"):
        await meeting.unlock_meeting()


async def test_attendee_is_refused_locally(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room()
    bot = await registered(emulator, connect)
    meeting = await bot.meetings.create(room["sipUrl"])
    await meeting.join()
    assert not meeting.moderator
    await emulator.clear_requests()

    for control, flag in (
        (meeting.lock_meeting, "can_lock"),
        (meeting.start_recording, "can_start_recording"),
    ):
        with pytest.raises(MeetingPermissionError, match=flag) as info:
            await control()
        assert info.value.code == 5
    assert await emulator.requests(method="PATCH") == []


async def test_recording_controls(emulator: Emulator, connect: Callable[..., Webex]) -> None:
    _, meeting = await hosted_meeting(emulator, connect)
    events = Recorder(
        meeting,
        "meeting:recording:started",
        "meeting:recording:paused",
        "meeting:recording:resumed",
        "meeting:recording:stopped",
    )
    for action, event in (
        (meeting.start_recording, "meeting:recording:started"),
        (meeting.pause_recording, "meeting:recording:paused"),
        (meeting.resume_recording, "meeting:recording:resumed"),
        (meeting.stop_recording, "meeting:recording:stopped"),
    ):
        await action()
        await events.until(lambda event=event: event in events.names())  # type: ignore[misc]
    assert events.names() == [
        "meeting:recording:started",
        "meeting:recording:paused",
        "meeting:recording:resumed",
        "meeting:recording:stopped",
    ]
    assert meeting.recording is not None
    assert meeting.recording["state"] == "idle"


async def test_members_invite_mute_remove_and_phone_invites(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room, meeting = await hosted_meeting(emulator, connect)
    roster = Recorder(meeting.members, "members:update")
    alice = await emulator.add_participant(room["meetingId"], name="Alice")
    await roster.until(lambda: statuses(meeting).get("Alice") == "IN_MEETING")

    await meeting.mute(alice)
    await roster.until(lambda: meeting.members.members_collection.get(alice).is_audio_muted)  # type: ignore[union-attr]
    await meeting.remove(alice)
    await roster.until(lambda: statuses(meeting).get("Alice") == "NOT_IN_MEETING")

    await meeting.invite(email_address="carol@example.com")
    await roster.until(lambda: "carol" in statuses(meeting))
    assert member_named(meeting, "carol")["state"] == "NOTIFIED"

    phone = "+15551234567"
    await meeting.invite(phone_number=phone)
    await roster.until(lambda: phone in statuses(meeting))
    assert member_named(meeting, phone)["state"] == "NOTIFIED"
    await meeting.cancel_phone_invite(phone_number=phone)
    await roster.until(lambda: member_named(meeting, phone)["state"] == "LEFT")

    dtmf = await emulator.requests(method="POST", path="*/sendDtmf")
    await meeting.send_dtmf("12#")
    assert len(await emulator.requests(method="POST", path="*/sendDtmf")) == len(dtmf) + 1


async def test_transfer_and_reclaim_host_then_end_for_all(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room, meeting = await hosted_meeting(emulator, connect)
    removed = Recorder(meeting._meetings, "meeting:removed")
    hosts = Recorder(meeting.members, "members:host:update", "members:update")
    roles = Recorder(meeting, "meeting:self:rolesChanged")
    bob = await emulator.add_participant(room["meetingId"], name="Bob")
    await hosts.until(lambda: statuses(meeting).get("Bob") == "IN_MEETING")

    await meeting.transfer(bob)
    await roles.until(lambda: not meeting.moderator)
    assert "MODERATOR" not in meeting.roles
    assert roles.payloads("meeting:self:rolesChanged")
    bob_member = meeting.members.members_collection.get(bob)
    assert bob_member is not None
    assert bob_member.is_host

    self_id = str(meeting.self_id)
    wrong = [{"type": "MODERATOR", "hasRole": True, "hostKey": "000000"}]
    with pytest.raises(ReclaimHostEmptyWrongKeyError) as info:
        await meeting.members.assign_roles(self_id, wrong)
    assert info.value.code == 13
    right = [{"type": "MODERATOR", "hasRole": True, "hostKey": room["hostKey"]}]
    await meeting.members.assign_roles(self_id, right)
    await roles.until(lambda: bool(meeting.moderator))
    assert "MODERATOR" in meeting.roles

    await meeting.end_meeting_for_all()
    await removed.until(lambda: bool(removed.payloads("meeting:removed")))
    assert removed.payloads("meeting:removed") == [
        {"meetingId": meeting.id, "reason": MeetingRemovedReason.MEETING_INACTIVE_TERMINATING}
    ]
    assert meeting.lifecycle is MeetingLifecycle.REMOVED
