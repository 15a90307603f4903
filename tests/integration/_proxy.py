"""A loopback HTTP proxy for integration tests: CONNECT tunnels and plain forwarding.

Builds on the unit tests' CONNECT-only proxy. httpx sends ``http://`` requests to a
proxy in absolute form (``GET http://host/path``) instead of tunnelling them, so this
one also forwards those, one request per client connection (``Connection: close``).
It records every CONNECT target, every forwarded URL and every
``Proxy-Authorization`` header, and can demand credentials (407 otherwise).
"""

from __future__ import annotations

import asyncio
import contextlib
from urllib.parse import urlsplit

from ..unit._mercury_server import ConnectProxy

_HOP_BY_HOP = frozenset({b"proxy-authorization", b"proxy-connection", b"connection", b"keep-alive"})


class RecordingProxy(ConnectProxy):
    """CONNECT and absolute-form forwarding; see the module docstring.

    Args:
        require_auth: the exact ``Proxy-Authorization`` value to demand, if any.
    """

    def __init__(self, require_auth: str | None = None) -> None:
        super().__init__()
        self.require_auth = require_auth
        self.forwarded: list[str] = []
        self.auth_headers: list[str | None] = []
        self.rejected = 0

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head[:-4].split(b"\r\n")
            method, target, version = request_line.decode().split(" ", 2)
            headers = [line.split(b":", 1) for line in lines]
            fields = {name.strip().lower(): value.strip() for name, value in headers}
            auth = fields.get(b"proxy-authorization")
            self.auth_headers.append(None if auth is None else auth.decode())
            if self.require_auth is not None and self.auth_headers[-1] != self.require_auth:
                self.rejected += 1
                writer.write(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                    b'Proxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n'
                )
                await writer.drain()
                return
            if method == "CONNECT":
                await self._tunnel(target, reader, writer)
            else:
                body = await reader.readexactly(int(fields.get(b"content-length", b"0")))
                await self._forward(method, target, version, headers, body, writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()
            self._tasks.discard(task)

    async def _tunnel(
        self, target: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.targets.append(target)
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))

    async def _forward(
        self,
        method: str,
        target: str,
        version: str,
        headers: list[list[bytes]],
        body: bytes,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.forwarded.append(f"{method} {target}")
        url = urlsplit(target)
        path = url.path + (f"?{url.query}" if url.query else "")
        kept = [b"%s:%s" % (n, v) for n, v in headers if n.strip().lower() not in _HOP_BY_HOP]
        upstream = b"\r\n".join(
            [f"{method} {path or '/'} {version}".encode(), *kept, b"Connection: close"]
        )
        up_reader, up_writer = await asyncio.open_connection(url.hostname, url.port or 80)
        try:
            up_writer.write(upstream + b"\r\n\r\n" + body)
            await up_writer.drain()
            writer.write(await up_reader.read())  # the server closes after one response
            await writer.drain()
        finally:
            up_writer.close()


async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError, asyncio.CancelledError):
        while chunk := await src.read(65536):
            dst.write(chunk)
            await dst.drain()
    with contextlib.suppress(Exception):
        dst.close()
