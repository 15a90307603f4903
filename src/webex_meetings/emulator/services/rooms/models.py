"""Rooms backend: rooms and memberships, with the Room/Membership JSON of the spec.

Every change is announced twice: as a webhook (``WebhooksBackend``) and as a
``conversation.activity`` pushed over Mercury to the members of the space
(JS REST plugins): ``create``, ``update``/``lock``/``unlock``, ``add``, ``leave``,
``assignModerator``/``unassignModerator`` and ``hide``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ...core.errors import BadRequestError, ConflictError, EmulatorError, NotFoundError
from ...core.ids import hydra_id, new_uuid, parse_hydra_id
from ...core.state import Backend
from ..conversation import activities
from ..people.models import PeopleBackend, Person, webex_timestamp
from ..webhooks.models import WebhooksBackend


@dataclass
class Room:
    """A space: ``group`` (titled) or ``direct`` (1:1)."""

    uuid: str
    title: str
    type: str
    creator_uuid: str
    org_uuid: str
    created: float
    last_activity: float
    team_uuid: str | None = None
    is_locked: bool = False
    is_public: bool = False
    is_announcement_only: bool = False
    is_read_only: bool = False
    description: str | None = None
    members: dict[str, Membership] = field(default_factory=dict)
    """Memberships by person uuid."""

    @property
    def id(self) -> str:
        """The room's Hydra id."""
        return hydra_id("ROOM", self.uuid)

    def to_json(self) -> dict[str, Any]:
        """Render the ``Room`` schema."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "type": self.type,
            "isLocked": self.is_locked,
            "lastActivity": webex_timestamp(self.last_activity),
            "creatorId": hydra_id("PEOPLE", self.creator_uuid),
            "created": webex_timestamp(self.created),
            "ownerId": hydra_id("ORGANIZATION", self.org_uuid),
            "isAnnouncementOnly": self.is_announcement_only,
            "isReadOnly": self.is_read_only,
            "isPublic": self.is_public,
        }
        if self.team_uuid:
            out["teamId"] = hydra_id("TEAM", self.team_uuid)
        if self.description is not None:
            out["description"] = self.description
        return out


@dataclass
class Membership:
    """A person's membership of a room."""

    room: Room
    person: Person
    created: float
    is_moderator: bool = False
    is_room_hidden: bool = False

    @property
    def id(self) -> str:
        """Hydra id with the compound ``<personUuid>:<roomUuid>`` uuid (rest-conventions §10)."""
        return hydra_id("MEMBERSHIP", f"{self.person.uuid}:{self.room.uuid}")

    def to_json(self) -> dict[str, Any]:
        """Render the ``Membership`` schema."""
        return {
            "id": self.id,
            "roomId": self.room.id,
            "personId": self.person.id,
            "personEmail": self.person.email,
            "personDisplayName": self.person.display_name,
            "personOrgId": hydra_id("ORGANIZATION", self.person.org_uuid),
            "isModerator": self.is_moderator,
            "isRoomHidden": self.is_room_hidden,
            "roomType": self.room.type,
            "isMonitor": False,
            "created": webex_timestamp(self.created),
        }


