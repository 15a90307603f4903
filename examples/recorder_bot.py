"""A recorder bot: joins several meetings at once and writes one WAV file per meeting.

Each meeting is joined listen-only (``audio="recvonly"``); its audio goes to
``<folder>/<meeting number>.wav`` until the bot leaves, after N seconds, on Ctrl-C or
when that meeting ends. Every file is finished properly whichever way the bot stops.

Run: ``python examples/recorder_bot.py [SIP_OR_NUMBER ...] [--out FOLDER] [--seconds N]``.
With ``WEBEX_ACCESS_TOKEN`` set it records the meetings you name; without it, the
built-in emulator hosts two meetings whose speakers hum different notes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import wave
from pathlib import Path

from _common import session

from webex_meetings import Webex
from webex_meetings.meetings import MeetingLifecycle
from webex_meetings.meetings.media.sinks import record


async def record_meeting(webex: Webex, destination: str, folder: Path, stop: asyncio.Event) -> Path:
    """Join ``destination``, record it until ``stop`` or its end, leave; return the file."""
    meeting = await webex.meetings.create(destination)
    await meeting.join_with_media(audio="recvonly", video=False, share=False)
    path = folder / f"{meeting.meeting_number or meeting.id}.wav"
    recording = await record(str(path), meeting.media.subscribe("remoteAudio"))
    print(f"recording {meeting.sip_uri} to {path}")
    ended = asyncio.ensure_future(meeting.wait_for_lifecycle(MeetingLifecycle.REMOVED))
    try:
        await asyncio.wait(
            [ended, asyncio.ensure_future(stop.wait())], return_when="FIRST_COMPLETED"
        )
    finally:
        ended.cancel()
        await recording.stop()  # writes the WAV header: the file is complete from here
        if meeting.lifecycle is MeetingLifecycle.JOINED:
            await meeting.leave()
    return path


def duration(path: Path) -> float:
    if not path.exists():  # nothing was heard: the container is created with the first frame
        return 0.0
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


async def main(destinations: list[str], folder: Path, seconds: float) -> None:
    async with session() as (webex, emulator):
        if not destinations:
            if emulator is None:
                raise SystemExit("name the meetings to record")
            for title, note in (("Design review", 440.0), ("Standup", 660.0)):
                room = await emulator.create_meeting_room(title=title, start=True)
                await emulator.set_speaker_audio(room["meetingId"], note)
                destinations.append(room["sipUrl"])
        await webex.meetings.register()
        stop = asyncio.Event()
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)
        asyncio.get_running_loop().call_later(seconds, stop.set)
        files = await asyncio.gather(
            *(record_meeting(webex, d, folder, stop) for d in destinations)
        )
        for path in files:
            print(f"{path.name}: {duration(path):.1f} s of audio")
        await webex.meetings.unregister()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("destinations", nargs="*", help="SIP addresses or meeting numbers")
    parser.add_argument("--out", type=Path, default=Path("recordings"), help="output folder")
    parser.add_argument("--seconds", type=float, default=3600.0, help="stop after this long")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(args.destinations, args.out, args.seconds))
