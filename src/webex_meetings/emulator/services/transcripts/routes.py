"""Transcript operations: list, download (VTT or text), delete, and snippets."""

from __future__ import annotations

from starlette.responses import JSONResponse, PlainTextResponse, Response

from ...core.errors import NotFoundError
from ..meetings.locus_link import sync
from ..meetings.models import parse_time
from ..rest.call import Call, Handler, no_content, ok, page
from .models import Snippet, Transcript, TranscriptsBackend


def _mine(call: Call) -> Transcript:
    transcript = call.backend(TranscriptsBackend).get(
        call.param("transcriptId"), call.token.person_uuid
    )
    if transcript.deleted:
        raise NotFoundError(f"Transcript '{transcript.id}' not found.")
    return transcript


def list_transcripts(call: Call) -> JSONResponse:
    """``GET /meetingTranscripts``: the caller's, by meeting and start-time window."""
    sync(call.state)
    raw_from, raw_to = call.query("from"), call.query("to")
    start = parse_time(raw_from, "from") if raw_from else None
    end = parse_time(raw_to, "to") if raw_to else None
    meeting_id = call.query("meetingId")
    found = [
        t
        for t in call.backend(TranscriptsBackend).transcripts.values()
        if t.host_uuid == call.token.person_uuid
        and not t.deleted
        and (meeting_id is None or meeting_id in (t.meeting_id, t.scheduled_meeting_id))
        and (start is None or t.started >= start)
        and (end is None or t.started < end)
    ]
    found.sort(key=lambda t: t.started, reverse=True)
    base_url = call.state.base_url

    def render(transcript: Transcript) -> dict[str, object]:
        return transcript.json(base_url)

    return page(call, found, render, default_max=10, limit=100)


def download(call: Call) -> Response:
    """``GET /meetingTranscripts/{transcriptId}/download?format=vtt|txt``."""
    transcript = _mine(call)
    if call.query("format") == "txt":
        return PlainTextResponse(transcript.txt())
    return PlainTextResponse(transcript.vtt(), media_type="text/vtt")


def delete_transcript(call: Call) -> Response:
    """``DELETE /meetingTranscripts/{transcriptId}``."""
    _mine(call).deleted = True
    return no_content()


def _render_snippet(snippet: Snippet) -> dict[str, object]:
    return snippet.json()


def list_snippets(call: Call) -> JSONResponse:
    """``GET /meetingTranscripts/{transcriptId}/snippets``, in spoken order."""
    return page(call, _mine(call).snippets, _render_snippet, default_max=10, limit=100)


def get_snippet(call: Call) -> JSONResponse:
    """``GET /meetingTranscripts/{transcriptId}/snippets/{snippetId}``."""
    snippets = call.backend(TranscriptsBackend)
    return ok(snippets.snippet(_mine(call), call.param("snippetId")).json())


def update_snippet(call: Call) -> JSONResponse:
    """``PUT /meetingTranscripts/{transcriptId}/snippets/{snippetId}``: correct its text."""
    snippet = call.backend(TranscriptsBackend).snippet(_mine(call), call.param("snippetId"))
    snippet.text = str(call.body["text"])
    return ok(snippet.json())


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "GET /meetingTranscripts": list_transcripts,
    "GET /meetingTranscripts/{transcriptId}/download": download,
    "DELETE /meetingTranscripts/{transcriptId}": delete_transcript,
    "GET /meetingTranscripts/{transcriptId}/snippets": list_snippets,
    "GET /meetingTranscripts/{transcriptId}/snippets/{snippetId}": get_snippet,
    "PUT /meetingTranscripts/{transcriptId}/snippets/{snippetId}": update_snippet,
}
