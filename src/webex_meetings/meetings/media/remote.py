"""Remote media: every received track is read all the time and fanned out to readers.

aiortc queues decoded frames without bound when nobody calls ``recv()`` on a remote
track, so a bot that ignores video would grow without limit. Here one task per remote
track reads it as frames arrive and hands each frame to every :class:`BufferedTrack`
reader; each reader keeps at most ``max_frames`` (oldest dropped, counted in
``dropped``). The track a ``media:ready`` event carries is such a reader; more readers
come from :meth:`RemoteTrackHub.subscribe` (a recorder and a transcriber, say).

The hub outlives a peer connection: after a media reconnection the new remote track
is attached to the same hub, so readers keep receiving without re-subscribing.

Importing this module imports aiortc.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from typing import Any, Final

from webex_meetings._logging import get_logger
from webex_meetings.meetings.media._aiortc import require_aiortc

require_aiortc()

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack  # noqa: E402

__all__ = ["DEFAULT_MAX_FRAMES", "BufferedTrack", "RemoteTrackHub"]

logger = get_logger(__name__)

#: Frames a reader keeps by default: 5 s of 20 ms audio, 2 s of 30 fps video.
DEFAULT_MAX_FRAMES: Final = {"audio": 250, "video": 60}


class BufferedTrack(MediaStreamTrack):
    """A reader of a remote track with a bounded buffer.

    Attributes:
        media_type: ``remoteAudio``, ``remoteVideo`` or ``remoteShare``.
        max_frames: buffer size; the oldest frame is dropped when it is full.
        dropped: frames dropped because the reader was too slow.
    """

    def __init__(self, kind: str, media_type: str, max_frames: int) -> None:
        super().__init__()
        self.kind = kind
        self.media_type = media_type
        self.max_frames = max(1, max_frames)
        self.dropped = 0
        self._frames: collections.deque[Any] = collections.deque(maxlen=self.max_frames)
        self._wakeup = asyncio.Event()
        self._ended = False

    def __repr__(self) -> str:
        return (
            f"BufferedTrack({self.media_type}, buffered={len(self._frames)}, "
            f"dropped={self.dropped}, state={self.readyState})"
        )

    @property
    def buffered(self) -> int:
        """Frames waiting to be read."""
        return len(self._frames)

    async def recv(self) -> Any:
        """The next frame; raises ``MediaStreamError`` once the media has ended."""
        while not self._frames:
            if self._ended or self.readyState != "live":
                raise MediaStreamError
            self._wakeup.clear()
            await self._wakeup.wait()
        return self._frames.popleft()

    def _push(self, frame: Any) -> None:
        if len(self._frames) == self.max_frames:
            self.dropped += 1
        self._frames.append(frame)
        self._wakeup.set()

    def _end(self) -> None:
        self._ended = True
        self._wakeup.set()

    def end(self) -> None:
        """End this reader: ``recv()`` returns what is buffered, then raises."""
        self._end()
        self.stop()


class RemoteTrackHub:
    """Reads one kind of remote media and feeds its readers.

    Args:
        kind: ``audio`` or ``video``.
        media_type: ``remoteAudio``, ``remoteVideo`` or ``remoteShare``.
        max_frames: default buffer size of new readers.
        on_first_frame: called once, when the first frame arrives.
    """

    def __init__(
        self,
        kind: str,
        media_type: str,
        *,
        max_frames: int | None = None,
        on_first_frame: Callable[[], None] | None = None,
    ) -> None:
        self.kind = kind
        self.media_type = media_type
        self.max_frames = max_frames or DEFAULT_MAX_FRAMES.get(kind, 60)
        #: Frames read from the remote track(s) so far.
        self.frames_received = 0
        #: The aiortc remote track currently attached.
        self.source: MediaStreamTrack | None = None
        self._readers: list[BufferedTrack] = []
        self._task: asyncio.Task[None] | None = None
        self._on_first_frame = on_first_frame
        self._closed = False

    def __repr__(self) -> str:
        return (
            f"RemoteTrackHub({self.media_type}, readers={len(self._readers)}, "
            f"frames={self.frames_received})"
        )

    def subscribe(self, max_frames: int | None = None) -> BufferedTrack:
        """A new reader of this media (ended at once if the hub is closed)."""
        reader = BufferedTrack(self.kind, self.media_type, max_frames or self.max_frames)
        if self._closed:
            reader._end()
        else:
            self._readers.append(reader)
        return reader

    def attach(self, source: MediaStreamTrack) -> None:
        """Start reading ``source`` (replacing the previous remote track, if any)."""
        if self._closed:
            return
        previous = self._task
        self.source = source
        self._task = asyncio.create_task(
            self._pump(source, previous), name=f"{self.media_type}-pump"
        )

    async def _pump(self, source: MediaStreamTrack, previous: asyncio.Task[None] | None) -> None:
        if previous is not None and not previous.done():
            previous.cancel()
            await asyncio.gather(previous, return_exceptions=True)
        while True:
            try:
                frame = await source.recv()
            except MediaStreamError:
                logger.debug("media: %s remote track ended", self.media_type)
                return
            self.frames_received += 1
            if self.frames_received == 1 and self._on_first_frame is not None:
                try:
                    self._on_first_frame()
                except Exception:
                    logger.exception("media: first-frame callback failed")
            live = []
            for reader in self._readers:
                if reader.readyState == "live":
                    reader._push(frame)
                    live.append(reader)
            self._readers = live

    async def aclose(self) -> None:
        """Stop reading and end every reader."""
        self._closed = True
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        for reader in self._readers:
            reader._end()
        self._readers.clear()
