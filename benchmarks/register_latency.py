"""Time from ``webex.meetings.register()`` to ``meetings:registered`` against the emulator.

One in-process emulator on loopback. For each of ``--runs`` runs the same client calls
``register()`` (``people/me`` → WDM ``POST /devices`` → Mercury connect, handshake and
buffer state) and the clock stops when ``meetings:registered`` fires; ``unregister()``
(not timed) deletes the device before the next run. The baseline is one bare
``GET /people/me`` through the same client (its service catalog is already loaded), so
the ratio says how many such round trips a registration costs. A ``cold`` row times a
fresh client per run, service catalog discovery included.

Usage: ``python benchmarks/register_latency.py [--runs N]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from _results import Figure, write_json, write_section  # sibling module: script dir on sys.path

from webex_meetings import Webex
from webex_meetings.emulator import Emulator

RESULTS = Path(__file__).parent / "results" / "mercury.md"
HEADING = "Mercury and device registration"


def _config(emu: Emulator) -> dict[str, Any]:
    return {
        "services": {
            "discovery": {"u2c": emu.u2c_url},
            "allowedDomains": ["127.0.0.1", "localhost"],  # the emulator's socket host
        }
    }


def _client(emu: Emulator) -> Webex:
    return Webex.init(credentials={"access_token": emu.access_token}, config=_config(emu))


async def _timed_register(webex: Webex) -> float:
    """Seconds from the ``register()`` call to the ``meetings:registered`` event."""
    loop = asyncio.get_running_loop()
    registered: asyncio.Future[float] = loop.create_future()

    def stop_clock() -> None:
        if not registered.done():
            registered.set_result(time.perf_counter())

    webex.meetings.once("meetings:registered", stop_clock)
    started = time.perf_counter()
    await webex.meetings.register()
    elapsed = await asyncio.wait_for(registered, 30) - started
    await webex.meetings.unregister()
    return elapsed


async def _timed_people_me(webex: Webex) -> float:
    started = time.perf_counter()
    await webex.people.me()
    return time.perf_counter() - started


async def _cold(emu: Emulator) -> float:
    async with _client(emu) as webex:
        return await _timed_register(webex)


async def _main(runs: int) -> tuple[dict[str, list[float]], int]:
    async with Emulator() as emu, _client(emu) as webex:
        await webex.wait_until_ready()
        await _timed_register(webex)  # warm-up: catalog, connections, imports
        await _timed_people_me(webex)
        measures: dict[str, Callable[[], Awaitable[float]]] = {
            "people_me": lambda: _timed_people_me(webex),
            "register": lambda: _timed_register(webex),
            "cold": lambda: _cold(emu),
        }
        times: dict[str, list[float]] = {name: [] for name in measures}
        for _ in range(runs):  # the measures take turns so background load hits them alike
            for name, measure in measures.items():
                times[name].append(await measure())
        devices = len(await emu.devices())
    return times, devices


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _table(times: dict[str, list[float]], runs: int, devices: int, total: float) -> str:
    base = statistics.median(times["people_me"])
    titles = {
        "people_me": "`GET /people/me` through the same client (baseline)",
        "register": "`meetings.register()` → `meetings:registered`",
        "cold": "the same, fresh client per run (catalog discovery included)",
    }
    lines = [
        "| measure | median (ms) | p95 (ms) | ratio to baseline (median) |",
        "|---|---:|---:|---:|",
    ]
    for name, title in titles.items():
        median = statistics.median(times[name])
        lines.append(
            f"| {title} | {median * 1000:.1f} | {_p95(times[name]) * 1000:.1f} "
            f"| {median / base:.1f} |"
        )
    lines += [
        "",
        f"{runs} runs each against the in-process emulator on loopback (Python "
        f"{sys.version.split()[0]}); `unregister()` after every run is not timed; "
        f"{devices} device(s) left on the emulator at the end. "
        f"Total benchmark time {total:.1f}s; 1-minute load average at the end "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs.",
        "",
        f"Reproduce: `python benchmarks/register_latency.py --runs {runs}`.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    times, devices = asyncio.run(_main(args.runs))
    table = _table(times, args.runs, devices, time.perf_counter() - started)
    print(table)
    write_section(RESULTS, "Registration latency", table, heading=HEADING)
    ms, base = 1000, statistics.median(times["people_me"])
    figures = [
        Figure(
            "register() → meetings:registered (median)",
            statistics.median(times["register"]) * ms,
            "ms",
            "one GET /people/me",
            base * ms,
        ),
        Figure(
            "register() with a fresh client (median)",
            statistics.median(times["cold"]) * ms,
            "ms",
            "one GET /people/me",
            base * ms,
        ),
    ]
    command = f"python benchmarks/register_latency.py --runs {args.runs}"
    write_json("register_latency", "Device registration", figures, command=command)


if __name__ == "__main__":
    main()
