"""Client-side checks of the rules for creating and updating a meeting.

The Meetings overview lists five rules for updating a meeting. Three of them can be
checked before the request, so a bad call fails fast with :class:`MeetingRuleError`
instead of a 400 from the server:

* rule 1: ``start`` and ``end`` cannot be before the current time (in the given
  ``timezone``; UTC when none is given). Checked on create and update, with a
  one-minute allowance for clock skew;
* rule 2: the duration between ``start`` and ``end`` must be from 10 minutes to 24
  hours (checked when both are given);
* rule 4: a meeting instance (id ``<seriesId>_I_<digits>``) cannot be updated.

Rules 3 (an instance in progress) and 5 (crossing the recurring interval) need server
state and are left to the server.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from webex_meetings._exceptions import MeetingRuleError

__all__ = [
    "RULES",
    "check_meeting_create",
    "check_meeting_update",
    "is_meeting_instance_id",
]

RULES: Final[dict[int, str]] = {
    1: "start and end cannot be a time before the current time",
    2: (
        "Limit for duration between start and end: duration between start and end "
        "cannot be shorter than 10 minutes or longer than 24 hours"
    ),
    4: "Update is forbidden for a meeting instance",
}

MIN_DURATION: Final = timedelta(minutes=10)
MAX_DURATION: Final = timedelta(hours=24)
CLOCK_SKEW: Final = timedelta(minutes=1)

_INSTANCE_ID = re.compile(r"^[0-9A-Za-z]+_I_\d+$")


def is_meeting_instance_id(meeting_id: str) -> bool:
    """True for the id of a meeting instance (``<seriesId>_I_<digits>``)."""
    return bool(_INSTANCE_ID.match(meeting_id))


def _zone(timezone: str | None) -> tzinfo:
    if not timezone:
        return UTC
    try:
        return ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC  # the server validates the name; the check stays conservative


def _when(value: datetime | str | None, zone: tzinfo) -> datetime | None:
    """Parse ``start``/``end``; ``None`` when absent or not ISO 8601 (the server decides)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _check_times(
    start: datetime | str | None,
    end: datetime | str | None,
    timezone: str | None,
    now: datetime | None,
) -> None:
    zone = _zone(timezone)
    begin, finish = _when(start, zone), _when(end, zone)
    current = now or datetime.now(UTC)
    for name, value, raw in (("start", begin, start), ("end", finish, end)):
        if value is not None and value < current - CLOCK_SKEW:
            raise MeetingRuleError(
                1, RULES[1], f"{name} {raw!s} is before the current time {current.isoformat()}"
            )
    if begin is not None and finish is not None:
        duration = finish - begin
        if not MIN_DURATION <= duration <= MAX_DURATION:
            raise MeetingRuleError(2, RULES[2], f"start {start!s} to end {end!s} is {duration}")


def check_meeting_create(
    *,
    start: datetime | str | None,
    end: datetime | str | None,
    timezone: str | None,
    now: datetime | None = None,
) -> None:
    """Check rules 1 and 2 for a new meeting.

    Raises:
        MeetingRuleError: naming the broken rule.
    """
    _check_times(start, end, timezone, now)


def check_meeting_update(
    meeting_id: str,
    *,
    start: datetime | str | None,
    end: datetime | str | None,
    timezone: str | None,
    now: datetime | None = None,
) -> None:
    """Check rules 4, 1 and 2 for an update (``PUT`` or ``PATCH``) of a meeting.

    Raises:
        MeetingRuleError: naming the broken rule.
    """
    if is_meeting_instance_id(meeting_id):
        raise MeetingRuleError(
            4, RULES[4], f"{meeting_id!r} is a meeting instance; update its series or occurrence"
        )
    _check_times(start, end, timezone, now)
