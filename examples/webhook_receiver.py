"""Receive a Webex webhook on a small local HTTP server, with nothing but asyncio.

The program starts an HTTP server on loopback, registers a webhook for new messages in a
fresh room, posts a message there and prints the webhook Webex delivers, checking its
``X-Spark-Signature`` (HMAC-SHA1 of the body with the webhook secret) when one is sent.

Run: ``python examples/webhook_receiver.py`` (emulator: it delivers to loopback). With
``WEBEX_ACCESS_TOKEN`` set, Webex must reach the server from the internet: expose the
port with a tunnel and pass its address, e.g.
``python examples/webhook_receiver.py --port 8080 --public-url https://abc.example-tunnel.io``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import secrets
from typing import Any

from _common import connect

MAX_BODY = 1 << 20


class WebhookServer:
    """A tiny HTTP/1.1 server that queues the JSON body of every POST."""

    def __init__(self, secret: str) -> None:
        self.secret = secret.encode()
        self.deliveries: asyncio.Queue[tuple[dict[str, Any], str]] = asyncio.Queue()
        self.server: asyncio.Server | None = None

    async def start(self, port: int) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", port)
        return int(self.server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await reader.readline()
            headers: dict[str, str] = {}
            while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = min(int(headers.get("content-length", "0")), MAX_BODY)
            body = await reader.readexactly(length)
            if request_line.split(b" ")[0] == b"POST":
                status = "200 OK"
                self.deliveries.put_nowait((json.loads(body), self._check(headers, body)))
            else:
                status = "405 Method Not Allowed"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
        except (ValueError, asyncio.IncompleteReadError, ConnectionError):
            pass  # a malformed request: drop the connection
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    def _check(self, headers: dict[str, str], body: bytes) -> str:
        signature = headers.get("x-spark-signature")
        if signature is None:
            return "not sent"
        expected = hmac.new(self.secret, body, hashlib.sha1).hexdigest()
        return "valid" if hmac.compare_digest(signature, expected) else "INVALID"


async def main(port: int, public_url: str | None) -> None:
    if os.environ.get("WEBEX_ACCESS_TOKEN") and not public_url:
        raise SystemExit("Webex cannot reach 127.0.0.1: pass --public-url (see the docstring)")
    secret = secrets.token_hex(16)
    receiver = WebhookServer(secret)
    port = await receiver.start(port)
    target = f"{public_url or f'http://127.0.0.1:{port}'}/webhook"
    print(f"listening on http://127.0.0.1:{port}/webhook")
    try:
        async with connect() as webex:
            room = await webex.rooms.create(title="Webhook demo")
            webhook = await webex.webhooks.create(
                name="webhook receiver example",
                target_url=target,
                resource="messages",
                event="created",
                filter=f"roomId={room.id}",
                secret=secret,
            )
            try:
                message = await webex.messages.create(room_id=room.id, text="ping")
                delivery, signature = await asyncio.wait_for(receiver.deliveries.get(), 30)
                print(
                    f"delivered: {delivery['resource']} {delivery['event']} "
                    f"(webhook {delivery['name']!r}, signature {signature})"
                )
                print(f"message id matches: {delivery['data']['id'] == message.id}")
            finally:
                await webex.webhooks.remove(webhook.id)
                await webex.rooms.remove(room.id)
    finally:
        await receiver.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="local port (default: any free)")
    parser.add_argument("--public-url", help="the address Webex can reach the port at")
    args = parser.parse_args()
    asyncio.run(main(args.port, args.public_url))
