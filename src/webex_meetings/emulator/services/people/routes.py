"""People: the ``/v1/people`` operations (dispatched by the REST service) and avatar images."""

from __future__ import annotations

import base64

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ..rest.call import Call, Handler, no_content, ok, page
from .models import AVATAR_PATH, PeopleBackend

# A valid 1x1 transparent PNG: avatar links must resolve without leaving loopback.
_AVATAR_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def get_me(call: Call) -> JSONResponse:
    """``GET /people/me``: the caller's own person."""
    person = call.backend(PeopleBackend).get(call.token.person_uuid)
    return ok(person.to_json(call.state.base_url))


def get_person(call: Call) -> JSONResponse:
    """``GET /people/{personId}``: one person by Hydra id."""
    person = call.backend(PeopleBackend).get_by_id(call.param("personId"))
    return ok(person.to_json(call.state.base_url))


def list_people(call: Call) -> JSONResponse:
    """``GET /people``: filtered by ``email``, ``displayName`` (prefix) or ``id`` list."""
    found = call.backend(PeopleBackend).find(
        email=call.query("email"),
        display_name=call.query("displayName"),
        ids=call.query("id"),
        org_id=call.query("orgId"),
    )
    base_url = call.state.base_url
    return page(call, found, lambda person: person.to_json(base_url), default_max=100)


def create_person(call: Call) -> JSONResponse:
    """``POST /people``: add a person to the caller's org."""
    person = call.backend(PeopleBackend).create_from_json(call.body, call.token.org_uuid)
    return ok(person.to_json(call.state.base_url))


def update_person(call: Call) -> JSONResponse:
    """``PUT /people/{personId}``: replace a person's editable fields."""
    people = call.backend(PeopleBackend)
    person = people.update(people.get_by_id(call.param("personId")), call.body)
    return ok(person.to_json(call.state.base_url))


def delete_person(call: Call) -> Response:
    """``DELETE /people/{personId}``."""
    people = call.backend(PeopleBackend)
    people.delete(people.get_by_id(call.param("personId")))
    return no_content()


async def get_avatar(request: Request) -> Response:
    """``GET /avatars/{uuid}~{size}``: a placeholder image; public, like Webex's CDN."""
    from ...core.state import backend_of

    person_uuid = request.path_params["name"].split("~", 1)[0]
    backend_of(request, PeopleBackend).get(person_uuid)
    return Response(_AVATAR_PNG, media_type="image/png")


#: Stateful handlers of the People operations, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "GET /people": list_people,
    "POST /people": create_person,
    "GET /people/me": get_me,
    "GET /people/{personId}": get_person,
    "PUT /people/{personId}": update_person,
    "DELETE /people/{personId}": delete_person,
}

ROUTES: list[BaseRoute] = [
    Route(f"{AVATAR_PATH}/{{name}}", get_avatar, methods=["GET"]),
]
