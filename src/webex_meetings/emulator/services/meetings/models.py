"""Meetings backend: meeting series, their scheduled meetings and instances (seed 004)."""

from __future__ import annotations

import copy
import functools
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...core.errors import BadRequestError, NotFoundError
from ...core.state import Backend
from ..people.models import Person
from ..rest.spec import schema_validator
from ..rest.synth import synthesize
from ..webhooks.models import WebhooksBackend
from .instances import Instance, InstanceState

#: Site of every emulated meeting. Four labels on purpose: the JS SDK sends the meeting-info
#: lookup of a SIP address whose domain has exactly three labels straight to that host,
#: which would bypass the emulator.
SITE_URL = "meetings.emulator.webex.com"

#: Body fields copied onto the meeting as given (they mean the same in the response).
_COPIED = (
    "agenda",
    "recurrence",
    "enabledAutoRecordMeeting",
    "allowAnyUserToBeCoHost",
    "enabledJoinBeforeHost",
    "enableConnectAudioBeforeHost",
    "joinBeforeHostMinutes",
    "excludePassword",
    "publicMeeting",
    "reminderTime",
    "unlockedMeetingJoinSecurity",
    "sessionTypeId",
    "scheduledType",
    "enabledWebcastView",
    "enableAutomaticLock",
    "automaticLockMinutes",
    "allowFirstUserToBeCoHost",
    "allowAuthenticatedDevices",
    "enabledBreakoutSessions",
    "roomId",
)

#: Occurrences generated for an open-ended recurrence.
_DEFAULT_COUNT = 10


def _error(message: str) -> BadRequestError:
    return BadRequestError(message, message=message)


