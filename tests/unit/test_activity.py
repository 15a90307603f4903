"""conversation.activity → rooms/messages/memberships events (JS REST plugins)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from webex_meetings.internal.activity import hydra_id, make_envelope, map_activity, space_type

ALICE = "8c5fbd5e-0000-0000-0000-000000000001"
BOB = "8c5fbd5e-0000-0000-0000-000000000002"
ROOM = "c0ffee00-0000-0000-0000-000000000003"
ACT = "a1b20000-0000-0000-0000-000000000004"
WHEN = "2024-01-01T00:00:00.000Z"


def decode(value: str) -> str:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()


def activity(verb: str, **parts: Any) -> dict[str, Any]:
    return {
        "id": ACT,
        "verb": verb,
        "published": WHEN,
        "actor": {"entryUUID": ALICE, "emailAddress": "alice@example.com"},
        **parts,
    }


def test_hydra_id_is_unpadded_base64url_and_people_are_always_us() -> None:
    value = hydra_id("ROOM", ROOM, "eu")
    assert "=" not in value
    assert decode(value) == f"ciscospark://eu/ROOM/{ROOM}"
    assert decode(hydra_id("PEOPLE", ALICE, "eu")) == f"ciscospark://us/PEOPLE/{ALICE}"
    assert space_type(["ONE_ON_ONE"]) == "direct"
    assert space_type(None) == "group"


@pytest.mark.parametrize("verb", ["post", "share"])
def test_post_is_messages_created_with_fetch(verb: str) -> None:
    target = {"id": ROOM, "tags": ["ONE_ON_ONE"], "objectType": "conversation"}
    (event,) = map_activity(activity(verb, object={"id": ACT}, target=target))
    assert (event.resource, event.event, event.fetch) == ("messages", "created", True)
    assert decode(event.data["id"]) == f"ciscospark://us/MESSAGE/{ACT}"
    assert event.data["roomType"] == "direct"
    assert decode(event.actor_id or "") == f"ciscospark://us/PEOPLE/{ALICE}"


def test_delete_is_messages_deleted_built_locally() -> None:
    (event,) = map_activity(activity("delete", object={"id": "m1"}, target={"id": ROOM}))
    assert (event.resource, event.event, event.fetch) == ("messages", "deleted", False)
    assert event.data == {
        "id": hydra_id("MESSAGE", "m1"),
        "personId": hydra_id("PEOPLE", ALICE),
        "personEmail": "alice@example.com",
        "roomId": hydra_id("ROOM", ROOM),
        "roomType": "group",
    }


def test_create_is_rooms_created_plus_one_membership_per_participant() -> None:
    obj = {
        "id": ROOM,
        "tags": ["LOCKED"],
        "participants": {"items": [{"entryUUID": ALICE}, {"entryUUID": BOB}]},
    }
    events = map_activity(activity("create", object=obj))
    assert [(e.resource, e.event) for e in events] == [
        ("rooms", "created"),
        ("memberships", "created"),
        ("memberships", "created"),
    ]
    room = events[0].data
    assert room["type"] == "group"
    assert room["isLocked"] is True
    assert room["creatorId"] == hydra_id("PEOPLE", ALICE)
    assert decode(events[2].data["id"]) == f"ciscospark://us/MEMBERSHIP/{BOB}:{ROOM}"


def test_update_takes_the_room_from_target_and_lock_from_object() -> None:
    (updated,) = map_activity(activity("update", object={}, target={"id": ROOM, "tags": []}))
    assert (updated.resource, updated.event) == ("rooms", "updated")
    assert updated.data["isLocked"] is False
    (locked,) = map_activity(
        activity("lock", object={"id": ROOM, "tags": ["LOCKED"], "objectType": "conversation"})
    )
    assert locked.data["isLocked"] is True


@pytest.mark.parametrize(
    ("verb", "event", "moderator"),
    [
        ("add", "created", True),
        ("leave", "deleted", True),
        ("assignModerator", "updated", True),
        ("unassignModerator", "updated", False),
    ],
)
def test_membership_verbs(verb: str, event: str, moderator: bool) -> None:
    person = {
        "entryUUID": BOB,
        "emailAddress": "bob@example.com",
        "displayName": "Bob",
        "orgId": "org-1",
        "roomProperties": {"isModerator": True},
    }
    (got,) = map_activity(activity(verb, object=person, target={"id": ROOM}))
    assert (got.resource, got.event) == ("memberships", event)
    assert got.data["personId"] == hydra_id("PEOPLE", BOB)
    assert got.data["personEmail"] == "bob@example.com"
    assert got.data["personDisplayName"] == "Bob"
    assert got.data["personOrgId"] == hydra_id("ORGANIZATION", "org-1")
    assert got.data["isModerator"] is moderator
    assert got.data["created"] == WHEN


def test_hide_and_acknowledge_use_the_actor() -> None:
    (hidden,) = map_activity(activity("hide", object={"id": ROOM}))
    assert (hidden.event, hidden.data["isRoomHidden"], hidden.data["roomType"]) == (
        "updated",
        True,
        "direct",
    )
    assert hidden.data["personId"] == hydra_id("PEOPLE", ALICE)
    (seen,) = map_activity(activity("acknowledge", object={"id": "m9"}, target={"id": ROOM}))
    assert seen.event == "seen"
    assert seen.data["lastSeenId"] == hydra_id("MESSAGE", "m9")
    assert seen.data["personId"] == hydra_id("PEOPLE", ALICE)


def test_unknown_or_broken_activities_yield_nothing() -> None:
    assert map_activity(activity("tag", object={"id": "x"})) == []
    assert map_activity({"verb": 3}) == []
    assert map_activity({"verb": "post", "actor": "nope"}) == []


def test_envelope() -> None:
    (event,) = map_activity(activity("delete", object={"id": "m1"}, target={"id": ROOM}))
    envelope = make_envelope(event, created_by="me", org_id="org", created=WHEN)
    assert envelope == {
        "createdBy": "me",
        "orgId": "org",
        "resource": "messages",
        "ownedBy": "creator",
        "status": "active",
        "created": WHEN,
        "event": "deleted",
        "actorId": hydra_id("PEOPLE", ALICE),
        "data": event.data,
    }
