"""Invitee operations: ``/meetingInvitees`` list, create, bulk insert, get, update, delete."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from ...core.errors import ConflictError
from ..rest.call import Call, Handler, no_content, ok, page
from .models import Invitee, InviteesBackend


def _render(invitee: Invitee) -> dict[str, object]:
    return invitee.json()


def list_invitees(call: Call) -> JSONResponse:
    """``GET /meetingInvitees?meetingId=``, optionally only (non-)panelists."""
    raw = call.query("panelist")
    panelist = None if raw is None else raw == "true"
    found = call.backend(InviteesBackend).of_meeting(
        call.query("meetingId") or "", panelist=panelist
    )
    return page(call, found, _render, default_max=10, limit=100)


def create_invitee(call: Call) -> JSONResponse:
    """``POST /meetingInvitees``."""
    invitee = call.backend(InviteesBackend).add(call.body["meetingId"], call.body)
    return ok(invitee.json())


def bulk_insert(call: Call) -> JSONResponse:
    """``POST /meetingInvitees/bulkInsert``: several invitees of one meeting."""
    invitees = call.backend(InviteesBackend)
    meeting_id = call.body["meetingId"]
    wanted = [str(item["email"]).lower() for item in call.body.get("items", [])]
    taken = {i.email.lower() for i in invitees.of_meeting(meeting_id)}
    # All or nothing: a duplicate fails the call before anyone is invited.
    if len(set(wanted)) != len(wanted) or taken.intersection(wanted):
        raise ConflictError("One or more invitees already exist.")
    items = [invitees.add(meeting_id, item) for item in call.body.get("items", [])]
    return ok({"items": [item.json() for item in items]})


def get_invitee(call: Call) -> JSONResponse:
    """``GET /meetingInvitees/{meetingInviteeId}``."""
    return ok(call.backend(InviteesBackend).get(call.param("meetingInviteeId")).json())


def update_invitee(call: Call) -> JSONResponse:
    """``PUT /meetingInvitees/{meetingInviteeId}``."""
    invitee = call.backend(InviteesBackend).update(call.param("meetingInviteeId"), call.body)
    return ok(invitee.json())


def delete_invitee(call: Call) -> Response:
    """``DELETE /meetingInvitees/{meetingInviteeId}``."""
    call.backend(InviteesBackend).delete(call.param("meetingInviteeId"))
    return no_content()


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "GET /meetingInvitees": list_invitees,
    "POST /meetingInvitees": create_invitee,
    "POST /meetingInvitees/bulkInsert": bulk_insert,
    "GET /meetingInvitees/{meetingInviteeId}": get_invitee,
    "PUT /meetingInvitees/{meetingInviteeId}": update_invitee,
    "DELETE /meetingInvitees/{meetingInviteeId}": delete_invitee,
}
