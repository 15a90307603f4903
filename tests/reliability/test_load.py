"""Many SDK clients against one emulator, all on the test's one event loop.

* 100 users, each with its own registered client (WDM device, Mercury socket) listening
  to messages, receive the one message posted to the space they share.
* 20 bots join one meeting at once while simulated attendees come and go; every bot
  ends with the same roster, the emulator's.

The clients are started together with ``asyncio.gather``: one loop and one process, as
a bot farm would run. The elapsed times are printed (they are not asserted).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import Meeting

from ._support import (
    WAIT,
    Inbox,
    assert_no_replayed_writes,
    assert_nothing_left,
    bot,
    config,
    expected,
    snapshot,
)

CLIENTS = 100
BOTS = 20


def report(capsys: pytest.CaptureFixture[str], text: str) -> None:
    with capsys.disabled():
        print(f"\n[load] {text}")


async def new_users(emulator: Emulator, count: int, prefix: str) -> list[dict[str, Any]]:
    return list(
        await asyncio.gather(
            *(
                emulator.create_user(display_name=f"{prefix} {n}", email=f"{prefix}{n}@example.com")
                for n in range(count)
            )
        )
    )


async def test_hundred_listening_clients_each_get_the_message_once(
    emulator: Emulator, connect: Callable[..., Webex], capsys: pytest.CaptureFixture[str]
) -> None:
    users = await new_users(emulator, CLIENTS, "listener")
    sender = connect(config=config(emulator))
    space = await sender.rooms.create(title="Everyone")
    await asyncio.gather(
        *(
            sender.memberships.create(room_id=str(space.id), person_id=u["person"]["id"])
            for u in users
        )
    )

    started = time.perf_counter()
    clients = await asyncio.gather(
        *(bot(emulator, connect, credentials={"access_token": u["accessToken"]}) for u in users)
    )
    registered = time.perf_counter() - started
    inboxes = [Inbox(client) for client in clients]
    assert len(await emulator.devices()) == CLIENTS
    assert len(await emulator.mercury_connections()) == CLIENTS

    started = time.perf_counter()
    message = await sender.messages.create(room_id=space.id, text="hello, all of you")
    await asyncio.gather(*(inbox.until(message.id, timeout=60) for inbox in inboxes))
    delivered = time.perf_counter() - started
    await asyncio.sleep(0.1)  # room for a duplicate to show up
    assert all(inbox.ids == [message.id] for inbox in inboxes)

    await asyncio.gather(*(client.meetings.unregister() for client in clients))
    await asyncio.gather(*(client.close() for client in clients))
    await assert_no_replayed_writes(emulator)
    await assert_nothing_left(emulator)
    report(
        capsys,
        f"{CLIENTS} clients registered and listening in {registered:.2f} s; "
        f"one message reached all of them in {delivered:.2f} s",
    )


def roster(meeting: Meeting) -> dict[str, str]:
    """Participant id → member status of one bot's view."""
    return {
        pid: member.status.value
        for pid, member in meeting.members.members_collection.get_all().items()
    }


async def test_twenty_bots_in_one_meeting_see_the_same_roster(
    emulator: Emulator, connect: Callable[..., Webex], capsys: pytest.CaptureFixture[str]
) -> None:
    users = await new_users(emulator, BOTS, "bot")
    emails = [u["person"]["emails"][0] for u in users]
    room = await emulator.create_meeting_room(title="Crowd", host_email=emails[0])
    meeting_id = room["meetingId"]

    started = time.perf_counter()
    clients = await asyncio.gather(
        *(
            bot(emulator, connect, credentials={"access_token": u["accessToken"]}, listen=False)
            for u in users
        )
    )
    meetings = await asyncio.gather(*(c.meetings.create(room["sipUrl"]) for c in clients))
    extra = [emulator.add_participant(meeting_id, name=f"Guest {n}") for n in range(3)]
    _, guests = await asyncio.gather(
        asyncio.gather(*(m.join() for m in meetings)), asyncio.gather(*extra)
    )
    await emulator.remove_participant(meeting_id, guests[0])
    joined = time.perf_counter() - started

    locus = await emulator.locus(meeting_id)
    final = {p["id"] for p in locus["participants"]}
    assert len(final) == BOTS + 3
    async with asyncio.timeout(WAIT * 2):
        for meeting in meetings:
            while set(roster(meeting)) != final or roster(meeting)[guests[0]] != "NOT_IN_MEETING":
                await meeting.members.wait_for("members:update", timeout=WAIT)
            await meeting.locus_info.wait_settled()
    views = [roster(meeting) for meeting in meetings]
    assert all(view == views[0] for view in views)  # everyone sees the same roster
    assert list(views[0].values()).count("IN_MEETING") == BOTS + 2
    for meeting in meetings:
        assert snapshot(meeting)["participants"] == expected(locus)["participants"]

    await asyncio.gather(*(m.leave() for m in meetings))
    await asyncio.gather(*(c.meetings.unregister() for c in clients))
    await asyncio.gather(*(c.close() for c in clients))
    await assert_no_replayed_writes(emulator)
    await assert_nothing_left(emulator, [meeting_id], emails=emails)
    report(capsys, f"{BOTS} bots joined one meeting and agreed on its roster in {joined:.2f} s")
