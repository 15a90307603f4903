"""Remote media of ``MeetingMedia``: one hub per kind, ``media:ready``, extra readers.

The remote audio's CSRCs also give the active speaker (``media:activeSpeakerChanged``,
see :mod:`~webex_meetings.meetings.media.active_speaker`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import MeetingEvents
from webex_meetings.meetings.errors import ParameterError
from webex_meetings.meetings.media._aiortc import require_aiortc
from webex_meetings.meetings.media.active_speaker import ActiveSpeaker
from webex_meetings.meetings.media.host import MediaHost
from webex_meetings.meetings.media.options import REMOTE_TYPES, TRACK_KINDS, MediaKind

if TYPE_CHECKING:
    from aiortc.mediastreams import MediaStreamTrack

    from webex_meetings.meetings.media.connection import MediaConnection
    from webex_meetings.meetings.media.remote import BufferedTrack, RemoteTrackHub

__all__ = ["RemoteMedia"]

logger = get_logger(__name__)


class RemoteMedia:
    """The receiving side (mixed into ``MeetingMedia``).

    Attributes:
        remote_streams: the ``media:ready`` reader of each remote type.
        active_speaker: the members the remote audio names as speaking.
    """

    host: MediaHost
    connection: MediaConnection | None

    def __init__(self) -> None:
        super().__init__()
        self.remote_streams: dict[str, BufferedTrack] = {}
        self._hubs: dict[MediaKind, RemoteTrackHub] = {}
        self.active_speaker = ActiveSpeaker(self._member_id_by_csi, self._on_active_speaker)

    def _member_id_by_csi(self, csi: int) -> str | None:
        # The meeting's member list; a host without one (a bare test host) maps nothing.
        members = getattr(self.host, "members", None)
        find = getattr(members, "find_member_by_csi", None)
        member = find(csi) if find is not None else None
        member_id = getattr(member, "id", None)
        return member_id if isinstance(member_id, str) else None

    def _on_active_speaker(self, member_ids: list[str]) -> None:
        logger.debug("media: active speaker %s", member_ids)
        self.host.emit(MeetingEvents.MEDIA_ACTIVE_SPEAKER_CHANGED, {"memberIds": member_ids})

    def _watch_active_speaker(self, track: MediaStreamTrack) -> None:
        connection = self.connection
        if connection is None:
            return
        for receiver in connection.pc.getReceivers():
            if receiver.track is track:
                self.active_speaker.watch(receiver)

    def _hub(self, kind: MediaKind) -> RemoteTrackHub:
        from webex_meetings.meetings.media.remote import RemoteTrackHub

        hub = self._hubs.get(kind)
        if hub is None:
            hub = RemoteTrackHub(TRACK_KINDS[kind], REMOTE_TYPES[kind])
            self._hubs[kind] = hub
        return hub

    def _on_remote_track(self, kind: MediaKind, track: MediaStreamTrack) -> None:
        media_type = REMOTE_TYPES[kind]
        hub = self._hub(kind)
        hub.attach(track)
        if kind is MediaKind.AUDIO:
            self._watch_active_speaker(track)
        if media_type not in self.remote_streams:
            reader = hub.subscribe()
            self.remote_streams[media_type] = reader
            logger.info("media: %s ready", media_type)
            self.host.emit(
                MeetingEvents.MEDIA_READY, {"type": media_type, "stream": reader, "track": reader}
            )

    def subscribe(self, media_type: str, *, max_frames: int | None = None) -> BufferedTrack:
        """Another reader of ``remoteAudio``, ``remoteVideo`` or ``remoteShare``.

        Each reader gets every frame from now on, buffering at most ``max_frames``.
        """
        for kind, name in REMOTE_TYPES.items():
            if name == media_type:
                require_aiortc()
                return self._hub(kind).subscribe(max_frames)
        raise ParameterError(f"unknown media type {media_type!r}")

    def remote_hub(self, media_type: str) -> RemoteTrackHub | None:
        """The hub reading ``media_type`` (None before that media arrived)."""
        for kind, name in REMOTE_TYPES.items():
            if name == media_type:
                return self._hubs.get(kind)
        raise ParameterError(f"unknown media type {media_type!r}")

    async def _close_remote(self) -> list[str]:
        """End every hub and reader; returns the types that had been ready."""
        hubs, self._hubs = self._hubs, {}
        self.active_speaker.reset()
        for hub in hubs.values():
            await hub.aclose()
        stopped, self.remote_streams = list(self.remote_streams), {}
        return stopped
