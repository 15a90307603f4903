"""Remote screen share as media: ``media:ready`` / ``media:stopped`` once per remote share.

The share line's remote track exists for the whole connection (the media server answers
it as sending from the start), but it only carries frames while someone shares. So
instead of announcing it when the track arrives, as for audio and video, the meeting
announces ``remoteShare`` when a remote share is on (the floor is granted to someone
else) *and* its first frame has arrived: ``media:ready {type: "remoteShare", stream,
track}`` with a fresh reader. When that share ends (the floor is released, or taken by
this device), the reader ends (``recv()`` drains what is buffered, then raises) and
``media:stopped {type: "remoteShare"}`` follows. The next remote share gets a new reader.

Frames that arrive while no remote share is on are read and dropped, like any frame
nobody subscribed to.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import MeetingEvents

if TYPE_CHECKING:
    from webex_meetings.meetings.media.receiving import RemoteMedia
    from webex_meetings.meetings.media.remote import BufferedTrack

__all__ = ["REMOTE_SHARE", "RemoteShareMedia"]

logger = get_logger(__name__)

REMOTE_SHARE = "remoteShare"


class RemoteShareMedia:
    """Announces the remote share's media while a remote share is on.

    Args:
        media: the receiving side of the meeting's media (``MeetingMedia``).

    Attributes:
        active: True while someone else holds the content floor.
    """

    def __init__(self, media: RemoteMedia) -> None:
        self._media = media
        self.active = False
        self._reader: BufferedTrack | None = None
        self._probe: BufferedTrack | None = None
        self._task: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        ready = self._media.remote_streams.get(REMOTE_SHARE) is not None
        return f"RemoteShareMedia(active={self.active}, ready={ready})"

    def set_active(self, active: bool) -> None:
        """A remote share started (True) or ended (False)."""
        if active == self.active:
            return
        self.active = active
        if active:
            self._arm()
        else:
            self._disarm()

    def track_arrived(self) -> None:
        """The share line's remote track arrived (media added during a remote share)."""
        if self.active and self._reader is None:
            self._arm()

    def _arm(self) -> None:
        hub = self._media.remote_hub(REMOTE_SHARE)
        if hub is None:
            return  # no share track yet: track_arrived() arms when it comes
        # Subscribed now so the reader holds the share's frames from the first one.
        self._reader = reader = hub.subscribe()
        self._probe = probe = hub.subscribe(1)
        self._task = asyncio.create_task(self._announce(probe, reader), name="remote-share-ready")

    async def _announce(self, probe: BufferedTrack, reader: BufferedTrack) -> None:
        from aiortc.mediastreams import MediaStreamError  # loaded: a hub exists

        try:
            await probe.recv()
        except MediaStreamError:
            return  # media closed before the share's first frame
        finally:
            probe.end()
        self._media.remote_streams[REMOTE_SHARE] = reader
        logger.info("media: %s ready", REMOTE_SHARE)
        self._media.host.emit(
            MeetingEvents.MEDIA_READY, {"type": REMOTE_SHARE, "stream": reader, "track": reader}
        )

    def _disarm(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
        probe, self._probe = self._probe, None
        reader, self._reader = self._reader, None
        if probe is not None:
            probe.end()
        if reader is None:
            return
        reader.end()
        if self._media.remote_streams.get(REMOTE_SHARE) is reader:
            del self._media.remote_streams[REMOTE_SHARE]
            logger.info("media: %s stopped", REMOTE_SHARE)
            self._media.host.emit(MeetingEvents.MEDIA_STOPPED, {"type": REMOTE_SHARE})

    async def aclose(self) -> None:
        """Media is closing: stop waiting for frames.

        Its ``media:stopped`` comes from the close itself; :attr:`active` stays, so media
        added again during the same remote share announces it again.
        """
        task, self._task = self._task, None
        self._probe = self._reader = None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
