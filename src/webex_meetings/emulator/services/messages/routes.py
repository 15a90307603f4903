"""Message operations: ``/messages`` and ``/messages/direct``."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from ...core.errors import BadRequestError
from ..people.models import PeopleBackend, Person
from ..rest.call import Call, Handler, no_content, ok, page
from ..rooms.models import Room, RoomsBackend
from .models import Message, MessagesBackend


def _person(call: Call, person_id: str | None, email: str | None) -> Person:
    people = call.backend(PeopleBackend)
    if person_id:
        return people.get_by_id(person_id)
    found = people.find_by_email(email or "")
    return found or people.create(None, email)


def target_room(call: Call) -> Room:
    """The room a new message goes to: ``roomId``, or the 1:1 room with a person."""
    rooms = call.backend(RoomsBackend)
    me = call.backend(PeopleBackend).get(call.token.person_uuid)
    body = call.body
    if body.get("roomId"):
        room = rooms.get(body["roomId"])
        rooms.require_member(room, me.uuid)
        return room
    if body.get("toPersonId") or body.get("toPersonEmail"):
        other = _person(call, body.get("toPersonId"), body.get("toPersonEmail"))
        return rooms.direct_room(me, other)
    detail = "roomId: one of roomId, toPersonId or toPersonEmail is required."
    raise BadRequestError(detail, message=detail)


def list_messages(call: Call) -> JSONResponse:
    """``GET /messages``: a room's messages, newest first (caller must be a member)."""
    rooms = call.backend(RoomsBackend)
    room = rooms.get(call.query("roomId") or "")
    rooms.require_member(room, call.token.person_uuid)
    mentioned = call.query("mentionedPeople")
    if mentioned is not None:
        me = call.backend(PeopleBackend).get(call.token.person_uuid)
        mentioned = ",".join(me.id if part == "me" else part for part in mentioned.split(","))
    found = call.backend(MessagesBackend).list(
        room,
        parent_id=call.query("parentId"),
        mentioned=mentioned,
        before=call.query("before"),
        before_message=call.query("beforeMessage"),
    )
    return page(call, found, Message.to_json, default_max=50, limit=None)


def list_direct(call: Call) -> JSONResponse:
    """``GET /messages/direct``: the 1:1 messages with ``personId`` or ``personEmail``."""
    if not (call.query("personId") or call.query("personEmail")):
        detail = "personId: one of personId or personEmail is required."
        raise BadRequestError(detail, message=detail)
    me = call.backend(PeopleBackend).get(call.token.person_uuid)
    other = _person(call, call.query("personId"), call.query("personEmail"))
    room = call.backend(RoomsBackend).direct_room(me, other)
    found = call.backend(MessagesBackend).list(room, parent_id=call.query("parentId"))
    return ok({"items": [message.to_json() for message in found]})


def create_message(call: Call) -> JSONResponse:
    """``POST /messages``: into a room the caller is in, or a 1:1 room with a person."""
    room = target_room(call)
    author = call.backend(PeopleBackend).get(call.token.person_uuid)
    return ok(call.backend(MessagesBackend).post(room, author, call.body).to_json())


def _visible(call: Call) -> Message:
    message = call.backend(MessagesBackend).get(call.param("messageId"))
    call.backend(RoomsBackend).require_member(message.room, call.token.person_uuid)
    return message


def get_message(call: Call) -> JSONResponse:
    """``GET /messages/{messageId}``."""
    return ok(_visible(call).to_json())


def edit_message(call: Call) -> JSONResponse:
    """``PUT /messages/{messageId}``: new text or markdown for one's own message."""
    message = _visible(call)
    if call.body["roomId"] != message.room.id:
        raise BadRequestError("roomId: does not match the message's room.")
    if not (call.body.get("text") or call.body.get("markdown")):
        raise BadRequestError("text: one of text or markdown is required.")
    return ok(call.backend(MessagesBackend).edit(message, call.body).to_json())


def delete_message(call: Call) -> Response:
    """``DELETE /messages/{messageId}``."""
    call.backend(MessagesBackend).delete(_visible(call), call.token.person_uuid)
    return no_content()


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "GET /messages": list_messages,
    "POST /messages": create_message,
    "GET /messages/direct": list_direct,
    "GET /messages/{messageId}": get_message,
    "PUT /messages/{messageId}": edit_message,
    "DELETE /messages/{messageId}": delete_message,
}
