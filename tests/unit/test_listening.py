"""The listening mixin of the messaging resources: mapping, ordering, stop, read receipts."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from webex_meetings._hydra import decode_hydra_id
from webex_meetings.internal.activity import hydra_id
from webex_meetings.resources._listening import (
    ACTIVITY_EVENT,
    ListenState,
    hydra_cluster,
    map_card_action,
)

from .conftest import HYDRA

ME = "11111111-0000-0000-0000-000000000001"
BOB = "11111111-0000-0000-0000-000000000002"
ROOM = "22222222-0000-0000-0000-000000000003"
MSG = "33333333-0000-0000-0000-000000000004"
ORG = "44444444-0000-0000-0000-000000000005"


@pytest.mark.parametrize(
    ("cluster_id", "expected"),
    [
        ("urn:TEAM:us-east-2_a:identityLookup", "us"),
        ("urn:TEAM:us-east-1_int13:identityLookup", "us"),
        ("urn:TEAM:eu-central-1_k:identityLookup", "urn:TEAM:eu-central-1_k"),
        ("urn:TEAM", "us"),
        (None, "us"),
    ],
)
def test_hydra_cluster(cluster_id: str | None, expected: str) -> None:
    assert hydra_cluster(cluster_id) == expected


def test_decode_hydra_id_accepts_both_alphabets_and_keeps_urn_clusters() -> None:
    value = hydra_id("MEMBERSHIP", f"{ME}:{ROOM}", "urn:TEAM:eu-central-1_k")
    decoded = decode_hydra_id(value)
    assert (decoded.cluster, decoded.kind, decoded.uuid) == (
        "urn:TEAM:eu-central-1_k",
        "MEMBERSHIP",
        f"{ME}:{ROOM}",
    )
    assert decode_hydra_id(value.replace("-", "+") + "==").uuid == f"{ME}:{ROOM}"
    for bad in ("not base64!", "aGVsbG8", hydra_id("ROOM", ""), ""):
        with pytest.raises(ValueError, match="not a Hydra id"):
            decode_hydra_id(bad)


def card_action(**parts: Any) -> dict[str, Any]:
    return {
        "id": "55555555-0000-0000-0000-000000000006",
        "verb": "cardAction",
        "published": "2024-01-01T00:00:00.000Z",
        "actor": {"entryUUID": BOB},
        "object": {"objectType": "submit", "inputs": {"a": "1"}},
        "target": {"id": ROOM},
        "parent": {"id": MSG, "type": "cardAction"},
        **parts,
    }


def test_card_action_is_attachment_actions_created() -> None:
    (event,) = map_card_action(card_action(), cluster="urn:TEAM:x_a")
    assert (event.resource, event.event, event.actor_id) == (
        "attachmentActions",
        "created",
        hydra_id("PEOPLE", BOB),
    )
    assert event.data == {
        "created": "2024-01-01T00:00:00.000Z",
        "roomId": hydra_id("ROOM", ROOM, "urn:TEAM:x_a"),
        "messageId": hydra_id("MESSAGE", MSG, "urn:TEAM:x_a"),
        "personId": hydra_id("PEOPLE", BOB),
        "id": hydra_id("ATTACHMENT_ACTION", "55555555-0000-0000-0000-000000000006", "urn:TEAM:x_a"),
        "inputs": {"a": "1"},
        "type": "submit",
    }
    assert map_card_action(card_action(verb="post")) == []
    assert map_card_action(card_action(parent=None)) == []
    assert "inputs" not in map_card_action(card_action(object={"objectType": "submit"}))[0].data


def frame(verb: str, activity_id: str, **parts: Any) -> dict[str, Any]:
    activity = {
        "id": activity_id,
        "verb": verb,
        "published": "2024-01-01T00:00:00.000Z",
        "actor": {"entryUUID": BOB, "emailAddress": "bob@example.com"},
        "target": {"id": ROOM, "tags": []},
        **parts,
    }
    return {
        "id": f"frame-{activity_id}",
        "data": {"eventType": "conversation.activity", "activity": activity},
    }


class Api:
    """Answers people/me and message GETs; a message GET can be held back."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.release.set()
        self.posted: list[dict[str, Any]] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/people/me"):
            me = {"id": hydra_id("PEOPLE", ME), "orgId": hydra_id("ORGANIZATION", ORG)}
            return httpx.Response(200, json=me)
        if "/messages/" in path:
            await self.release.wait()
            message_id = path.rsplit("/", 1)[1]
            if decode_hydra_id(message_id).uuid == "missing":
                return httpx.Response(404, json={"message": "not found"})
            return httpx.Response(200, json={"id": message_id, "personId": hydra_id("PEOPLE", BOB)})
        if path.endswith("/activities"):
            self.posted.append(json.loads(request.content))
            ack = {
                "published": "2024-01-02T00:00:00.000Z",
                "actor": {"entryUUID": ME, "emailAddress": "me@example.com", "orgId": ORG},
                "object": {"id": MSG},
                "target": {"id": ROOM, "tags": ["ONE_ON_ONE"]},
            }
            return httpx.Response(200, json=ack)
        return httpx.Response(404, json={"message": path})


@pytest.fixture
def env(make_webex: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Api]:
    api = Api()
    webex, _, _ = make_webex(api)

    async def connected() -> None:  # no socket: the tests emit Mercury events themselves
        return None

    monkeypatch.setattr(webex.internal.mercury, "connect", connected)
    return webex, api


