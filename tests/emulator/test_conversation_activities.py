"""``conversation.activity`` frames pushed when messaging state changes (JS REST plugins).

Checked on the wire with a plain ``websockets`` client: verbs, raw-uuid ids, ``target``
tags and URLs, and who receives each activity.
"""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from webex_meetings.emulator import Emulator

from .emulator_helpers import UUID, bearer, decode_hydra

QUERY = "?outboundWireFormat=text&bufferStates=true&aliasHttpStatus=true"


class Socket:
    """One authorized Mercury socket of a user; ``activity()`` reads the next activity."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, http: httpx.AsyncClient, emu: Emulator, token: str) -> Socket:
        response = await http.post(
            f"{emu.base_url}/wdm/api/v1/devices",
            json={"name": "test", "deviceType": "WEB"},
            headers=bearer(token),
        )
        response.raise_for_status()
        ws = await connect(response.json()["webSocketUrl"] + QUERY, ping_interval=None)
        auth = {
            "id": str(uuid.uuid4()),
            "type": "authorization",
            "data": {"token": f"Bearer {token}"},
        }
        await ws.send(json.dumps(auth))
        first = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert first["data"]["eventType"] == "mercury.buffer_state"
        return cls(ws)

    async def data(self) -> dict[str, Any]:
        return dict(json.loads(await asyncio.wait_for(self.ws.recv(), 5))["data"])

    async def activity(self, verb: str) -> dict[str, Any]:
        data = await self.data()
        assert data["eventType"] == "conversation.activity"
        activity = dict(data["activity"])
        assert activity["verb"] == verb, activity
        return activity


def uuid_of(hydra: str) -> str:
    return decode_hydra(hydra).rsplit("/", 1)[1]


def hydra_id(kind: str, raw: str) -> str:
    return base64.b64encode(f"ciscospark://us/{kind}/{raw}".encode()).decode().rstrip("=")


async def test_activities_reach_the_members_with_the_protocol_shapes(
    emulator: Emulator, client: httpx.AsyncClient
) -> None:
    bob_user = await emulator.create_user(display_name="Bob", email="bob@example.com")
    outsider = await emulator.create_user(email="outsider@example.com")
    alice_token, bob_token = emulator.access_token, bob_user["accessToken"]
    alice = await Socket.open(client, emulator, alice_token)
    other = await Socket.open(client, emulator, outsider["accessToken"])
    hydra = emulator.hydra_url

    async def call(method: str, path: str, token: str = bob_token, **body: Any) -> Any:
        response = await client.request(
            method, hydra + path, json=body or None, headers=bearer(token)
        )
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    room = await call("POST", "/rooms", title="Wire")
    room_uuid = uuid_of(room["id"])
    membership = await call("POST", "/memberships", roomId=room["id"], personId=emulator.person_id)
    add = await alice.activity("add")
    assert add["object"]["entryUUID"] == uuid_of(emulator.person_id)
    assert add["object"]["roomProperties"] == {"isModerator": False}
    assert add["actor"]["entryUUID"] == uuid_of(bob_user["person"]["id"])
    assert add["actor"]["emailAddress"] == "bob@example.com"
    target = add["target"]
    assert (target["id"], target["objectType"], target["tags"]) == (room_uuid, "conversation", [])
    assert target["url"] == f"{emulator.base_url}/conversation/api/v1/conversations/{room_uuid}"
    assert add["url"].startswith(f"{emulator.base_url}/conversation/api/v1/activities/")
    assert UUID.match(add["id"])
    assert add["published"].endswith("Z")

    message = await call(
        "POST", "/messages", roomId=room["id"], text="see file", files=["https://x/y.png"]
    )
    share = await alice.activity("share")
    assert share["id"] == uuid_of(message["id"])  # the SDK fetches GET /messages/<this id>
    assert share["object"]["files"]["items"] == [{"objectType": "file", "url": "https://x/y.png"}]
    reply = await call("POST", "/messages", roomId=room["id"], text="r", parentId=message["id"])
    posted = await alice.activity("post")
    assert posted["parent"] == {"id": uuid_of(message["id"]), "type": "reply"}
    assert (posted["id"], posted["object"]["displayName"]) == (uuid_of(reply["id"]), "r")

    await call("PUT", f"/messages/{reply['id']}", roomId=room["id"], text="r2")
    edit = await alice.activity("post")
    assert edit["parent"] == {"id": uuid_of(reply["id"]), "type": "edit"}
    fetched = await call("GET", f"/messages/{hydra_id('MESSAGE', edit['id'])}")
    assert (fetched["id"], fetched["text"]) == (reply["id"], "r2")

    await call("DELETE", f"/messages/{reply['id']}")
    deleted = await alice.activity("delete")
    assert deleted["object"] == {"objectType": "activity", "id": uuid_of(reply["id"])}

    await call("PUT", f"/rooms/{room['id']}", title="Wire", isLocked=True)
    locked = await alice.activity("lock")
    assert (locked["object"]["id"], locked["object"]["tags"]) == (room_uuid, ["LOCKED"])
    await call("PUT", f"/rooms/{room['id']}", title="Wire 2", isLocked=True)
    update = await alice.activity("update")
    assert "id" not in update["object"]
    assert update["target"]["id"] == room_uuid

    await call("PUT", f"/memberships/{membership['id']}", isModerator=True, isRoomHidden=False)
    assert (await alice.activity("assignModerator"))["object"]["roomProperties"]["isModerator"]
    await call(
        "PUT",
        f"/memberships/{membership['id']}",
        token=alice_token,
        isModerator=True,
        isRoomHidden=True,
    )
    hide = await alice.activity("hide")
    assert hide["actor"]["entryUUID"] == uuid_of(emulator.person_id)
    assert hide["object"]["id"] == room_uuid

    card = await call("POST", "/messages", token=alice_token, roomId=room["id"], text="card")
    await alice.activity("post")
    action = await call(
        "POST", "/attachment/actions", type="submit", messageId=card["id"], inputs={"k": "v"}
    )
    card_action = await alice.activity("cardAction")
    assert card_action["id"] == uuid_of(action["id"])
    assert card_action["parent"] == {"id": uuid_of(card["id"]), "type": "cardAction"}
    assert card_action["object"] == {"objectType": "submit", "inputs": {"k": "v"}}
    assert (await call("GET", f"/attachment/actions/{action['id']}", token=alice_token)) == action

    ack = await client.post(
        f"{emulator.base_url}/conversation/api/v1/conversations/{room_uuid}/activities",
        json={
            "verb": "acknowledge",
            "object": {"objectType": "activity", "id": uuid_of(card["id"])},
        },
        headers=bearer(bob_token),
    )
    assert ack.status_code == 200, ack.text
    seen = await alice.activity("acknowledge")
    assert seen == ack.json()
    assert seen["object"] == {"objectType": "activity", "id": uuid_of(card["id"])}

    await call("DELETE", f"/memberships/{membership['id']}")
    leave = await alice.activity("leave")
    assert leave["object"]["entryUUID"] == uuid_of(emulator.person_id)

    # Nothing above concerned the outsider: the first thing it gets is this marker.
    await emulator.publish_event({"eventType": "marker"}, email="outsider@example.com")
    assert (await other.data())["eventType"] == "marker"
    await alice.ws.close()
    await other.ws.close()


async def test_acknowledge_is_the_only_emulated_verb_and_needs_membership(
    emulator: Emulator, client: httpx.AsyncClient
) -> None:
    url = f"{emulator.base_url}/conversation/api/v1/conversations/{uuid.uuid4()}/activities"
    token = bearer(emulator.access_token)
    post = await client.post(url, json={"verb": "post", "object": {}}, headers=token)
    assert post.status_code == 400
    missing = await client.post(
        url, json={"verb": "acknowledge", "object": {"id": "m"}}, headers=token
    )
    assert missing.status_code == 404
    assert (await client.post(url, json={"verb": "acknowledge"})).status_code == 401
