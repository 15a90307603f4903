"""Media the server sends: each device's audio mix, relayed and synthetic video and share.

Loaded with the engine, on the first OFFER (it needs PyAV and aiortc).
"""

from __future__ import annotations

import asyncio
import fractions
import time
from pathlib import Path

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from .mixer import FRAME_SAMPLES, KEPT_TICKS, Member, Mixer
from .models import MAX_WAV_SECONDS, SAMPLE_RATE, SpeakerSource

RELAY_WIDTH = 640
"""Relayed video is scaled down to this width at most."""
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


class MixedAudioTrack(MediaStreamTrack):
    """What one device hears: the meeting's mix without itself, in 20 ms frames.

    Frames follow the mixer's clock (tick ``n`` is sent when it is due), so every
    device's stream is cut from the same ticks. :attr:`csrcs` holds the contributing
    sources of the frame just returned: the CSI of the device's active speaker.
    """

    kind = "audio"

    def __init__(self, mixer: Mixer, member: Member) -> None:
        """Mix for ``member`` of ``mixer``."""
        super().__init__()
        self._mixer = mixer
        self._member = member
        self._tick: int | None = None
        self._count = 0
        self.csrcs: list[int] = []

    async def recv(self) -> av.AudioFrame:
        """The next 20 ms of the mix."""
        if self.readyState != "live":
            raise MediaStreamError
        mixer = self._mixer
        if self._tick is None:
            self._tick = mixer.now_tick()
        else:
            self._tick += 1
            wait = mixer.due(self._tick) - mixer.clock()
            if wait > 0:
                await asyncio.sleep(wait)
            elif mixer.now_tick() - self._tick >= KEPT_TICKS:
                self._tick = mixer.now_tick()  # far behind (a stalled loop): catch up
        pcm = mixer.mix(self._member, self._tick)
        self.csrcs = mixer.active_csrcs(self._member)
        frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME_SAMPLES)
        frame.planes[0].update(pcm)
        frame.pts = self._count * FRAME_SAMPLES
        frame.sample_rate = SAMPLE_RATE
        frame.time_base = _AUDIO_BASE
        self._count += 1
        return frame


def _synthetic_frame(width: int, height: int, index: int) -> av.VideoFrame:
    """Grey with a bright band that moves down by 4 lines a frame."""
    band = height // 8
    top = (index * 4) % (height - band)
    dark, bright = bytes([60]) * width, bytes([200]) * width
    frame = av.VideoFrame(width=width, height=height, format="yuv420p")
    frame.planes[0].update(dark * top + bright * band + dark * (height - top - band))
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    frame.planes[1].update(chroma)
    frame.planes[2].update(chroma)
    return frame


class SyntheticVideoTrack(_Paced):
    """Grey frames with a bright band moving down: cheap to make, easy to see moving."""

    kind = "video"

    def __init__(self, width: int = 320, height: int = 180, fps: int = 15) -> None:
        """Frames of ``width`` x ``height`` (even numbers) at ``fps``."""
        super().__init__(1 / fps)
        self._width, self._height, self._fps = width, height, fps

    async def recv(self) -> av.VideoFrame:
        """The next frame."""
        index = await self._next()
        frame = _synthetic_frame(self._width, self._height, index)
        frame.pts = int(index * _VIDEO_RATE / self._fps)
        frame.time_base = _VIDEO_BASE
        return frame


def relay_size(frame: av.VideoFrame) -> av.VideoFrame:
    """``frame`` as yuv420p at most :data:`RELAY_WIDTH` wide (once per received frame).

    A transcoding server re-encodes what it relays; a smaller picture keeps that cheap.
    """
    width, height = frame.width, frame.height
    if width > RELAY_WIDTH:
        width, height = RELAY_WIDTH, max(2, round(height * RELAY_WIDTH / width / 2) * 2)
    return frame.reformat(width=width, height=height, format="yuv420p")


def _copy(frame: av.VideoFrame) -> av.VideoFrame:
    """A new yuv420p frame with ``frame``'s picture (each sender stamps its own pts)."""
    out = av.VideoFrame(width=frame.width, height=frame.height, format="yuv420p")
    for target, plane in zip(out.planes, frame.planes, strict=True):
        data = bytes(plane)
        if plane.line_size != target.line_size:  # different row padding: row by row
            rows = bytearray(target.buffer_size)
            width = min(plane.line_size, target.line_size)
            for row in range(target.height):
                start = row * target.line_size
                source = row * plane.line_size
                rows[start : start + width] = data[source : source + width]
            data = bytes(rows)
        target.update(data)
    return out


class RelayVideoTrack(_Paced):
    """What one device sees: its active speaker's video, switched as the speaker changes.

    When no other device sends video it sends the synthetic picture if ``synthetic``,
    else nothing (it waits, and the line stays quiet).
    """

    kind = "video"

    def __init__(self, mixer: Mixer, member: Member, *, synthetic: bool, fps: int = 15) -> None:
        """Relay to ``member`` of ``mixer`` at ``fps``."""
        super().__init__(1 / fps)
        self._mixer = mixer
        self._member = member
        self._synthetic = synthetic
        self._fps = fps

    async def recv(self) -> av.VideoFrame:
        """The next frame to send."""
        while True:
            index = await self._next()
            source = self._mixer.video_for(self._member)
            if isinstance(source, Member) and isinstance(source.video, av.VideoFrame):
                frame = _copy(source.video)
                self._member.counts.video_out_from_others += 1
            elif self._synthetic:
                frame = _synthetic_frame(320, 180, index)
            else:
                continue
            frame.pts = int(index * _VIDEO_RATE / self._fps)
            frame.time_base = _VIDEO_BASE
            return frame


class RelayContentTrack(_Paced):
    """What one device gets on its share line while another device holds the content floor.

    Each frame is the holder's latest screen-share frame (:meth:`.mixer.Mixer.content_for`),
    so a slow or stalled sharer never holds a reader up; while there is none to relay the
    track waits and the line stays quiet.
    """

    kind = "video"

    def __init__(self, mixer: Mixer, member: Member, fps: int = 10) -> None:
        """Relay to ``member`` of ``mixer`` at ``fps``."""
        super().__init__(1 / fps)
        self._mixer = mixer
        self._member = member
        self._fps = fps

    async def recv(self) -> av.VideoFrame:
        """The next frame to send."""
        while True:
            index = await self._next()
            source = self._mixer.content_for(self._member)
            if source is not None and isinstance(source.content, av.VideoFrame):
                frame = _copy(source.content)
                self._member.counts.content_out_from_others += 1
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
