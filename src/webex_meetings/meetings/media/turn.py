"""TURN discovery (ROAP seq 0) and the ICE servers it yields (ROAP protocol).

``TURN_DISCOVERY_REQUEST`` goes either inside the Locus join (``joinWithMedia``) or in a
``PUT <selfUrl>/media`` of its own (``addMedia`` after a plain join, and every
reconnection). The ``TURN_DISCOVERY_RESPONSE`` must carry the three ``x-cisco-turn-*``
headers, otherwise discovery "fails" and media goes on without TURN. An ``OK`` (seq 0)
follows unless the response says ``noOkInTransaction``.

The ICE servers are the given URL (TURN over TLS) and a plain-TURN twin (``turns:`` →
``turn:``, port 443 → 5004), both with the same credentials. aiortc uses only the first
TURN server it can handle (``turns`` needs ``?transport=tcp``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from webex_meetings._logging import get_logger, register_secret
from webex_meetings.meetings.media.roap import (
    HEADER_INCLUDE_ANSWER_IN_HTTP_RESPONSE,
    HEADER_NO_OK_IN_TRANSACTION,
    RoapMessage,
    RoapMessageType,
    roap_from_media_connections,
)

if TYPE_CHECKING:
    from aiortc import RTCIceServer

    from webex_meetings.meetings.media.roap_session import RoapSession

__all__ = [
    "TURN_DISCOVERY_TIMEOUT",
    "TurnDiscovery",
    "TurnServerInfo",
    "ice_server_urls",
    "parse_turn_response",
    "turn_discovery_request",
]

logger = get_logger(__name__)

#: Seconds to wait for a Mercury TURN_DISCOVERY_RESPONSE on the separate-request path.
TURN_DISCOVERY_TIMEOUT: Final = 10.0

_URL: Final = "x-cisco-turn-url"
_USERNAME: Final = "x-cisco-turn-username"
_PASSWORD: Final = "x-cisco-turn-password"  # noqa: S105  # a header name, not a secret
_RESPONSE_TYPES: Final = frozenset({RoapMessageType.TURN_DISCOVERY_RESPONSE})


@dataclass(frozen=True)
class TurnServerInfo:
    """TURN credentials from a discovery response.

    Attributes:
        url: e.g. ``turns:turn.example.com:443?transport=tcp``; empty means no TURN
            (a video-mesh node).
        username: TURN username.
        password: TURN password (never in ``repr`` or logs).
    """

    url: str
    username: str
    password: str

    def __repr__(self) -> str:
        return f"TurnServerInfo(url={self.url!r}, username=<set>, password=<redacted>)"

    def ice_servers(self) -> list[RTCIceServer]:
        """The aiortc ``RTCIceServer`` entries (empty when the URL is empty)."""
        from aiortc import RTCIceServer

        return [
            RTCIceServer(urls=url, username=self.username, credential=self.password)
            for url in ice_server_urls(self.url)
        ]


def ice_server_urls(url: str) -> list[str]:
    """The TURN URLs the JS SDK derives from the discovered one."""
    if not url:
        return []
    plain = url.replace("turns:", "turn:", 1).replace(":443", ":5004", 1)
    return [url] if plain == url else [url, plain]


def turn_discovery_request() -> RoapMessage:
    """The ``TURN_DISCOVERY_REQUEST`` (seq 0) message."""
    return RoapMessage(
        RoapMessageType.TURN_DISCOVERY_REQUEST,
        0,
        headers=(HEADER_INCLUDE_ANSWER_IN_HTTP_RESPONSE, HEADER_NO_OK_IN_TRANSACTION),
    )


def parse_turn_response(message: RoapMessage | None) -> TurnServerInfo | None:
    """The TURN server of a response, or None when any of the three headers is missing."""
    if message is None or message.message_type is not RoapMessageType.TURN_DISCOVERY_RESPONSE:
        return None
    url = message.header_value(_URL)
    username = message.header_value(_USERNAME)
    password = message.header_value(_PASSWORD)
    if url is None or username is None or password is None:
        logger.info("turn: the discovery response lacks TURN headers; going on without TURN")
        return None
    register_secret(password)
    return TurnServerInfo(url=url, username=username, password=password)


@dataclass(frozen=True)
class TurnResult:
    """What one discovery produced.

    Attributes:
        server: the TURN server, or None (discovery failed or skipped).
        media_connections: ``mediaConnections`` of the response that carried it, if any.
    """

    server: TurnServerInfo | None
    media_connections: list[dict[str, Any]]

    @property
    def uses_turn(self) -> bool:
        """True when a TURN server URL was discovered."""
        return self.server is not None and bool(self.server.url)

    def ice_servers(self) -> list[RTCIceServer]:
        """ICE servers for the peer connection (always a list, possibly empty)."""
        return self.server.ice_servers() if self.server is not None else []


class TurnDiscovery:
    """Runs TURN discovery for one meeting.

    Args:
        send: sends a ROAP message over ``/media`` with a media id and returns the body.
        session: the ROAP session (Mercury replies are routed through it).
        timeout: seconds to wait for a Mercury response.
    """

    def __init__(
        self,
        send: Callable[[RoapMessage, str], Awaitable[dict[str, Any]]],
        session: RoapSession,
        *,
        timeout: float = TURN_DISCOVERY_TIMEOUT,
    ) -> None:
        self._send = send
        self._session = session
        self.timeout = timeout

    async def from_join(self, media_connections: list[dict[str, Any]], media_id: str) -> TurnResult:
        """Read the response carried by a join (no Mercury wait on this path)."""
        message = roap_from_media_connections(media_connections)
        if message is None:
            logger.info("turn: the join response has no TURN discovery response")
        return await self._finish(message, media_connections, media_id)

    async def discover(self, media_id: str) -> TurnResult:
        """Send a separate discovery request; HTTP failures mean "no TURN", not an error."""
        waiter = self._session.expect(0, _RESPONSE_TYPES)
        try:
            try:
                body = await self._send(turn_discovery_request(), media_id)
            except Exception as exc:
                logger.info("turn: discovery request failed (%s); going on without TURN", exc)
                return TurnResult(None, [])
            connections = _connections(body)
            message = roap_from_media_connections(connections)
            if (
                message is None
                or message.message_type is not RoapMessageType.TURN_DISCOVERY_RESPONSE
            ):
                try:
                    async with asyncio.timeout(self.timeout):
                        message = await waiter
                except TimeoutError:
                    logger.info("turn: no discovery response; going on without TURN")
                    message = None
            return await self._finish(message, connections, media_id)
        finally:
            self._session.forget(waiter)

    async def _finish(
        self, message: RoapMessage | None, connections: list[dict[str, Any]], media_id: str
    ) -> TurnResult:
        server = parse_turn_response(message)
        if message is not None and not message.has_header(HEADER_NO_OK_IN_TRANSACTION):
            try:
                await self._send(RoapMessage(RoapMessageType.OK, 0), media_id)
            except Exception as exc:
                logger.info("turn: sending OK failed: %s", exc)
        return TurnResult(server, connections)


def _connections(body: Any) -> list[dict[str, Any]]:
    value = body.get("mediaConnections") if isinstance(body, dict) else None
    return [dict(c) for c in value if isinstance(c, dict)] if isinstance(value, list) else []
