"""Team operations: ``/teams`` and ``/team/memberships``."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from ..people.models import PeopleBackend
from ..rest.call import Call, Handler, no_content, ok, page
from ..rooms.models import RoomsBackend
from .models import Team, TeamMembership, TeamsBackend


def list_teams(call: Call) -> JSONResponse:
    """``GET /teams``: the caller's teams."""
    me = call.token.person_uuid
    found = [t for t in call.backend(TeamsBackend).teams.values() if me in t.members]
    return page(call, found, Team.to_json, default_max=100)


def create_team(call: Call) -> JSONResponse:
    """``POST /teams``."""
    creator = call.backend(PeopleBackend).get(call.token.person_uuid)
    return ok(call.backend(TeamsBackend).create(call.body, creator).to_json())


def get_team(call: Call) -> JSONResponse:
    """``GET /teams/{teamId}``."""
    teams = call.backend(TeamsBackend)
    return ok(teams.get_visible(call.param("teamId"), call.token.person_uuid).to_json())


def update_team(call: Call) -> JSONResponse:
    """``PUT /teams/{teamId}``."""
    team = call.backend(TeamsBackend).get_visible(call.param("teamId"), call.token.person_uuid)
    team.name = call.body["name"]
    team.description = call.body.get("description", team.description)
    return ok(team.to_json())


def delete_team(call: Call) -> Response:
    """``DELETE /teams/{teamId}``."""
    teams = call.backend(TeamsBackend)
    teams.delete(teams.get_visible(call.param("teamId"), call.token.person_uuid))
    return no_content()


def list_team_memberships(call: Call) -> JSONResponse:
    """``GET /team/memberships?teamId=``."""
    teams = call.backend(TeamsBackend)
    team = teams.get_visible(call.query("teamId") or "", call.token.person_uuid)
    return page(call, list(team.members.values()), TeamMembership.to_json, default_max=100)


def create_team_membership(call: Call) -> JSONResponse:
    """``POST /team/memberships``: add a person (by id or email) to a team."""
    teams = call.backend(TeamsBackend)
    team = teams.get_visible(call.body["teamId"], call.token.person_uuid)
    person = call.backend(RoomsBackend).person_for(call.body)
    membership = teams.add_member(team, person, is_moderator=bool(call.body.get("isModerator")))
    return ok(membership.to_json())


def _visible(call: Call) -> TeamMembership:
    teams = call.backend(TeamsBackend)
    membership = teams.membership(call.param("membershipId"))
    teams.get_visible(membership.team.id, call.token.person_uuid)
    return membership


def get_team_membership(call: Call) -> JSONResponse:
    """``GET /team/memberships/{membershipId}``."""
    return ok(_visible(call).to_json())


def update_team_membership(call: Call) -> JSONResponse:
    """``PUT /team/memberships/{membershipId}``."""
    membership = _visible(call)
    membership.is_moderator = bool(call.body["isModerator"])
    return ok(membership.to_json())


def delete_team_membership(call: Call) -> Response:
    """``DELETE /team/memberships/{membershipId}``."""
    membership = _visible(call)
    membership.team.members.pop(membership.person.uuid, None)
    return no_content()


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "GET /teams": list_teams,
    "POST /teams": create_team,
    "GET /teams/{teamId}": get_team,
    "PUT /teams/{teamId}": update_team,
    "DELETE /teams/{teamId}": delete_team,
    "GET /team/memberships": list_team_memberships,
    "POST /team/memberships": create_team_membership,
    "GET /team/memberships/{membershipId}": get_team_membership,
    "PUT /team/memberships/{membershipId}": update_team_membership,
    "DELETE /team/memberships/{membershipId}": delete_team_membership,
}
