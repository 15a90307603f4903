"""Webhook CRUD and delivery of events to a loopback HTTP server."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from typing import Any

from .rest_support import assert_webex_error, hydra


class _Receiver:
    """A tiny loopback HTTP server collecting the JSON bodies POSTed to it."""

    def __init__(self) -> None:
        self.bodies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.raw: list[tuple[bytes, dict[str, str]]] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/hook"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        headers = {}
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        self.raw.append((body, headers))
        self.bodies.put_nowait(json.loads(body))
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


async def test_webhook_crud() -> None:
    async with hydra() as (_, client):
        body = {
            "name": "h",
            "targetUrl": "http://127.0.0.1:9/",
            "resource": "rooms",
            "event": "created",
        }
        created = (await client.post("/webhooks", json=body)).json()
        assert created["status"] == "active"
        listed = (await client.get("/webhooks")).json()["items"]
        assert [w["id"] for w in listed] == [created["id"]]
        updated = await client.put(
            f"/webhooks/{created['id']}", json={"name": "h2", "targetUrl": "http://127.0.0.1:9/x"}
        )
        assert updated.json()["name"] == "h2"
        assert (await client.delete(f"/webhooks/{created['id']}")).status_code == 204
        assert_webex_error(await client.get(f"/webhooks/{created['id']}"), 404)


async def test_delivery_of_message_and_membership_events() -> None:
    receiver = _Receiver()
    target = await receiver.start()
    try:
        async with hydra() as (emu, client):
            room = (await client.post("/rooms", json={"title": "Hooks"})).json()["id"]
            for resource in ("messages", "memberships"):
                response = await client.post(
                    "/webhooks",
                    json={
                        "name": resource,
                        "targetUrl": target,
                        "resource": resource,
                        "event": "created",
                        "filter": f"roomId={room}",
                    },
                )
                assert response.status_code == 200
            other = (await client.post("/rooms", json={"title": "Other"})).json()["id"]
            await client.post("/messages", json={"roomId": other, "text": "filtered out"})
            message = (await client.post("/messages", json={"roomId": room, "text": "hi"})).json()
            await client.post("/memberships", json={"roomId": room, "personEmail": "w@example.com"})
            first = await asyncio.wait_for(receiver.bodies.get(), 5)
            second = await asyncio.wait_for(receiver.bodies.get(), 5)
            by_resource = {body["resource"]: body for body in (first, second)}
            delivered = by_resource["messages"]
            assert delivered["event"] == "created"
            # The documented delivery body: no target URL, no registration timestamp.
            assert set(delivered) == {
                "id",
                "name",
                "resource",
                "event",
                "filter",
                "orgId",
                "createdBy",
                "appId",
                "ownedBy",
                "status",
                "actorId",
                "data",
            }
            assert delivered["data"]["id"] == message["id"]
            assert delivered["actorId"] == emu.person_id
            assert by_resource["memberships"]["data"]["personEmail"] == "w@example.com"
            await asyncio.sleep(0.05)
            assert receiver.bodies.empty()
    finally:
        await receiver.stop()


async def test_delivery_is_signed_with_the_secret() -> None:
    receiver = _Receiver()
    target = await receiver.start()
    secret = "somesupersecretphrase"
    try:
        async with hydra() as (_, client):
            room = (await client.post("/rooms", json={"title": "Signed"})).json()["id"]
            for name, hook_secret in (("signed", secret), ("plain", None)):
                body: dict[str, Any] = {
                    "name": name,
                    "targetUrl": target,
                    "resource": "messages",
                    "event": "created",
                }
                if hook_secret:
                    body["secret"] = hook_secret
                assert (await client.post("/webhooks", json=body)).status_code == 200
            await client.post("/messages", json={"roomId": room, "text": "sign me"})
            for _ in range(2):
                await asyncio.wait_for(receiver.bodies.get(), 5)
        by_name = {json.loads(raw)["name"]: (raw, headers) for raw, headers in receiver.raw}
        raw, headers = by_name["signed"]
        expected = hmac.new(secret.encode(), raw, hashlib.sha1).hexdigest()
        assert headers["x-spark-signature"] == expected
        assert headers["content-type"] == "application/json"
        assert secret.encode() not in raw
        assert "x-spark-signature" not in by_name["plain"][1]
    finally:
        await receiver.stop()
