"""``join`` prints who comes and goes, admission from the lobby, and the meeting's end."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from webex_meetings.cli._output import Output
from webex_meetings.meetings import MeetingLifecycle, MemberStatus

if TYPE_CHECKING:
    from webex_meetings.meetings import Meeting, Member

__all__ = ["follow"]


def follow(meeting: Meeting, output: Output, ended: asyncio.Event) -> None:
    """Print roster changes of ``meeting``; set ``ended`` when the meeting drops us."""
    seen: dict[str, MemberStatus] = {}

    def on_update(payload: dict[str, Any]) -> None:
        for member in [*payload["delta"]["added"], *payload["delta"]["updated"]]:
            _member_changed(member, seen, output)

    def on_lifecycle(payload: dict[str, Any]) -> None:
        previous, current = payload["previous"], payload["current"]
        if previous is MeetingLifecycle.IN_LOBBY and current is MeetingLifecycle.JOINED:
            output.event("admitted", text="admitted to the meeting")
        if current is MeetingLifecycle.REMOVED:
            ended.set()

    meeting.members.on("members:update", on_update)
    meeting.on("meeting:lifecycle", on_lifecycle)


def _member_changed(member: Member, seen: dict[str, MemberStatus], output: Output) -> None:
    status, member_id = member.status, member.id
    if member.is_self or member_id is None or seen.get(member_id) is status:
        return
    known = member_id in seen
    seen[member_id] = status
    if status is MemberStatus.IN_MEETING:
        verb = "joined" if known else "is in the meeting"
    elif status is MemberStatus.IN_LOBBY:
        verb = "waits in the lobby"
    elif known:
        verb = "left"
    else:
        return  # invited people who never came
    output.event(
        "member",
        {"id": member_id, "name": member.name, "status": status.value},
        text=f"  {member.name}: {verb}",
    )
