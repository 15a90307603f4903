"""Receive signed Webex webhooks on a small local HTTP server, with nothing but asyncio.

The program starts an HTTP server on loopback, registers a webhook with a secret for new
messages in a fresh room, posts a message there and prints the delivery. Webex signs
each delivery of a webhook that has a secret: ``X-Spark-Signature`` is the hex
HMAC-SHA1 of the raw body keyed with the secret. The server checks it with
``webex_meetings.webhooks.parse_event`` and answers 401 to a delivery whose signature is
missing or wrong; the program then forges one (a genuine signature on an altered body)
to show it refused.

Run: ``python examples/webhook_receiver.py`` (emulator: it delivers to loopback). With
``WEBEX_ACCESS_TOKEN`` set, Webex must reach the server from the internet: expose the
port with a tunnel and pass its address, e.g.
``python examples/webhook_receiver.py --port 8080 --public-url https://abc.example-tunnel.io``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets

import httpx
from _common import connect

from webex_meetings import WebhookError, WebhookEvent, WebhookSignatureError
from webex_meetings.webhooks import SIGNATURE_HEADER, parse_event

MAX_BODY = 1 << 20


class WebhookServer:
    """A tiny HTTP/1.1 server that accepts only correctly signed webhook POSTs."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.events: asyncio.Queue[WebhookEvent] = asyncio.Queue()
        #: The last signed delivery as received, to forge one from it.
        self.last: tuple[bytes, str] | None = None
        self.server: asyncio.Server | None = None

    async def start(self, port: int) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", port)
        return int(self.server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    def receive(self, body: bytes, signature: str | None) -> str:
        """Check and queue one delivery; return the HTTP status line to answer."""
        try:
            # Verify over the bytes as received, before anything parses them.
            event = parse_event(body, signature, secret=self.secret)
        except WebhookSignatureError:
            return "401 Unauthorized"
        except WebhookError:
            return "400 Bad Request"
        self.last = (body, signature or "")
        self.events.put_nowait(event)
        return "200 OK"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await reader.readline()
            headers: dict[str, str] = {}
            while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if length > MAX_BODY:
                status = "413 Content Too Large"
            elif request_line.split(b" ")[0] != b"POST":
                status = "405 Method Not Allowed"
            else:
                body = await reader.readexactly(length)
                status = self.receive(body, headers.get(SIGNATURE_HEADER.lower()))
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


async def forge(url: str, receiver: WebhookServer) -> int:
    """POST a genuine signature with an altered body; return the status it got."""
    assert receiver.last is not None
    body, signature = receiver.last
    forged = body.replace(b'"created"', b'"deleted"', 1)
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(
            url,
            content=forged,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
        )
    return response.status_code


async def main(port: int, public_url: str | None) -> None:
    if os.environ.get("WEBEX_ACCESS_TOKEN") and not public_url:
        raise SystemExit("Webex cannot reach 127.0.0.1: pass --public-url (see the docstring)")
    secret = secrets.token_hex(16)
    receiver = WebhookServer(secret)
    port = await receiver.start(port)
    local = f"http://127.0.0.1:{port}/webhook"
    target = f"{public_url}/webhook" if public_url else local
    print(f"listening on {local}")
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
                event = await asyncio.wait_for(receiver.events.get(), 30)
                print(
                    f"delivered: {event.resource} {event.event} "
                    f"(webhook {event.name!r}, signature valid)"
                )
                print(f"message id matches: {event.data.get('id') == message.id}")
                status = await forge(local, receiver)
                print(f"forged delivery: rejected with {status}")
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
