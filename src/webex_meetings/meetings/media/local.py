"""Local media controls of :class:`~webex_meetings.meetings.media.meeting_media.MeetingMedia`.

Publishing puts a track on a line without renegotiating (the line already says
``sendrecv``); changing a direction (``update_media``) sends a new OFFER. Mutes keep the
track flowing but blank it (silence or black frames, as a browser does for a disabled
track) and report ``audioMuted``/``videoMuted`` with a local-mute ``/media`` request
when the reported value changes. Unmuting while a host has us muted also asks Locus to
lift the host mute (``PATCH …/participant/<self>/controls``), as JS does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from webex_meetings._logging import get_logger
from webex_meetings.meetings.errors import (
    MeetingPermissionError,
    NoMediaEstablishedYetError,
    ParameterError,
    UserNotJoinedError,
)
from webex_meetings.meetings.media.host import STREAM_PUBLISH_STATE_CHANGED, MediaHost
from webex_meetings.meetings.media.options import (
    KindSetting,
    MediaKind,
    MediaOptions,
    parse_kind_option,
)

if TYPE_CHECKING:
    from webex_meetings.meetings.media.connection import MediaConnection
    from webex_meetings.meetings.media.media_request import LocusMediaRequest
    from webex_meetings.meetings.media.roap_session import RoapSession
    from webex_meetings.meetings.media.sources import MuteableTrack

__all__ = ["LocalMediaControls"]

logger = get_logger(__name__)


class LocalMediaControls:
    """Publish, unpublish, update and mute (mixed into ``MeetingMedia``)."""

    host: MediaHost
    connection: MediaConnection | None
    options: MediaOptions | None
    media_id: str | None
    _request: LocusMediaRequest
    _session: RoapSession

    def __init__(self) -> None:
        super().__init__()
        #: The app's track per kind (what the mute wrapper reads).
        self._sources: dict[MediaKind, Any] = {}
        self._user_muted: dict[MediaKind, bool] = {}
        self._remote_muted: dict[MediaKind, bool] = {}

    # -- state ----------------------------------------------------------------------

    def _reported_muted(self, kind: MediaKind) -> bool:
        options = self.options
        if options is None or not options.get(kind).direction.sends:
            return True
        return self._sources.get(kind) is None or self._user_muted.get(kind, False)

    def mute_state(self) -> tuple[bool, bool]:
        """``(audioMuted, videoMuted)`` as sent to Locus.

        A kind counts as muted when nothing is published on it, the line does not send,
        or the app muted it (JS: true until a stream is published and unmuted).
        """
        return self._reported_muted(MediaKind.AUDIO), self._reported_muted(MediaKind.VIDEO)

    def _wrap(self, kind: MediaKind, wrapper: MuteableTrack | None) -> None:
        if wrapper is not None:
            wrapper.user_muted = self._user_muted.get(kind, False)
            wrapper.remote_muted = self._remote_muted.get(kind, False)

    def _require_connection(self) -> MediaConnection:
        if self.connection is None or self.options is None:
            raise NoMediaEstablishedYetError()
        return self.connection

    async def _report_mute(self, before: tuple[bool, bool]) -> None:
        if self.mute_state() != before:
            await self._request.send_local_mute(media_id=self.media_id or "")

    # -- publish ----------------------------------------------------------------------

    async def publish(self, track: Any, kind: MediaKind | str = MediaKind.AUDIO) -> None:
        """Send ``track`` on ``kind`` (JS ``publishStreams``); replaces any previous one.

        Publishing on ``share`` does not request the share floor; the meeting does that.

        Raises:
            NoMediaEstablishedYetError: media was not added yet.
            ParameterError: wrong track kind, or the line does not send.
        """
        kind = MediaKind(kind)
        connection = self._require_connection()
        setting = parse_kind_option(kind, track)
        if setting.track is None:
            raise ParameterError("publish needs a MediaStreamTrack")
        if not connection.direction(kind).sends:
            raise ParameterError(
                f"{kind.value} was added as {connection.direction(kind).value}; "
                f"call update_media({kind.value}=True) to send"
            )
        before = self.mute_state()
        self._sources[kind] = track
        self._wrap(kind, connection.set_track(kind, track))
        self.host.emit(
            STREAM_PUBLISH_STATE_CHANGED,
            {"isPublished": True, "mediaType": kind.value, "stream": track},
        )
        await self._report_mute(before)

    async def unpublish(self, kind: MediaKind | str) -> None:
        """Stop sending on ``kind`` (JS ``unpublishStreams``); the track keeps running."""
        kind = MediaKind(kind)
        connection = self._require_connection()
        track = self._sources.get(kind)
        if track is None:
            return
        before = self.mute_state()
        self._sources[kind] = None
        connection.set_track(kind, None)
        self.host.emit(
            STREAM_PUBLISH_STATE_CHANGED,
            {"isPublished": False, "mediaType": kind.value, "stream": track},
        )
        await self._report_mute(before)

    async def update_media(
        self, *, audio: Any = None, video: Any = None, share: Any = None
    ) -> None:
        """Change directions or tracks (JS ``updateMedia``); None leaves a kind alone.

        A direction change sends a new OFFER; a track alone does not.

        Raises:
            NoMediaEstablishedYetError: media was not added yet.
            ParameterError: an invalid value.
            AddMediaFailedError: the renegotiation failed.
        """
        connection = self._require_connection()
        assert self.options is not None
        before = self.mute_state()
        changed = False
        options = self.options
        for kind, value in (
            (MediaKind.AUDIO, audio),
            (MediaKind.VIDEO, video),
            (MediaKind.SHARE, share),
        ):
            if value is None:
                continue
            setting = parse_kind_option(kind, value)
            if setting.track is not None:
                self._sources[kind] = setting.track
                self._wrap(kind, connection.set_track(kind, setting.track))
            changed |= connection.set_direction(kind, setting.direction)
            options = options.replace(**{kind.value: KindSetting(setting.direction)})
        self.options = options
        if changed:
            await self._session.negotiate()
        else:
            await self._report_mute(before)

    # -- mute -------------------------------------------------------------------------

    async def mute_audio(self) -> None:
        """Mute the microphone line (JS ``muteAudio``): silence is sent, Locus is told."""
        await self._set_user_mute(MediaKind.AUDIO, True)

    async def unmute_audio(self) -> None:
        """Unmute audio (JS ``unmuteAudio``); lifts a host mute too when allowed."""
        await self._set_user_mute(MediaKind.AUDIO, False)

    async def mute_video(self) -> None:
        """Mute the camera line (JS ``muteVideo``): black frames are sent."""
        await self._set_user_mute(MediaKind.VIDEO, True)

    async def unmute_video(self) -> None:
        """Unmute video (JS ``unmuteVideo``)."""
        await self._set_user_mute(MediaKind.VIDEO, False)

    async def _set_user_mute(self, kind: MediaKind, muted: bool) -> None:
        host = self.host
        if host.state != "JOINED":
            raise UserNotJoinedError()
        connection = self._require_connection()
        if not connection.direction(kind).sends:
            raise ParameterError(f"there is no {kind.value} being sent to mute or unmute")
        is_audio = kind is MediaKind.AUDIO
        remote = host.remote_muted if is_audio else host.remote_video_muted
        allowed = host.unmute_allowed if is_audio else host.unmute_video_allowed
        if not muted and remote and allowed is False:
            raise MeetingPermissionError(f"a host muted your {kind.value} and disallows unmuting")
        before = self.mute_state()
        self._user_muted[kind] = muted
        self._wrap(kind, connection.local_track(kind))
        await self._report_mute(before)
        if not muted and remote and host.locus_url and host.self_id:
            await host.requests.mute_member(host.locus_url, host.self_id, False, is_audio=is_audio)

    def handle_remote_mute(self, muted: bool, *, video: bool = False) -> None:
        """Apply a host (un)mute: stop or resume sending (``meeting:self:mutedByOthers``)."""
        kind = MediaKind.VIDEO if video else MediaKind.AUDIO
        self._remote_muted[kind] = muted
        if self.connection is not None:
            self._wrap(kind, self.connection.local_track(kind))
        logger.info("media: %s %s by a host", kind.value, "muted" if muted else "unmuted")
