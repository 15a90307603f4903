"""Participant operations: list, query by e-mail, get, update, admit, call out."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from ...core.errors import BadRequestError
from ..rest.call import Call, Handler, no_content, ok, page
from .models import ParticipantsBackend


def _listed(call: Call, emails: set[str] | None = None) -> list[dict[str, Any]]:
    participants = call.backend(ParticipantsBackend)
    meeting_id = call.query("meetingId")
    if meeting_id is None:
        raise BadRequestError("meetingId: required query parameter is missing.")
    items: list[dict[str, Any]] = []
    for series, instance in participants.instances(meeting_id):
        for record in participants.of_instance(series, instance):
            if emails is None or record.email.lower() in emails:
                items.append(record.json(series, instance.started))
    return items


def list_participants(call: Call) -> JSONResponse:
    """``GET /meetingParticipants?meetingId=``: of an instance, or of all instances of a meeting."""
    return page(call, _listed(call), lambda item: item, default_max=10, limit=100)


def query_participants(call: Call) -> JSONResponse:
    """``POST /meetingParticipants/query?meetingId=``: only those with the given e-mails."""
    emails = {str(email).lower() for email in call.body.get("emails") or []}
    return page(call, _listed(call, emails), lambda item: item, default_max=10, limit=100)


def get_participant(call: Call) -> JSONResponse:
    """``GET /meetingParticipants/{participantId}``."""
    series, instance, record = call.backend(ParticipantsBackend).get(call.param("participantId"))
    return ok(record.json(series, instance.started))


def update_participant(call: Call) -> JSONResponse:
    """``PUT /meetingParticipants/{participantId}``: ``muted``, ``admit`` or ``expel``."""
    participants = call.backend(ParticipantsBackend)
    series, record = participants.update(call.param("participantId"), call.body)
    return ok(record.json(series, record.joined, in_progress=True))


def admit(call: Call) -> Response:
    """``POST /meetingParticipants/admit``: admit lobby participants."""
    participants = call.backend(ParticipantsBackend)
    for item in call.body.get("items") or []:
        participants.update(str(item.get("participantId", "")), {"admit": True})
    return no_content()


def callout(call: Call) -> JSONResponse:
    """``POST /meetingParticipants/callout``: call a SIP address into the meeting."""
    return ok(call.backend(ParticipantsBackend).callout(call.body))


def cancel_callout(call: Call) -> Response:
    """``POST /meetingParticipants/cancelCallout``."""
    call.backend(ParticipantsBackend).cancel_callout(str(call.body["participantId"]))
    return no_content()


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "GET /meetingParticipants": list_participants,
    "POST /meetingParticipants/query": query_participants,
    "GET /meetingParticipants/{participantId}": get_participant,
    "PUT /meetingParticipants/{participantId}": update_participant,
    "POST /meetingParticipants/admit": admit,
    "POST /meetingParticipants/callout": callout,
    "POST /meetingParticipants/cancelCallout": cancel_callout,
}
