"""``conversation.activity`` events: what Webex pushes over Mercury when a space changes.

The SDK's ``rooms``, ``messages``, ``memberships`` and ``attachmentActions``
``listen()`` turn these activities into webhook-shaped events (JS REST plugins).
Backends call :func:`publish` after a REST call changed messaging state; the activity
goes to every live socket of each recipient (the members of the space, as a rule).

Activities are sent unencrypted (no ``encryptionKeyUrl``), which clients pass through
untouched. Ids inside activities are raw uuids, never Hydra ids; ``url`` fields point at
the emulator's ``conversation`` service, so that clients derive the Hydra cluster of the
space from the catalog host entry of that URL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from ...core.ids import new_uuid
from ...core.state import EmulatorState
from ..mercury.models import MercuryHub
from ..people.models import Person, webex_timestamp
from ..u2c.models import SERVICE_PATHS

if TYPE_CHECKING:
    from ..rooms.models import Membership, Room

__all__ = [
    "EVENT_TYPE",
    "comment_object",
    "conversation_object",
    "conversation_url",
    "person_object",
    "publish",
]

#: ``data.eventType`` of every frame built here (Mercury protocol).
EVENT_TYPE: Final = "conversation.activity"


def conversation_url(state: EmulatorState, room_uuid: str) -> str:
    """The URL of a space on the conversation service (``…/conversations/<uuid>``)."""
    return state.url(f"{SERVICE_PATHS['conversation']}/conversations/{room_uuid}")


def _activity_url(state: EmulatorState, activity_uuid: str) -> str:
    return state.url(f"{SERVICE_PATHS['conversation']}/activities/{activity_uuid}")


def person_object(person: Person, *, is_moderator: bool | None = None) -> dict[str, Any]:
    """A person as an activity ``actor`` or ``object``.

    Args:
        person: The person.
        is_moderator: Adds ``roomProperties.isModerator`` (membership activities).
    """
    out: dict[str, Any] = {
        "objectType": "person",
        "id": person.uuid,
        "entryUUID": person.uuid,
        "emailAddress": person.email,
        "entryEmail": person.email,
        "displayName": person.display_name,
        "orgId": person.org_uuid,
    }
    if is_moderator is not None:
        out["roomProperties"] = {"isModerator": is_moderator}
    return out


def _tags(room: Room) -> list[str]:
    # The SDK reads the space type and lock state from these tags only.
    tags: list[str] = []
    if room.type == "direct":
        tags.append("ONE_ON_ONE")
    if room.is_locked:
        tags.append("LOCKED")
    return tags


def conversation_object(
    state: EmulatorState,
    room: Room,
    *,
    participants: Iterable[Membership] | None = None,
    with_id: bool = True,
) -> dict[str, Any]:
    """A space as an activity ``object`` or ``target``.

    Args:
        state: The emulator state (for the URL).
        room: The space.
        participants: Adds ``participants.items`` (the ``create`` activity).
        with_id: False for the ``object`` of an ``update``, which names only the
            changed fields (the space itself is the ``target``).
    """
    out: dict[str, Any] = {
        "objectType": "conversation",
        "url": conversation_url(state, room.uuid),
        "tags": _tags(room),
        "displayName": room.title,
        "creatorUUID": room.creator_uuid,
    }
    if with_id:
        out["id"] = room.uuid
    if participants is not None:
        out["participants"] = {
            "items": [person_object(m.person, is_moderator=m.is_moderator) for m in participants]
        }
    return out


def comment_object(
    activity_uuid: str,
    text: str,
    *,
    html: str | None = None,
    files: Iterable[str] = (),
) -> dict[str, Any]:
    """The ``object`` of a ``post`` (``comment``) or, with files, a ``share`` (``content``)."""
    urls = list(files)
    out: dict[str, Any] = {
        "id": activity_uuid,
        "objectType": "content" if urls else "comment",
        "displayName": text,
    }
    if html is not None:
        out["content"] = html
    if urls:
        out["contentCategory"] = "documents"
        out["files"] = {"items": [{"objectType": "file", "url": url} for url in urls]}
    return out


def publish(
    state: EmulatorState,
    verb: str,
    *,
    actor: Person,
    obj: Mapping[str, Any],
    recipients: Iterable[str],
    target: Room | None = None,
    parent: Mapping[str, Any] | None = None,
    activity_uuid: str | None = None,
) -> dict[str, Any]:
    """Build one activity and push it to every live socket of each recipient.

    Args:
        state: The emulator state.
        verb: ``post``, ``share``, ``delete``, ``create``, ``update``, ``lock``,
            ``unlock``, ``add``, ``leave``, ``assignModerator``, ``unassignModerator``,
            ``hide``, ``acknowledge`` or ``cardAction``.
        actor: Who did it.
        obj: The activity's ``object``.
        recipients: Person uuids; duplicates are sent once.
        target: The space the activity happened in, rendered as ``target``.
        parent: ``{"id": <activity uuid>, "type": "edit" | "reply" | "cardAction"}``.
        activity_uuid: The activity id; a new uuid when omitted.

    Returns:
        The activity as sent.
    """
    uuid = activity_uuid or new_uuid()
    activity: dict[str, Any] = {
        "id": uuid,
        "objectType": "activity",
        "verb": verb,
        "published": webex_timestamp(state.clock()),
        "url": _activity_url(state, uuid),
        "actor": person_object(actor),
        "object": dict(obj),
    }
    if target is not None:
        activity["target"] = conversation_object(state, target)
    if parent is not None:
        activity["parent"] = dict(parent)
    hub = state.backend(MercuryHub)
    data = {"eventType": EVENT_TYPE, "activity": activity}
    for person_uuid in dict.fromkeys(recipients):
        hub.publish_to_user(person_uuid, data)
    return activity
