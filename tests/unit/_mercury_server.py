"""A tiny Mercury server (and an HTTP CONNECT proxy) on loopback for unit tests."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed


class FakeMercury:
    """Speaks the server side of the Mercury protocol, with knobs for failure modes.

    Attributes:
        reject: close codes to use, one per connection attempt, before the buffer state.
        send_buffer_state: when False, never answer the authorization frame.
        answer_pings: when False, swallow pings (to exercise the pong timeout).
        frames: every frame received, per connection (in order).
        paths: the request path (with query) of every connection.
    """

    def __init__(self) -> None:
        self.reject: list[tuple[int, str]] = []
        self.send_buffer_state = True
        self.answer_pings = True
        self.frames: list[list[dict[str, Any]]] = []
        self.paths: list[str] = []
        self.close_codes: list[int | None] = []
        self.connections: list[ServerConnection] = []
        self.authorized = asyncio.Event()
        self._server: Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/v1/apps/wx2/registrations/abc/messages"

    async def __aenter__(self) -> FakeMercury:
        self._server = await serve(self._handler, "127.0.0.1", 0, ping_interval=None)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def all_frames(self, kind: str | None = None) -> list[dict[str, Any]]:
        out = [f for conn in self.frames for f in conn]
        return [f for f in out if kind is None or f.get("type") == kind]

    async def _handler(self, ws: ServerConnection) -> None:
        index = len(self.frames)
        self.frames.append([])
        self.close_codes.append(None)
        self.paths.append(ws.request.path if ws.request else "")
        self.connections.append(ws)
        try:
            async for raw in ws:
                frame = json.loads(raw)
                self.frames[index].append(frame)
                kind = frame.get("type")
                if kind == "authorization":
                    if self.reject:
                        code, reason = self.reject.pop(0)
                        await ws.close(code, reason)
                        return
                    self.authorized.set()
                    if self.send_buffer_state:
                        await ws.send(
                            json.dumps(
                                {
                                    "id": str(uuid.uuid4()),
                                    "data": {"eventType": "mercury.buffer_state"},
                                }
                            )
                        )
                elif kind == "ping" and self.answer_pings:
                    await ws.send(json.dumps({"id": frame["id"], "type": "pong"}))
        except ConnectionClosed:
            pass
        finally:
            self.close_codes[index] = ws.close_code

    async def push(self, event_type: str, envelope_id: str | None = None, **data: Any) -> str:
        """Send an event envelope on the newest open connection; return its id."""
        envelope_id = envelope_id or str(uuid.uuid4())
        ws = self.connections[-1]
        await ws.send(json.dumps({"id": envelope_id, "data": {"eventType": event_type, **data}}))
        return envelope_id

    async def drop(self, code: int = 1011, reason: str = "") -> None:
        """Close the newest connection from the server side (1006: drop the TCP link)."""
        ws = self.connections[-1]
        if code == 1006:
            ws.transport.abort()
            return
        await ws.close(code, reason)


class ConnectProxy:
    """A minimal HTTP CONNECT proxy; records the CONNECT targets it served."""

    def __init__(self) -> None:
        self.targets: list[str] = []
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ConnectProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            if method != "CONNECT":
                writer.write(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                return
            self.targets.append(target)
            host, port = target.rsplit(":", 1)
            up_reader, up_writer = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await writer.drain()

            async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
                with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                    while chunk := await src.read(65536):
                        dst.write(chunk)
                        await dst.drain()
                with contextlib.suppress(Exception):
                    dst.close()

            await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        finally:
            with contextlib.suppress(Exception):
                writer.close()
            self._tasks.discard(task)
