"""messages/rooms/memberships/attachment_actions ``listen()`` over real sockets.

User A listens; user B changes messaging state through the REST API; the emulator pushes
``conversation.activity`` frames and A's resources emit the JS-shaped events once each.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from webex_meetings import Webex
from webex_meetings._hydra import decode_hydra_id
from webex_meetings.emulator import Emulator
from webex_meetings.resources._listening import ListenState

RESOURCES = ("messages", "rooms", "memberships", "attachment_actions")
EVENTS = ("created", "updated", "deleted", "seen")
ENVELOPE_KEYS = [
    "createdBy",
    "orgId",
    "resource",
    "ownedBy",
    "status",
    "created",
    "event",
    "actorId",
    "data",
]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


class Inbox:
    """Every event of the listened resources, in arrival order."""

    def __init__(self, webex: Webex, resources: tuple[str, ...] = RESOURCES) -> None:
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for name in resources:
            for event in EVENTS:
                getattr(webex, name).on(event, self.queue.put_nowait)

    async def next(self, resource: str, event: str) -> dict[str, Any]:
        """The next event, which must be ``resource:event``."""
        got = await asyncio.wait_for(self.queue.get(), 10)
        assert (got["resource"], got["event"]) == (resource, event), got
        return got


def same(hydra_a: str, hydra_b: str) -> bool:
    """Same object: type and uuid match (the cluster part may differ, see the docs)."""
    a, b = decode_hydra_id(hydra_a), decode_hydra_id(hydra_b)
    return (a.kind, a.uuid) == (b.kind, b.uuid)


async def users(emulator: Emulator, connect: Callable[..., Webex]) -> tuple[Webex, Webex, str]:
    bob = await emulator.create_user(display_name="Bob", email="bob@example.com")
    return connect(), connect({"access_token": bob["accessToken"]}), str(bob["person"]["id"])


async def test_every_change_reaches_the_listener_once(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    alice, bob, bob_id = await users(emulator, connect)
    inbox = Inbox(alice)
    for name in RESOURCES:
        await getattr(alice, name).listen()
    await alice.messages.listen()  # a second call adds no second subscription
    assert alice.internal.device.registered
    assert alice.internal.mercury.connected
    assert alice.messages.listen_state is ListenState.LISTENING
    me = await alice.people.me()

    room = await bob.rooms.create(title="Planning")  # Alice is not in it yet: no event
    await bob.memberships.create(room_id=room.id, person_id=emulator.person_id)
    added = await inbox.next("memberships", "created")
    assert list(added) == ENVELOPE_KEYS
    assert added["createdBy"] == me.id
    assert added["orgId"] == me.org_id
    assert (added["ownedBy"], added["status"]) == ("creator", "active")
    assert ISO.match(added["created"])
    assert added["actorId"] == bob_id
    data = added["data"]
    assert same(data["roomId"], room.id)
    assert data["personId"] == me.id
    assert (data["roomType"], data["isModerator"], data["isRoomHidden"]) == ("group", False, False)
    assert same(
        data["id"], (await alice.memberships.list(room_id=room.id, person_id=me.id)).items[0].id
    )

    message = await bob.messages.create(room_id=room.id, text="hello")
    created = await inbox.next("messages", "created")
    assert created["data"]["id"] == message.id
    assert created["data"]["text"] == "hello"
    assert created["actorId"] == bob_id == created["data"]["personId"]
    rest = await alice.request("GET", service="hydra", resource=f"messages/{message.id}")
    assert created["data"] == rest.json()  # the body as is, as in JS

    await bob.messages.update(message.id, room_id=room.id, text="hello, edited")
    edited = await inbox.next("messages", "created")  # JS: an edit is a new post
    assert edited["data"]["id"] == message.id
    assert edited["data"]["text"] == "hello, edited"

    await bob.rooms.update(room.id, title="Planning 2")
    updated = await inbox.next("rooms", "updated")
    assert same(updated["data"]["id"], room.id)
    assert updated["actorId"] == bob_id
    assert (updated["data"]["type"], updated["data"]["isLocked"]) == ("group", False)

    membership = (await bob.memberships.list(room_id=room.id, person_id=me.id)).items[0]
    await bob.memberships.update(membership.id, is_moderator=True, is_room_hidden=False)
    promoted = await inbox.next("memberships", "updated")
    assert promoted["data"]["isModerator"] is True
    assert promoted["data"]["personId"] == me.id

    receipt = await bob.memberships.update_last_seen(message)
    seen = await inbox.next("memberships", "seen")
    assert seen["data"]["personId"] == bob_id == receipt["personId"]
    assert same(seen["data"]["lastSeenId"], message.id)
    assert same(receipt["lastSeenId"], message.id)

    card = await alice.messages.create(room_id=room.id, text="Pick one")
    assert (await inbox.next("messages", "created"))["data"]["id"] == card.id
    action = await bob.attachment_actions.create(
        type="submit", message_id=card.id, inputs={"choice": "b"}
    )
    submitted = await inbox.next("attachmentActions", "created")
    assert same(submitted["data"]["id"], action.id)
    assert same(submitted["data"]["messageId"], card.id)
    assert submitted["data"]["inputs"] == {"choice": "b"}
    assert submitted["data"]["type"] == "submit"
    assert submitted["data"]["personId"] == bob_id
    assert same(submitted["data"]["roomId"], room.id)

    await bob.messages.remove(message.id)
    deleted = await inbox.next("messages", "deleted")
    assert same(deleted["data"]["id"], message.id)
    assert deleted["data"]["personId"] == bob_id
    assert deleted["data"]["personEmail"] == "bob@example.com"

    carol = await bob.memberships.create(room_id=room.id, person_email="carol@example.com")
    assert (await inbox.next("memberships", "created"))["data"][
        "personEmail"
    ] == "carol@example.com"
    await bob.memberships.remove(carol.id)
    left = await inbox.next("memberships", "deleted")
    assert same(left["data"]["id"], carol.id)

    own = await alice.rooms.create(title="Mine")
    new_room = await inbox.next("rooms", "created")
    assert same(new_room["data"]["id"], own.id)
    assert new_room["data"]["creatorId"] == me.id
    first_member = await inbox.next("memberships", "created")
    assert first_member["data"]["personId"] == me.id

    last = await bob.messages.create(room_id=room.id, text="the end")
    assert (await inbox.next("messages", "created"))["data"]["id"] == last.id
    assert inbox.queue.empty()


async def test_stop_listening_stops_delivery(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    alice, bob, _ = await users(emulator, connect)
    inbox = Inbox(alice, ("messages", "memberships"))
    await alice.messages.listen()
    await alice.memberships.listen()
    room = await bob.rooms.create(title="Quiet")
    await bob.memberships.create(room_id=room.id, person_id=emulator.person_id)
    await inbox.next("memberships", "created")
    message = await bob.messages.create(room_id=room.id, text="one")
    await inbox.next("messages", "created")

    alice.messages.stop_listening()
    assert alice.messages.listen_state is ListenState.IDLE
    await bob.messages.create(room_id=room.id, text="two")
    await bob.messages.remove(message.id)
    # Activities arrive in order: once this one is in, the two above were dropped.
    await bob.memberships.create(room_id=room.id, person_email="dave@example.com")
    await inbox.next("memberships", "created")
    assert inbox.queue.empty()
    assert alice.internal.mercury.connected  # other plugins may still use it

    await alice.messages.listen()
    again = await bob.messages.create(room_id=room.id, text="three")
    assert (await inbox.next("messages", "created"))["data"]["id"] == again.id
