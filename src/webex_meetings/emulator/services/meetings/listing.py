"""``GET /meetings`` listings and the rendering of meeting instances."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .instances import Instance
from .models import Series, iso

#: Schema every listed (and instance) object is rendered with.
LIST_SCHEMA = "MeetingObjectForListMeeting"


def render_instance(series: Series, instance: Instance) -> dict[str, Any]:
    """Render a meeting instance (``meetingType`` ``meeting``) of ``series``."""
    occurrence = series.occurrences[instance.occurrence_index]
    out = series.json(LIST_SCHEMA, occurrence)
    out.update(
        id=instance.id,
        meetingType="meeting",
        state=str(instance.state),
        meetingSeriesId=series.id,
        scheduledMeetingId=instance.scheduled_id,
        start=iso(instance.started, series.zone),
        # Running instances have no end yet; the schema requires one, so the scheduled
        # end stands in until the real one is known.
        end=iso(instance.ended or occurrence.end, series.zone),
    )
    out.pop("recurrence", None)
    out.pop("isModified", None)
    return out


def listing(
    all_series: Iterable[Series],
    host_uuid: str,
    *,
    meeting_type: str = "meetingSeries",
    state: str | None = None,
    start_from: datetime | None = None,
    start_to: datetime | None = None,
    series_id: str | None = None,
) -> list[dict[str, Any]]:
    """Return the ``MeetingObjectForListMeeting`` items of one host, by start time."""
    rows: list[tuple[datetime, dict[str, Any]]] = []
    for series in all_series:
        if series.host.uuid != host_uuid or (series_id and series.id != series_id):
            continue
        if meeting_type == "meetingSeries":
            rows.append((series.start, series.json(LIST_SCHEMA)))
        elif meeting_type == "scheduledMeeting":
            for occurrence in series.occurrences:
                if not occurrence.deleted:
                    rows.append((occurrence.start, series.json(LIST_SCHEMA, occurrence)))
        else:
            rows.extend((i.started, render_instance(series, i)) for i in series.instances)
    rows.sort(key=lambda row: row[0])
    return [
        item
        for moment, item in rows
        if (state is None or item["state"] == state)
        and (start_from is None or moment >= start_from)
        and (start_to is None or moment < start_to)
    ]
