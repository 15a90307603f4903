"""One aiortc ``RTCPeerConnection`` per meeting: three bundled lines, SDPs, ICE state.

The connection has the JS transcoded layout (ROAP protocol): audio, main video and
screen-share video, in that m-line order, on one BUNDLE transport. Video prefers H.264
(JS SDK requires it), then VP8; RTX is offered only with ``enableRtx``. Every local
SDP goes through :func:`~webex_meetings.meetings.media.sdp.munge` before it is sent.

aiortc specifics handled here: ``iceServers`` is always an explicit list (``None`` would
make aiortc use a public STUN server); candidates are gathered during
``setLocalDescription`` (no trickle), so the SDP sent already holds them; aiortc has no
offer rollback, so :meth:`MediaConnection.rollback` resets its pending offer by hand
(used only when a server offer wins a glare).

Importing this module imports aiortc.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable, Iterable
from typing import Any

from webex_meetings._logging import get_logger
from webex_meetings.meetings.errors import MediaError
from webex_meetings.meetings.media._aiortc import require_aiortc

require_aiortc()

from aiortc import (  # noqa: E402
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCRtpSender,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamTrack  # noqa: E402

from webex_meetings.meetings.media.options import (  # noqa: E402
    KINDS,
    TRACK_KINDS,
    Direction,
    MediaKind,
    MediaOptions,
)
from webex_meetings.meetings.media.sdp import SdpSettings, munge  # noqa: E402
from webex_meetings.meetings.media.sources import MuteableTrack  # noqa: E402

__all__ = ["ConnectionState", "MediaConnection"]

logger = get_logger(__name__)


class ConnectionState(enum.StrEnum):
    """aiortc ``connectionState`` values."""

    NEW = "new"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    FAILED = "failed"
    CLOSED = "closed"


def _usable(servers: Iterable[RTCIceServer]) -> list[RTCIceServer]:
    """The ICE servers aiortc can use.

    A malformed URL from the TURN discovery response would otherwise fail the offer
    when candidates are gathered.
    """
    from aiortc.rtcicetransport import connection_kwargs

    usable = []
    for server in servers:
        try:
            connection_kwargs([server])
        except ValueError:
            # The URL itself is not logged: it came from the server and may be long.
            logger.warning("media: a TURN server URL from discovery is malformed; not used")
            continue
        usable.append(server)
    return usable


def _video_preferences(enable_rtx: bool) -> list[Any]:
    codecs = RTCRtpSender.getCapabilities("video").codecs
    h264 = [c for c in codecs if c.mimeType.lower() == "video/h264"]
    others = [c for c in codecs if c.mimeType.lower() not in ("video/h264", "video/rtx")]
    rtx = [c for c in codecs if c.mimeType.lower() == "video/rtx"] if enable_rtx else []
    return h264 + others + rtx


class MediaConnection:
    """The peer connection of one meeting (implements the ROAP session's peer).

    Args:
        ice_servers: TURN servers from discovery (may be empty; never None).
        options: per-kind directions and initial tracks.
        sdp_settings: SDP rewrites (bandwidth, RTX, extmap, receive limits).
        on_track: called with the kind and the aiortc remote track when one arrives.
        on_state: called with each new :class:`ConnectionState`.
    """

    def __init__(
        self,
        *,
        ice_servers: Iterable[RTCIceServer],
        options: MediaOptions,
        sdp_settings: SdpSettings,
        on_track: Callable[[MediaKind, MediaStreamTrack], None],
        on_state: Callable[[ConnectionState], None] | None = None,
    ) -> None:
        self.ice_servers = _usable(ice_servers)
        self.sdp_settings = sdp_settings
        # max-bundle: one transport for all lines from the start, as browsers do.
        config = RTCConfiguration(
            iceServers=self.ice_servers, bundlePolicy=RTCBundlePolicy.MAX_BUNDLE
        )
        self.pc = RTCPeerConnection(config)
        self._on_track_cb = on_track
        self._on_state_cb = on_state
        self._connected = asyncio.Event()
        self._failed = asyncio.Event()
        self._transceivers: dict[MediaKind, RTCRtpTransceiver] = {}
        self._local: dict[MediaKind, MuteableTrack | None] = {}
        video_prefs = _video_preferences(sdp_settings.enable_rtx)
        for kind in KINDS:
            setting = options.get(kind)
            transceiver = self.pc.addTransceiver(
                TRACK_KINDS[kind], direction=setting.direction.value
            )
            if TRACK_KINDS[kind] == "video":
                transceiver.setCodecPreferences(video_prefs)
            self._transceivers[kind] = transceiver
            self._local[kind] = None
            if setting.track is not None:
                self.set_track(kind, setting.track)
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", self._on_connection_state)

    def __repr__(self) -> str:
        directions = ", ".join(f"{k.value}={self.direction(k).value}" for k in KINDS)
        return f"MediaConnection({self.state.value}, {directions})"

    # -- state ----------------------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        """The aiortc connection state."""
        return ConnectionState(self.pc.connectionState)

    @property
    def uses_turn(self) -> bool:
        """True when TURN servers were given."""
        return bool(self.ice_servers)

    def _on_connection_state(self) -> None:
        state = self.state
        logger.info("media: peer connection %s", state.value)
        if state is ConnectionState.CONNECTED:
            self._connected.set()
        elif state in (ConnectionState.FAILED, ConnectionState.CLOSED):
            self._failed.set()
        if self._on_state_cb is not None:
            self._on_state_cb(state)

    async def wait_connected(self, timeout: float) -> bool:
        """Wait for ICE and DTLS; False on failure, close or timeout."""
        if self._connected.is_set():
            return True
        connected = asyncio.ensure_future(self._connected.wait())
        failed = asyncio.ensure_future(self._failed.wait())
        try:
            await asyncio.wait({connected, failed}, timeout=timeout, return_when="FIRST_COMPLETED")
        finally:
            for waiter in (connected, failed):
                waiter.cancel()
            await asyncio.gather(connected, failed, return_exceptions=True)
        return self._connected.is_set() and not self._failed.is_set()

    # -- tracks and directions ------------------------------------------------------

    def direction(self, kind: MediaKind) -> Direction:
        """The direction ``kind`` asks for in the next SDP."""
        return Direction(self._transceivers[kind].direction)

    def set_direction(self, kind: MediaKind, direction: Direction) -> bool:
        """Change a direction; True if it changed (a new offer is then needed)."""
        transceiver = self._transceivers[kind]
        if transceiver.direction == direction.value:
            return False
        transceiver.direction = direction.value
        return True

    def set_track(self, kind: MediaKind, source: MediaStreamTrack | None) -> MuteableTrack | None:
        """Send ``source`` on ``kind`` (None sends nothing); returns the mute wrapper."""
        wrapper = MuteableTrack(source) if source is not None else None
        previous = self._local[kind]
        if previous is not None:
            wrapper_state = (previous.user_muted, previous.remote_muted)
            if wrapper is not None:
                wrapper.user_muted, wrapper.remote_muted = wrapper_state
        self._transceivers[kind].sender.replaceTrack(wrapper)
        self._local[kind] = wrapper
        if previous is not None:
            previous.stop()
        return wrapper

    def local_track(self, kind: MediaKind) -> MuteableTrack | None:
        """The mute wrapper of the track sent on ``kind``, if any."""
        return self._local[kind]

    def _on_track(self, track: MediaStreamTrack) -> None:
        for kind, transceiver in self._transceivers.items():
            if transceiver.receiver.track is track:
                self._on_track_cb(kind, track)
                return
        logger.debug("media: remote %s track on an unknown line ignored", track.kind)

    # -- SDP (RoapPeer) -------------------------------------------------------------

    def _local_sdp(self) -> str:
        description = self.pc.localDescription
        if description is None:
            raise MediaError("no local description")
        return munge(description.sdp, self.sdp_settings)

    async def create_offer(self) -> str:
        """Make and set a local offer (gathering candidates); return the munged SDP."""
        offer = await self.pc.createOffer()
        await self.pc.setLocalDescription(offer)
        return self._local_sdp()

    async def apply_answer(self, sdp: str) -> None:
        """Set the server's answer."""
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))

    async def answer_offer(self, sdp: str) -> str:
        """Set a server offer, answer it, return the munged answer SDP."""
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        answer = await self.pc.createAnswer()
        await self.pc.setLocalDescription(answer)
        return self._local_sdp()

    async def rollback(self) -> None:
        """Drop the pending local offer so a winning server offer can be applied."""
        if self.pc.signalingState != "have-local-offer":
            return
        # aiortc has no rollback; these are the two fields its setLocalDescription set.
        try:
            setattr(self.pc, "_RTCPeerConnection__pendingLocalDescription", None)  # noqa: B010
            getattr(self.pc, "_RTCPeerConnection__setSignalingState")("stable")  # noqa: B009
        except AttributeError as exc:
            raise MediaError("this aiortc version cannot roll back an offer", error=exc) from exc

    async def close(self) -> None:
        """Close the peer connection (published sources are left running)."""
        for kind, wrapper in self._local.items():
            if wrapper is not None:
                wrapper.stop()
            self._local[kind] = None
        await self.pc.close()
