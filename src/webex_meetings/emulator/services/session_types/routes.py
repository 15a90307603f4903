"""Session type operations: the site's, a user's (admin), and the caller's for scheduling."""

from __future__ import annotations

from starlette.responses import JSONResponse

from ...core.errors import BadRequestError, NotFoundError
from ..meetings.models import SITE_URL
from ..people.models import PeopleBackend, Person
from ..rest.call import Call, Handler, ok
from .models import SITE_TYPES, SessionTypesBackend, user_json


def _site(site_url: str | None) -> None:
    if site_url and site_url != SITE_URL:
        raise NotFoundError(f"Site '{site_url}' not found.")


def _me(call: Call) -> Person:
    return call.backend(PeopleBackend).get(call.token.person_uuid)


def list_site_types(call: Call) -> JSONResponse:
    """``GET /admin/meeting/config/sessionTypes``."""
    _site(call.query("siteUrl"))
    return ok({"items": [t.site_json() for t in SITE_TYPES]})


def list_user_types(call: Call) -> JSONResponse:
    """``GET /admin/meeting/userconfig/sessionTypes``: one user's, or every user's of the org."""
    _site(call.query("siteUrl"))
    people = call.backend(PeopleBackend)
    types = call.backend(SessionTypesBackend)
    person_id = call.query("personId")
    if person_id:
        targets = [people.get_by_id(person_id)]
    else:
        org = _me(call).org_uuid
        targets = [p for p in people.people.values() if p.org_uuid == org]
    return ok({"items": [user_json(p, types.of(p)) for p in targets]})


def update_user_types(call: Call) -> JSONResponse:
    """``PUT /admin/meeting/userconfig/sessionTypes``: by ``personId`` or ``email``."""
    _site(str(call.body["siteUrl"]))
    people = call.backend(PeopleBackend)
    if call.body.get("personId"):
        person = people.get_by_id(str(call.body["personId"]))
    elif call.body.get("email"):
        found = people.find_by_email(str(call.body["email"]))
        if found is None:
            raise NotFoundError(f"User '{call.body['email']}' not found.")
        person = found
    else:
        raise BadRequestError("Give personId or email.")
    ids = [str(i) for i in call.body["sessionTypeIds"]]
    return ok(user_json(person, call.backend(SessionTypesBackend).assign(person, ids)))


def list_meeting_types(call: Call) -> JSONResponse:
    """``GET /meetings/sessionTypes``: what the caller may schedule with."""
    _site(call.query("siteUrl"))
    types = call.backend(SessionTypesBackend).of(_me(call))
    return ok({"items": [t.meeting_json() for t in types]})


def get_meeting_type(call: Call) -> JSONResponse:
    """``GET /meetings/sessionTypes/{sessionTypeId}``."""
    found = call.backend(SessionTypesBackend).get(_me(call), call.param("sessionTypeId"))
    return ok(found.meeting_json())


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "GET /admin/meeting/config/sessionTypes": list_site_types,
    "GET /admin/meeting/userconfig/sessionTypes": list_user_types,
    "PUT /admin/meeting/userconfig/sessionTypes": update_user_types,
    "GET /meetings/sessionTypes": list_meeting_types,
    "GET /meetings/sessionTypes/{sessionTypeId}": get_meeting_type,
}