def parse_time(value: str, where: str) -> datetime:
    """Parse an ISO 8601 time; naive times are UTC.

    Raises:
        BadRequestError: Not an ISO 8601 date-time.
    """
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise _error(f"{where}: {value!r} is not an ISO 8601 date-time.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _error(f"timezone: unknown time zone {name!r}.") from None


def iso(moment: datetime, zone: ZoneInfo) -> str:
    """Render ``moment`` in ``zone`` as Webex does: seconds, ``Z`` for UTC."""
    return moment.astimezone(zone).isoformat(timespec="seconds").replace("+00:00", "Z")


@functools.cache
def _template(name: str) -> dict[str, Any]:
    value: dict[str, Any] = synthesize(schema_validator("webex-meeting.json", name))
    return value


def _recurrence(rule: str | None) -> tuple[timedelta, int] | None:
    if not rule:
        return None
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    step = {"DAILY": 1, "WEEKLY": 7}.get(parts.get("FREQ", "").upper())
    if step is None:
        raise _error(f"recurrence: only FREQ=DAILY and FREQ=WEEKLY are emulated ({rule!r}).")
    interval = int(parts.get("INTERVAL", "1") or 1)
    count = min(int(parts.get("COUNT", _DEFAULT_COUNT)), 100)
    return timedelta(days=step * interval), count


@dataclass
class Occurrence:
    """A scheduled meeting (or the only one of a non-recurring series)."""

    start: datetime
    end: datetime
    deleted: bool = False


@dataclass
class Series:
    """A meeting series and everything below it."""

    id: str
    number: str
    password: str
    host: Person
    fields: dict[str, Any]
    title: str
    zone: ZoneInfo
    start: datetime
    end: datetime
    occurrences: list[Occurrence] = field(default_factory=list)
    instances: list[Instance] = field(default_factory=list)
    """Every meeting instance, oldest first; at most the last one is running."""

    @property
    def running(self) -> Instance | None:
        """The meeting instance in progress, if any."""
        last = self.instances[-1] if self.instances else None
        return last if last is not None and last.running else None

    def occurrence_id(self, occurrence: Occurrence) -> str:
        """``<seriesId>_<YYYYMMDDTHHMMSSZ>`` of the occurrence's original start."""
        index = self.occurrences.index(occurrence)
        original = self._original_start(index)
        return f"{self.id}_{original.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"

    def _original_start(self, index: int) -> datetime:
        rule = _recurrence(self.fields.get("recurrence"))
        step = rule[0] if rule else timedelta(0)
        local = self.start.astimezone(self.zone)
        return (local.replace(tzinfo=None) + step * index).replace(tzinfo=self.zone)

    def state(self) -> str:
        """``active``, ``inProgress`` or ``expired``."""
        if self.running is not None:
            return "inProgress"
        return "active"

    def json(self, kind: str, occurrence: Occurrence | None = None) -> dict[str, Any]:
        """Render the series, or one of its scheduled meetings.

        Args:
            kind: Spec schema name of the template, e.g. ``MeetingSeriesObject``.
            occurrence: The scheduled meeting to render; the series when None.
        """
        out = copy.deepcopy(_template(kind))
        out.update({key: self.fields[key] for key in _COPIED if key in self.fields})
        start, end = (
            (self.start, self.end) if occurrence is None else (occurrence.start, occurrence.end)
        )
        out.update(
            id=self.id if occurrence is None else self.occurrence_id(occurrence),
            meetingNumber=self.number,
            title=self.title,
            password=self.password,
            timezone=str(self.zone.key),
            start=iso(start, self.zone),
            end=iso(end, self.zone),
            hostUserId=self.host.id,
            hostDisplayName=self.host.display_name,
            hostEmail=self.host.email,
            siteUrl=SITE_URL,
            webLink=f"https://{SITE_URL}/emulator/j.php?MTID=m{self.id}",
            sipAddress=f"{self.number}@{SITE_URL}",
        )
        if occurrence is None:
            out.update(meetingType="meetingSeries", state=self.state())
            if "meetingSeriesId" in out:  # required by the list schema, even for a series
                out["meetingSeriesId"] = self.id
        else:
            index = self.occurrences.index(occurrence)
            ran = [i for i in self.instances if i.occurrence_index == index]
            if ran and ran[-1].running:
                state = "ready"
            elif ran:
                state = "ended"
            else:
                state = "scheduled" if end > datetime.now(UTC) else "missed"
            out.update(meetingType="scheduledMeeting", state=state, meetingSeriesId=self.id)
        if "recurrence" not in self.fields:
            out.pop("recurrence", None)
        return out


class MeetingsBackend(Backend):
    """Every meeting series, by id."""

    def reset(self) -> None:
        """No meetings."""
        self.series: dict[str, Series] = {}

    def _publish(self, event: str, data: dict[str, Any], actor: Person) -> None:
        self.state.backend(WebhooksBackend).publish("meetings", event, data, actor.uuid)

    def create(self, body: dict[str, Any], host: Person) -> Series:
        """Schedule a meeting series from a validated ``POST /meetings`` body.

        Raises:
            BadRequestError: Bad times, duration or recurrence.
        """
        zone = _zone(body.get("timezone") or "UTC")
        start, end = parse_time(body["start"], "start"), parse_time(body["end"], "end")
        self._check_times(start, end)
        series = Series(
            id=secrets.token_hex(16),
            number=str(secrets.randbelow(9 * 10**9) + 10**9),
            password=body.get("password") or secrets.token_urlsafe(6),
            host=host,
            fields={key: body[key] for key in body if key in _COPIED},
            title=body["title"],
            zone=zone,
            start=start,
            end=end,
        )
        rule = _recurrence(body.get("recurrence"))
        count = rule[1] if rule else 1
        series.occurrences = [
            Occurrence(series._original_start(i), series._original_start(i) + (end - start))
            for i in range(count)
        ]
        self.series[series.id] = series
        self._publish("created", series.json("MeetingSeriesObject"), host)
        return series

    def _check_times(self, start: datetime, end: datetime) -> None:
        now = datetime.fromtimestamp(self.state.clock(), UTC)
        if start < now or end < now:
            raise _error("Parameter 'start' or 'end' is before current time")
        if not timedelta(minutes=10) <= end - start <= timedelta(hours=24):
            raise _error(
                "Duration between start and end cannot be shorter than 10 minutes "
                "or longer than 24 hours."
            )

    def find(self, meeting_id: str) -> tuple[Series, Occurrence | None, bool]:
        """Resolve any meeting id.

        Returns:
            The series, the scheduled meeting (None for the series itself), and whether
            the id names a meeting instance.

        Raises:
            NotFoundError: Unknown id.
        """
        series_id, _, rest = meeting_id.partition("_")
        series = self.series.get(series_id)
        if series is not None:
            if not rest:
                return series, None, False
            if rest.startswith("I_"):
                for instance in series.instances:
                    if instance.id == meeting_id:
                        return series, series.occurrences[instance.occurrence_index], True
            for occurrence in series.occurrences:
                if not occurrence.deleted and series.occurrence_id(occurrence) == meeting_id:
                    return series, occurrence, False
        raise NotFoundError(f"Meeting '{meeting_id}' not found.")

    def update(self, meeting_id: str, body: dict[str, Any], actor: Person) -> dict[str, Any]:
        """Apply a PUT/PATCH body under the five update rules of the Meetings guide.

        Raises:
            BadRequestError: A rule is broken; the message is the one Webex sends.
        """
        series, occurrence, is_instance = self.find(meeting_id)
        if is_instance:  # rule 4
            raise _error(f"Meeting ID '{meeting_id}' is not allowed for this API.")
        if series.running is not None:  # rule 3
            raise _error("Meeting is in progress")
        current = (
            (series.start, series.end) if occurrence is None else (occurrence.start, occurrence.end)
        )
        zone = _zone(body["timezone"]) if body.get("timezone") else series.zone
        start = parse_time(body["start"], "start") if body.get("start") else current[0]
        end = parse_time(body["end"], "end") if body.get("end") else current[1]
        if "start" in body or "end" in body:
            self._check_times(start, end)  # rules 1 and 2
        if occurrence is not None and "start" in body:
            self._check_interval(series, occurrence, start)  # rule 5
        if occurrence is None:
            series.start, series.end, series.zone = start, end, zone
            series.title = body.get("title") or series.title
            series.password = body.get("password") or series.password
            series.fields.update({key: body[key] for key in body if key in _COPIED})
            result = series.json("MeetingObjectForListMeeting")
        else:
            occurrence.start, occurrence.end = start, end
            result = series.json("MeetingObjectForListMeeting", occurrence)
        self._publish("updated", result, actor)
        return result

    def _check_interval(self, series: Series, occurrence: Occurrence, start: datetime) -> None:
        # Rule 5: a scheduled meeting's start stays in its recurring interval, which runs
        # from 00:00 (original time zone) of its own day to 00:00 of the next one's day;
        # the first has no beginning and the last no end.
        alive = [o for o in series.occurrences if not o.deleted]
        index = alive.index(occurrence)
        zone = series.zone

        def midnight(moment: datetime) -> datetime:
            local = moment.astimezone(zone)
            return local.replace(hour=0, minute=0, second=0, microsecond=0)

        low = midnight(occurrence.start) if index > 0 else None
        high = midnight(alive[index + 1].start) if index + 1 < len(alive) else None
        if (low is not None and start < low) or (high is not None and start >= high):
            raise _error("meeting.err.two_meeting_schedule_at_same_day")

    def delete(self, meeting_id: str, actor: Person) -> None:
        """Delete a series, or cancel one scheduled meeting.

        Raises:
            BadRequestError: The id names a meeting instance.
        """
        series, occurrence, is_instance = self.find(meeting_id)
        if is_instance:
            raise _error(f"Meeting ID '{meeting_id}' is not allowed for this API.")
        data = {"id": meeting_id, "meetingSeriesId": series.id}
        if occurrence is None:
            del self.series[series.id]
        else:
            occurrence.deleted = True
        self._publish("deleted", data, actor)

    def instance(self, meeting_id: str) -> tuple[Series, Instance]:
        """Return a meeting instance by id.

        Raises:
            NotFoundError: Not the id of a meeting instance.
        """
        series, _, is_instance = self.find(meeting_id)
        found = next((i for i in series.instances if i.id == meeting_id), None)
        if not is_instance or found is None:
            raise NotFoundError(f"Meeting '{meeting_id}' not found.")
        return series, found

    def start(self, meeting_id: str, *, locus_id: str | None = None, recorded: bool = False) -> str:
        """Start an instance of a scheduled meeting now; returns its id.

        A series starts its first scheduled meeting that has not been cancelled. Starting
        a meeting that is already running answers the running instance.

        Raises:
            NotFoundError: Unknown meeting id.
        """
        series, occurrence, _ = self.find(meeting_id)
        running = series.running
        if running is not None:
            running.recorded = running.recorded or recorded
            running.locus_id = running.locus_id or locus_id
            return running.id
        occurrence = occurrence or next(o for o in series.occurrences if not o.deleted)
        instance = Instance(
            id=f"{series.id}_I_{secrets.randbelow(9 * 10**17) + 10**17}",
            series_id=series.id,
            scheduled_id=series.occurrence_id(occurrence),
            occurrence_index=series.occurrences.index(occurrence),
            started=self._now(),
            locus_id=locus_id,
            recorded=recorded or bool(series.fields.get("enabledAutoRecordMeeting")),
        )
        series.instances.append(instance)
        self._publish("started", {"id": instance.id, "meetingSeriesId": series.id}, series.host)
        return instance.id

    def end(self, meeting_id: str) -> Instance | None:
        """End the running instance of a meeting; returns it (None if none was running).

        A recorded instance leaves a recording and its transcript behind, as Webex does
        once a recorded meeting ends.

        Raises:
            NotFoundError: Unknown meeting id.
        """
        series, _, _ = self.find(meeting_id)
        instance = series.running
        if instance is None:
            return None
        instance.state = InstanceState.ENDED
        instance.ended = self._now()
        self._publish("ended", {"id": instance.id, "meetingSeriesId": series.id}, series.host)
        if instance.recorded:
            self.record(series, instance)
        return instance

    def record(self, series: Series, instance: Instance) -> tuple[str, str]:
        """Leave a recording and a transcript of ``instance``; returns their ids."""
        # Imported here: both services render meetings, so they import this module.
        from ..recordings.models import RecordingsBackend
        from ..transcripts.models import TranscriptsBackend

        recording = self.state.backend(RecordingsBackend).add(series, instance)
        transcript = self.state.backend(TranscriptsBackend).add(series, instance)
        return recording.id, transcript.id

    def _now(self) -> datetime:
        return datetime.fromtimestamp(int(self.state.clock()), UTC)
