"""CPU and memory of one process holding N audio meetings, next to N bare aiortc pairs.

Each scenario runs in a fresh child process (``_media_child.py``, so its RSS is its
own) and is measured over a fixed window once everything is connected and warmed up:

* ``sdk``: ``meetings.create(sip)`` + ``join_with_media(audio=True, video=False,
  share=False)`` per meeting against the emulator, which runs in a separate process so
  its CPU is not counted; each meeting publishes a 440 Hz tone and the app reads the
  ``media:ready`` stream of the emulator's simulated speaker.
* ``bare`` (baseline): N aiortc two-peer connections in one process, without the SDK,
  doing the same audio work: one side sends the same tone, the other receives and
  decodes it and the app reads it. Per connection that is one Opus encode, one decode,
  one SRTP protect and one unprotect per 20 ms, as for an SDK meeting (which encodes
  what it sends and decodes what the emulator's speaker sends).

Figures: CPU seconds of the child (user + system, all threads) over the window; the same
per second of audio handled (CPU ms per 50 frames sent and 50 read), which accounts for
frames lost when the machine cannot keep up; steady RSS (median of samples every 0.5 s in
the window) and peak RSS (the kernel's high-water mark). With ``--repeats R`` each
figure is the median of R children per scenario, the scenarios taking turns; with
``--together`` the two children of a turn run at the same time instead, so background
load on a shared machine hits both alike (use it only for counts the machine can carry
twice over, or both runs fall short of frames).
``--profile`` runs cProfile in every child over the window and writes the top functions
to ``results/media_load_profile.txt``.

``--minutes M`` adds the memory-flatness run: one SDK meeting and, at the same time in
another process, one bare pair, each sampling RSS once per second for M minutes; the
growth after ``--flat-warmup`` seconds is reported as a least-squares slope (MB/min).

Usage: ``python benchmarks/media_load.py [--meetings 1,10,25] [--window 10]
[--warmup 3] [--repeats R] [--together] [--minutes M] [--flat-warmup 30] [--profile]
[--no-load]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _media_child import MARK  # sibling modules: the script directory is on sys.path
from _remote import RemoteEmulator, cpu_seconds
from _results import RESULTS_DIR, Figure, write_json, write_section

CPU_TARGET = 1.15  # SDK CPU / bare CPU
FLAT_TARGET = 1.0  # MB of RSS growth per minute after warm-up
FPS = 50  # 20 ms audio frames
SATURATED = 0.95  # below this share of the expected frames, the machine did not keep up
PROFILE = RESULTS_DIR / "media_load_profile.txt"
CHILD = Path(__file__).with_name("_media_child.py")
CHILD_TIMEOUT = 300.0


def _spawn(*argv: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(CHILD), *argv], stdout=subprocess.PIPE, text=True)


def _result(child: subprocess.Popen[str], timeout: float) -> dict[str, Any]:
    out, _ = child.communicate(timeout=timeout)
    for line in out.splitlines():
        if line.startswith(MARK):
            return dict(json.loads(line[len(MARK) :]))
    raise RuntimeError(f"a benchmark child exited with {child.returncode} and no result")


async def _bare(argv: list[str], timeout: float) -> dict[str, Any]:
    return await asyncio.to_thread(_result, _spawn(*argv, "--scenario", "bare"), timeout)


async def _sdk(count: int, argv: list[str], timeout: float) -> dict[str, Any]:
    """Run an SDK child against a fresh emulator process; adds the emulator's CPU."""
    async with RemoteEmulator() as emu:
        sips = [(await emu.create_meeting_room(title=f"load {n}"))["sipUrl"] for n in range(count)]
        info = {**emu.info, "sips": sips}
        cpu0 = cpu_seconds(emu.pid)
        child = _spawn(*argv, "--scenario", "sdk", "--info", json.dumps(info))
        result = await asyncio.to_thread(_result, child, timeout)
        result["emulator_cpu"] = cpu_seconds(emu.pid) - cpu0
        return result


def _cpu_per_audio_s(r: dict[str, Any]) -> float:
    """CPU milliseconds per second of audio handled: 50 frames sent and 50 received.

    A connection's work is one encode per frame sent and one decode per frame read, so
    the count of audio seconds is the mean of the two.
    """
    handled = (r["frames_per_s"] + r["sent_per_s"]) / 2 * r["wall"] / FPS
    return float(1000 * r["cpu"] / max(handled, 1e-9))


