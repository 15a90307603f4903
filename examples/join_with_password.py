"""Join a meeting by its meeting number, giving its password, then leave.

Run: ``python examples/join_with_password.py [MEETING_NUMBER --password P] [--seconds N]``.
With ``WEBEX_ACCESS_TOKEN`` set it joins that real meeting. Without it, the built-in
emulator hosts a password-protected meeting; the example first tries a wrong password
to show what ``verify_password`` answers, then the right one.
"""

from __future__ import annotations

import argparse
import asyncio

from _common import session

from webex_meetings.meetings import Meeting, PasswordStatus


async def unlock(meeting: Meeting, password: str) -> bool:
    """Check the password; print why it failed when it did."""
    result = await meeting.verify_password(password)
    if result.required_captcha:
        print("too many wrong passwords: Webex now wants a captcha (see docs/meeting-info.md)")
    elif not result.is_password_valid:
        print(f"password {password!r} refused: {result.failure_reason.value}")
    return result.is_password_valid


async def main(number: str | None, password: str | None, seconds: float) -> None:
    async with session() as (webex, emulator):
        if number is None:
            if emulator is None:
                raise SystemExit("pass the meeting number and --password")
            password = "Team-Sync-42"  # a throwaway value on the local emulator
            room = await emulator.create_meeting_room(title="Team sync", password=password)
            await emulator.add_participant(room["meetingId"], name="Alice", host=True)
            number = room["meetingNumber"]
        await webex.meetings.register()
        meeting = await webex.meetings.create(number, "MEETING_ID")
        print(f"meeting {number}: password {meeting.password_status.value}")
        if meeting.password_status is PasswordStatus.REQUIRED:
            if emulator is not None:
                await unlock(meeting, "guess")
            if not await unlock(meeting, password or ""):
                raise SystemExit(2)
            print("password accepted")
        await meeting.join()
        names = [m.name for m in meeting.members.members_collection.get_all().values()]
        print(f"joined {meeting.sip_uri} with {', '.join(sorted(str(n) for n in names))}")
        await asyncio.sleep(seconds)
        await meeting.leave()
        print("left the meeting")
        await webex.meetings.unregister()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("number", nargs="?", help="the meeting number")
    parser.add_argument("--password", help="the meeting password (or the host key)")
    parser.add_argument("--seconds", type=float, default=5.0, help="how long to stay")
    args = parser.parse_args()
    asyncio.run(main(args.number, args.password, args.seconds))
