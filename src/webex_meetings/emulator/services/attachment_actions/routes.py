"""Attachment action operations: ``/attachment/actions``."""

from __future__ import annotations

from starlette.responses import JSONResponse

from ..messages.models import MessagesBackend
from ..people.models import PeopleBackend
from ..rest.call import Call, Handler, ok
from ..rooms.models import RoomsBackend
from .models import AttachmentActionsBackend


def create_action(call: Call) -> JSONResponse:
    """``POST /attachment/actions``: submit a card of a message in one of the caller's rooms."""
    message = call.backend(MessagesBackend).get(call.body["messageId"])
    call.backend(RoomsBackend).require_member(message.room, call.token.person_uuid)
    person = call.backend(PeopleBackend).get(call.token.person_uuid)
    action = call.backend(AttachmentActionsBackend).create(message, person, call.body)
    return ok(action.to_json(), call.op.success_status)


def get_action(call: Call) -> JSONResponse:
    """``GET /attachment/actions/{id}``: visible to members of the message's room."""
    action = call.backend(AttachmentActionsBackend).get(call.param("id"))
    call.backend(RoomsBackend).require_member(action.message.room, call.token.person_uuid)
    return ok(action.to_json())


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "POST /attachment/actions": create_action,
    "GET /attachment/actions/{id}": get_action,
}
