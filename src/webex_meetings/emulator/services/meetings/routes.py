"""Meeting operations: ``/meetings`` create, list, get, update, patch, delete and end."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from ..people.models import PeopleBackend, Person
from ..rest.call import Call, Handler, add_warning, no_content, ok, page
from .converged import CONVERGED_SITE_WARNING, strip_unsupported
from .listing import listing, render_instance
from .locus_link import end_locus, sync
from .models import MeetingsBackend, parse_time


def _me(call: Call) -> Person:
    return call.backend(PeopleBackend).get(call.token.person_uuid)


def _answer(body: dict[str, Any], ignored: list[str]) -> JSONResponse:
    response = ok(body)
    if ignored:
        add_warning(response, CONVERGED_SITE_WARNING, ", ".join(ignored))
    return response


def create_meeting(call: Call) -> JSONResponse:
    """``POST /meetings``: a meeting series (with scheduled meetings if recurring)."""
    body, ignored = strip_unsupported(call.body)
    series = call.backend(MeetingsBackend).create(body, _me(call))
    return _answer(series.json("MeetingSeriesObject"), ignored)


def list_meetings(call: Call) -> JSONResponse:
    """``GET /meetings``: by ``meetingType``, ``state``, ``from``/``to``, ``meetingSeriesId``."""
    sync(call.state)
    raw_from, raw_to = call.query("from"), call.query("to")
    items = listing(
        call.backend(MeetingsBackend).series.values(),
        call.token.person_uuid,
        meeting_type=call.query("meetingType") or "meetingSeries",
        state=call.query("state"),
        start_from=parse_time(raw_from, "from") if raw_from else None,
        start_to=parse_time(raw_to, "to") if raw_to else None,
        series_id=call.query("meetingSeriesId"),
    )
    return page(call, items, lambda item: item, default_max=10, limit=100)


def get_meeting(call: Call) -> JSONResponse:
    """``GET /meetings/{meetingId}``: a series, a scheduled meeting or an instance."""
    sync(call.state)
    meetings = call.backend(MeetingsBackend)
    meeting_id = call.param("meetingId")
    series, occurrence, is_instance = meetings.find(meeting_id)
    if is_instance:
        return ok(render_instance(*meetings.instance(meeting_id)))
    return ok(series.json("MeetingSeriesObject", occurrence))


def update_meeting(call: Call) -> JSONResponse:
    """``PUT``/``PATCH /meetings/{meetingId}``, under the update rules 1-5."""
    sync(call.state)
    body, ignored = strip_unsupported(call.body)
    meetings = call.backend(MeetingsBackend)
    return _answer(meetings.update(call.param("meetingId"), body, _me(call)), ignored)


def delete_meeting(call: Call) -> Response:
    """``DELETE /meetings/{meetingId}``."""
    call.backend(MeetingsBackend).delete(call.param("meetingId"), _me(call))
    return no_content()


def end_meeting(call: Call) -> Response:
    """``POST /meetings/{meetingId}/end``: end the running instance, if any."""
    sync(call.state)
    ended = call.backend(MeetingsBackend).end(call.param("meetingId"))
    if ended is not None:
        end_locus(call.state, ended.locus_id)
    return no_content()


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "POST /meetings": create_meeting,
    "GET /meetings": list_meetings,
    "GET /meetings/{meetingId}": get_meeting,
    "PUT /meetings/{meetingId}": update_meeting,
    "PATCH /meetings/{meetingId}": update_meeting,
    "DELETE /meetings/{meetingId}": delete_meeting,
    "POST /meetings/{meetingId}/end": end_meeting,
}
