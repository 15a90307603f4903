"""A share watcher: it joins a meeting, waits for a screen share and saves a few frames.

The bot joins receive-only. When someone else shares, the meeting emits
``meeting:startedSharingRemote``, then ``media:ready`` with ``type == "remoteShare"``
once the share's first frame is in; that event's track yields the share as decoded video
frames (PyAV ``VideoFrame``), which the bot writes out as PNG files. When the share
ends, ``meeting:stoppedSharingRemote`` fires and the track ends.

Run: ``python examples/share_watcher.py [SIP_ADDRESS] [--frames N] [--out FOLDER]``.
With ``WEBEX_ACCESS_TOKEN`` set it joins that real meeting and waits for someone to
share; without it, the built-in emulator hosts a meeting where a simulated presenter
shares a test picture.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

import av
from _common import session

from webex_meetings.meetings import Meeting


def save_png(frame: av.VideoFrame, path: Path) -> None:
    """Write one decoded video frame as a PNG file."""
    codec = av.CodecContext.create("png", "w")
    codec.width, codec.height, codec.pix_fmt = frame.width, frame.height, "rgb24"
    packets = codec.encode(frame.reformat(format="rgb24")) + codec.encode(None)
    path.write_bytes(b"".join(bytes(packet) for packet in packets))


def member_name(meeting: Meeting, member_id: str | None) -> str:
    member = meeting.members.members_collection.get(member_id or "")
    return str(member.name) if member is not None and member.name else "someone"


async def main(sip: str | None, frames: int, out: Path, wait: float) -> None:
    async with session() as (webex, emulator):
        presenter = None
        if sip is None:
            if emulator is None:
                raise SystemExit("pass the SIP address of the meeting to watch")
            room = await emulator.create_meeting_room(title="Design review", start=True)
            sip = room["sipUrl"]
            presenter = await emulator.add_participant(sip, name="Presenter")
        await webex.meetings.register()
        meeting = await webex.meetings.create(sip)

        shares: asyncio.Queue[Any] = asyncio.Queue()
        stopped = asyncio.Event()
        sharer: list[str] = []

        def on_started(payload: dict[str, Any]) -> None:
            sharer[:] = [member_name(meeting, payload["memberId"])]
            print(f"{sharer[0]} started sharing")

        def on_stopped(*_: Any) -> None:
            print(f"{sharer[0] if sharer else 'someone'} stopped sharing")
            stopped.set()

        meeting.on("meeting:startedSharingRemote", on_started)
        meeting.on("meeting:stoppedSharingRemote", on_stopped)
        meeting.on(
            "media:ready",
            lambda ready: ready["type"] == "remoteShare" and shares.put_nowait(ready["track"]),
        )
        await meeting.join_with_media(audio="recvonly", video="recvonly", share="recvonly")
        print(f"watching {meeting.sip_uri} for a screen share")
        if emulator is not None and presenter is not None:
            await emulator.start_share(sip, presenter)

        track = await asyncio.wait_for(shares.get(), wait)
        size = ""
        for number in range(1, frames + 1):
            frame = await asyncio.wait_for(track.recv(), wait)
            size = f"{frame.width}x{frame.height}"
            save_png(frame, out / f"share-{number:03d}.png")
        print(f"saved {frames} frames of {size} to {out}")

        if emulator is not None:
            await emulator.stop_share(sip)
        await asyncio.wait_for(stopped.wait(), wait)
        await meeting.leave()
        await webex.meetings.unregister()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sip", nargs="?", help="SIP address of the meeting")
    parser.add_argument("--frames", type=int, default=10, help="how many frames to save")
    parser.add_argument("--out", type=Path, default=Path("share-frames"), help="output folder")
    parser.add_argument("--wait", type=float, default=600.0, help="longest wait, in seconds")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(main(args.sip, args.frames, args.out, args.wait))
