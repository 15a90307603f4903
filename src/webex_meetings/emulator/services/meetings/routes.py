"""Meeting operations: ``/meetings`` create, list, get, update, patch and delete."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from ..people.models import PeopleBackend, Person
from ..rest.call import Call, Handler, no_content, ok, page
from .models import MeetingsBackend, parse_time


def _me(call: Call) -> Person:
    return call.backend(PeopleBackend).get(call.token.person_uuid)


def create_meeting(call: Call) -> JSONResponse:
    """``POST /meetings``: a meeting series (with scheduled meetings if recurring)."""
    series = call.backend(MeetingsBackend).create(call.body, _me(call))
    return ok(series.json("MeetingSeriesObject"))


def list_meetings(call: Call) -> JSONResponse:
    """``GET /meetings``: by ``meetingType``, ``state``, ``from``/``to``, ``meetingSeriesId``."""
    raw_from, raw_to = call.query("from"), call.query("to")
    items = call.backend(MeetingsBackend).listing(
        call.token.person_uuid,
        meeting_type=call.query("meetingType") or "meetingSeries",
        state=call.query("state"),
        start_from=parse_time(raw_from, "from") if raw_from else None,
        start_to=parse_time(raw_to, "to") if raw_to else None,
        series_id=call.query("meetingSeriesId"),
    )
    return page(call, items, lambda item: item, default_max=10, limit=100)


def get_meeting(call: Call) -> JSONResponse:
    """``GET /meetings/{meetingId}``: a series or a scheduled meeting."""
    series, occurrence, _ = call.backend(MeetingsBackend).find(call.param("meetingId"))
    return ok(series.json("MeetingSeriesObject", occurrence))


def update_meeting(call: Call) -> JSONResponse:
    """``PUT``/``PATCH /meetings/{meetingId}``, under the update rules 1-5."""
    meetings = call.backend(MeetingsBackend)
    return ok(meetings.update(call.param("meetingId"), call.body, _me(call)))


def delete_meeting(call: Call) -> Response:
    """``DELETE /meetings/{meetingId}``."""
    call.backend(MeetingsBackend).delete(call.param("meetingId"), _me(call))
    return no_content()


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "POST /meetings": create_meeting,
    "GET /meetings": list_meetings,
    "GET /meetings/{meetingId}": get_meeting,
    "PUT /meetings/{meetingId}": update_meeting,
    "PATCH /meetings/{meetingId}": update_meeting,
    "DELETE /meetings/{meetingId}": delete_meeting,
}
