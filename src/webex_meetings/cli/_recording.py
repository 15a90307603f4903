"""``join --record``: the meeting's audio into a WAV file, finished even on Ctrl-C."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from webex_meetings.meetings import Meeting

__all__ = ["AudioRecording", "wav_seconds"]

#: Frames the recorder's reader may fall behind by (10 s of 20 ms audio frames).
_BUFFER_FRAMES: Final = 500


class AudioRecording:
    """Records a meeting's remote audio to ``path`` once media is up."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._running: Any = None

    @property
    def started(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._running is not None

    async def start(self, meeting: Meeting) -> None:
        """Start writing the audio the meeting's media receives (media must be added)."""
        from webex_meetings.meetings.media.sinks import record  # imports aiortc

        reader = meeting.media.subscribe("remoteAudio", max_frames=_BUFFER_FRAMES)
        self._running = await record(self.path, reader, format="wav")

    async def stop(self) -> float | None:
        """Finish the file; returns the seconds of audio in it (None if never started)."""
        running, self._running = self._running, None
        if running is None:
            return None
        await running.stop()
        return await asyncio.to_thread(_finish_file, self.path)


def _finish_file(path: str) -> float:
    if not Path(path).exists():
        # The container is written with the first frame; leave a valid empty file
        # rather than none when the meeting was silent or left at once.
        with wave.open(path, "wb") as empty:
            empty.setnchannels(2)
            empty.setsampwidth(2)
            empty.setframerate(48000)
    return wav_seconds(path)


def wav_seconds(path: str) -> float:
    """The length of a WAV file in seconds (0 for a file without frames)."""
    if not Path(path).is_file():
        return 0.0
    with wave.open(path, "rb") as audio:
        rate = audio.getframerate()
        return audio.getnframes() / rate if rate else 0.0
