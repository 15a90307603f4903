"""Local media sources for bots: a file, a tone, silence, black video, and muting.

Any aiortc ``MediaStreamTrack`` can be published; these cover the usual bot needs::

    from webex_meetings.meetings.media.sources import ToneTrack, play_file

    player = play_file("greeting.mp3")          # aiortc MediaPlayer
    await meeting.media.publish(player.audio, "audio")
    await meeting.media.publish(ToneTrack(440), "audio")

Importing this module imports aiortc.
"""

from __future__ import annotations

import array
import asyncio
import fractions
import math
from typing import Any, Final

from webex_meetings.meetings.media._aiortc import require_aiortc

require_aiortc()

from aiortc.contrib.media import MediaPlayer  # noqa: E402
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack  # noqa: E402
from av import AudioFrame, VideoFrame  # noqa: E402

__all__ = [
    "BlackVideoTrack",
    "MuteableTrack",
    "SilenceTrack",
    "ToneTrack",
    "blank_like",
    "play_file",
]

_AUDIO_PTIME: Final = 0.020
_VIDEO_CLOCK: Final = 90000


class _Pacer:
    """Real-time pacing on the event loop clock: frame ``n`` is due at ``start + n*ptime``."""

    def __init__(self, ptime: float) -> None:
        self.ptime = ptime
        self.count = 0
        self._start: float | None = None

    async def next(self) -> int:
        loop = asyncio.get_running_loop()
        if self._start is None:
            self._start = loop.time()
        else:
            self.count += 1
            delay = self._start + self.count * self.ptime - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
        return self.count


class ToneTrack(MediaStreamTrack):
    """A sine tone, mono s16, in real time (20 ms frames).

    Args:
        frequency: tone frequency in Hz.
        sample_rate: samples per second.
        amplitude: 0..1 of full scale.
        duration: seconds before the track ends; None plays forever.
    """

    kind = "audio"

    def __init__(
        self,
        frequency: float = 440.0,
        *,
        sample_rate: int = 48000,
        amplitude: float = 0.3,
        duration: float | None = None,
    ) -> None:
        super().__init__()
        self.sample_rate = sample_rate
        self._samples = int(sample_rate * _AUDIO_PTIME)
        self._frames_left = None if duration is None else max(1, round(duration / _AUDIO_PTIME))
        self._pacer = _Pacer(_AUDIO_PTIME)
        peak = int(32767 * max(0.0, min(1.0, amplitude)))
        # One second of samples; an integer frequency repeats exactly every second.
        self._table = array.array(
            "h",
            (
                int(peak * math.sin(2 * math.pi * frequency * i / sample_rate))
                for i in range(sample_rate)
            ),
        )

    async def recv(self) -> AudioFrame:
        """The next 20 ms of tone."""
        if self.readyState != "live":
            raise MediaStreamError
        if self._frames_left is not None:
            if self._frames_left <= 0:
                self.stop()
                raise MediaStreamError
            self._frames_left -= 1
        index = await self._pacer.next()
        start = (index * self._samples) % self.sample_rate
        chunk = self._table[start : start + self._samples]
        if len(chunk) < self._samples:
            chunk.extend(self._table[: self._samples - len(chunk)])
        frame = AudioFrame(format="s16", layout="mono", samples=self._samples)
        frame.planes[0].update(chunk.tobytes())
        frame.pts = index * self._samples
        frame.sample_rate = self.sample_rate
        frame.time_base = fractions.Fraction(1, self.sample_rate)
        return frame


class SilenceTrack(ToneTrack):
    """Silence, mono s16, in real time (keeps an audio stream alive without sound)."""

    def __init__(self, *, sample_rate: int = 48000, duration: float | None = None) -> None:
        super().__init__(0.0, sample_rate=sample_rate, amplitude=0.0, duration=duration)


class BlackVideoTrack(MediaStreamTrack):
    """Black frames (yuv420p) at a fixed size and rate.

    Args:
        width: frame width (the ``resolution.idealWidth`` default is 1280).
        height: frame height.
        fps: frames per second.
    """

    kind = "video"

    def __init__(self, width: int = 1280, height: int = 720, fps: float = 30.0) -> None:
        super().__init__()
        self.width, self.height = width, height
        self._pacer = _Pacer(1.0 / fps)
        self._ticks = int(_VIDEO_CLOCK / fps)

    async def recv(self) -> VideoFrame:
        """The next black frame."""
        if self.readyState != "live":
            raise MediaStreamError
        index = await self._pacer.next()
        frame = _black(self.width, self.height)
        frame.pts = index * self._ticks
        frame.time_base = fractions.Fraction(1, _VIDEO_CLOCK)
        return frame


def _black(width: int, height: int) -> VideoFrame:
    frame = VideoFrame(width=width, height=height, format="yuv420p")
    luma, *chroma = frame.planes
    luma.update(b"\x10" * luma.buffer_size)
    for plane in chroma:
        plane.update(b"\x80" * plane.buffer_size)
    return frame


def blank_like(frame: Any) -> Any:
    """A silent audio frame or black video frame with ``frame``'s format and timing."""
    blank: AudioFrame | VideoFrame
    if isinstance(frame, AudioFrame):
        blank = AudioFrame(
            format=frame.format.name, layout=frame.layout.name, samples=frame.samples
        )
        for plane in blank.planes:
            plane.update(bytes(plane.buffer_size))
        blank.sample_rate = frame.sample_rate
    else:
        blank = _black(frame.width, frame.height)
    blank.pts = frame.pts
    blank.time_base = frame.time_base
    return blank


class MuteableTrack(MediaStreamTrack):
    """Wraps a published track; while muted it sends silence or black frames.

    The source keeps being read while muted, so a file keeps its pace and nothing piles
    up. Stopping the wrapper (the peer connection does that on close) leaves the source
    running, so the same source can be published again.

    Attributes:
        source: the wrapped track.
        user_muted: muted by this client (``mute_audio`` / ``mute_video``).
        remote_muted: muted by a host (Locus ``controls.audio.muted``).
    """

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.kind = source.kind
        self.source = source
        self.user_muted = False
        self.remote_muted = False

    @property
    def muted(self) -> bool:
        """True when either kind of mute is on."""
        return self.user_muted or self.remote_muted

    async def recv(self) -> Any:
        """The next source frame, blanked while muted."""
        while True:
            if self.readyState != "live":
                raise MediaStreamError
            frame = await self.source.recv()
            if not self.muted:
                return frame
            if isinstance(frame, AudioFrame | VideoFrame):
                return blank_like(frame)
            # Encoded packets cannot be blanked: send nothing while muted.


def play_file(path: str, *, loop: bool = False, **options: Any) -> MediaPlayer:
    """Open a WAV, MP3, MP4... file (or device) as an aiortc ``MediaPlayer``.

    Use ``player.audio`` / ``player.video`` as tracks. The player paces playback in real
    time for files.

    Args:
        path: file path or URL.
        loop: restart at the end.
        options: passed to ``MediaPlayer`` (``format``, ``options``, ``decode``).
    """
    return MediaPlayer(path, loop=loop, **options)
