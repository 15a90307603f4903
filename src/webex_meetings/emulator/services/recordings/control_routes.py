"""Control API of recordings: record a meeting instance on demand."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from ...control import _Body, _parse
from ...core.errors import NotFoundError
from ...core.state import CONTROL_PREFIX, get_state
from ..meetings.locus_link import sync
from ..meetings.models import MeetingsBackend


class RecordBody(_Body):
    """``POST /_emulator/meetings/record``."""

    meeting_id: str = Field(alias="meetingId", min_length=1)


async def record(request: Request) -> JSONResponse:
    """Record a meeting's running instance, or leave a recording of its last one.

    A running instance is marked recorded (ending it leaves the recording and the
    transcript); an ended one gets them at once. Answers the ids made, if any.
    """
    body = await _parse(request, RecordBody)
    state = get_state(request)
    sync(state)
    meetings = state.backend(MeetingsBackend)
    series, _, _ = meetings.find(body.meeting_id)
    if not series.instances:
        raise NotFoundError(f"Meeting {body.meeting_id} has not started yet.")
    instance = series.instances[-1]
    if instance.running:
        instance.recorded = True
        return JSONResponse({"instanceId": instance.id, "recordingId": None, "transcriptId": None})
    recording_id, transcript_id = meetings.record(series, instance)
    return JSONResponse(
        {"instanceId": instance.id, "recordingId": recording_id, "transcriptId": transcript_id}
    )


ROUTES: list[BaseRoute] = [
    Route(f"{CONTROL_PREFIX}/meetings/record", record, methods=["POST"]),
]
