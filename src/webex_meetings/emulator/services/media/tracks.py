"""Media the server sends: the simulated speaker's audio and synthetic video.

Loaded with the engine, on the first OFFER (it needs PyAV and aiortc).
"""

from __future__ import annotations

import asyncio
import fractions
import time
from collections.abc import Callable
from pathlib import Path

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from .models import MAX_WAV_SECONDS, SAMPLE_RATE, SpeakerSource

_PTIME = 0.020
_SAMPLES = int(SAMPLE_RATE * _PTIME)
_AUDIO_BASE = fractions.Fraction(1, SAMPLE_RATE)
_VIDEO_RATE = 90_000
_VIDEO_BASE = fractions.Fraction(1, _VIDEO_RATE)


class _Paced(MediaStreamTrack):
    """Releases one frame per period of real time (the way a live source would)."""

    def __init__(self, period: float) -> None:
        super().__init__()
        self._period = period
        self._start: float | None = None
        self._count = 0

    async def _next(self) -> int:
        """Wait for the next frame's time; returns its index."""
        if self.readyState != "live":
            raise MediaStreamError
        now = time.monotonic()
        if self._start is None:
            self._start = now
        else:
            self._count += 1
            await asyncio.sleep(max(0.0, self._start + self._count * self._period - now))
        return self._count


class SpeakerTrack(_Paced):
    """20 ms frames of the meeting's speaker source, looped; follows source changes live."""

    kind = "audio"

    def __init__(self, source: Callable[[], SpeakerSource]) -> None:
        """Read from whatever ``source()`` returns at each frame."""
        super().__init__(_PTIME)
        self._source = source
        self._current: SpeakerSource | None = None
        self._offset = 0

    async def recv(self) -> av.AudioFrame:
        """The next 20 ms of the speaker."""
        index = await self._next()
        source = self._source()
        if source is not self._current:
            self._current, self._offset = source, 0
        pcm, size = source.pcm, _SAMPLES * 2
        chunk = pcm[self._offset : self._offset + size]
        while len(chunk) < size:  # wrap around the loop
            chunk += pcm[: size - len(chunk)]
        self._offset = (self._offset + size) % len(pcm)
        frame = av.AudioFrame(format="s16", layout="mono", samples=_SAMPLES)
        frame.planes[0].update(chunk)
        frame.pts = index * _SAMPLES
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = _AUDIO_BASE
        return frame


class SyntheticVideoTrack(_Paced):
    """Grey frames with a bright band moving down: cheap to make, easy to see moving."""

    kind = "video"

    def __init__(self, width: int = 320, height: int = 180, fps: int = 15) -> None:
        """Frames of ``width`` x ``height`` (even numbers) at ``fps``."""
        super().__init__(1 / fps)
        self._width, self._height, self._fps = width, height, fps
        self._dark = bytes([60]) * width
        self._bright = bytes([200]) * width
        self._chroma = bytes([128]) * ((width // 2) * (height // 2))

    async def recv(self) -> av.VideoFrame:
        """The next frame."""
        index = await self._next()
        band = self._height // 8
        top = (index * 4) % (self._height - band)
        luma = self._dark * top + self._bright * band + self._dark * (self._height - top - band)
        frame = av.VideoFrame(width=self._width, height=self._height, format="yuv420p")
        frame.planes[0].update(luma)
        frame.planes[1].update(self._chroma)
        frame.planes[2].update(self._chroma)
        frame.pts = int(index * _VIDEO_RATE / self._fps)
        frame.time_base = _VIDEO_BASE
        return frame


def load_wav(path: Path) -> SpeakerSource:
    """Decode an audio file to 48 kHz mono 16-bit samples (at most a minute of it).

    Raises:
        ValueError: The file cannot be read as audio, or holds no samples.
    """
    if not path.is_file():
        raise ValueError(f"No file at {path}.")
    limit = MAX_WAV_SECONDS * SAMPLE_RATE * 2
    pcm = bytearray()
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise ValueError(f"{path.name} has no audio stream.")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            for decoded in container.decode(container.streams.audio[0]):
                for frame in resampler.resample(decoded):
                    pcm += bytes(frame.planes[0])[: frame.samples * 2]
                if len(pcm) >= limit:
                    break
            for frame in resampler.resample(None):
                pcm += bytes(frame.planes[0])[: frame.samples * 2]
    except (OSError, av.error.FFmpegError) as exc:
        raise ValueError(f"Cannot read {path.name} as audio: {exc}") from None
    if len(pcm) < 2:
        raise ValueError(f"{path.name} holds no audio samples.")
    return SpeakerSource(bytes(pcm[:limit]), f"file {path.name}")