def _median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One result whose numbers are the medians over ``runs`` (profiles: the first's)."""
    merged = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, int | float) and key != "count":
            merged[key] = statistics.median(r[key] for r in runs)
    merged["cpu_ms_per_audio_s"] = statistics.median(_cpu_per_audio_s(r) for r in runs)
    merged["runs"] = len(runs)
    return merged


async def _load(
    counts: list[int], window: float, warmup: float, repeats: int, profile: bool, together: bool
) -> list[dict[str, Any]]:
    results = []
    common = ["--window", str(window), "--warmup", str(warmup)]
    for count in counts:
        argv = ["--child", "load", "--count", str(count), *common]
        if profile:
            argv.append("--profile")
        bares, sdks = [], []
        for turn in range(repeats):  # alternate who goes first
            if together:
                bare, sdk = await asyncio.gather(
                    _bare(argv, CHILD_TIMEOUT), _sdk(count, argv, CHILD_TIMEOUT)
                )
                bares.append(bare)
                sdks.append(sdk)
            elif turn % 2:
                sdks.append(await _sdk(count, argv, CHILD_TIMEOUT))
                bares.append(await _bare(argv, CHILD_TIMEOUT))
            else:
                bares.append(await _bare(argv, CHILD_TIMEOUT))
                sdks.append(await _sdk(count, argv, CHILD_TIMEOUT))
        bare, sdk = _median(bares), _median(sdks)
        results += [bare, sdk]
        print(
            f"{count:>3} meetings: CPU bare {bare['cpu']:.2f} s, sdk {sdk['cpu']:.2f} s "
            f"(ratio {sdk['cpu'] / bare['cpu']:.2f}); frames/s {bare['frames_per_s']:.0f} / "
            f"{sdk['frames_per_s']:.0f}; RSS {bare['steady_mb']:.0f} / {sdk['steady_mb']:.0f} MB",
            flush=True,
        )
    return results


async def _flat(minutes: float, warmup: float) -> list[dict[str, Any]]:
    argv = ["--child", "flat", "--minutes", str(minutes), "--flat-warmup", str(warmup)]
    timeout = minutes * 60 + CHILD_TIMEOUT
    bare = _spawn(*argv, "--scenario", "bare")  # in parallel with the SDK child
    sdk = await _sdk(1, argv, timeout)
    return [await asyncio.to_thread(_result, bare, timeout), sdk]


def _saturated(r: dict[str, Any]) -> bool:
    expected = SATURATED * FPS * r["count"]
    return bool(min(r["frames_per_s"], r["sent_per_s"]) < expected)


