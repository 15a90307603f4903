"""A host bot: admit everyone from the lobby, lock the meeting, hand the host role over.

Run: ``python examples/host_bot.py [SIP_ADDRESS] [--host-key KEY] [--attendees N]``.
With ``WEBEX_ACCESS_TOKEN`` set the bot joins a real meeting as its host (the token's
user must host it, or pass the host key); without it, the built-in emulator hosts a
lobby meeting and N simulated attendees knock. Once N attendees are admitted (or after
``--seconds``) the bot locks the meeting, makes the first admitted attendee the host and
leaves.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any

from _common import session

from webex_meetings.meetings import Meeting


class HostBot:
    """Admits lobby members as they arrive and remembers who came in first."""

    def __init__(self, meeting: Meeting, expected: int) -> None:
        self.meeting = meeting
        self.expected = expected
        self.admitted: list[str] = []
        self.done = asyncio.Event()
        self._asked: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        meeting.members.on("members:update", self._on_update)

    def _on_update(self, payload: dict[str, Any]) -> None:
        for member in payload["full"].values():
            if member.is_in_lobby and member.id not in self._asked:
                self._asked.add(member.id)
                task = asyncio.create_task(self._admit(member.id, member.name))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            elif member.is_in_meeting and member.id in self._asked:
                if member.id not in self.admitted:
                    self.admitted.append(member.id)
                    print(f"admitted {member.name}")
                if len(self.admitted) >= self.expected:
                    self.done.set()

    async def _admit(self, member_id: str, name: str | None) -> None:
        print(f"{name} is waiting in the lobby")
        await self.meeting.admit([member_id])


async def act_and_wait(emitter: Any, event: str, action: Awaitable[Any]) -> None:
    """Run ``action`` and wait for ``event``, listening before the request goes out.

    The response to a Locus request already carries the change, so the event may be
    emitted before ``action`` returns.
    """
    waiter = asyncio.ensure_future(emitter.wait_for(event, timeout=10))
    await asyncio.sleep(0)
    try:
        await action
        await waiter
    finally:
        waiter.cancel()


async def main(sip: str | None, host_key: str | None, attendees: int, seconds: float) -> None:
    async with session() as (webex, emulator):
        if sip is None:
            if emulator is None:
                raise SystemExit("pass the SIP address of the meeting to host")
            room = await emulator.create_meeting_room(
                title="Host bot demo", host_email=emulator.person_email, lobby=True
            )
            sip = room["sipUrl"]
        await webex.meetings.register()
        meeting = await webex.meetings.create(sip)
        bot = HostBot(meeting, attendees)
        if host_key:
            await meeting.join(pin=host_key, moderator=True)
        else:
            await meeting.join()
        print(f"hosting {meeting.sip_uri} (host: {bool(meeting.moderator)})")
        if emulator is not None:
            for n in range(attendees):
                await emulator.add_participant(sip, name=f"Guest {n + 1}", in_lobby=True)

        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(bot.done.wait(), seconds)
        if meeting.in_meeting_actions.can_lock:
            await act_and_wait(meeting, "meeting:locked", meeting.lock_meeting())
            print("meeting locked")
        if bot.admitted:
            first = meeting.members.members_collection.get(bot.admitted[0])
            transfer = meeting.transfer(bot.admitted[0])
            await act_and_wait(meeting.members, "members:host:update", transfer)
            print(f"host role handed to {first.name if first else bot.admitted[0]}")
        await meeting.leave()
        print("left the meeting")
        await webex.meetings.unregister()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sip", nargs="?", help="SIP address of the meeting")
    parser.add_argument("--host-key", help="the meeting's host key, to join as host")
    parser.add_argument("--attendees", type=int, default=2, help="attendees to admit")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to wait for them")
    args = parser.parse_args()
    asyncio.run(main(args.sip, args.host_key, args.attendees, args.seconds))
