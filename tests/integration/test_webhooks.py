"""Signed webhook deliveries over real sockets: the emulator signs, the SDK verifies."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest

from webex_meetings import Webex, WebhookSignatureError, verify_signature
from webex_meetings.webhooks import SIGNATURE_HEADER, parse_event

WAIT = 10.0


@dataclass
class Delivery:
    """One POST as it arrived: raw body bytes and lower-cased headers."""

    body: bytes
    headers: dict[str, str]


class Receiver:
    """A loopback HTTP/1.1 server that keeps every POST's raw bytes and headers."""

    def __init__(self) -> None:
        self.deliveries: asyncio.Queue[Delivery] = asyncio.Queue()
        self._server: asyncio.Server | None = None

    async def start(self) -> str:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/hook"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            headers: dict[str, str] = {}
            for line in head.decode("latin-1").split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.deliveries.put_nowait(Delivery(body, headers))
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = Receiver()
    yield server
    await server.stop()


async def _deliver_one(
    webex: Webex, receiver: Receiver, secret: str | None, text: str = "ping"
) -> tuple[Delivery, str]:
    """Register a webhook on a fresh room, post a message there; return the delivery."""
    target = await receiver.start()
    room = await webex.rooms.create(title="Signed hooks")
    await webex.webhooks.create(
        name="signed",
        target_url=target,
        resource="messages",
        event="created",
        filter=f"roomId={room.id}",
        secret=secret,
    )
    message = await webex.messages.create(room_id=room.id, text=text)
    assert message.id is not None
    return await asyncio.wait_for(receiver.deliveries.get(), WAIT), message.id


async def test_signed_delivery_verifies_and_tampering_is_rejected(
    connect: Callable[..., Webex], receiver: Receiver
) -> None:
    secret = "s3cr\u00e9t-phrase"  # non-ASCII: the key is the secret's UTF-8 bytes
    async with connect() as webex:
        delivery, message_id = await _deliver_one(webex, receiver, secret, text="h\u00e9llo")
    signature = delivery.headers[SIGNATURE_HEADER.lower()]
    assert len(signature) == 40

    assert verify_signature(delivery.body, signature, secret)
    assert verify_signature(delivery.body, signature.upper(), secret)
    tampered = delivery.body.replace(b'"created"', b'"deleted"', 1)
    assert tampered != delivery.body
    assert not verify_signature(tampered, signature, secret)
    assert not verify_signature(delivery.body, signature, "another secret")
    assert not verify_signature(delivery.body, None, secret)

    event = parse_event(delivery.body, signature, secret=secret)
    assert (event.resource, event.event) == ("messages", "created")
    assert event.data["id"] == message_id
    # The secret keys the signature; it is never sent in the body.
    assert secret.encode() not in delivery.body
    assert "secret" not in event.model_dump()
    with pytest.raises(WebhookSignatureError, match="does not match") as info:
        parse_event(tampered, signature, secret=secret)
    assert secret not in str(info.value)
    assert signature not in str(info.value)


async def test_delivery_without_secret_has_no_signature(
    connect: Callable[..., Webex], receiver: Receiver
) -> None:
    async with connect() as webex:
        delivery, message_id = await _deliver_one(webex, receiver, None)
    assert SIGNATURE_HEADER.lower() not in delivery.headers
    assert parse_event(delivery.body).data["id"] == message_id
    # A receiver that expects signed deliveries refuses an unsigned one.
    with pytest.raises(WebhookSignatureError, match="missing"):
        parse_event(delivery.body, None, secret="expected")
