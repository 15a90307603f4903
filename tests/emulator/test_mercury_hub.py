"""The Mercury websocket hub over real sockets, with the plain ``websockets`` client.

Frames and close codes follow the Mercury protocol; faults come from the control API.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from webex_meetings.emulator import ThreadedEmulator

QUERY = "?outboundWireFormat=text&bufferStates=true&aliasHttpStatus=true"
MULTI = QUERY + "&multipleConnections=true"
TIMEOUT = 3.0


async def _http(method: str, url: str, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False) as client:
        return await client.request(method, url, **kwargs)


def _register(emu: ThreadedEmulator, token: str | None = None, **body: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{emu.base_url}/wdm/api/v1/devices?includeUpstreamServices=all",
        json={"name": "node", "deviceType": "WEB", **body},
        headers={"Authorization": f"Bearer {token or emu.access_token}"},
        trust_env=False,
    )
    response.raise_for_status()
    return dict(response.json())


def _auth_frame(token: str) -> str:
    return json.dumps(
        {
            "id": str(uuid.uuid4()),
            "type": "authorization",
            "data": {"token": f"Bearer {token}"},
            "trackingId": f"webex-js-sdk_{uuid.uuid4()}_1",
        }
    )


async def _recv(ws: ClientConnection, timeout: float = TIMEOUT) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(ws.recv(), timeout)))


async def _raw_connect(url: str) -> ClientConnection:
    return await connect(url, ping_interval=None, open_timeout=TIMEOUT, close_timeout=1)


async def _open(
    url: str, token: str, query: str = MULTI, *, ack: bool = True
) -> tuple[ClientConnection, dict[str, Any]]:
    """Connect, authorize, read (and ack) the first frame."""
    ws = await _raw_connect(url + query)
    await ws.send(_auth_frame(token))
    first = await _recv(ws)
    if ack:
        await ws.send(json.dumps({"messageId": first["id"], "type": "ack"}))
    return ws, first


async def _close_of(ws: ClientConnection, timeout: float = TIMEOUT) -> tuple[int | None, str]:
    """Wait until the server closes the socket; returns the code and reason seen."""
    async with asyncio.timeout(timeout):
        try:
            while True:
                await ws.recv()
        except ConnectionClosed:
            return ws.close_code, ws.close_reason or ""


async def _wait_for(predicate: Any, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


@pytest.fixture
def emu(webex_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return webex_emulator


@pytest.fixture
def device(emu: ThreadedEmulator) -> dict[str, Any]:
    return _register(emu, ttl=1800)


async def test_first_frame_is_buffer_state(emu: ThreadedEmulator, device: dict[str, Any]) -> None:
    ws, first = await _open(device["webSocketUrl"], emu.access_token)
    async with ws:
        assert first["data"] == {"eventType": "mercury.buffer_state"}
        assert "type" not in first
        uuid.UUID(first["id"])
        assert first["sequenceNumber"] == 1
        await _wait_for(lambda: emu.mercury_connections()[0]["acks"] == [first["id"]])
        (conn,) = emu.mercury_connections()
        assert conn["deviceUrl"] == device["url"]
        assert conn["multipleConnections"] is True
        assert conn["query"]["bufferStates"] == "true"
        assert conn["authTrackingId"].startswith("webex-js-sdk_")
        assert [f["eventType"] for f in conn["frames"]] == ["mercury.buffer_state"]


async def test_ping_gets_a_pong_with_the_same_id(
    emu: ThreadedEmulator, device: dict[str, Any]
) -> None:
    ws, _ = await _open(device["webSocketUrl"], emu.access_token)
    async with ws:
        for _ in range(2):
            ping_id = str(uuid.uuid4())
            await ws.send(json.dumps({"id": ping_id, "type": "ping"}))
            assert await _recv(ws) == {"id": ping_id, "type": "pong"}
        (conn,) = emu.mercury_connections()
        assert conn["pingsReceived"] == 2
        assert conn["pongsSent"] == 2


async def test_published_event_arrives_once_and_its_ack_is_recorded(
    emu: ThreadedEmulator, device: dict[str, Any]
) -> None:
    ws, first = await _open(device["webSocketUrl"], emu.access_token)
    async with ws:
        data = {"eventType": "conversation.activity", "activity": {"verb": "post", "id": "a1"}}
        frame_id = emu.publish_event(data, device_url=device["url"])
        frame = await _recv(ws)
        assert frame["id"] == frame_id
        assert frame["data"] == data
        assert frame["sequenceNumber"] == first["sequenceNumber"] + 1
        assert isinstance(frame["timestamp"], int)
        assert frame["trackingId"]
        await ws.send(json.dumps({"messageId": frame_id, "type": "ack"}))
        # Targeting the user reaches the same socket, with a new frame id.
        second_id = emu.publish_event({"eventType": "locus.difference"}, email=emu.person_email)
        assert (await _recv(ws))["id"] == second_id != frame_id
        await ws.send(json.dumps({"messageId": second_id, "type": "ack"}))
        await _wait_for(lambda: len(emu.mercury_connections()[0]["acks"]) == 3)
        (conn,) = emu.mercury_connections()
        sent = [f["id"] for f in conn["frames"]]
        assert sent == [first["id"], frame_id, second_id]
        assert conn["acks"] == sent  # every frame delivered and acked exactly once
        assert conn["framesSent"] == conn["acksReceived"] == 3


async def test_publish_validation(emu: ThreadedEmulator, device: dict[str, Any]) -> None:
    events = f"{emu.base_url}/_emulator/mercury/events"
    no_type = {"deviceUrl": device["url"], "data": {"x": 1}}
    assert (await _http("POST", events, json=no_type)).status_code == 400
    assert (await _http("POST", events, json={"data": {"eventType": "a.b"}})).status_code == 400
    # Nobody listening: accepted, delivered nowhere.
    body = {"personId": emu.person_id, "data": {"eventType": "a.b"}}
    answer = await _http("POST", events, json=body)
    assert answer.json()["delivered"] == 0


async def test_bad_token_closes_with_4401(emu: ThreadedEmulator, device: dict[str, Any]) -> None:
    ws = await _raw_connect(device["webSocketUrl"] + QUERY)
    await ws.send(_auth_frame("not-a-token"))
    assert (await _close_of(ws))[0] == 4401
    token = emu.issue_token(email=emu.person_email)["accessToken"]
    emu.expire_token(token)
    ws = await _raw_connect(device["webSocketUrl"] + QUERY)
    await ws.send(_auth_frame(token))
    assert (await _close_of(ws))[0] == 4401


async def test_first_frame_must_be_authorization(
    emu: ThreadedEmulator, device: dict[str, Any]
) -> None:
    ws = await _raw_connect(device["webSocketUrl"] + QUERY)
    await ws.send(json.dumps({"id": "x", "type": "ping"}))
    assert (await _close_of(ws))[0] == 4400


async def test_unknown_and_foreign_devices_are_refused(
    emu: ThreadedEmulator, device: dict[str, Any]
) -> None:
    gone = _register(emu)
    emu.expire_device(gone["url"])
    ws = await _raw_connect(gone["webSocketUrl"] + QUERY)
    await ws.send(_auth_frame(emu.access_token))
    assert await _close_of(ws) == (1005, "")  # UnknownResponse: device.refresh(), retry
    other = emu.create_user()
    ws = await _raw_connect(device["webSocketUrl"] + QUERY)
    await ws.send(_auth_frame(other["accessToken"]))
    assert (await _close_of(ws))[0] == 4403


async def test_new_socket_replaces_old_one_without_multiple_connections(
    emu: ThreadedEmulator, device: dict[str, Any]
) -> None:
    old, _ = await _open(device["webSocketUrl"], emu.access_token, QUERY)
    new, _ = await _open(device["webSocketUrl"], emu.access_token, QUERY)
    async with new:
        assert await _close_of(old) == (4000, "replaced")
        await _wait_for(lambda: len(emu.mercury_connections()) == 1)


async def test_multiple_connections_all_get_user_events(
    emu: ThreadedEmulator, device: dict[str, Any]
) -> None:
    other_device = _register(emu, ttl=1800)
    a, _ = await _open(device["webSocketUrl"], emu.access_token)
    b, _ = await _open(device["webSocketUrl"], emu.access_token)
    c, _ = await _open(other_device["webSocketUrl"], emu.access_token)
    async with a, b, c:
        frame_id = emu.publish_event({"eventType": "locus.difference"}, person_id=emu.person_id)
        for ws in (a, b, c):
            assert (await _recv(ws))["id"] == frame_id
        only_b_device = emu.publish_event({"eventType": "x.y"}, device_url=other_device["url"])
        assert (await _recv(c))["id"] == only_b_device
        with pytest.raises(TimeoutError):
            await _recv(a, 0.2)


async def test_device_delete_and_expiry_close_the_socket_with_1005(
    emu: ThreadedEmulator, device: dict[str, Any]
) -> None:
    ws, _ = await _open(device["webSocketUrl"], emu.access_token)
    headers = {"Authorization": f"Bearer {emu.access_token}"}
    response = await _http("DELETE", device["url"], headers=headers)
    assert response.status_code == 204
    assert await _close_of(ws) == (1005, "")

    expiring = _register(emu, ttl=1800)
    ws, _ = await _open(expiring["webSocketUrl"], emu.access_token)
    emu.expire_device(expiring["url"])
    assert await _close_of(ws) == (1005, "")

    short = _register(emu, ttl=1)
    ws, _ = await _open(short["webSocketUrl"], emu.access_token)
    started = time.monotonic()
    assert await _close_of(ws) == (1005, "")  # no HTTP traffic needed
    assert time.monotonic() - started < 1.6
    closed = emu.mercury_connections(include_closed=True)
    assert [c["closeReason"] for c in closed] == [
        "device deleted",
        "device expired",
        "device expired",
    ]


async def test_reset_closes_sockets(emu: ThreadedEmulator, device: dict[str, Any]) -> None:
    ws, _ = await _open(device["webSocketUrl"], emu.access_token)
    emu.reset()
    assert (await _close_of(ws))[0] == 1001


# --- faults ---------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "reason"), [(4000, "replaced"), (1011, "boom"), (1001, "")])
async def test_drop_with_a_close_code(
    emu: ThreadedEmulator, device: dict[str, Any], code: int, reason: str
) -> None:
    ws, _ = await _open(device["webSocketUrl"], emu.access_token)
    assert emu.drop_mercury(device_url=device["url"], code=code, reason=reason) == 1
    assert await _close_of(ws) == (code, reason)
    await _wait_for(lambda: emu.mercury_connections() == [])
    (closed,) = emu.mercury_connections(include_closed=True)
    assert (closed["closedBy"], closed["closeCode"]) == ("server", code)


async def test_drop_without_close_frame_is_1006(
    emu: ThreadedEmulator, device: dict[str, Any]
) -> None:
    ws, _ = await _open(device["webSocketUrl"], emu.access_token)
    other = _register(emu, ttl=1800)
    kept, _ = await _open(other["webSocketUrl"], emu.access_token)
    async with kept:
        assert emu.drop_mercury(device_url=device["url"]) == 1
        assert (await _close_of(ws))[0] == 1006
        assert len(emu.mercury_connections()) == 1


async def test_drop_rejects_unsendable_codes(emu: ThreadedEmulator) -> None:
    faults = f"{emu.base_url}/_emulator/mercury/faults"
    for body in (
        {"action": "drop", "code": 1004},
        {"action": "drop", "code": 1005, "reason": "x"},
        {"action": "drop", "bogus": 1},
    ):
        assert (await _http("POST", faults, json=body)).status_code == 400


async def test_stop_pongs_until_cleared(emu: ThreadedEmulator, device: dict[str, Any]) -> None:
    ws, _ = await _open(device["webSocketUrl"], emu.access_token)
    async with ws:
        emu.stop_mercury_pongs(device_url=device["url"])
        await ws.send(json.dumps({"id": "p1", "type": "ping"}))
        with pytest.raises(TimeoutError):
            await _recv(ws, 0.3)
        assert emu.clear_mercury_faults() == 1
        await ws.send(json.dumps({"id": "p2", "type": "ping"}))
        assert await _recv(ws) == {"id": "p2", "type": "pong"}
        (conn,) = emu.mercury_connections()
        assert (conn["pingsReceived"], conn["pingsIgnored"]) == (2, 1)


async def test_stop_pongs_for_a_while(emu: ThreadedEmulator, device: dict[str, Any]) -> None:
    ws, _ = await _open(device["webSocketUrl"], emu.access_token)
    async with ws:
        emu.stop_mercury_pongs(seconds=0.3, email=emu.person_email)
        await ws.send(json.dumps({"id": "p1", "type": "ping"}))
        with pytest.raises(TimeoutError):
            await _recv(ws, 0.35)
        await ws.send(json.dumps({"id": "p2", "type": "ping"}))
        assert await _recv(ws) == {"id": "p2", "type": "pong"}
        assert emu.mercury_faults() == []


async def test_delay_frames(emu: ThreadedEmulator, device: dict[str, Any]) -> None:
    ws, _ = await _open(device["webSocketUrl"], emu.access_token)
    async with ws:
        emu.delay_mercury(300, device_url=device["url"])
        started = time.monotonic()
        frame_id = emu.publish_event({"eventType": "a.b"}, device_url=device["url"])
        await ws.send(json.dumps({"id": "p", "type": "ping"}))
        assert (await _recv(ws))["id"] == frame_id  # order kept
        assert (await _recv(ws))["type"] == "pong"
        assert time.monotonic() - started >= 0.29


async def test_refuse_next_connections_with_a_close_code(
    emu: ThreadedEmulator, device: dict[str, Any]
) -> None:
    emu.refuse_mercury(2, code=4500, reason="try later", device_url=device["url"])
    for _ in range(2):
        ws = await _raw_connect(device["webSocketUrl"] + MULTI)
        assert await _close_of(ws) == (4500, "try later")
    assert emu.mercury_faults() == []
    ws, first = await _open(device["webSocketUrl"], emu.access_token)
    async with ws:
        assert first["data"]["eventType"] == "mercury.buffer_state"


async def test_refuse_next_connection_with_http_503(
    emu: ThreadedEmulator, device: dict[str, Any]
) -> None:
    emu.refuse_mercury(status=503)
    with pytest.raises(InvalidStatus) as caught:
        await _raw_connect(device["webSocketUrl"] + MULTI)
    assert caught.value.response.status_code == 503
    ws, _ = await _open(device["webSocketUrl"], emu.access_token)
    await ws.close()
