"""Teams backend: teams and their memberships, with the Team/TeamMembership JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...core.errors import ConflictError, NotFoundError
from ...core.ids import hydra_id, new_uuid, parse_hydra_id
from ...core.state import Backend
from ..people.models import Person, webex_timestamp
from ..rooms.models import RoomsBackend


@dataclass
class TeamMembership:
    """A person's membership of a team."""

    team: Team
    person: Person
    created: float
    is_moderator: bool = False

    @property
    def id(self) -> str:
        """Hydra id with the compound ``<personUuid>:<teamUuid>`` uuid."""
        return hydra_id("TEAM_MEMBERSHIP", f"{self.person.uuid}:{self.team.uuid}")

    def to_json(self) -> dict[str, Any]:
        """Render the ``TeamMembership`` schema."""
        return {
            "id": self.id,
            "teamId": self.team.id,
            "personId": self.person.id,
            "personEmail": self.person.email,
            "personDisplayName": self.person.display_name,
            "personOrgId": hydra_id("ORGANIZATION", self.person.org_uuid),
            "isModerator": self.is_moderator,
            "created": webex_timestamp(self.created),
        }


@dataclass
class Team:
    """A team: a group of people with a General room."""

    uuid: str
    name: str
    created: float
    description: str | None = None
    members: dict[str, TeamMembership] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The team's Hydra id."""
        return hydra_id("TEAM", self.uuid)

    def to_json(self) -> dict[str, Any]:
        """Render the ``Team`` schema."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "created": webex_timestamp(self.created),
        }
        if self.description is not None:
            out["description"] = self.description
        return out


class TeamsBackend(Backend):
    """Every team, in creation order."""

    def reset(self) -> None:
        """No teams."""
        self.teams: dict[str, Team] = {}

    def create(self, body: dict[str, Any], creator: Person) -> Team:
        """Create a team from a validated body; the creator is its moderator.

        Like Webex, the team gets a General room named after it.
        """
        team = Team(new_uuid(), body["name"], self.state.clock(), body.get("description"))
        self.teams[team.uuid] = team
        self.add_member(team, creator, is_moderator=True)
        self.state.backend(RoomsBackend).create(team.name, creator, team_uuid=team.uuid)
        return team

    def get(self, team_id: str) -> Team:
        """Return a team by Hydra id.

        Raises:
            NotFoundError: No such team.
        """
        decoded = parse_hydra_id(team_id)
        found = self.teams.get(decoded.uuid) if decoded and decoded.kind == "TEAM" else None
        if found is None:
            raise NotFoundError(f"Could not find a team with provided ID {team_id}.")
        return found

    def get_visible(self, team_id: str, person_uuid: str) -> Team:
        """Return a team the person belongs to.

        Raises:
            NotFoundError: No such team, or not a member.
        """
        team = self.get(team_id)
        if person_uuid not in team.members:
            raise NotFoundError(f"Could not find a team with provided ID {team_id}.")
        return team

    def add_member(
        self, team: Team, person: Person, *, is_moderator: bool = False
    ) -> TeamMembership:
        """Add a person to a team.

        Raises:
            ConflictError: Already a member.
        """
        if person.uuid in team.members:
            raise ConflictError(f"{person.email} is already a member of this team.")
        membership = TeamMembership(team, person, self.state.clock(), is_moderator)
        team.members[person.uuid] = membership
        return membership

    def membership(self, membership_id: str) -> TeamMembership:
        """Return a team membership by Hydra id.

        Raises:
            NotFoundError: No such membership.
        """
        decoded = parse_hydra_id(membership_id)
        if decoded is not None and decoded.kind == "TEAM_MEMBERSHIP":
            person_uuid, _, team_uuid = decoded.uuid.partition(":")
            team = self.teams.get(team_uuid)
            if team is not None and person_uuid in team.members:
                return team.members[person_uuid]
        raise NotFoundError(f"Team membership {membership_id} not found.")

    def delete(self, team: Team) -> None:
        """Remove a team (its rooms stay, as on Webex, but leave the team)."""
        self.teams.pop(team.uuid, None)
        for room in self.state.backend(RoomsBackend).rooms.values():
            if room.team_uuid == team.uuid:
                room.team_uuid = None
