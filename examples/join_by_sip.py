"""Join a meeting by its SIP address, print who comes and goes, then leave.

Run: ``python examples/join_by_sip.py [SIP_ADDRESS] [--seconds N] [--password P]``.
With ``WEBEX_ACCESS_TOKEN`` set it joins a real meeting (pass its SIP address); without
it, the built-in emulator hosts a demo meeting where two simulated people come and go.
The bot leaves after N seconds, on Ctrl-C, or when the meeting ends.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import TYPE_CHECKING, Any

from _common import session

from webex_meetings.meetings import Meeting, MeetingLifecycle, MemberStatus, PasswordStatus

if TYPE_CHECKING:
    from webex_meetings.emulator import Emulator


def print_roster_changes(meeting: Meeting) -> None:
    """Print a line whenever a member arrives, changes status or leaves."""
    seen: dict[str, str] = {}

    def on_update(payload: dict[str, Any]) -> None:
        for member in [*payload["delta"]["added"], *payload["delta"]["updated"]]:
            status = member.status.value
            if seen.get(member.id) == status or member.is_self:
                continue
            verb = "joined" if status == "IN_MEETING" else "waits in the lobby"
            if status == "NOT_IN_MEETING":
                verb = "left the meeting" if member.id in seen else "is invited"
            seen[member.id] = status
            print(f"  {member.name}: {verb}")

    meeting.members.on("members:update", on_update)


async def demo_meeting(emulator: Emulator) -> tuple[str, asyncio.Task[str]]:
    """A meeting on the emulator, and a task that makes two people come and go."""
    room = await emulator.create_meeting_room(title="Demo meeting")

    async def people() -> str:
        alice = await emulator.add_participant(room["meetingId"], name="Alice")
        await emulator.add_participant(room["meetingId"], name="Bob")
        await asyncio.sleep(0.5)
        await emulator.remove_participant(room["meetingId"], alice)
        return alice

    return room["sipUrl"], asyncio.create_task(people())


async def until_gone(meeting: Meeting, member_id: str) -> None:
    """Wait until the roster shows ``member_id`` out of the meeting."""

    def gone(*_: Any) -> bool:
        member = meeting.members.members_collection.get(member_id)
        return member is not None and member.status is MemberStatus.NOT_IN_MEETING

    if not gone():
        await meeting.members.wait_for("members:update", timeout=10, check=gone)


async def main(sip: str | None, seconds: float, password: str | None) -> None:
    async with session() as (webex, emulator):
        people: asyncio.Task[str] | None = None
        if sip is None:
            if emulator is None:
                raise SystemExit("pass the SIP address of the meeting to join")
            sip, people = await demo_meeting(emulator)
        await webex.meetings.register()
        meeting = await webex.meetings.create(sip)
        if meeting.password_status is PasswordStatus.REQUIRED:
            result = await meeting.verify_password(password or "")
            if not result.is_password_valid:
                raise SystemExit(f"the meeting needs a password ({result.failure_reason})")
        print_roster_changes(meeting)
        print(f"joining {meeting.sip_uri} (meeting number {meeting.meeting_number})")
        await meeting.join()
        if meeting.lifecycle is MeetingLifecycle.IN_LOBBY:
            print("waiting in the lobby for the host to admit us")

        stop = asyncio.Event()
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)
        webex.meetings.on("meeting:removed", lambda payload: stop.set())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)
        if people is not None:  # let the demo finish before leaving
            await until_gone(meeting, await people)
        if meeting.lifecycle in (MeetingLifecycle.JOINED, MeetingLifecycle.IN_LOBBY):
            await meeting.leave()
            print("left the meeting")
        else:
            print(f"the meeting is over ({meeting.lifecycle.value})")
        await webex.meetings.unregister()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sip", nargs="?", help="SIP address of the meeting")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to stay")
    parser.add_argument("--password", help="meeting password or host key, if needed")
    args = parser.parse_args()
    asyncio.run(main(args.sip, args.seconds, args.password))
