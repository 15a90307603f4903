"""The measured side of ``media_load.py``: one scenario in one child process.

``python benchmarks/_media_child.py --child load|flat --scenario bare|sdk ...`` sets up
the connections, measures and prints one ``RESULT {json}`` line. See ``media_load.py``
for what the scenarios are and why each runs in its own process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MARK = "RESULT "


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _loopback_only() -> None:
    import aioice.ice

    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]


@dataclass
class Counter:
    """Frames the app has read and the tone sources have produced, across a child."""

    frames: int = 0
    sent: int = 0
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def tone(self) -> Any:
        """A 440 Hz tone source that counts the frames taken from it (to be sent)."""
        from webex_meetings.meetings.media.sources import ToneTrack

        counter = self

        class CountingTone(ToneTrack):
            async def recv(self) -> Any:
                frame = await super().recv()
                counter.sent += 1
                return frame

        return CountingTone(440)

    def read(self, track: Any) -> None:
        from aiortc.mediastreams import MediaStreamError

        async def loop() -> None:
            with contextlib.suppress(MediaStreamError):
                while True:
                    await track.recv()
                    self.frames += 1

        self.tasks.append(asyncio.ensure_future(loop()))


# -- the two scenarios (each runs inside a child process) -------------------------------


async def _bare(count: int, counter: Counter) -> Callable[[], Awaitable[None]]:
    """``count`` connected aiortc pairs, tone one way; returns their closer."""
    from aiortc import RTCPeerConnection

    pcs: list[RTCPeerConnection] = []
    for _ in range(count):
        sender, receiver = RTCPeerConnection(), RTCPeerConnection()
        pcs += [sender, receiver]
        sender.addTrack(counter.tone())
        first: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def on_track(track: Any, first: asyncio.Future[None] = first) -> None:
            counter.read(track)
            first.set_result(None)

        receiver.on("track", on_track)
        await sender.setLocalDescription(await sender.createOffer())
        await receiver.setRemoteDescription(sender.localDescription)
        await receiver.setLocalDescription(await receiver.createAnswer())
        await sender.setRemoteDescription(receiver.localDescription)
        await asyncio.wait_for(first, 30)

    async def close() -> None:
        for pc in pcs:
            await pc.close()

    return close


async def _sdk(count: int, counter: Counter, info: dict[str, Any]) -> Callable[[], Awaitable[None]]:
    """``count`` joined audio meetings of one client; returns their closer."""
    from webex_meetings import Webex

    config = {
        "services": {
            "discovery": {"u2c": info["u2c_url"]},
            "allowedDomains": ["127.0.0.1", "localhost"],
        }
    }
    webex = Webex.init(credentials={"access_token": info["access_token"]}, config=config)
    await webex.__aenter__()
    await webex.meetings.register()
    meetings = []
    for sip in info["sips"][:count]:
        meeting = await webex.meetings.create(sip)
        ready = asyncio.ensure_future(meeting.wait_for("media:ready", timeout=30))
        await meeting.join_with_media(audio=True, video=False, share=False)
        await meeting.media.publish(counter.tone(), "audio")
        counter.read((await ready)["stream"])
        meetings.append(meeting)

    async def close() -> None:
        for meeting in meetings:
            await meeting.leave()
        await webex.meetings.unregister()
        await webex.__aexit__(None, None, None)

    return close


async def _child_load(
    scenario: str, count: int, window: float, warmup: float, args: Any
) -> dict[str, Any]:
    _loopback_only()
    counter = Counter()
    began = time.perf_counter()
    if scenario == "bare":
        close = await _bare(count, counter)
    else:
        close = await _sdk(count, counter, json.loads(args.info))
    setup = time.perf_counter() - began
    await asyncio.sleep(warmup)
    profiler = cProfile.Profile() if args.profile else None
    samples: list[float] = []
    frames0, sent0 = counter.frames, counter.sent
    cpu0, wall0 = time.process_time(), time.perf_counter()
    if profiler is not None:
        profiler.enable()
    while (elapsed := time.perf_counter() - wall0) < window:
        samples.append(_rss_mb())
        await asyncio.sleep(min(0.5, window - elapsed))
    if profiler is not None:
        profiler.disable()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    frames, sent = counter.frames - frames0, counter.sent - sent0
    result = {
        "scenario": scenario,
        "count": count,
        "cpu": cpu,
        "wall": wall,
        "steady_mb": statistics.median(samples),
        "peak_mb": _peak_mb(),
        "frames_per_s": frames / wall,
        "sent_per_s": sent / wall,
        "setup_s": setup,
        "threads": len(os.listdir("/proc/self/task")),
    }
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("tottime").print_stats(30)
        stats.sort_stats("cumulative").print_stats(40)
        result["profile"] = out.getvalue()
    await close()
    for task in counter.tasks:
        task.cancel()
    return result


async def _child_flat(scenario: str, minutes: float, warmup: float, args: Any) -> dict[str, Any]:
    _loopback_only()
    counter = Counter()
    if scenario == "bare":
        close = await _bare(1, counter)
    else:
        close = await _sdk(1, counter, json.loads(args.info))
    samples: list[tuple[float, float]] = []
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < minutes * 60:
        samples.append((elapsed, _rss_mb()))
        await asyncio.sleep(1.0)
    frames = counter.frames
    await close()
    after = [(t, rss) for t, rss in samples if t >= warmup]
    return {
        "scenario": scenario,
        "slope_mb_per_min": _slope(after) * 60,
        "growth_mb": after[-1][1] - after[0][1],
        "start_mb": after[0][1],
        "end_mb": after[-1][1],
        "max_mb": max(rss for _, rss in after),
        "samples": len(after),
        "frames": frames,
    }


def _slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of ``points`` (y per x); 0 for fewer than two points."""
    if len(points) < 2:
        return 0.0
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    num = sum((x - mean_x) * (y - mean_y) for x, y in points)
    den = sum((x - mean_x) ** 2 for x, _ in points)
    return num / den if den else 0.0


def _child_main(args: Any) -> None:
    if args.child == "flat":
        result = asyncio.run(_child_flat(args.scenario, args.minutes, args.flat_warmup, args))
    else:
        result = asyncio.run(_child_load(args.scenario, args.count, args.window, args.warmup, args))
    print(MARK + json.dumps(result), flush=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=("load", "flat"), required=True)
    parser.add_argument("--scenario", choices=("bare", "sdk"), required=True)
    parser.add_argument("--count", type=int, default=1, help="connections")
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--flat-warmup", type=float, default=30.0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--info", help="JSON: the emulator's URLs, token and meeting SIPs")
    return parser


if __name__ == "__main__":
    _child_main(_parser().parse_args())
