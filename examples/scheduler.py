"""Schedule, list, update and delete meetings with the Meetings REST API.

Run: ``python examples/scheduler.py`` (emulator) or with ``WEBEX_ACCESS_TOKEN`` set (a
user who can schedule Webex meetings; the meeting is deleted at the end).

Updates follow the rules of the Meetings API (start and end not in the past, 10 minutes
to 24 hours long, a single occurrence not updatable); the SDK checks them before sending
and raises ``MeetingRuleError`` naming the rule, as the invalid update below shows.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from _common import connect

from webex_meetings import MeetingRuleError


def hhmm(value: object) -> str:
    return value.strftime("%a %H:%M") if isinstance(value, datetime) else str(value)


async def main() -> None:
    async with connect() as webex:
        meetings = webex.meetings_api.meetings
        tomorrow = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
        start = tomorrow.replace(hour=10)

        meeting = await meetings.create_meeting(
            title="Weekly sync",
            start=start,
            end=start + timedelta(minutes=30),
            timezone="UTC",
            agenda="Status, blockers, next steps",
        )
        print(f"scheduled {meeting.title!r}: number {meeting.meeting_number}, id {meeting.id}")
        print(f"  {hhmm(meeting.start)} to {hhmm(meeting.end)} UTC, join at {meeting.web_link}")

        week = {"from_": start.isoformat(), "to": (start + timedelta(days=7)).isoformat()}
        async for item in meetings.list_meetings(**week):
            print(f"listed: {item.title!r} at {hhmm(item.start)} ({item.state})")

        updated = await meetings.patch_meeting(
            meeting.id, title="Weekly sync (long)", end=start + timedelta(minutes=45)
        )
        print(f"updated: {updated.title!r} now ends at {hhmm(updated.end)}")

        try:  # a five-minute meeting breaks rule 2; nothing is sent
            await meetings.patch_meeting(meeting.id, start=start, end=start + timedelta(minutes=5))
        except MeetingRuleError as exc:
            print(f"refused before sending (rule {exc.rule}): {exc.rule_text}")

        await meetings.delete_meeting(meeting.id)
        left = [item async for item in meetings.list_meetings(**week) if item.id == meeting.id]
        print(f"deleted; still listed: {len(left)}")


if __name__ == "__main__":
    asyncio.run(main())
