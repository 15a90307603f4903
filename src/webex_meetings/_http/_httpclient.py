"""The SDK's own ``httpx.AsyncClient``: httpx with a leaner HTTP/1.1 pool and no cookie jar.

Two per-request costs of the stock httpcore pool dominate a client that keeps many
requests in flight on loopback or a fast link:

* Each time a request starts or a response is closed the pool asks every connection
  whether it has expired. For an idle connection that polls its socket, and httpcore
  reaches the socket through anyio's ``extra_attributes``, which builds a dict of
  closures and calls ``getpeername()`` on every lookup. Our network streams look the
  socket up once and poll it directly.
* When two requests are queued before either has started on its connection (the
  start awaits a lock, which yields), the pool hands both the same idle connection.
  One of them fails with ``ConnectionNotAvailable`` and goes round the pool again,
  repeating every expiry check. Our pool gives an idle HTTP/1.1 connection to one
  waiting request at a time.

Everything else (TLS, timeouts, error mapping, the response stream) is httpx's and
httpcore's own code. The pool relies on httpcore internals that have been stable
through the 1.x series; when they are missing the stock pool is kept.

The client also skips httpx's per-response cookie extraction, which wraps every
request in a ``urllib`` request object: the Webex APIs set no cookies the SDK needs,
and the JS SDK in Node keeps none either.
"""

from __future__ import annotations

import select
import socket
import ssl
from collections.abc import Iterable
from http.cookiejar import CookieJar
from typing import Any

import httpcore
import httpx
import os
from webex_meetings._http._network import AsyncioBackend

__all__ = ["CookielessAsyncClient", "PooledTransport"]

_CookieTypes = httpx.Cookies | CookieJar | dict[str, str] | list[tuple[str, str]] | None
_SocketOption = tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]

# Pool internals the lean assignment reads; without them the stock pool stays in use.
_POOL_ATTRIBUTES = (
    "_requests",
    "_connections",
    "_max_connections",
    "_max_keepalive_connections",
    "_http2",
    "_ssl_context",
    "_keepalive_expiry",
)


def _socket_readable(sock: socket.socket | None) -> bool:
    """Whether a read would return at once: data, EOF, or a socket that is gone."""
    fd = -1 if sock is None else sock.fileno()
    if fd < 0:
        return True
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        return bool(poller.poll(0))
    readable, _, _ = select.select([fd], [], [], 0)  # pragma: no cover - Windows
    return bool(readable)


class _Stream(httpcore.AsyncNetworkStream):
    """An httpcore network stream that answers ``is_readable`` without anyio lookups."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        # The raw socket never changes for the life of the stream (TLS wraps it).
        self._socket: socket.socket | None = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            return _socket_readable(self._socket)
        if info == "socket":
            return self._socket
        return self._inner.get_extra_info(info)


class _Backend(httpcore.AsyncNetworkBackend):
    """httpcore's anyio backend, with its streams wrapped in :class:`_Stream`."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _Stream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[_SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return _Stream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _LeanConnectionPool(httpcore.AsyncConnectionPool):
    """An HTTP/1.1 pool that never hands one idle connection to two waiting requests."""

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        if self._http2:
            # An HTTP/2 connection serves many requests at once: keep httpcore's rules.
            return super()._assign_requests_to_connections()
        connections = self._connections
        closing: list[httpcore.AsyncConnectionInterface] = []
        # Drop closed connections, close expired ones and idle ones beyond the limit,
        # as httpcore does (it counts every connection against the keep-alive limit).
        for connection in list(connections):
            if connection.is_closed():
                connections.remove(connection)
            elif connection.has_expired() or (
                connection.is_idle() and len(connections) > self._max_keepalive_connections
            ):
                connections.remove(connection)
                closing.append(connection)
        queued = [request for request in self._requests if request.connection is None]
        if not queued:
            return closing
        # A connection already given to a request that has not started on it yet is
        # still idle, but it is taken.
        taken = {id(r.connection) for r in self._requests if r.connection is not None}
        for pool_request in queued:
            origin = pool_request.request.url.origin
            chosen = next(
                (
                    c
                    for c in connections
                    if id(c) not in taken and c.can_handle_request(origin) and c.is_available()
                ),
                None,
            )
            if chosen is None:
                if len(connections) >= self._max_connections:
                    # Make room by closing an idle connection to another origin.
                    idle = next((c for c in connections if id(c) not in taken and c.is_idle()), None)
                    if idle is None:
                        continue  # stays queued until a connection frees up
                    connections.remove(idle)
                    closing.append(idle)
                chosen = self.create_connection(origin)
                connections.append(chosen)
            taken.add(id(chosen))
            pool_request.assign_to_connection(chosen)
        return closing


def _lean_pool_supported(pool: httpcore.AsyncConnectionPool) -> bool:
    return type(pool) is httpcore.AsyncConnectionPool and all(
        hasattr(pool, name) for name in _POOL_ATTRIBUTES
    )


class PooledTransport(httpx.AsyncHTTPTransport):
    """``httpx.AsyncHTTPTransport`` with the lean pool for direct (non-proxy) traffic.

    Proxied requests never reach it: httpx mounts its own proxy transports for them.

    Args:
        verify: verify TLS certificates (or an ``ssl.SSLContext``).
        limits: connection limits; keep ``max_keepalive_connections`` equal to
            ``max_connections`` so that connections are reused rather than reopened.
        trust_env: read ``SSL_CERT_FILE``/``SSL_CERT_DIR`` from the environment.
    """

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits,
        trust_env: bool = True,
    ) -> None:
        super().__init__(verify=verify, limits=limits, trust_env=trust_env)
        stock = self._pool
        if _lean_pool_supported(stock):
            self._pool = _LeanConnectionPool(
                ssl_context=stock._ssl_context,
                max_connections=stock._max_connections,
                max_keepalive_connections=stock._max_keepalive_connections,
                keepalive_expiry=stock._keepalive_expiry,
                network_backend=AsyncioBackend() if os.environ.get('WMB') != 'anyio' else _Backend(),
            )

    @property
    def lean(self) -> bool:
        """Whether the lean pool is in use (False on an httpcore without its internals)."""
        return isinstance(self._pool, _LeanConnectionPool)


class _UnsetCookies(httpx.Cookies):
    """Cookies sent when set explicitly, never taken from responses."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class CookielessAsyncClient(httpx.AsyncClient):
    """``httpx.AsyncClient`` that does not store cookies from responses.

    Takes the ``httpx.AsyncClient`` arguments. Cookies set on :attr:`cookies` are
    still sent.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._unset_cookies = _UnsetCookies(kwargs.get("cookies"))

    @property
    def cookies(self) -> httpx.Cookies:
        """Cookies sent with every request (empty unless set explicitly)."""
        return self._unset_cookies

    @cookies.setter
    def cookies(self, cookies: _CookieTypes) -> None:
        self._unset_cookies = _UnsetCookies(cookies)
