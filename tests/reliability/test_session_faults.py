"""Token and device expiry in the middle of a meeting.

* An expired access token is refreshed once with the refresh token by the next Locus
  request, which then succeeds; the meeting and the messages go on.
* Without a refresh token the request fails with an ``AuthenticationError`` that names
  the status and no secret; with a new token the bot can still leave cleanly.
* When WDM forgets the device, Mercury registers a new one and reconnects. The meeting
  keeps working through its requests (whose responses carry the roster changes), but
  Locus pushes its events to the devices that joined, so events over Mercury resume only
  once the bot joins again from the new device.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from webex_meetings import AuthenticationError, Token, Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import MeetingLifecycle

from ..integration.conftest import refreshable
from ._support import (
    WAIT,
    Inbox,
    assert_no_replayed_writes,
    assert_no_secret,
    assert_nothing_left,
    bot,
    converged,
    shared_room,
    user_client,
)

TOKEN_PATH = "/idbroker/idb/oauth2/v1/access_token"


def names(meeting_members: object) -> set[str]:
    return {str(m.name) for m in meeting_members.members_collection}  # type: ignore[attr-defined]


async def test_expired_token_mid_meeting_is_refreshed_by_the_next_locus_request(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(host_email=emulator.person_email)
    webex = await bot(emulator, connect, credentials=refreshable(emulator))
    inbox = Inbox(webex)
    sender, _ = await user_client(emulator, connect, "Sender")
    space = await shared_room(sender, emulator.person_id)
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join()
    await emulator.clear_requests()

    await emulator.expire_token(emulator.access_token)
    await meeting.lock_meeting()

    assert meeting.locked
    locus_calls = await emulator.requests(method="PATCH", path="*/loci/*")
    assert [c["status"] for c in locus_calls] == [401, 200]
    assert locus_calls[0]["trackingid"] == locus_calls[1]["trackingid"]  # one request, replayed
    assert len(await emulator.requests(method="POST", path=TOKEN_PATH)) == 1
    assert webex.credentials.refresh_count == 1
    new = await webex.credentials.get_user_token()
    assert new.access_token != emulator.access_token
    # The meeting and the socket carry on with the new token.
    await emulator.add_participant(room["meetingId"], name="After refresh")
    await converged(emulator, meeting, room["meetingId"], emulator.person_email)
    message = await sender.messages.create(room_id=space, text="still here")
    await inbox.until(message.id)
    assert inbox.ids == [message.id]

    await meeting.leave()
    await webex.meetings.unregister()
    await webex.close()
    assert webex.credentials.refresh_count == 1
    await assert_no_replayed_writes(emulator)
    await assert_nothing_left(emulator, [room["meetingId"]], emails=[emulator.person_email])


async def test_expired_token_without_refresh_token_fails_clearly_and_can_recover(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(host_email=emulator.person_email)
    webex = await bot(emulator, connect, listen=False)
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join()
    assert not webex.credentials.can_refresh

    await emulator.expire_token(emulator.access_token)
    with pytest.raises(AuthenticationError) as info:
        await meeting.lock_meeting()

    assert info.value.status_code == 401
    assert info.value.tracking_id
    assert_no_secret(f"{info.value} {info.value!r}", [emulator.access_token])
    assert not meeting.locked
    assert meeting.lifecycle is MeetingLifecycle.JOINED  # nothing changed on either side
    assert len(await emulator.requests(method="PATCH", path="*/loci/*")) == 1
    assert await emulator.requests(method="POST", path=TOKEN_PATH) == []

    # The application gets a new token by its own means; the bot then leaves cleanly.
    pair = await emulator.issue_token(email=emulator.person_email)
    await webex.credentials.set_token(Token.parse({"access_token": pair["accessToken"]}))
    await meeting.leave()
    await webex.meetings.unregister()
    await webex.close()
    await assert_no_replayed_writes(emulator)
    await assert_nothing_left(emulator, [room["meetingId"]], emails=[emulator.person_email])


async def test_device_expiry_mid_meeting_reregisters_and_a_rejoin_restores_events(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(host_email=emulator.person_email)
    meeting_id = room["meetingId"]
    webex = await bot(emulator, connect)
    inbox = Inbox(webex)
    sender, _ = await user_client(emulator, connect, "Sender")
    space = await shared_room(sender, emulator.person_id)
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join()
    device = webex.internal.device
    old_url = device.url

    reregistered = asyncio.ensure_future(device.wait_for("registration:success", timeout=WAIT))
    online = asyncio.ensure_future(webex.internal.mercury.wait_for("online", timeout=WAIT))
    await asyncio.sleep(0)
    assert await emulator.expire_device(old_url) == 1
    await reregistered
    await online

    assert device.url != old_url
    assert [d["url"] for d in await emulator.devices()] == [device.url]
    assert meeting.lifecycle is MeetingLifecycle.JOINED
    # Messages reach the new device at once: they go to every device of the user.
    message = await sender.messages.create(room_id=space, text="new device")
    await inbox.until(message.id)
    # The meeting's requests still work, and their responses bring the roster along.
    await emulator.add_participant(meeting_id, name="Unseen")
    await meeting.lock_meeting()
    await converged(emulator, meeting, meeting_id, emulator.person_email)
    assert "Unseen" in names(meeting.members)

    # Joining again from the new device puts it on the Locus participant: events flow.
    # The old device, still joined on Locus, is taken out of the meeting right after.
    await meeting.join()
    assert meeting.device_url == device.url
    assert await joined_devices(emulator, meeting_id) == [device.url]
    await emulator.add_participant(meeting_id, name="Seen")
    async with asyncio.timeout(WAIT):
        while "Seen" not in names(meeting.members):
            await meeting.members.wait_for("members:update", timeout=WAIT)
    await converged(emulator, meeting, meeting_id, emulator.person_email)
    assert inbox.ids == [message.id]

    await meeting.leave()
    await webex.meetings.unregister()
    await webex.close()
    await assert_no_replayed_writes(emulator)
    await assert_nothing_left(emulator, [meeting_id], emails=[emulator.person_email])


async def joined_devices(emulator: Emulator, meeting_id: str) -> list[str]:
    """URLs of the seeded user's devices that the emulator's Locus has as joined."""
    locus = await emulator.locus(meeting_id, email=emulator.person_email)
    return [d["url"] for d in locus["self"]["devices"] if d.get("state") == "JOINED"]


async def test_device_expiry_mid_meeting_then_leave_takes_the_participant_out(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(host_email=emulator.person_email)
    meeting_id = room["meetingId"]
    webex = await bot(emulator, connect)
    other, _ = await user_client(emulator, connect, "Other")  # keeps the meeting going
    await other.meetings.register()
    other_meeting = await other.meetings.create(room["sipUrl"])
    await other_meeting.join()
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join()
    device = webex.internal.device
    old_url = device.url

    reregistered = asyncio.ensure_future(device.wait_for("registration:success", timeout=WAIT))
    online = asyncio.ensure_future(webex.internal.mercury.wait_for("online", timeout=WAIT))
    await asyncio.sleep(0)
    assert await emulator.expire_device(old_url) == 1
    await reregistered
    await online
    assert device.url != old_url

    # Locus knows the bot by the device it joined with, whatever WDM registered since.
    assert meeting.device_url == old_url
    this_device = meeting.locus_info.this_device()
    assert this_device is not None
    assert this_device["url"] == old_url
    await meeting.lock_meeting()  # a delta request still works and finds self's device
    assert meeting.locus_info.this_device() is not None
    await emulator.clear_requests()

    await meeting.leave()

    assert await joined_devices(emulator, meeting_id) == []
    await assert_nothing_left_joined(emulator, meeting_id)
    assert len(await emulator.requests(method="PUT", path="*/leave")) == 1
    assert meeting.lifecycle in (MeetingLifecycle.LEFT, MeetingLifecycle.REMOVED)
    await other_meeting.leave()
    for client in (webex, other):
        await client.meetings.unregister()
        await client.close()
    await assert_no_replayed_writes(emulator)
    await assert_nothing_left(emulator, [meeting_id], emails=[emulator.person_email])


async def assert_nothing_left_joined(emulator: Emulator, meeting_id: str) -> None:
    """The seeded user's participant is no longer JOINED (the meeting itself goes on)."""
    locus = await emulator.locus(meeting_id)
    assert locus["fullState"]["state"] == "ACTIVE"
    mine = [p for p in locus["participants"] if p["person"].get("email") == emulator.person_email]
    assert [p["state"] for p in mine] == ["LEFT"]
