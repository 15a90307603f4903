"""Conversation service: ``POST {conversation}/conversations/{id}/activities``.

Only read receipts are emulated: the ``acknowledge`` activity that the SDK's
``memberships.updateLastSeen`` submits (``object`` = the last message read, ``target`` =
the space). The caller must be a member of the space and the message must be in it. The
answer is the activity as published, which the members of the space also receive over
Mercury. Every other verb is answered with 400.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from ...core.auth import authenticate
from ...core.errors import BadRequestError
from ...core.state import backend_of, get_state
from ..messages.models import MessagesBackend
from ..people.models import PeopleBackend
from ..rooms.models import RoomsBackend
from ..u2c.models import SERVICE_PATHS
from . import activities

CONVERSATION_PATH = SERVICE_PATHS["conversation"]


async def _activity(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError as exc:
        raise BadRequestError("The request body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise BadRequestError("The request body must be a JSON object.")
    return body


async def post_activity(request: Request) -> JSONResponse:
    """Submit an activity to a space; only ``acknowledge`` is emulated."""
    token = authenticate(request)
    body = await _activity(request)
    if body.get("verb") != "acknowledge":
        raise BadRequestError(f"verb: {body.get('verb')!r} is not emulated; use acknowledge.")
    obj = body.get("object")
    message_uuid = obj.get("id") if isinstance(obj, dict) else None
    if not isinstance(message_uuid, str) or not message_uuid:
        raise BadRequestError("object.id: the id of the activity read is required.")
    rooms = backend_of(request, RoomsBackend)
    room = rooms.get_by_uuid(request.path_params["conversation_id"])
    rooms.require_member(room, token.person_uuid)
    message = backend_of(request, MessagesBackend).by_uuid.get(message_uuid)
    if message is None or message.room is not room:
        raise BadRequestError("object.id: no such activity in this conversation.")
    activity = activities.publish(
        get_state(request),
        "acknowledge",
        actor=backend_of(request, PeopleBackend).get(token.person_uuid),
        obj={"objectType": "activity", "id": message.uuid},
        recipients=list(room.members),
        target=room,
    )
    return JSONResponse(activity)


ROUTES: list[BaseRoute] = [
    Route(
        f"{CONVERSATION_PATH}/conversations/{{conversation_id}}/activities",
        post_activity,
        methods=["POST"],
    ),
]
