"""``MeetingMedia``: a meeting's audio, video and screen share over WebRTC.

A :class:`~webex_meetings.meetings.meeting.Meeting` owns one. The steps of
:meth:`MeetingMedia.add_media` (JS ``addMedia``):

1. check the meeting: joined, and active and admitted unless media in the lobby is
   allowed (``UserNotJoinedError`` / ``MeetingNotActiveError`` / ``UserInLobbyError``);
2. TURN discovery, unless the join already carried it (``join_with_media``);
3. one aiortc peer connection with the audio, video and share lines;
4. ROAP OFFER → ANSWER over ``/media`` (HTTP or Mercury ``locus.message.roap``);
5. ICE + DTLS within 20 s; if that fails without TURN, once more with forced TURN
   discovery and a new connection, else ``AddMediaFailedError``.

Remote tracks arrive as ``media:ready {type, stream, track}`` on the meeting; they are
read continuously (see :mod:`~webex_meetings.meetings.media.remote`), so an ignored
track costs no memory. The remote audio's CSRCs name the active speaker
(``media:activeSpeakerChanged {memberIds}``). Local tracks are published per kind;
mutes replace what is sent with silence or black frames and are reported to Locus.

The lifecycle is :class:`MediaState`; every transition is logged and awaitable with
:meth:`MeetingMedia.wait_for_state`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import MeetingEvents
from webex_meetings.meetings.errors import (
    AddMediaFailedError,
    MediaError,
    MeetingNotActiveError,
    ParameterError,
    UserInLobbyError,
    UserNotJoinedError,
)
from webex_meetings.meetings.media._aiortc import require_aiortc
from webex_meetings.meetings.media.host import MEDIA_NEGOTIATED, MediaHost
from webex_meetings.meetings.media.local import LocalMediaControls
from webex_meetings.meetings.media.media_request import LocusMediaRequest, MediaRequestContext
from webex_meetings.meetings.media.options import KINDS, MediaKind, MediaOptions
from webex_meetings.meetings.media.receiving import RemoteMedia
from webex_meetings.meetings.media.reconnect import ReconnectionManager
from webex_meetings.meetings.media.reconnecting import MediaReconnection
from webex_meetings.meetings.media.remote_share import RemoteShareMedia
from webex_meetings.meetings.media.roap import (
    RoapMessage,
    RoapMessageType,
    roap_from_media_connections,
)
from webex_meetings.meetings.media.roap_session import RoapSession
from webex_meetings.meetings.media.sdp import settings_from_config
from webex_meetings.meetings.media.state import MediaState, MediaTimeouts
from webex_meetings.meetings.media.turn import (
    TurnDiscovery,
    TurnResult,
    turn_discovery_request,
)

if TYPE_CHECKING:
    from aiortc.mediastreams import MediaStreamTrack

    from webex_meetings._client import Webex
    from webex_meetings.meetings.locus import JoinResponse
    from webex_meetings.meetings.media.connection import MediaConnection

__all__ = ["MeetingMedia"]

logger = get_logger(__name__)

_ROAP_EVENT = "event:locus.message.roap"


class MeetingMedia(LocalMediaControls, RemoteMedia, MediaReconnection):
    """The media of one meeting.

    Args:
        webex: the core (HTTP, Mercury, config).
        host: the meeting (ids, URLs, Locus state, Locus requests, event emitter).
        rejoin: joins the meeting again, for reconnection with ``autoRejoin``.
        timeouts: step timeouts.

    Attributes:
        state: the :class:`MediaState`.
        media_id: the media id used in ``/media`` requests (from the join, then from
            responses).
        media_connections: ``mediaConnections`` of the last ROAP response.
        options: the per-kind directions currently asked for.
        connection: the peer connection, while there is one.
        remote_streams: the ``media:ready`` reader of each remote type.
        turn: the last TURN discovery result.
    """

    def __init__(
        self,
        webex: Webex,
        host: MediaHost,
        *,
        rejoin: Callable[[], Awaitable[Any]] | None = None,
        timeouts: MediaTimeouts | None = None,
    ) -> None:
        super().__init__()
        self._webex = webex
        self.host = host
        self.timeouts = timeouts or MediaTimeouts()
        self.state = MediaState.IDLE
        self.media_id: str | None = None
        self.media_connections: list[dict[str, Any]] = []
        self.options: MediaOptions | None = None
        self.connection: MediaConnection | None = None
        self.turn: TurnResult | None = None
        self._state_changed = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._listening = False
        config = webex.config.meetings
        self._request = LocusMediaRequest(
            webex,
            MediaRequestContext(
                self_url=lambda: host.self_url,
                device_url=lambda: host.device_url,
                correlation_id=lambda: host.correlation_id,
                mute_state=self.mute_state,
                sequence=lambda: host.requests.sequence() if host.requests.sequence else None,
                on_locus=lambda locus: (
                    host.requests.on_locus(locus) if host.requests.on_locus else None
                ),
                device_type=config.device_type,
            ),
        )
        self._session = RoapSession(self._send_roap, answer_timeout=self.timeouts.answer)
        self._turn = TurnDiscovery(self._send_roap_body, self._session, timeout=self.timeouts.turn)
        self._reconnection = ReconnectionManager(
            config.reconnection,
            emit=host.emit,
            reconnect_media=self._reconnect_media,
            self_left=lambda: host.state == "LEFT",
            rejoin=rejoin,
        )
        self._rejoin = rejoin
        self._media_sessions: list[Mapping[str, Any]] | None = None
        #: ``media:ready`` / ``media:stopped`` of ``remoteShare``, one pair per remote share.
        self.remote_share = RemoteShareMedia(self)

    def __repr__(self) -> str:
        return f"MeetingMedia(state={self.state.value}, media_id={self.media_id!r})"

    # -- lifecycle ----------------------------------------------------------------------

    def _set_state(self, state: MediaState) -> None:
        if state is self.state:
            return
        logger.info("media: %s -> %s", self.state.value, state.value)
        self.state = state
        self._state_changed.set()
        self._state_changed = asyncio.Event()

    async def wait_for_state(self, *states: MediaState, timeout: float | None = None) -> MediaState:
        """Wait until :attr:`state` is one of ``states`` (returns at once if it is).

        Raises:
            TimeoutError: not reached within ``timeout`` seconds.
        """
        async with asyncio.timeout(timeout):
            while self.state not in states:
                await self._state_changed.wait()
        return self.state

    @property
    def roap_seq(self) -> int:
        """The last ROAP sequence number used or seen."""
        return self._session.seq

    @property
    def media_server(self) -> str | None:
        """The media server type from the answer's ``o=`` line (JS ``mediaServer``)."""
        return self._session.media_server

    # -- add / join with media ----------------------------------------------------------

    def turn_discovery_request(self) -> dict[str, Any]:
        """The ``roapMessage`` the join carries for ``join_with_media`` (``localMedias``)."""
        return turn_discovery_request().to_wire()

    async def join_with_media(
        self,
        join: Callable[[Mapping[str, Any]], Awaitable[JoinResponse]],
        *,
        audio: Any = True,
        video: Any = True,
        share: Any = True,
        allow_media_in_lobby: bool = True,
        leave: Callable[[], Awaitable[Any]] | None = None,
    ) -> JoinResponse:
        """Join with TURN discovery in the join, then add media (JS ``joinWithMedia``).

        The whole sequence is retried once, leaving first if the join had worked; after
        the second failure the meeting is left. SDP creation errors are not retried.

        Args:
            join: joins with the given ``roapMessage`` in ``localMedias``.
            audio: see :class:`~webex_meetings.meetings.media.options.MediaOptions`.
            video: same.
            share: same.
            allow_media_in_lobby: must be True, as in JS.
            leave: leaves the meeting (used between and after failed attempts).

        Raises:
            ParameterError: ``allow_media_in_lobby`` is False or an option is invalid.
        """
        if not allow_media_in_lobby:
            raise ParameterError("join_with_media needs allow_media_in_lobby=True, as in JS")
        options = MediaOptions.parse(audio, video, share)
        for attempt in (1, 2):
            joined = False
            try:
                response = await join(self.turn_discovery_request())
                joined = True
                self.media_id = response.media_id or ""
                turn = await self._turn.from_join(response.media_connections, self.media_id)
                await self._add(options, allow_media_in_lobby=True, turn=turn)
                return response
            except MediaError:
                await self._leave_after_failure(joined, leave)
                raise
            except Exception as exc:
                logger.warning("media: join with media attempt %d failed: %s", attempt, exc)
                await self._leave_after_failure(joined, leave)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    async def _leave_after_failure(
        self, joined: bool, leave: Callable[[], Awaitable[Any]] | None
    ) -> None:
        if joined and leave is not None:
            try:
                await leave()
            except Exception as exc:
                logger.info("media: leaving after a failed join with media failed: %s", exc)

    async def add_media(
        self,
        *,
        audio: Any = True,
        video: Any = True,
        share: Any = True,
        allow_media_in_lobby: bool = False,
    ) -> None:
        """Start sending and receiving media (JS ``addMedia``).

        Args:
            audio: True, False, ``"recvonly"``, ``"sendonly"`` or a track to send.
            video: same, for the camera line.
            share: same, for the screen-share line.
            allow_media_in_lobby: allow media before being admitted.

        Raises:
            UserNotJoinedError: not joined (or self has left).
            MeetingNotActiveError: the meeting is not active.
            UserInLobbyError: still in the lobby.
            ParameterError: media was added already, or an option is invalid.
            MediaError: aiortc is missing or the SDP could not be made.
            AddMediaFailedError: the server refused or never answered, or ICE/DTLS failed.
        """
        options = MediaOptions.parse(audio, video, share)
        self.media_id = self.host.media_id or ""
        await self._add(options, allow_media_in_lobby=allow_media_in_lobby, turn=None)

    def _check_can_add(self, allow_media_in_lobby: bool) -> None:
        host = self.host
        if host.state in (None, "LEFT") or not host.self_url:
            raise UserNotJoinedError("add media after joining the meeting")
        if not allow_media_in_lobby:
            if host.is_user_unadmitted:
                raise UserInLobbyError()
            if host.meeting_state not in (None, "ACTIVE"):
                raise MeetingNotActiveError()
        if self.state in (MediaState.CONNECTING, MediaState.CONNECTED, MediaState.RECONNECTING):
            raise ParameterError("media was added already; use update_media() to change it")

    async def _add(
        self, options: MediaOptions, *, allow_media_in_lobby: bool, turn: TurnResult | None
    ) -> None:
        self._check_can_add(allow_media_in_lobby)
        require_aiortc()
        self.options = options
        self._sources = {kind: options.get(kind).track for kind in KINDS}
        # The server keeps the media session's ROAP seq across add_media attempts.
        self._session = RoapSession(
            self._send_roap, answer_timeout=self.timeouts.answer, seq=self._session.seq
        )
        self._turn = TurnDiscovery(self._send_roap_body, self._session, timeout=self.timeouts.turn)
        self._listen()
        self._set_state(MediaState.CONNECTING)
        try:
            if turn is None:
                turn = await self._turn.discover(self.media_id or "")
            await self._establish(turn, retry_with_turn=True)
        except BaseException:
            await self._drop_connection()
            self._set_state(MediaState.FAILED)
            raise
        self._set_state(MediaState.CONNECTED)

    async def _establish(self, turn: TurnResult, *, retry_with_turn: bool) -> None:
        self.turn = turn
        connection = self._new_connection(turn)
        self._session.peer = connection
        await self._session.negotiate()
        if self._webex.config.meetings.experimental.enable_media_negotiated_event:
            self.host.emit(MEDIA_NEGOTIATED)
        if await connection.wait_connected(self.timeouts.connect):
            return
        await self._drop_connection()
        if turn.uses_turn or not retry_with_turn:
            raise AddMediaFailedError("ICE and DTLS did not connect")
        logger.info("media: no connection without TURN; retrying with TURN discovery")
        if self.host.state == "LEFT" and self._rejoin is not None:
            await self._rejoin()
        retry = await self._turn.discover(self.media_id or "")
        await self._establish(retry, retry_with_turn=False)

    def _on_remote_track(self, kind: MediaKind, track: MediaStreamTrack) -> None:
        if kind is not MediaKind.SHARE:
            super()._on_remote_track(kind, track)
            return
        # The share track is read from now on; it is announced per remote share.
        self._hub(kind).attach(track)
        self.remote_share.track_arrived()

    def _new_connection(self, turn: TurnResult) -> MediaConnection:
        from webex_meetings.meetings.media.connection import MediaConnection

        assert self.options is not None
        options = self.options
        for kind in KINDS:  # carry published sources over to the new connection
            setting = options.get(kind)
            options = options.replace(**{kind.value: type(setting)(setting.direction, None)})
        connection = MediaConnection(
            ice_servers=turn.ice_servers(),
            options=options,
            sdp_settings=settings_from_config(self._webex.config.meetings),
            on_track=self._on_remote_track,
            on_state=lambda state: self._on_connection_state(connection, state),
        )
        self.connection = connection
        for kind in KINDS:
            source = self._sources.get(kind)
            if source is not None:
                self._wrap(kind, connection.set_track(kind, source))
        return connection

    async def _drop_connection(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                await connection.close()
            except Exception as exc:  # closing must not hide the original failure
                logger.info("media: closing the peer connection failed: %s", exc)

    # -- signalling -----------------------------------------------------------------------

    async def _send_roap_body(self, message: RoapMessage, media_id: str) -> dict[str, Any]:
        body = await self._request.send_roap(message, media_id=media_id)
        connections = body.get("mediaConnections")
        if isinstance(connections, list) and connections:
            self.media_connections = [dict(c) for c in connections if isinstance(c, dict)]
            # The answer to an OFFER names the media session (a new one after mediaId "").
            if message.message_type is RoapMessageType.OFFER:
                for connection in self.media_connections:
                    if connection.get("mediaId"):
                        self.media_id = str(connection["mediaId"])
        return body

    async def _send_roap(self, message: RoapMessage) -> RoapMessage | None:
        body = await self._send_roap_body(message, self.media_id or "")
        return roap_from_media_connections(body.get("mediaConnections"))

    def _listen(self) -> None:
        if not self._listening:
            self._webex.internal.mercury.on(_ROAP_EVENT, self._on_roap_event)
            self._listening = True

    def _on_roap_event(self, envelope: Mapping[str, Any]) -> None:
        data = envelope.get("data")
        if not isinstance(data, Mapping) or data.get("correlationId") != self.host.correlation_id:
            return
        raw = data.get("message")
        try:
            message = RoapMessage.from_wire(raw) if isinstance(raw, Mapping) else None
        except ValueError as exc:
            logger.info("media: malformed ROAP event ignored: %s", exc)
            return
        if message is not None:
            self._spawn(self._session.receive(message))

    def _spawn(self, coro: Awaitable[Any]) -> None:
        async def run() -> None:
            try:
                await coro
            except Exception:
                logger.exception("media: background task failed")

        task = asyncio.create_task(run(), name="meeting-media")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- close --------------------------------------------------------------------------

    async def close(self) -> None:
        """Stop all media (on leave): ``media:stopped`` for each remote type that was ready."""
        if self._listening:
            self._webex.internal.mercury.remove_listener(_ROAP_EVENT, self._on_roap_event)
            self._listening = False
        self._session.close()
        await self._request.aclose()
        await self._drop_connection()
        self._set_network_status(None)
        await self.remote_share.aclose()
        stopped = await self._close_remote()
        tasks, self._tasks = set(self._tasks), set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._sources = {}
        self._user_muted = {}
        was_active = self.state is not MediaState.IDLE
        self._set_state(MediaState.CLOSED)
        if was_active:
            for media_type in stopped:
                self.host.emit(MeetingEvents.MEDIA_STOPPED, {"type": media_type})
