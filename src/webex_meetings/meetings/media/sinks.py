"""Remote media sinks for bots: record to a file, PCM for transcription, drain.

::

    from webex_meetings.meetings.media.sinks import pcm_chunks, record

    async def on_media(event):
        if event["type"] == "remoteAudio":
            recording = await record("call.wav", event["stream"])   # stop() when done
            async for chunk in pcm_chunks(meeting.media.subscribe("remoteAudio")):
                transcriber.feed(chunk.data)                        # 16 kHz mono s16le

Importing this module imports aiortc.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

from webex_meetings.meetings.media._aiortc import require_aiortc

require_aiortc()

from aiortc.contrib.media import MediaRecorder  # noqa: E402
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack  # noqa: E402
from av import AudioFrame, AudioResampler  # noqa: E402

__all__ = ["PcmChunk", "Recording", "TrackDrain", "drain", "pcm_chunks", "record"]


@dataclass(frozen=True)
class PcmChunk:
    """Interleaved signed 16-bit little-endian PCM.

    Attributes:
        data: the samples.
        sample_rate: samples per second.
        channels: 1 (mono) or 2 (stereo).
        samples: samples per channel in ``data``.
        time: media time of the first sample, in seconds (None if unknown).
    """

    data: bytes
    sample_rate: int
    channels: int
    samples: int
    time: float | None

    def __repr__(self) -> str:
        return f"PcmChunk({self.samples} samples @ {self.sample_rate} Hz x{self.channels})"


async def pcm_chunks(
    track: MediaStreamTrack, *, sample_rate: int = 16000, channels: int = 1
) -> AsyncIterator[PcmChunk]:
    """Yield the audio of ``track`` as PCM chunks until the track ends.

    Args:
        track: an audio track (a ``media:ready`` stream or a :meth:`subscribe` reader).
        sample_rate: output rate (16 kHz suits most speech-to-text services).
        channels: 1 for mono, 2 for stereo.
    """
    if track.kind != "audio":
        raise ValueError(f"pcm_chunks needs an audio track, got {track.kind}")
    layout = "mono" if channels == 1 else "stereo"
    resampler = AudioResampler(format="s16", layout=layout, rate=sample_rate)
    while True:
        try:
            frame = await track.recv()
        except MediaStreamError:
            return
        if not isinstance(frame, AudioFrame):
            continue
        for out in resampler.resample(frame):
            data = bytes(out.planes[0])[: out.samples * channels * 2]
            yield PcmChunk(
                data=data,
                sample_rate=sample_rate,
                channels=channels,
                samples=out.samples,
                time=float(out.time) if out.time is not None else None,
            )


class Recording:
    """A running ``MediaRecorder`` (from :func:`record`); also an async context manager."""

    def __init__(self, recorder: MediaRecorder, path: str) -> None:
        self.recorder = recorder
        self.path = path
        self._stopped = False

    def __repr__(self) -> str:
        return f"Recording({self.path!r}, stopped={self._stopped})"

    async def stop(self) -> None:
        """Stop and finish the file (idempotent)."""
        if not self._stopped:
            self._stopped = True
            await self.recorder.stop()

    async def __aenter__(self) -> Recording:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


async def record(path: str, *tracks: MediaStreamTrack, format: str | None = None) -> Recording:
    """Start recording tracks to a file (``.wav`` audio, ``.mp4``/``.mkv`` audio+video).

    Args:
        path: the output file; the container follows the extension unless ``format``.
        tracks: at most one audio and one video track.
        format: container name for PyAV (``"wav"``, ``"mp4"``...).

    Returns:
        The running :class:`Recording`; ``await recording.stop()`` finishes the file.
    """
    recorder = MediaRecorder(path, format=format)
    for track in tracks:
        recorder.addTrack(track)
    await recorder.start()
    return Recording(recorder, path)


class TrackDrain:
    """Reads and discards a track's frames so they cannot pile up (from :func:`drain`).

    Attributes:
        track: the drained track.
        frames: frames read so far.
    """

    def __init__(self, track: MediaStreamTrack) -> None:
        self.track = track
        self.frames = 0
        self._task = asyncio.create_task(self._run(), name=f"drain-{track.kind}")

    def __repr__(self) -> str:
        return f"TrackDrain({self.track.kind}, frames={self.frames})"

    async def _run(self) -> None:
        while True:
            try:
                await self.track.recv()
            except MediaStreamError:
                return
            self.frames += 1

    @property
    def done(self) -> bool:
        """True once the track has ended or the drain was stopped."""
        return self._task.done()

    async def stop(self) -> None:
        """Stop reading (the track itself is left alone)."""
        if not self._task.done():
            self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def drain(track: MediaStreamTrack) -> TrackDrain:
    """Keep reading ``track`` in the background, discarding frames.

    Remote media of a meeting is drained already (see ``MeetingMedia``); use this for a
    raw aiortc track you do not want to read.
    """
    return TrackDrain(track)
