"""Control API for meetings: ``/_emulator/meeting-rooms`` (create, update, captcha code).

A meeting is named by any of its references: uuid, number, SIP address, join link.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from ...control import _Body, _parse
from ...core.errors import BadRequestError, NotFoundError
from ...core.state import CONTROL_PREFIX, EmulatorState, get_state
from ..people.models import PeopleBackend, Person
from .models import MeetingInfoBackend
from .rooms import RoomDirectory

_R = f"{CONTROL_PREFIX}/meeting-rooms"


class _Settings(_Body):
    """Settings shared by create and update."""

    title: str | None = Field(default=None, min_length=1)
    password: str | None = None
    host_key: str | None = Field(default=None, alias="hostKey", pattern=r"^[0-9]{6}$")
    lobby: bool | None = None
    wait_for_host: bool | None = Field(default=None, alias="waitForHost")
    locked: bool | None = None
    host_pin_required: bool | None = Field(default=None, alias="hostPinRequired")
    policy_error: int | None = Field(default=None, alias="policyError")
    token_ttl: int | None = Field(default=None, alias="tokenTtl", ge=1)
    conversation_url: str | None = Field(default=None, alias="conversationUrl")

    def changes(self) -> dict[str, Any]:
        """The settings given, by :class:`MeetingRoom` field name."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class CreateRoomBody(_Settings):
    """``POST /_emulator/meeting-rooms``; the host is a new user unless named."""

    host_email: str | None = Field(default=None, alias="hostEmail")
    host_person_id: str | None = Field(default=None, alias="hostPersonId")


class UpdateRoomBody(_Settings):
    """``PATCH /_emulator/meeting-rooms``; ``policyError: 0`` clears the policy error."""

    meeting: str = Field(min_length=1)
    clear_password: bool = Field(default=False, alias="clearPassword")


def _host(state: EmulatorState, body: CreateRoomBody) -> Person:
    people = state.backend(PeopleBackend)
    if body.host_person_id is not None:
        return people.get_by_id(body.host_person_id)
    if body.host_email is not None:
        return people.find_by_email(body.host_email) or people.create(None, body.host_email)
    return people.create("Meeting Host")


def _render(state: EmulatorState, room_json: dict[str, Any], host_uuid: str) -> dict[str, Any]:
    host = state.backend(PeopleBackend).people.get(host_uuid)
    return {**room_json, "hostEmail": None if host is None else host.email}


async def create_room(request: Request) -> JSONResponse:
    """Create an instant meeting."""
    body = await _parse(request, CreateRoomBody)
    state = get_state(request)
    settings = {
        key: value
        for key, value in body.changes().items()
        if key not in ("host_email", "host_person_id") and value is not None
    }
    host = _host(state, body)
    room = state.backend(RoomDirectory).create(host, **settings)
    return JSONResponse(_render(state, room.to_control_json(), room.host_uuid))


async def update_room(request: Request) -> JSONResponse:
    """Change a meeting's settings (password, lobby, lock on start, policy error, ...)."""
    body = await _parse(request, UpdateRoomBody)
    state = get_state(request)
    room = state.backend(RoomDirectory).find(body.meeting)
    for key, value in body.changes().items():
        if key in ("meeting", "clear_password") or value is None:
            continue
        setattr(room, key, value)
    if body.policy_error == 0:
        room.policy_error = None
    if body.clear_password:
        room.password = None
    return JSONResponse(_render(state, room.to_control_json(), room.host_uuid))


async def captcha(request: Request) -> JSONResponse:
    """The code of a meeting's newest pending captcha: what its image shows."""
    meeting = request.query_params.get("meeting")
    if not meeting:
        raise BadRequestError("Give ?meeting=<number, SIP address, link or id>.")
    state = get_state(request)
    room = state.backend(RoomDirectory).find(meeting)
    pending = state.backend(MeetingInfoBackend).captchas.of_meeting(room.id)
    if not pending:
        raise NotFoundError(f"No captcha is pending for meeting {meeting}.")
    return JSONResponse({"captchaID": pending[-1].id, "code": pending[-1].code})


ROUTES: list[BaseRoute] = [
    Route(_R, create_room, methods=["POST"]),
    Route(_R, update_room, methods=["PATCH"]),
    Route(f"{_R}/captcha", captcha, methods=["GET"]),
]