def _load_table(
    load: list[dict[str, Any]], window: float, warmup: float, together: bool
) -> list[str]:
    lines = [
        f"| meetings | process | CPU s in {window:g} s | ratio | CPU ms per audio s "
        "| ratio | steady RSS MB | peak RSS MB | frames/s read / sent | emulator CPU s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for bare, sdk in zip(load[::2], load[1::2], strict=True):
        for r in (bare, sdk):
            name = "bare aiortc pairs (baseline)" if r is bare else "SDK meetings"
            emu_cpu = f"{r['emulator_cpu']:.2f}" if "emulator_cpu" in r else "-"
            frames = f"{r['frames_per_s']:.0f} / {r['sent_per_s']:.0f}"
            frames += " (short)" if _saturated(r) else ""
            per_s, base_per_s = r["cpu_ms_per_audio_s"], bare["cpu_ms_per_audio_s"]
            lines.append(
                f"| {r['count']} | {name} | {r['cpu']:.2f} | {r['cpu'] / bare['cpu']:.2f} "
                f"| {per_s:.1f} | {per_s / base_per_s:.2f} | {r['steady_mb']:.1f} "
                f"| {r['peak_mb']:.1f} | {frames} | {emu_cpu} |"
            )
    runs = load[0]["runs"]
    lines += [
        "",
        f"Each row is the median of {runs} fresh child process(es), "
        + ("bare and SDK at the same time, " if together else "taking turns, ")
        + f"measured over "
        f"{window:g} s after all connections are up and {warmup:g} s of warm-up. "
        f'Expected: {FPS} frames/s per connection each way; "(short)" marks a run where '
        "the machine could not keep up: then the CPU seconds hit the core limit, a "
        "saturated event loop handles each frame more cheaply, and neither CPU figure "
        "compares (no target is applied). With the SDK, the emulator (its own process, "
        "the far end of every meeting) needs as much CPU as the client; its CPU over the "
        "SDK child's lifetime is shown. "
        f"Target: SDK CPU within {CPU_TARGET:.2f}x the bare pairs'.",
    ]
    return lines


def _flat_table(flat: list[dict[str, Any]]) -> list[str]:
    bare, sdk = flat
    lines = [
        "| memory flatness, one connection | RSS after warm-up MB | at the end MB "
        "| growth MB | slope MB/min |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, r in (("bare aiortc pair (baseline)", bare), ("SDK meeting", sdk)):
        lines.append(
            f"| {name} | {r['start_mb']:.1f} | {r['end_mb']:.1f} | {r['growth_mb']:+.1f} "
            f"| {r['slope_mb_per_min']:+.2f} |"
        )
    lines += [
        "",
        f"RSS sampled once per second for {sdk['samples']} s after warm-up, both processes "
        f"at the same time; slope by least squares. Target: at most {FLAT_TARGET:g} MB/min.",
    ]
    return lines


def _figures(load: list[dict[str, Any]], flat: list[dict[str, Any]], window: float) -> list[Figure]:
    figures = []
    for bare, sdk in zip(load[::2], load[1::2], strict=True):
        n, pairs = sdk["count"], f"{sdk['count']} bare aiortc pair(s)"
        short = _saturated(bare) or _saturated(sdk)
        bound = " (CPU-bound: no target)" if short else ""
        target = None if short else CPU_TARGET
        figures += [
            Figure(
                f"CPU over {window:g} s, {n} audio meeting(s){bound}",
                sdk["cpu"],
                "s",
                pairs,
                bare["cpu"],
                target=target,
            ),
            Figure(
                f"CPU per second of audio handled, {n} audio meeting(s){bound}",
                sdk["cpu_ms_per_audio_s"],
                "ms",
                pairs,
                bare["cpu_ms_per_audio_s"],
                target=target,
            ),
            Figure(
                f"steady RSS, {n} audio meeting(s)",
                sdk["steady_mb"],
                "MB",
                pairs,
                bare["steady_mb"],
            ),
            Figure(f"peak RSS, {n} audio meeting(s)", sdk["peak_mb"], "MB", pairs, bare["peak_mb"]),
        ]
    if flat:
        bare, sdk = flat
        figures.append(
            Figure(
                "RSS growth after warm-up, 1 audio meeting",
                sdk["slope_mb_per_min"],
                "MB/min",
                "1 bare aiortc pair",
                bare["slope_mb_per_min"],
                target=FLAT_TARGET,
                target_on="value",
            )
        )
    return figures


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", default="1,10,25", help="comma-separated counts")
    parser.add_argument("--window", type=float, default=10.0, help="seconds measured")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before the window")
    parser.add_argument("--repeats", type=int, default=1, help="children per scenario")
    parser.add_argument("--minutes", type=float, default=0.0, help="memory-flatness run")
    parser.add_argument("--flat-warmup", type=float, default=30.0, help="seconds not counted")
    parser.add_argument(
        "--together",
        action="store_true",
        help="run the bare and SDK children at the same time (same background load; "
        "only for counts the machine can carry twice over)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile every child")
    parser.add_argument("--no-load", action="store_true", help="only the flatness run")
    return parser


def main() -> None:
    args = _parser().parse_args()
    started = time.perf_counter()
    counts = [] if args.no_load else [int(n) for n in args.meetings.split(",")]
    load = []
    if counts:
        load = asyncio.run(
            _load(
                counts,
                args.window,
                args.warmup,
                max(1, args.repeats),
                args.profile,
                args.together,
            )
        )
    flat = asyncio.run(_flat(args.minutes, args.flat_warmup)) if args.minutes > 0 else []
    if args.profile:
        PROFILE.write_text(
            "\n\n".join(f"## {r['scenario']} x{r['count']}\n{r['profile']}" for r in load)
        )
    command = ("python benchmarks/media_load.py " + " ".join(sys.argv[1:])).strip()
    lines = _load_table(load, args.window, args.warmup, args.together) if load else []
    if flat:
        lines += ["", *_flat_table(flat)] if lines else _flat_table(flat)
    total = time.perf_counter() - started
    lines += [
        "",
        f"Python {sys.version.split()[0]}; total benchmark time {total:.0f}s; 1-minute load "
        f"average at the end {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs.",
        "",
        f"Reproduce: `{command}`.",
    ]
    table = "\n".join(lines)
    print(table)
    write_section(
        RESULTS_DIR / "media.md", "Audio meetings: CPU and memory", table, heading="Media"
    )
    figures = _figures(load, flat, args.window)
    write_json("media_load", "Audio meetings in one process", figures, command=command)


if __name__ == "__main__":
    main()
