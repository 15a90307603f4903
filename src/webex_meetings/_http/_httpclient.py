"""The SDK's own ``httpx.AsyncClient``: httpx with a leaner HTTP/1.1 pool and no cookie jar.

Per request, the stock httpcore pool does more than a client with many requests in
flight on a fast link can afford:

* Each time a request starts or a response is closed, the pool asks every connection
  whether it has expired, which for an idle connection means polling its socket
  (reached through anyio's ``extra_attributes``, a dict of closures and a
  ``getpeername()`` call per lookup). Our pool sweeps when a request needs a
  connection and, when a response is closed with nobody waiting, only drops closed
  connections; our network streams (``_network``) answer the poll from their own
  buffer first.
* When two requests are queued before either has started on its connection (the
  start awaits a lock, which yields), the pool hands both the same idle connection.
  One of them fails with ``ConnectionNotAvailable`` and goes round the pool again,
  repeating every expiry check. Our pool gives an idle HTTP/1.1 connection to one
  waiting request at a time.

HTTP/1.1 framing, TLS policy, timeouts and the mapping of errors stay httpx's and
httpcore's. The pool relies on httpcore internals that have been stable through the
1.x series; when they are missing, the stock pool is kept.

The client also skips httpx's per-response cookie extraction, which wraps every
request in a ``urllib`` request object: the Webex APIs set no cookies the SDK needs,
and the JS SDK in Node keeps none either.
"""

from __future__ import annotations

import ssl
from http.cookiejar import CookieJar
from typing import Any

import httpcore
import httpx

from webex_meetings._http._network import AsyncioBackend

__all__ = ["CookielessAsyncClient", "PooledTransport"]

_CookieTypes = httpx.Cookies | CookieJar | dict[str, str] | list[tuple[str, str]] | None

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


class _LeanConnectionPool(httpcore.AsyncConnectionPool):
    """An HTTP/1.1 pool that never hands one idle connection to two waiting requests."""

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        if self._http2:
            # An HTTP/2 connection serves many requests at once: keep httpcore's rules.
            return super()._assign_requests_to_connections()
        connections = self._connections
        closing: list[httpcore.AsyncConnectionInterface] = []
        queued = [request for request in self._requests if request.connection is None]
        # Drop closed connections and close idle ones beyond the keep-alive limit, as
        # httpcore does on every call (it counts every connection against that limit).
        # Closing expired connections polls idle sockets, so that waits until a
        # connection is about to be handed out.
        for connection in list(connections):
            if connection.is_closed():
                connections.remove(connection)
            elif (connection.is_idle() and len(connections) > self._max_keepalive_connections) or (
                queued and connection.has_expired()
            ):
                connections.remove(connection)
                closing.append(connection)
        if not queued:
            return closing
        # A connection given to a request that has not started on it yet is still
        # idle, but it is taken.
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
                    idle = next(
                        (c for c in connections if id(c) not in taken and c.is_idle()), None
                    )
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
                network_backend=AsyncioBackend(),
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