class RoomsBackend(Backend):
    """Every room, in creation order, with its memberships."""

    def reset(self) -> None:
        """No rooms."""
        self.rooms: dict[str, Room] = {}

    def _now(self) -> float:
        return self.state.clock()

    def _publish(self, resource: str, event: str, data: dict[str, Any], actor: str) -> None:
        self.state.backend(WebhooksBackend).publish(resource, event, data, actor)

    def create(
        self,
        title: str,
        creator: Person,
        *,
        room_type: str = "group",
        team_uuid: str | None = None,
        options: dict[str, Any] | None = None,
    ) -> Room:
        """Create a room whose first member is ``creator``."""
        now = self._now()
        opts = options or {}
        room = Room(
            uuid=new_uuid(),
            title=title,
            type=room_type,
            creator_uuid=creator.uuid,
            org_uuid=creator.org_uuid,
            created=now,
            last_activity=now,
            team_uuid=team_uuid,
            is_locked=bool(opts.get("isLocked", False)),
            is_public=bool(opts.get("isPublic", False)),
            is_announcement_only=bool(opts.get("isAnnouncementOnly", False)),
            description=opts.get("description"),
        )
        self.rooms[room.uuid] = room
        self._publish("rooms", "created", room.to_json(), creator.uuid)
        # The creator joins as part of ``create`` (its participants), not by an ``add``.
        self.add_member(room, creator, actor_uuid=creator.uuid, announce=False)
        activities.publish(
            self.state,
            "create",
            actor=creator,
            obj=activities.conversation_object(
                self.state, room, participants=room.members.values()
            ),
            recipients=room.members,
        )
        return room

    def get(self, room_id: str) -> Room:
        """Return a room by Hydra id.

        Raises:
            NotFoundError: No such room.
        """
        decoded = parse_hydra_id(room_id)
        room = self.rooms.get(decoded.uuid) if decoded and decoded.kind == "ROOM" else None
        if room is None:
            raise NotFoundError(f"Could not find a room with provided ID {room_id}.")
        return room

    def get_by_uuid(self, room_uuid: str) -> Room:
        """Return a room by its raw uuid (conversation service URLs carry uuids).

        Raises:
            NotFoundError: No such room.
        """
        room = self.rooms.get(room_uuid)
        if room is None:
            raise NotFoundError(f"Could not find a conversation with id {room_uuid}.")
        return room

    def get_visible(self, room_id: str, person_uuid: str) -> Room:
        """Return a room the person is a member of.

        Raises:
            NotFoundError: No such room, or the person is not a member.
        """
        room = self.get(room_id)
        if person_uuid not in room.members:
            raise NotFoundError(f"Could not find a room with provided ID {room_id}.")
        return room

    def require_member(self, room: Room, person_uuid: str) -> Membership:
        """Return the person's membership of ``room``.

        Raises:
            EmulatorError: 403, the person is not a member.
        """
        found = room.members.get(person_uuid)
        if found is None:
            raise EmulatorError(
                f"You are not a member of room {room.id}.",
                message="You are not a member of this room.",
                status_code=403,
            )
        return found

    def direct_room(self, one: Person, other: Person) -> Room:
        """Return the 1:1 room of two people, creating it on first use."""
        for room in self.rooms.values():
            if room.type == "direct" and set(room.members) == {one.uuid, other.uuid}:
                return room
        room = self.create(other.display_name, one, room_type="direct")
        self.add_member(room, other, actor_uuid=one.uuid)
        return room

    def rooms_of(self, person_uuid: str) -> list[Room]:
        """Return the rooms a person belongs to, in creation order."""
        return [room for room in self.rooms.values() if person_uuid in room.members]

    def _announce(
        self,
        verb: str,
        room: Room,
        actor_uuid: str,
        obj: dict[str, Any],
        *,
        target: Room | None = None,
        recipients: Iterable[str] | None = None,
    ) -> None:
        """Push a ``conversation.activity`` to the members (or ``recipients``)."""
        activities.publish(
            self.state,
            verb,
            actor=self.state.backend(PeopleBackend).get(actor_uuid),
            obj=obj,
            recipients=list(room.members) if recipients is None else recipients,
            target=target,
        )

    def update(self, room: Room, body: dict[str, Any], actor_uuid: str) -> Room:
        """Apply a validated ``PUT /rooms/{roomId}`` body."""
        was_locked = room.is_locked
        changed = room.title != body["title"] or any(
            key in body and body[key] != getattr(room, attr)
            for key, attr in (
                ("isPublic", "is_public"),
                ("isAnnouncementOnly", "is_announcement_only"),
                ("isReadOnly", "is_read_only"),
                ("description", "description"),
            )
        )
        room.title = body["title"]
        for key, attr in (
            ("isLocked", "is_locked"),
            ("isPublic", "is_public"),
            ("isAnnouncementOnly", "is_announcement_only"),
            ("isReadOnly", "is_read_only"),
            ("description", "description"),
        ):
            if key in body:
                setattr(room, attr, body[key])
        self._publish("rooms", "updated", room.to_json(), actor_uuid)
        if room.is_locked != was_locked:
            verb = "lock" if room.is_locked else "unlock"
            self._announce(verb, room, actor_uuid, activities.conversation_object(self.state, room))
        if changed or room.is_locked == was_locked:
            # ``update`` names the changed fields in ``object``; the space is ``target``.
            obj = activities.conversation_object(self.state, room, with_id=False)
            self._announce("update", room, actor_uuid, obj, target=room)
        return room

    def delete(self, room: Room, actor_uuid: str) -> None:
        """Remove a room and its memberships."""
        self.rooms.pop(room.uuid, None)
        room.members.clear()
        self._publish("rooms", "deleted", room.to_json(), actor_uuid)

    def touch(self, room: Room) -> None:
        """Record activity in the room now."""
        room.last_activity = self._now()

    def add_member(
        self,
        room: Room,
        person: Person,
        *,
        actor_uuid: str,
        is_moderator: bool = False,
        announce: bool = True,
    ) -> Membership:
        """Add a person to a room.

        Args:
            room: The room.
            person: Who joins.
            actor_uuid: Who added them.
            is_moderator: Join as a moderator.
            announce: Push an ``add`` activity (False while the room is being created).

        Raises:
            ConflictError: The person is already a member.
        """
        if person.uuid in room.members:
            raise ConflictError(f"{person.email} is already a participant of this room.")
        membership = Membership(room, person, self._now(), is_moderator=is_moderator)
        room.members[person.uuid] = membership
        self._publish("memberships", "created", membership.to_json(), actor_uuid)
        if announce:
            obj = activities.person_object(person, is_moderator=is_moderator)
            self._announce("add", room, actor_uuid, obj, target=room)
        return membership

    def membership(self, membership_id: str) -> Membership:
        """Return a membership by Hydra id.

        Raises:
            NotFoundError: No such membership.
        """
        decoded = parse_hydra_id(membership_id)
        if decoded is not None and decoded.kind == "MEMBERSHIP":
            person_uuid, _, room_uuid = decoded.uuid.partition(":")
            room = self.rooms.get(room_uuid)
            if room is not None and person_uuid in room.members:
                return room.members[person_uuid]
        raise NotFoundError(f"Membership {membership_id} not found.")

    def memberships(
        self,
        caller_uuid: str,
        *,
        room_id: str | None = None,
        person_id: str | None = None,
        person_email: str | None = None,
    ) -> list[Membership]:
        """List memberships: of one room, or else the caller's own."""
        if room_id is not None:
            found = list(self.get_visible(room_id, caller_uuid).members.values())
        else:
            found = [room.members[caller_uuid] for room in self.rooms_of(caller_uuid)]
        if person_id is not None:
            found = [m for m in found if m.person.id == person_id]
        if person_email is not None:
            found = [m for m in found if m.person.email.lower() == person_email.lower()]
        return found

    def update_membership(
        self, membership: Membership, body: dict[str, Any], actor_uuid: str
    ) -> Membership:
        """Apply a validated ``PUT /memberships/{membershipId}`` body."""
        was_moderator, was_hidden = membership.is_moderator, membership.is_room_hidden
        membership.is_moderator = bool(body["isModerator"])
        membership.is_room_hidden = bool(body["isRoomHidden"])
        self._publish("memberships", "updated", membership.to_json(), actor_uuid)
        room, person = membership.room, membership.person
        if membership.is_moderator != was_moderator:
            verb = "assignModerator" if membership.is_moderator else "unassignModerator"
            obj = activities.person_object(person, is_moderator=membership.is_moderator)
            self._announce(verb, room, actor_uuid, obj, target=room)
        if membership.is_room_hidden and not was_hidden:
            # Hiding is personal: the person is the actor, the space the object.
            obj = activities.conversation_object(self.state, room)
            self._announce("hide", room, person.uuid, obj, recipients=[person.uuid])
        return membership

    def remove_member(self, membership: Membership, actor_uuid: str) -> None:
        """Take a person out of a room."""
        room, person = membership.room, membership.person
        recipients = list(room.members)  # the person who leaves hears it too
        room.members.pop(person.uuid, None)
        self._publish("memberships", "deleted", membership.to_json(), actor_uuid)
        obj = activities.person_object(person, is_moderator=membership.is_moderator)
        self._announce("leave", room, actor_uuid, obj, target=room, recipients=recipients)

    def person_for(self, body: dict[str, Any]) -> Person:
        """Resolve ``personId`` or ``personEmail`` of a request body.

        A new address creates the person, as Webex invites unknown emails.

        Raises:
            NotFoundError: ``personId`` names nobody.
            BadRequestError: Neither is given.
        """
        people = self.state.backend(PeopleBackend)
        if body.get("personId"):
            return people.get_by_id(body["personId"])
        if body.get("personEmail"):
            return people.find_by_email(body["personEmail"]) or people.create(
                None, body["personEmail"]
            )
        detail = "personId or personEmail: one of them is required."
        raise BadRequestError(detail, message=detail)
