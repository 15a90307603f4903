"""Mercury ``conversation.activity`` → Hydra-webhook-shaped events (JS REST plugins).

Pure functions, no I/O: :func:`map_activity` returns the events that ``rooms``,
``messages`` and ``memberships`` ``listen()`` emit for one activity; a ``messages``
``created`` event is marked ``fetch=True`` because JS fills its ``data`` with
``GET {hydra}/messages/<id>``. :func:`make_envelope` adds the common webhook fields.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["ActivityEvent", "hydra_id", "make_envelope", "map_activity", "space_type"]

_MESSAGE_CREATE: Final = frozenset({"post", "share"})
_ROOM_UPDATE: Final = frozenset({"update", "lock", "unlock"})
_MEMBERSHIP_UPDATE: Final = frozenset({"assignModerator", "unassignModerator"})


def hydra_id(kind: str, uuid: str, cluster: str = "us") -> str:
    """``constructHydraId``: base64url, no padding, of ``ciscospark://<cluster>/<KIND>/<id>``.

    ``PEOPLE`` and ``ORGANIZATION`` ids always use cluster ``us``.
    """
    if kind in ("PEOPLE", "ORGANIZATION"):
        cluster = "us"
    raw = f"ciscospark://{cluster}/{kind}/{uuid}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def space_type(tags: Any) -> str:
    """``direct`` when the tags contain ``ONE_ON_ONE``, else ``group``."""
    return "direct" if isinstance(tags, list) and "ONE_ON_ONE" in tags else "group"


def _tags(obj: Mapping[str, Any]) -> list[Any]:
    tags = obj.get("tags")
    return tags if isinstance(tags, list) else []


def _email(person: Mapping[str, Any]) -> Any:
    return person.get("emailAddress") or person.get("entryEmail")


@dataclass(frozen=True)
class ActivityEvent:
    """One SDK event derived from an activity.

    Attributes:
        resource: ``messages``, ``rooms`` or ``memberships``.
        event: ``created``, ``updated``, ``deleted`` or ``seen``.
        data: the event's ``data`` (Hydra ids).
        actor_id: Hydra person id of the actor.
        fetch: ``data`` holds only the message ``id``; fetch the message to fill it.
    """

    resource: str
    event: str
    data: dict[str, Any] = field(default_factory=dict)
    actor_id: str | None = None
    fetch: bool = False


def map_activity(activity: Mapping[str, Any], *, cluster: str = "us") -> list[ActivityEvent]:
    """Map one (decrypted) activity to the SDK events it produces; ``[]`` when none.

    Args:
        activity: ``data.activity`` of a ``conversation.activity`` Mercury frame.
        cluster: the Hydra cluster string of the conversation (``us`` by default).
    """
    verb = activity.get("verb")
    actor = activity.get("actor") or {}
    obj = activity.get("object") or {}
    target = activity.get("target") or {}
    if not isinstance(verb, str) or not all(isinstance(x, Mapping) for x in (actor, obj, target)):
        return []
    actor_uuid = actor.get("entryUUID")
    actor_id = hydra_id("PEOPLE", actor_uuid) if actor_uuid else None
    published = activity.get("published")

    def event(resource: str, name: str, data: dict[str, Any], fetch: bool = False) -> ActivityEvent:
        return ActivityEvent(resource, name, data, actor_id, fetch)

    events: list[ActivityEvent] = []
    data: dict[str, Any]
    if verb in _MESSAGE_CREATE and activity.get("id"):
        data = {"id": hydra_id("MESSAGE", str(activity["id"]), cluster)}
        if target.get("id"):
            data["roomId"] = hydra_id("ROOM", str(target["id"]), cluster)
            data["roomType"] = space_type(_tags(target))
        events.append(event("messages", "created", data, fetch=True))
    elif verb == "delete" and obj.get("id") and target.get("id"):
        events.append(
            event(
                "messages",
                "deleted",
                {
                    "id": hydra_id("MESSAGE", str(obj["id"]), cluster),
                    "personId": actor_id,
                    "personEmail": _email(actor),
                    "roomId": hydra_id("ROOM", str(target["id"]), cluster),
                    "roomType": space_type(_tags(target)),
                },
            )
        )
    elif verb == "create" and obj.get("id"):
        room_id = hydra_id("ROOM", str(obj["id"]), cluster)
        tags = _tags(obj)
        events.append(
            event(
                "rooms",
                "created",
                {
                    "id": room_id,
                    "created": published,
                    "creatorId": actor_id,
                    "lastActivity": published,
                    "type": space_type(tags),
                    "isLocked": "LOCKED" in tags,
                },
            )
        )
        participants = (obj.get("participants") or {}).get("items") or []
        for person in participants:
            if isinstance(person, Mapping):
                events.append(
                    event("memberships", "created", _membership(person, obj, published, cluster))
                )
    elif verb in _ROOM_UPDATE:
        room = target if verb == "update" else obj
        if room.get("objectType") not in (None, "conversation") and target.get("id"):
            room = target
        if room.get("id"):
            tags = _tags(room)
            data = {
                "id": hydra_id("ROOM", str(room["id"]), cluster),
                "created": published,
                "type": space_type(tags),
                "isLocked": "LOCKED" in tags,
            }
            creator = room.get("creatorUUID")
            if creator:
                data["creatorId"] = hydra_id("PEOPLE", str(creator))
            events.append(event("rooms", "updated", data))
    elif verb in ("add", "leave") or verb in _MEMBERSHIP_UPDATE:
        if obj.get("entryUUID") or obj.get("id"):
            data = _membership(obj, target, published, cluster)
            if verb == "assignModerator":
                data["isModerator"] = True
            elif verb == "unassignModerator":
                data["isModerator"] = False
            name = {"add": "created", "leave": "deleted"}.get(verb, "updated")
            events.append(event("memberships", name, data))
    elif verb == "hide" and obj.get("id"):
        data = _membership(actor, obj, published, cluster)
        data["isRoomHidden"] = True
        data["roomType"] = "direct"
        events.append(event("memberships", "updated", data))
    elif verb == "acknowledge" and target.get("id"):
        data = _membership(actor, target, published, cluster)
        if obj.get("id"):
            data["lastSeenId"] = hydra_id("MESSAGE", str(obj["id"]), cluster)
        events.append(event("memberships", "seen", data))
    return events


def _membership(
    person: Mapping[str, Any], room: Mapping[str, Any], published: Any, cluster: str
) -> dict[str, Any]:
    person_uuid = str(person.get("entryUUID") or person.get("id") or "")
    room_uuid = str(room.get("id") or "")
    props = person.get("roomProperties")
    org = person.get("orgId")
    return {
        "id": hydra_id("MEMBERSHIP", f"{person_uuid}:{room_uuid}", cluster),
        "roomId": hydra_id("ROOM", room_uuid, cluster),
        "roomType": space_type(_tags(room)),
        "isRoomHidden": False,
        "isModerator": bool(props.get("isModerator")) if isinstance(props, Mapping) else False,
        "personId": hydra_id("PEOPLE", person_uuid),
        "personEmail": _email(person),
        "personDisplayName": person.get("displayName"),
        "personOrgId": hydra_id("ORGANIZATION", str(org)) if org else None,
        "created": published,
    }


def make_envelope(
    event: ActivityEvent,
    *,
    created_by: str | None,
    org_id: str | None,
    created: str,
) -> dict[str, Any]:
    """The webhook-shaped envelope JS ``createEventEnvelope`` builds around ``data``."""
    return {
        "createdBy": created_by,
        "orgId": org_id,
        "resource": event.resource,
        "ownedBy": "creator",
        "status": "active",
        "created": created,
        "event": event.event,
        "actorId": event.actor_id,
        "data": event.data,
    }
