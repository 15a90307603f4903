"""Control API under ``/_emulator/``: reset, users, tokens, faults, request log, state.

JSON in and out, no auth. Unknown body keys are rejected with a 400 that names them, so
a typo in a test fails loudly instead of being ignored.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from .core.auth import TokenPair, TokenStore
from .core.errors import BadRequestError, NotFoundError
from .core.faults import FaultStore
from .core.requests_log import RequestLog
from .core.state import CONTROL_PREFIX, EmulatorState, get_state
from .services.meetings.models import MeetingsBackend
from .services.messages.models import MessagesBackend
from .services.people.models import PeopleBackend, Person
from .services.rooms.models import RoomsBackend

M = TypeVar("M", bound=BaseModel)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserBody(_Body):
    """``POST /_emulator/users``."""

    display_name: str | None = Field(default=None, alias="displayName", min_length=1)
    email: str | None = None
    token_expires_in: int | None = Field(default=None, alias="tokenExpiresIn", ge=0)


class TokenBody(_Body):
    """``POST /_emulator/tokens``: the user is named by ``email`` or ``personId``."""

    email: str | None = None
    person_id: str | None = Field(default=None, alias="personId")
    expires_in: int | None = Field(default=None, alias="expiresIn", ge=0)


class ExpireBody(_Body):
    """``POST /_emulator/tokens/expire``."""

    access_token: str | None = Field(default=None, alias="accessToken")
    all: bool = False


class FaultBody(_Body):
    """``POST /_emulator/faults``; see :class:`~.core.faults.FaultRule`."""

    path: str = Field(min_length=1)
    method: str = "*"
    status: int | None = None
    count: int | None = 1
    retry_after: str | int | None = Field(default=None, alias="retryAfter")
    latency_ms: int = Field(default=0, alias="latencyMs", ge=0, le=60_000)
    body: dict[str, Any] | None = None


class SeedBody(_Body):
    """``POST /_emulator/seed``: bulk objects owned by (or including) the default user."""

    people: int = Field(default=0, ge=0, le=100_000)
    rooms: int = Field(default=0, ge=0, le=100_000)
    messages: int = Field(default=0, ge=0, le=100_000)
    room_id: str | None = Field(default=None, alias="roomId")
    """Room to post the messages into; a new one by default."""


class MeetingControlBody(_Body):
    """``POST /_emulator/meetings/start`` and ``.../end``."""

    meeting_id: str = Field(alias="meetingId", min_length=1)


async def _parse(request: Request, model: type[M]) -> M:
    raw = await request.body()
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'body'}: {error['msg']}"
            for error in exc.errors()
        )
        raise BadRequestError(f"Invalid control request: {details}") from exc


def _grant_json(pair: TokenPair, state: EmulatorState) -> dict[str, Any]:
    client = state.backend(TokenStore).clients[pair.access.client_id]
    now = state.clock()
    return {
        "accessToken": pair.access.token,
        "refreshToken": pair.refresh.token,
        "expiresIn": max(0, round(pair.access.expires_at - now)),
        "refreshTokenExpiresIn": max(0, round(pair.refresh.expires_at - now)),
        "clientId": client.client_id,
        "clientSecret": client.client_secret,
    }


def _issue(state: EmulatorState, person: Person, expires_in: int | None) -> TokenPair:
    return state.backend(TokenStore).issue(person.uuid, person.org_uuid, expires_in=expires_in)


async def reset(request: Request) -> JSONResponse:
    """Restore the seeded state, clearing faults and the request log."""
    state = get_state(request)
    state.reset()
    return JSONResponse(_summary(state))


async def create_user(request: Request) -> JSONResponse:
    """Create a user with a fresh token pair."""
    body = await _parse(request, UserBody)
    state = get_state(request)
    person = state.backend(PeopleBackend).create(body.display_name, body.email)
    pair = _issue(state, person, body.token_expires_in)
    return JSONResponse({"person": person.to_json(state.base_url), **_grant_json(pair, state)})


async def issue_tokens(request: Request) -> JSONResponse:
    """Issue a fresh token pair for an existing user."""
    body = await _parse(request, TokenBody)
    state = get_state(request)
    people = state.backend(PeopleBackend)
    if body.person_id is not None:
        person = people.get_by_id(body.person_id)
    elif body.email is not None:
        found = people.find_by_email(body.email)
        if found is None:
            raise NotFoundError(f"No person with email {body.email}.")
        person = found
    else:
        raise BadRequestError("Give either email or personId.")
    pair = _issue(state, person, body.expires_in)
    return JSONResponse({"personId": person.id, **_grant_json(pair, state)})


async def expire_tokens(request: Request) -> JSONResponse:
    """Make one access token, or all of them, expired."""
    body = await _parse(request, ExpireBody)
    tokens = get_state(request).backend(TokenStore)
    if body.all:
        return JSONResponse({"expired": tokens.expire_all()})
    if body.access_token is None:
        raise BadRequestError('Give accessToken or "all": true.')
    if not tokens.expire(body.access_token):
        raise NotFoundError("Unknown access token.")
    return JSONResponse({"expired": 1})


async def add_fault(request: Request) -> JSONResponse:
    """Add a fault rule."""
    body = await _parse(request, FaultBody)
    faults = get_state(request).backend(FaultStore)
    rule = faults.add(
        body.path,
        method=body.method,
        status=body.status,
        count=body.count,
        retry_after=None if body.retry_after is None else str(body.retry_after),
        latency_ms=body.latency_ms,
        body=body.body,
    )
    return JSONResponse(rule.to_json())


async def list_faults(request: Request) -> JSONResponse:
    """List the active fault rules, in the order they apply."""
    rules = get_state(request).backend(FaultStore).rules
    return JSONResponse({"items": [rule.to_json() for rule in rules]})


async def clear_faults(request: Request) -> JSONResponse:
    """Drop every fault rule."""
    return JSONResponse({"deleted": get_state(request).backend(FaultStore).clear()})


async def list_requests(request: Request) -> JSONResponse:
    """List logged requests, oldest first, filtered by ``method`` and ``path`` glob."""
    entries = (
        get_state(request)
        .backend(RequestLog)
        .find(request.query_params.get("method"), request.query_params.get("path"))
    )
    return JSONResponse({"items": [entry.to_json() for entry in entries]})


async def clear_requests(request: Request) -> JSONResponse:
    """Forget every logged request."""
    return JSONResponse({"deleted": get_state(request).backend(RequestLog).clear()})


async def seed(request: Request) -> JSONResponse:
    """Bulk-create people, rooms the default user is in, and messages in one room.

    Bypasses validation and webhooks so that 10,000 objects take milliseconds.
    """
    body = await _parse(request, SeedBody)
    state = get_state(request)
    people = state.backend(PeopleBackend)
    rooms = state.backend(RoomsBackend)
    me = people.get(state.seed.person_uuid)
    person_ids = [people.create().id for _ in range(body.people)]
    room_ids = [rooms.create(f"Room {n + 1}", me).id for n in range(body.rooms)]
    messages_room: str | None = None
    if body.messages:
        room = (
            rooms.get(body.room_id)
            if body.room_id
            else rooms.create(f"Messages ({body.messages})", me)
        )
        state.backend(MessagesBackend).bulk(room, me, body.messages)
        messages_room = room.id
    return JSONResponse(
        {"personIds": person_ids, "roomIds": room_ids, "messagesRoomId": messages_room}
    )


async def start_meeting(request: Request) -> JSONResponse:
    """Start an instance of a meeting (series or scheduled meeting) now."""
    body = await _parse(request, MeetingControlBody)
    instance = get_state(request).backend(MeetingsBackend).start(body.meeting_id)
    return JSONResponse({"id": instance})


async def end_meeting(request: Request) -> JSONResponse:
    """End the running instance of a meeting."""
    body = await _parse(request, MeetingControlBody)
    get_state(request).backend(MeetingsBackend).end(body.meeting_id)
    return JSONResponse({"ended": True})


def _summary(state: EmulatorState) -> dict[str, Any]:
    return {
        "baseUrl": state.base_url,
        "users": len(state.backend(PeopleBackend).people),
        "tokens": state.backend(TokenStore).valid_count(),
        "faults": len(state.backend(FaultStore).rules),
        "requests": len(state.backend(RequestLog).entries),
    }


async def get_summary(request: Request) -> JSONResponse:
    """Counts of users, valid access tokens, faults and logged requests."""
    return JSONResponse(_summary(get_state(request)))


_P = CONTROL_PREFIX

ROUTES: list[BaseRoute] = [
    Route(f"{_P}/reset", reset, methods=["POST"]),
    Route(f"{_P}/users", create_user, methods=["POST"]),
    Route(f"{_P}/tokens", issue_tokens, methods=["POST"]),
    Route(f"{_P}/tokens/expire", expire_tokens, methods=["POST"]),
    Route(f"{_P}/faults", add_fault, methods=["POST"]),
    Route(f"{_P}/faults", list_faults, methods=["GET"]),
    Route(f"{_P}/faults", clear_faults, methods=["DELETE"]),
    Route(f"{_P}/requests", list_requests, methods=["GET"]),
    Route(f"{_P}/requests", clear_requests, methods=["DELETE"]),
    Route(f"{_P}/state", get_summary, methods=["GET"]),
    Route(f"{_P}/seed", seed, methods=["POST"]),
    Route(f"{_P}/meetings/start", start_meeting, methods=["POST"]),
    Route(f"{_P}/meetings/end", end_meeting, methods=["POST"]),
]