async def collect(resource: Any, count: int) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = []
    done = asyncio.Event()

    def on(event: dict[str, Any]) -> None:
        got.append(event)
        if len(got) == count:
            done.set()

    for name in ("created", "deleted", "updated", "seen"):
        resource.on(name, on)
    await asyncio.wait_for(done.wait(), 5)
    return got


async def test_events_keep_activity_order_while_a_message_is_fetched(env: Any) -> None:
    webex, api = env
    await webex.messages.listen()
    assert webex.messages.listen_state is ListenState.LISTENING
    api.release.clear()
    waiter = asyncio.ensure_future(collect(webex.messages, 2))
    await asyncio.sleep(0)
    mercury = webex.internal.mercury
    mercury.emit(ACTIVITY_EVENT, frame("post", MSG, object={"id": MSG}))
    mercury.emit(ACTIVITY_EVENT, frame("delete", "a2", object={"id": MSG}))
    await asyncio.sleep(0.05)
    assert not waiter.done()  # the delete waits behind the fetch
    api.release.set()
    created, deleted = await waiter
    assert (created["event"], deleted["event"]) == ("created", "deleted")
    assert created["data"] == {"id": hydra_id("MESSAGE", MSG), "personId": hydra_id("PEOPLE", BOB)}
    assert created["createdBy"] == hydra_id("PEOPLE", ME)
    assert deleted["data"]["id"] == hydra_id("MESSAGE", MSG)


async def test_failed_fetch_drops_only_that_event(env: Any, caplog: Any) -> None:
    webex, _ = env
    await webex.messages.listen()
    waiter = asyncio.ensure_future(collect(webex.messages, 1))
    await asyncio.sleep(0)
    webex.internal.mercury.emit(ACTIVITY_EVENT, frame("post", "missing", object={}))
    webex.internal.mercury.emit(ACTIVITY_EVENT, frame("delete", "a3", object={"id": MSG}))
    (only,) = await waiter
    assert only["event"] == "deleted"
    assert "could not fetch" in caplog.text


async def test_stop_listening_cancels_pending_fetches(env: Any) -> None:
    webex, api = env
    got: list[Any] = []
    webex.messages.on("created", got.append)
    await webex.messages.listen()
    api.release.clear()
    webex.internal.mercury.emit(ACTIVITY_EVENT, frame("post", MSG, object={"id": MSG}))
    await asyncio.sleep(0.01)
    webex.messages.stop_listening()
    api.release.set()
    # Our own GET queues behind the cancelled one: once it is answered, that one would be.
    await webex.messages.get(hydra_id("MESSAGE", MSG))
    await asyncio.sleep(0.05)
    webex.internal.mercury.emit(ACTIVITY_EVENT, frame("delete", "a4", object={"id": MSG}))
    assert got == []
    assert webex.messages.listen_state is ListenState.IDLE


async def test_each_resource_only_emits_its_own_events(env: Any) -> None:
    webex, _ = env
    await webex.rooms.listen()
    await webex.attachment_actions.listen()
    rooms: list[Any] = []
    actions: list[Any] = []
    webex.rooms.on("updated", rooms.append)
    webex.attachment_actions.on("created", actions.append)
    mercury = webex.internal.mercury
    mercury.emit(ACTIVITY_EVENT, frame("delete", "a5", object={"id": MSG}))
    mercury.emit(ACTIVITY_EVENT, frame("update", "a6", object={"objectType": "conversation"}))
    mercury.emit(
        ACTIVITY_EVENT,
        {"id": "f7", "data": {"eventType": "conversation.activity", **card_action()}},
    )
    mercury.emit(
        ACTIVITY_EVENT,
        {"id": "f8", "data": {"eventType": "conversation.activity", "activity": card_action()}},
    )
    assert [r["data"]["id"] for r in rooms] == [hydra_id("ROOM", ROOM)]
    assert [a["resource"] for a in actions] == ["attachmentActions"]


async def test_update_last_seen_acknowledges_through_the_conversation_service(
    make_webex: Any,
) -> None:
    api = Api()
    webex, recorder, _ = make_webex(
        api,
        config={
            "services": {
                "override": {
                    "hydra": HYDRA,
                    "conversation": "https://conv.example.com/conversation/api/v1",
                }
            }
        },
    )
    message = {"id": hydra_id("MESSAGE", MSG), "roomId": hydra_id("ROOM", ROOM)}
    answer = await webex.memberships.update_last_seen(message)
    request = recorder.requests[-1]
    assert str(request.url) == (
        f"https://conv.example.com/conversation/api/v1/conversations/{ROOM}/activities?personRefresh=true"
    )
    (body,) = api.posted
    assert body["verb"] == "acknowledge"
    assert body["object"] == {"objectType": "activity", "id": MSG}
    assert body["target"]["id"] == ROOM
    assert answer == {
        "lastSeenId": hydra_id("MESSAGE", MSG),
        "id": hydra_id("MEMBERSHIP", f"{ME}:{ROOM}"),
        "personId": hydra_id("PEOPLE", ME),
        "personEmail": "me@example.com",
        "personDisplayName": None,
        "personOrgId": hydra_id("ORGANIZATION", ORG),
        "roomId": hydra_id("ROOM", ROOM),
        "roomType": "direct",
        "isRoomHidden": False,
        "isMonitor": False,
        "created": "2024-01-02T00:00:00.000Z",
    }
    with pytest.raises(ValueError, match="room id"):
        await webex.memberships.update_last_seen({"id": message["id"]})
