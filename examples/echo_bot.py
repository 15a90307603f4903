"""An echo bot: it joins a meeting and plays back what it hears.

The meeting's audio arrives as an aiortc track; the bot subscribes a reader to it and
publishes that reader as its own microphone, so every frame it receives goes straight
back out (Webex leaves each participant's own voice out of what it sends them, so the
echo does not loop).

Run: ``python examples/echo_bot.py [SIP_ADDRESS] [--seconds N]``. With
``WEBEX_ACCESS_TOKEN`` set it joins that real meeting; without it, the built-in emulator
hosts a meeting where a simulated speaker hums an A (440 Hz), and the example checks that
the emulator's media server heard the bot send audio back.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal

from _common import session


async def main(sip: str | None, seconds: float) -> None:
    async with session() as (webex, emulator):
        if sip is None:
            if emulator is None:
                raise SystemExit("pass the SIP address of the meeting to join")
            room = await emulator.create_meeting_room(title="Echo", start=True)
            await emulator.set_speaker_audio(room["meetingId"], 440.0)
            sip = room["sipUrl"]
        await webex.meetings.register()
        meeting = await webex.meetings.create(sip)
        # audio=True: receive, and send whatever is published; no video, no share.
        await meeting.join_with_media(audio=True, video=False, share=False)
        heard = meeting.media.subscribe("remoteAudio")
        await meeting.publish_streams(microphone=heard)
        print(f"echoing in {meeting.sip_uri}")

        stop = asyncio.Event()
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)

        if emulator is not None:
            (media,) = await emulator.media_sessions(sip)
            print(f"the meeting got {media['framesReceived']['audio']} audio frames back")
        await meeting.leave()
        print("left the meeting")
        await webex.meetings.unregister()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sip", nargs="?", help="SIP address of the meeting")
    parser.add_argument("--seconds", type=float, default=30.0, help="how long to echo")
    args = parser.parse_args()
    asyncio.run(main(args.sip, args.seconds))
