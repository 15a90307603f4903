"""Room and membership operations: ``/rooms`` and ``/memberships``."""

from __future__ import annotations

import json

from starlette.responses import JSONResponse, Response

from ...core.errors import BadRequestError
from ...core.ids import parse_hydra_id
from ..people.models import PeopleBackend
from ..rest.call import Call, Handler, no_content, ok, page
from ..rest.dispatch import respond_from_spec
from .models import Membership, Room, RoomsBackend


def _me(call: Call) -> str:
    return call.token.person_uuid


def list_rooms(call: Call) -> JSONResponse:
    """``GET /rooms``: the caller's rooms, filtered by ``teamId`` and ``type``."""
    found = call.backend(RoomsBackend).rooms_of(_me(call))
    team = call.query("teamId")
    if team is not None:
        decoded = parse_hydra_id(team)
        found = [r for r in found if decoded is not None and r.team_uuid == decoded.uuid]
    kind = call.query("type")
    if kind is not None:
        found = [r for r in found if r.type == kind]
    if call.query("sortBy") == "lastactivity":
        found.sort(key=lambda room: room.last_activity, reverse=True)
    elif call.query("sortBy") == "created":
        found.sort(key=lambda room: room.created, reverse=True)
    return page(call, found, Room.to_json, default_max=100, limit=1000)


def create_room(call: Call) -> JSONResponse:
    """``POST /rooms``: a group room with the caller as first member."""
    creator = call.backend(PeopleBackend).get(_me(call))
    team_uuid = None
    if call.body.get("teamId"):
        from ..teams.models import TeamsBackend

        team_uuid = call.backend(TeamsBackend).get(call.body["teamId"]).uuid
    room = call.backend(RoomsBackend).create(
        call.body["title"], creator, team_uuid=team_uuid, options=call.body
    )
    return ok(room.to_json())


def get_room(call: Call) -> JSONResponse:
    """``GET /rooms/{roomId}``."""
    return ok(call.backend(RoomsBackend).get_visible(call.param("roomId"), _me(call)).to_json())


def update_room(call: Call) -> JSONResponse:
    """``PUT /rooms/{roomId}``."""
    rooms = call.backend(RoomsBackend)
    room = rooms.get_visible(call.param("roomId"), _me(call))
    return ok(rooms.update(room, call.body, _me(call)).to_json())


def delete_room(call: Call) -> Response:
    """``DELETE /rooms/{roomId}``: the room, its memberships and its messages."""
    from ..messages.models import MessagesBackend

    rooms = call.backend(RoomsBackend)
    room = rooms.get_visible(call.param("roomId"), _me(call))
    rooms.delete(room, _me(call))
    call.backend(MessagesBackend).drop_room(room.uuid)
    return no_content()


def get_meeting_info(call: Call) -> Response:
    """``GET /rooms/{roomId}/meetingInfo``: spec-shaped details of a known room."""
    room = call.backend(RoomsBackend).get_visible(call.param("roomId"), _me(call))
    response = respond_from_spec(call.op)
    if isinstance(response, JSONResponse):
        body = json.loads(bytes(response.body))
        body["roomId"] = room.id
        return ok(body)
    return response


def list_memberships(call: Call) -> JSONResponse:
    """``GET /memberships``: of a room, or the caller's own; by person id or email."""
    if call.query("roomId") is None and (call.query("personId") or call.query("personEmail")):
        raise BadRequestError("roomId: required when filtering by personId or personEmail.")
    found = call.backend(RoomsBackend).memberships(
        _me(call),
        room_id=call.query("roomId"),
        person_id=call.query("personId"),
        person_email=call.query("personEmail"),
    )
    return page(call, found, Membership.to_json, default_max=100)


def create_membership(call: Call) -> JSONResponse:
    """``POST /memberships``: add a person (by id or email) to a room the caller is in."""
    rooms = call.backend(RoomsBackend)
    room = rooms.get_visible(call.body["roomId"], _me(call))
    person = rooms.person_for(call.body)
    membership = rooms.add_member(
        room, person, actor_uuid=_me(call), is_moderator=bool(call.body.get("isModerator"))
    )
    return ok(membership.to_json())


def _visible_membership(call: Call) -> Membership:
    rooms = call.backend(RoomsBackend)
    membership = rooms.membership(call.param("membershipId"))
    rooms.get_visible(membership.room.id, _me(call))
    return membership


def get_membership(call: Call) -> JSONResponse:
    """``GET /memberships/{membershipId}``."""
    return ok(_visible_membership(call).to_json())


def update_membership(call: Call) -> JSONResponse:
    """``PUT /memberships/{membershipId}``."""
    rooms = call.backend(RoomsBackend)
    return ok(rooms.update_membership(_visible_membership(call), call.body, _me(call)).to_json())


def delete_membership(call: Call) -> Response:
    """``DELETE /memberships/{membershipId}``."""
    call.backend(RoomsBackend).remove_member(_visible_membership(call), _me(call))
    return no_content()


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "GET /rooms": list_rooms,
    "POST /rooms": create_room,
    "GET /rooms/{roomId}": get_room,
    "PUT /rooms/{roomId}": update_room,
    "DELETE /rooms/{roomId}": delete_room,
    "GET /rooms/{roomId}/meetingInfo": get_meeting_info,
    "GET /memberships": list_memberships,
    "POST /memberships": create_membership,
    "GET /memberships/{membershipId}": get_membership,
    "PUT /memberships/{membershipId}": update_membership,
    "DELETE /memberships/{membershipId}": delete_membership,
}
