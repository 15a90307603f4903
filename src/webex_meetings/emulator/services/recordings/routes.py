"""Recording operations: list, get, delete, and the recycle bin (soft delete, restore, purge)."""

from __future__ import annotations

from datetime import datetime

from starlette.responses import JSONResponse, Response

from ...core.errors import BadRequestError
from ..meetings.locus_link import sync
from ..meetings.models import parse_time
from ..rest.call import Call, Handler, no_content, ok, page
from .models import Recording, RecordingsBackend, RecordingStatus


def _status(call: Call) -> RecordingStatus:
    raw = call.query("status") or "available"
    if raw not in ("available", "deleted"):
        raise BadRequestError(f"status: {raw!r} is not available or deleted.")
    return RecordingStatus(raw)


def _window(call: Call) -> tuple[datetime | None, datetime | None]:
    raw_from, raw_to = call.query("from"), call.query("to")
    start = parse_time(raw_from, "from") if raw_from else None
    end = parse_time(raw_to, "to") if raw_to else None
    if start is not None and end is not None and start > end:
        raise BadRequestError("from: cannot be after to.")
    return start, end


def list_recordings(call: Call) -> JSONResponse:
    """``GET /recordings``: the caller's, by status, time window, meeting and topic."""
    sync(call.state)
    start, end = _window(call)
    meeting_id, topic = call.query("meetingId"), call.query("topic")
    found = [
        r
        for r in call.backend(RecordingsBackend).of_host(call.token.person_uuid, _status(call))
        if (start is None or r.created >= start)
        and (end is None or r.created < end)
        and (meeting_id is None or r.belongs_to(meeting_id))
        and (topic is None or r.topic.lower() == topic.lower())
        and call.query("format") in (None, "MP4")
        and call.query("serviceType") in (None, "MeetingCenter")
    ]
    base_url = call.state.base_url

    def render(recording: Recording) -> dict[str, object]:
        return recording.json(base_url)

    return page(call, found, render, default_max=10, limit=100)


def get_recording(call: Call) -> JSONResponse:
    """``GET /recordings/{recordingId}``, with temporary direct download links."""
    found = call.backend(RecordingsBackend).get(call.param("recordingId"), call.token.person_uuid)
    return ok(found.json(call.state.base_url, direct_links=True))


def delete_recording(call: Call) -> Response:
    """``DELETE /recordings/{recordingId}``: gone for good (it cannot be recovered)."""
    recordings = call.backend(RecordingsBackend)
    found = recordings.get(call.param("recordingId"), call.token.person_uuid)
    found.status = RecordingStatus.PURGED
    return no_content()


def _ids(call: Call, every: str, status: RecordingStatus) -> list[str]:
    if call.body.get(every):
        mine = call.backend(RecordingsBackend).of_host(call.token.person_uuid, status)
        return [r.id for r in mine]
    ids = [str(i) for i in call.body.get("recordingIds") or []]
    if not ids:
        raise BadRequestError(f"recordingIds: give at least one id or {every}.")
    return ids


def soft_delete(call: Call) -> Response:
    """``POST /recordings/softDelete``: move available recordings into the recycle bin."""
    ids = [str(i) for i in call.body["recordingIds"]]
    call.backend(RecordingsBackend).move(
        call.token.person_uuid,
        ids,
        source=RecordingStatus.AVAILABLE,
        target=RecordingStatus.DELETED,
    )
    return no_content()


def restore(call: Call) -> Response:
    """``POST /recordings/restore``: take recordings out of the recycle bin."""
    ids = _ids(call, "restoreAll", RecordingStatus.DELETED)
    call.backend(RecordingsBackend).move(
        call.token.person_uuid,
        ids,
        source=RecordingStatus.DELETED,
        target=RecordingStatus.AVAILABLE,
    )
    return no_content()


def purge(call: Call) -> Response:
    """``POST /recordings/purge``: purge recordings that are in the recycle bin."""
    ids = _ids(call, "purgeAll", RecordingStatus.DELETED)
    call.backend(RecordingsBackend).move(
        call.token.person_uuid,
        ids,
        source=RecordingStatus.DELETED,
        target=RecordingStatus.PURGED,
    )
    return no_content()


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "GET /recordings": list_recordings,
    "GET /recordings/{recordingId}": get_recording,
    "DELETE /recordings/{recordingId}": delete_recording,
    "POST /recordings/softDelete": soft_delete,
    "POST /recordings/restore": restore,
    "POST /recordings/purge": purge,
}
