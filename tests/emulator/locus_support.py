"""Helpers for the meeting-info and Locus tests: users with a device and a Mercury socket.

Everything goes over real loopback sockets: httpx for HTTP, the plain ``websockets``
client for Mercury, as the SDK does it (Locus protocol, the Mercury protocol).
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from webex_meetings.emulator import ThreadedEmulator

from .emulator_helpers import decode_hydra

TIMEOUT = 5.0
QUERY = "?outboundWireFormat=text&bufferStates=true&aliasHttpStatus=true&multipleConnections=true"


@dataclass
class User:
    """A signed-in user with one registered device and (optionally) its socket."""

    token: str
    uuid: str
    email: str
    device: dict[str, Any]
    http: httpx.AsyncClient
    ws: ClientConnection | None = None
    seen: list[dict[str, Any]] = field(default_factory=list)

    @property
    def device_url(self) -> str:
        return str(self.device["url"])

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return await self.http.request(method, url, headers=self.headers, **kwargs)

    async def lookup(self, emu: ThreadedEmulator, **body: Any) -> httpx.Response:
        """``POST {wbxappapi}/meetingInfo`` with the SDK's default keys."""
        payload = {"supportHostKey": True, "supportCountryList": True, **body}
        return await self.request("POST", f"{emu.base_url}/wbxappapi/v1/meetingInfo", json=payload)

    def join_body(self, **extra: Any) -> dict[str, Any]:
        """A join body shaped like the SDK's (Locus protocol)."""
        return {
            "device": {"url": self.device_url, "deviceType": "WEB", "countryCode": "US"},
            "usingResource": None,
            "moveMediaToResource": False,
            "correlationId": str(uuid.uuid4()),
            "respOnlySdp": True,
            "allowMultiDevice": True,
            "ensureConversation": False,
            "supportsNativeLobby": 1,
            "clientMediaPreferences": {"preferTranscoding": True, "joinCookie": None, "ipver": 4},
            **extra,
        }

    async def join(self, emu: ThreadedEmulator, address: str, **extra: Any) -> httpx.Response:
        """``POST {locus}/loci/call?alternateRedirect=true`` for ``address``."""
        body = self.join_body(invitee={"address": address}, **extra)
        url = f"{emu.base_url}/locus/api/v1/loci/call?alternateRedirect=true"
        return await self.request("POST", url, json=body)

    async def enter(self, emu: ThreadedEmulator, address: str, **extra: Any) -> dict[str, Any]:
        """Join, check success, and consume the join's own event; returns the locus."""
        response = await self.join(emu, address, **extra)
        assert response.status_code == 200, response.text
        locus = dict(response.json()["locus"])
        if self.ws is not None:
            own = await self.next_locus()
            assert own["locus"]["sequence"] == locus["sequence"]
        return locus

    async def next_locus(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The ``data`` of the next ``locus.*`` frame on the socket (acked)."""
        assert self.ws is not None
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.ws.recv())
                if "id" in frame:
                    await self.ws.send(json.dumps({"messageId": frame["id"], "type": "ack"}))
                data = frame.get("data", {})
                if str(data.get("eventType", "")).startswith("locus."):
                    self.seen.append(data)
                    return dict(data)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


async def _register(http: httpx.AsyncClient, emu: ThreadedEmulator, token: str) -> dict[str, Any]:
    response = await http.post(
        f"{emu.base_url}/wdm/api/v1/devices",
        json={"name": "test", "deviceType": "WEB", "ttl": 1800},
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()
    return dict(response.json())


async def _open(device: dict[str, Any], token: str) -> ClientConnection:
    ws = await connect(
        device["webSocketUrl"] + QUERY, ping_interval=None, open_timeout=TIMEOUT, close_timeout=1
    )
    frame = {
        "id": str(uuid.uuid4()),
        "type": "authorization",
        "data": {"token": f"Bearer {token}"},
        "trackingId": f"webex-js-sdk_{uuid.uuid4()}_1",
    }
    await ws.send(json.dumps(frame))
    first = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
    assert first["data"]["eventType"] == "mercury.buffer_state"
    await ws.send(json.dumps({"messageId": first["id"], "type": "ack"}))
    return ws


async def make_user(
    emu: ThreadedEmulator,
    http: httpx.AsyncClient,
    *,
    email: str | None = None,
    seeded: bool = False,
    socket: bool = True,
) -> User:
    """The seeded user, or a new one; with a device and, by default, an open socket."""
    if seeded:
        token, email = emu.access_token, emu.person_email
        person_uuid = decode_hydra(emu.person_id).rsplit("/", 1)[-1]
    else:
        created = emu.create_user(email=email)
        token, email = created["accessToken"], created["person"]["emails"][0]
        person_uuid = decode_hydra(created["person"]["id"]).rsplit("/", 1)[-1]
    device = await _register(http, emu, token)
    user = User(token=token, uuid=person_uuid, email=str(email), device=device, http=http)
    if socket:
        user.ws = await _open(device, token)
    return user


def version(sequence: dict[str, Any]) -> int:
    """The last entry of a sequence object."""
    return int(sequence["entries"][-1])


def self_device(locus: dict[str, Any], device_url: str) -> dict[str, Any]:
    """This device's entry of ``locus.self.devices``."""
    matches = [d for d in locus["self"]["devices"] if d["url"] == device_url]
    assert len(matches) == 1, locus["self"]["devices"]
    return dict(matches[0])
