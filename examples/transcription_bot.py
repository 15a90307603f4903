"""A transcription-ready bot: the meeting's audio as 16 kHz mono PCM, chunk by chunk.

``pcm_chunks()`` turns the meeting's audio track into an async iterator of ``PcmChunk``
(signed 16-bit little-endian samples), the input most speech-to-text services take.
Here a stand-in "transcriber" counts the chunks and prints their loudness once a second;
replace ``Levels.feed`` with a call to your speech-to-text service.

Run: ``python examples/transcription_bot.py [SIP_ADDRESS] [--seconds N]``. With
``WEBEX_ACCESS_TOKEN`` set it listens to that real meeting; without it, the built-in
emulator hosts a meeting where a simulated speaker hums an A (440 Hz).
"""

from __future__ import annotations

import argparse
import array
import asyncio
import contextlib
import math
import signal

from _common import session

from webex_meetings.meetings.media.sinks import PcmChunk, pcm_chunks


class Levels:
    """Stands in for a transcriber: counts chunks and measures their RMS level."""

    def __init__(self) -> None:
        self.chunks = self.samples = 0
        self.energy = 0.0

    def feed(self, chunk: PcmChunk) -> None:
        values = array.array("h", chunk.data)
        self.chunks += 1
        self.samples += len(values)
        self.energy += sum(v * v for v in values)

    def report(self, second: int) -> None:
        rms = math.sqrt(self.energy / self.samples) / 32768 if self.samples else 0.0
        dbfs = 20 * math.log10(rms) if rms > 0 else float("-inf")
        print(f"second {second}: {self.chunks} chunks, {self.samples} samples, {dbfs:.1f} dBFS")
        self.chunks = self.samples = 0
        self.energy = 0.0


async def main(sip: str | None, seconds: float) -> None:
    async with session() as (webex, emulator):
        if sip is None:
            if emulator is None:
                raise SystemExit("pass the SIP address of the meeting to listen to")
            room = await emulator.create_meeting_room(title="Transcribed", start=True)
            await emulator.set_speaker_audio(room["meetingId"], 440.0)
            sip = room["sipUrl"]
        await webex.meetings.register()
        meeting = await webex.meetings.create(sip)
        await meeting.join_with_media(audio="recvonly", video=False, share=False)
        print(f"listening to {meeting.sip_uri}")

        levels = Levels()
        loop = asyncio.get_running_loop()
        started = next_report = loop.time() + 1
        audio = pcm_chunks(meeting.media.subscribe("remoteAudio"), sample_rate=16000)
        stop = asyncio.Event()
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            loop.add_signal_handler(signal.SIGINT, stop.set)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                async for chunk in audio:  # a meeting sends audio even when all are quiet
                    if stop.is_set():
                        break
                    levels.feed(chunk)
                    if loop.time() >= next_report:
                        levels.report(round(next_report - started) + 1)
                        next_report += 1
        await meeting.leave()
        print("left the meeting")
        await webex.meetings.unregister()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sip", nargs="?", help="SIP address of the meeting")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to listen")
    args = parser.parse_args()
    asyncio.run(main(args.sip, args.seconds))
