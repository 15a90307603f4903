"""Reconnection glue of ``MeetingMedia``: lost connections, ``reconnect()``, Locus hints.

It also keeps the media network status (JS ``meeting.networkStatus``): the meeting
gets ``network:disconnected`` when the peer connection is lost, and
``network:connected`` when a connection is up again after such a loss (never on the
first connection), both without a payload as in JS.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Any

from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import MeetingEvents
from webex_meetings.meetings.errors import ParameterError, ReconnectionNotStartedError
from webex_meetings.meetings.media.host import MediaHost
from webex_meetings.meetings.media.reconnect import (
    ReconnectionManager,
    media_sessions_went_inactive,
)
from webex_meetings.meetings.media.state import MediaState

if TYPE_CHECKING:
    from webex_meetings.meetings.media.connection import ConnectionState, MediaConnection
    from webex_meetings.meetings.media.media_request import LocusMediaRequest
    from webex_meetings.meetings.media.options import MediaOptions
    from webex_meetings.meetings.media.turn import TurnDiscovery, TurnResult

__all__ = ["MediaReconnection", "NetworkStatus"]

logger = get_logger(__name__)


class NetworkStatus(enum.StrEnum):
    """Whether the media connection is up (JS ``NETWORK_STATUS``); None without media."""

    CONNECTED = "CONNECTED"
    DISCONNECTED = "DISCONNECTED"


class MediaReconnection:
    """Reconnection entry points (mixed into ``MeetingMedia``)."""

    host: MediaHost
    state: MediaState
    connection: MediaConnection | None
    options: MediaOptions | None
    media_id: str | None
    _reconnection: ReconnectionManager
    _request: LocusMediaRequest
    _turn: TurnDiscovery
    _media_sessions: list[Mapping[str, Any]] | None
    #: :class:`NetworkStatus` of the media connection; None before media and after close.
    network_status: NetworkStatus | None = None

    if TYPE_CHECKING:

        def _set_state(self, state: MediaState) -> None: ...

        def _spawn(self, coro: Awaitable[Any]) -> None: ...

        async def _drop_connection(self) -> None: ...

        async def _establish(self, turn: TurnResult, *, retry_with_turn: bool) -> None: ...

    def _set_network_status(self, status: NetworkStatus | None) -> None:
        """Record the status; emit as JS ``setNetworkStatus`` does (None: media closed).

        A loss is reported once, whether Locus (media session inactive) or the peer
        connection (ICE consent) noticed it first.
        """
        if status is NetworkStatus.DISCONNECTED:
            if self.network_status is not NetworkStatus.DISCONNECTED:
                self.host.emit(MeetingEvents.NETWORK_DISCONNECTED)
        elif status is NetworkStatus.CONNECTED and (
            self.network_status is NetworkStatus.DISCONNECTED
        ):
            self.host.emit(MeetingEvents.NETWORK_CONNECTED)
        self.network_status = status

    def _on_connection_state(self, connection: MediaConnection, state: ConnectionState) -> None:
        # A dropped connection is no longer self.connection: its "closed" is expected.
        if connection is not self.connection:
            return
        if state.value == "connected":
            self._set_network_status(NetworkStatus.CONNECTED)
            return
        lost = state.value in ("failed", "closed")
        if not lost or self.state is not MediaState.CONNECTED:
            return
        logger.warning("media: the peer connection is %s", state.value)
        self._set_network_status(NetworkStatus.DISCONNECTED)
        if self._reconnection.detects:
            self._spawn(self._auto_reconnect())
        else:
            logger.warning("media: the connection failed and reconnection is disabled")
            self._set_state(MediaState.FAILED)

    async def _auto_reconnect(self) -> None:
        try:
            await self._reconnection.reconnect()
        except Exception as exc:
            logger.info("media: automatic reconnection did not succeed: %s", exc)

    async def reconnect(self) -> bool:
        """Reconnect media now (JS ``meeting.reconnect()``).

        Returns:
            True when a reconnection ran and succeeded; False when it was not started
            (disabled or already running), which JS swallows too.

        Raises:
            ParameterError: media was never added.
            ReconnectionError: the reconnection ran and failed.
        """
        if self.options is None:
            raise ParameterError("cannot reconnect: media was never added")
        try:
            await self._reconnection.reconnect()
        except ReconnectionNotStartedError as exc:
            logger.info("media: reconnection not started: %s", exc)
            return False
        return True

    async def _reconnect_media(self, rejoined: bool) -> None:
        self._set_state(MediaState.RECONNECTING)
        try:
            await self._drop_connection()
            self._request.reset_confluence()
            # A rejoin made a new media session; otherwise ask for one with mediaId "".
            self.media_id = (self.host.media_id or "") if rejoined else ""
            turn = await self._turn.discover(self.media_id)
            await self._establish(turn, retry_with_turn=False)
        except BaseException:
            self._set_state(MediaState.FAILED)
            raise
        self._set_state(MediaState.CONNECTED)

    def handle_media_sessions(self, sessions: list[Mapping[str, Any]]) -> None:
        """Feed this device's Locus ``mediaSessions``; a drop to inactive reconnects."""
        previous, self._media_sessions = self._media_sessions, list(sessions)
        if self.state is not MediaState.CONNECTED or not media_sessions_went_inactive(
            previous, sessions
        ):
            return
        # The media server lost our media: that is the network going down for the app.
        self._set_network_status(NetworkStatus.DISCONNECTED)
        if self._reconnection.detects:
            logger.info("media: Locus shows a media session inactive; reconnecting")
            self._spawn(self._auto_reconnect())
