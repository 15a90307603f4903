"""REST throughput of webex_meetings next to raw httpx, webexpythonsdk and wxc_sdk, in one run.

The emulator runs in its own process (``python -m webex_meetings.emulator``) by default,
so no library shares an event loop or the GIL with the server, and each run also
records the CPU time this (client) process spent. ``--emulator inprocess`` serves from
this event loop instead, as earlier versions of this benchmark did; then the CPU time
includes the server's. Two workloads:

* ``paginate``: list the 10,000 messages of one room through ``Link: rel="next"``
  pages of 100 (seeded with the emulator's control endpoint, so setup is instant).
* ``concurrent``: 500 ``GET /people/me`` with at most ``--concurrency`` in flight.

Every library gets the same concurrency cap: ``http.maxConcurrency`` for
webex_meetings, a semaphore and a pool of that many connections for raw httpx, a
thread pool of that size for webexpythonsdk (its ``requests`` pool holds 10
connections, hence the default of 10), and ``concurrent_requests`` for wxc_sdk. Sync
peers run in a worker thread. A peer that is not installed or fails on the emulator is
reported as ``n/a`` with the reason.

``raw httpx`` is the floor of our own stack: a default ``httpx.AsyncClient`` sending
the same GETs with a bearer header and decoding the JSON, with no models, retries,
tracking ids or catalog. The emulator adds the same server cost to every library; the
numbers compare client overhead on loopback, not network behaviour.

Usage: ``python benchmarks/rest_throughput.py [--runs N] [--concurrency N]
[--emulator process|inprocess] [--libraries a,b]`` (a subset of libraries prints the
table without updating the results file).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import logging
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

# sibling modules: the script directory is on sys.path
from _remote import RemoteEmulator, cpu_seconds
from _results import Figure, write_json

from webex_meetings import Webex
from webex_meetings.emulator import Emulator

MESSAGES = 10_000
PAGE = 100
REQUESTS = 500
RESULTS = Path(__file__).parent / "results" / "rest_throughput.md"
BASELINE = "webex_meetings"


@dataclass
class Outcome:
    """One workload run: items (or successful requests) and failed requests."""

    items: int
    errors: int


@dataclass
class Row:
    """Median over the runs of one library on one workload."""

    workload: str
    library: str
    seconds: float | None = None
    rate: float | None = None
    cpu: float | None = None
    errors: int = 0
    note: str = ""
    runs: list[float] = field(default_factory=list)
    cpu_runs: list[float] = field(default_factory=list)
    #: Emulator-process CPU seconds per run (only with the emulator in its own process).
    server_cpu_runs: list[float] = field(default_factory=list)

    @property
    def server_ms_per_request(self) -> float | None:
        """Median emulator CPU milliseconds per served request (or page)."""
        if not self.server_cpu_runs:
            return None
        served = SERVED[self.workload][1]
        return statistics.median(self.server_cpu_runs) / served * 1000


Workload = Callable[[], Awaitable[Outcome]]


@dataclass
class Ctx:
    """What every library needs to reach the emulator."""

    emu: Emulator | RemoteEmulator
    room_id: str
    cap: int


# -- webex_meetings -----------------------------------------------------------------


@contextlib.asynccontextmanager
async def _webex_meetings(ctx: Ctx) -> Any:
    config = {
        "services": {"discovery": {"u2c": ctx.emu.u2c_url}},
        "http": {"maxConcurrency": ctx.cap},
    }
    async with Webex.init(
        credentials={"access_token": ctx.emu.access_token}, config=config
    ) as webex:
        await webex.wait_until_ready()
        await webex.people.me()  # warm up: service discovery and a connection

        async def paginate() -> Outcome:
            items = [m async for m in webex.messages.list(room_id=ctx.room_id, max=PAGE)]
            return Outcome(len(items), 0)

        async def concurrent() -> Outcome:
            results = await asyncio.gather(
                *(webex.people.me() for _ in range(REQUESTS)), return_exceptions=True
            )
            errors = sum(isinstance(r, BaseException) for r in results)
            return Outcome(REQUESTS - errors, errors)

        yield {"paginate": paginate, "concurrent": concurrent}


# -- raw httpx: the floor of our own stack -------------------------------------------


@contextlib.asynccontextmanager
async def _raw_httpx(ctx: Ctx) -> Any:
    limits = httpx.Limits(max_connections=ctx.cap, max_keepalive_connections=ctx.cap)
    headers = {"authorization": f"Bearer {ctx.emu.access_token}"}
    hydra = ctx.emu.hydra_url.rstrip("/")
    slots = asyncio.Semaphore(ctx.cap)
    async with httpx.AsyncClient(limits=limits, headers=headers, trust_env=False) as client:

        async def me() -> Any:
            async with slots:
                response = await client.get(f"{hydra}/people/me")
            response.raise_for_status()
            return response.json()

        await me()  # warm up

        async def paginate() -> Outcome:
            items: list[Any] = []
            url: str | None = f"{hydra}/messages"
            params: dict[str, Any] | None = {"roomId": ctx.room_id, "max": PAGE}
            while url:
                response = await client.get(url, params=params)
                response.raise_for_status()
                items += response.json()["items"]
                url, params = response.links.get("next", {}).get("url"), None
            return Outcome(len(items), 0)

        async def concurrent() -> Outcome:
            results = await asyncio.gather(*(me() for _ in range(REQUESTS)), return_exceptions=True)
            errors = sum(isinstance(r, BaseException) for r in results)
            return Outcome(REQUESTS - errors, errors)

        yield {"paginate": paginate, "concurrent": concurrent}


# -- webexpythonsdk (sync, requests) ------------------------------------------------


@contextlib.asynccontextmanager
async def _webexpythonsdk(ctx: Ctx) -> Any:
    from webexpythonsdk import WebexAPI

    api = WebexAPI(
        access_token=ctx.emu.access_token,
        base_url=ctx.emu.hydra_url.rstrip("/") + "/",  # the trailing slash is required
        wait_on_rate_limit=False,
    )
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=ctx.cap)
    await asyncio.to_thread(api.people.me)  # warm up

    def _paginate() -> Outcome:
        items = list(api.messages.list(roomId=ctx.room_id, max=PAGE))
        return Outcome(len(items), 0)

    def _concurrent() -> Outcome:
        futures = [pool.submit(api.people.me) for _ in range(REQUESTS)]
        errors = sum(f.exception() is not None for f in futures)
        return Outcome(REQUESTS - errors, errors)

    async def paginate() -> Outcome:
        return await asyncio.to_thread(_paginate)

    async def concurrent_() -> Outcome:
        return await asyncio.to_thread(_concurrent)

    try:
        yield {"paginate": paginate, "concurrent": concurrent_}
    finally:
        pool.shutdown()


# -- wxc_sdk (async, aiohttp) -------------------------------------------------------


@contextlib.asynccontextmanager
async def _wxc_sdk(ctx: Ctx) -> Any:
    from wxc_sdk.as_api import AsWebexSimpleApi
    from wxc_sdk.as_rest import AsRestSession
    from wxc_sdk.tokens import Tokens

    # The recipe is a subclass overriding BASE; aiohttp warns on subclassing ClientSession,
    # so set the class attribute for the duration instead (same effect).
    default_base = AsRestSession.BASE
    AsRestSession.BASE = ctx.emu.hydra_url.rstrip("/")
    session = AsRestSession(
        tokens=Tokens(access_token=ctx.emu.access_token), concurrent_requests=ctx.cap
    )
    try:
        async with AsWebexSimpleApi(tokens=ctx.emu.access_token, session=session) as api:
            await api.people.me()  # warm up

            async def paginate() -> Outcome:
                gen = api.messages.list_gen(room_id=ctx.room_id, max=PAGE)
                items = [m async for m in gen]
                return Outcome(len(items), 0)

            async def concurrent() -> Outcome:
                results = await asyncio.gather(
                    *(api.people.me() for _ in range(REQUESTS)), return_exceptions=True
                )
                errors = sum(isinstance(r, BaseException) for r in results)
                return Outcome(REQUESTS - errors, errors)

            yield {"paginate": paginate, "concurrent": concurrent}
    finally:
        await session.close()
        AsRestSession.BASE = default_base


LIBRARIES = {
    "raw httpx": _raw_httpx,
    "webex_meetings": _webex_meetings,
    "webexpythonsdk": _webexpythonsdk,
    "wxc_sdk": _wxc_sdk,
}
EXPECTED = {"paginate": MESSAGES, "concurrent": REQUESTS}
# What the emulator must log per run: (path, successful requests).
SERVED = {"paginate": ("/v1/messages", MESSAGES // PAGE), "concurrent": ("/v1/people/me", REQUESTS)}


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}"[:80].replace("|", "/")


def _server_cpu(ctx: Ctx) -> float | None:
    # The server's own CPU per request bounds what any client can reach against it: on a
    # 2-core machine, one core's worth of it is the ceiling of the concurrent workload.
    return cpu_seconds(ctx.emu.pid) if isinstance(ctx.emu, RemoteEmulator) else None


async def _measure(ctx: Ctx, library: str, runs: int) -> list[Row]:
    rows = {w: Row(w, library) for w in EXPECTED}
    try:
        async with LIBRARIES[library](ctx) as workloads:
            for name, run in workloads.items():
                row = rows[name]
                try:
                    for _ in range(runs):
                        await ctx.emu.clear_requests()  # keep the request log small
                        server_started = _server_cpu(ctx)
                        cpu_started = time.process_time()
                        started = time.perf_counter()
                        outcome = await run()
                        row.runs.append(time.perf_counter() - started)
                        row.cpu_runs.append(time.process_time() - cpu_started)
                        if server_started is not None:
                            row.server_cpu_runs.append(_server_cpu(ctx) - server_started)
                        # a short page walk counts as one error
                        short = outcome.items + outcome.errors < EXPECTED[name]
                        row.errors += outcome.errors + int(short)
                        # and the emulator must have served every request with a 2xx
                        path, want = SERVED[name]
                        logged = await ctx.emu.requests(method="GET", path=path)
                        ok = sum(200 <= int(r.get("status") or 0) < 300 for r in logged)
                        row.errors += max(0, want - ok - outcome.errors)
                except Exception as exc:
                    row.note = f"n/a ({_reason(exc)})"
                    row.runs.clear()
                    continue
                row.seconds = statistics.median(row.runs)
                row.rate = EXPECTED[name] / row.seconds
                row.cpu = statistics.median(row.cpu_runs)
    except Exception as exc:  # not installed, or failed while setting up
        for row in rows.values():
            if not row.runs:
                row.note = f"n/a ({_reason(exc)})"
    return list(rows.values())


def _table(rows: list[Row], cap: int, runs: int, emulator: str) -> str:
    base = {r.workload: r for r in rows if r.library == BASELINE}
    units = {"paginate": "items/s", "concurrent": "req/s"}
    titles = {
        "paginate": f"list {MESSAGES:,} messages, {PAGE}/page",
        "concurrent": f"{REQUESTS} concurrent GET /people/me",
    }
    cpu_title = "client CPU s" if emulator == "process" else "CPU s (client + server)"
    lines = [
        f"| workload | library | seconds (median of {runs}) | throughput | {cpu_title} "
        f"| errors | time ratio to {BASELINE} | CPU ratio to {BASELINE} |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for workload in EXPECTED:
        for r in (r for r in rows if r.workload == workload):
            name = f"{r.library} (baseline)" if r.library == BASELINE else r.library
            if r.seconds is None or r.cpu is None:
                lines.append(f"| {titles[workload]} | {name} | {r.note} | - | - | - | - | - |")
                continue
            b = base.get(workload)
            ratio = f"{r.seconds / b.seconds:.2f}" if b and b.seconds else "-"
            cpu_ratio = f"{r.cpu / b.cpu:.2f}" if b and b.cpu else "-"
            lines.append(
                f"| {titles[workload]} | {name} | {r.seconds:.3f} "
                f"| {r.rate:,.0f} {units[workload]} | {r.cpu:.3f} | {r.errors} "
                f"| {ratio} | {cpu_ratio} |"
            )
    lines.append("")
    per_request = [
        (r.server_ms_per_request, r.library)
        for r in rows
        if r.workload == "concurrent" and r.server_ms_per_request
    ]
    if per_request:
        cost = min(ms for ms, _ in per_request)
        costs = ", ".join(f"{lib} {ms:.2f} ms" for ms, lib in per_request)
        lines.append(
            f"Emulator CPU per concurrent GET: {costs}; at {cost:.2f} ms one server core "
            f"serves at most ~{1000 / cost:,.0f} req/s, whatever the client."
        )
        lines.append("")
    where = (
        "the emulator in its own process on loopback; CPU is this (client) process's time"
        if emulator == "process"
        else "one emulator in the benchmark's own event loop; CPU includes the server's"
    )
    lines.append(
        f"Concurrency cap {cap} for every library; {where}. Ratio = library / "
        f"{BASELINE} (above 1 means slower or more CPU). Errors are summed over all runs."
    )
    return "\n".join(lines)


async def _main(runs: int, cap: int, emulator: str, libraries: list[str]) -> tuple[str, list[Row]]:
    server: Any = RemoteEmulator() if emulator == "process" else Emulator()
    async with server as emu:
        seeded = await emu.seed(messages=MESSAGES)
        ctx = Ctx(emu, seeded["messagesRoomId"], cap)
        rows: list[Row] = []
        for library in libraries:
            rows += await _measure(ctx, library, runs)
    return _table(rows, cap, runs, emulator), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--emulator", choices=("process", "inprocess"), default="process")
    parser.add_argument(
        "--libraries",
        help=f"comma-separated subset of: {', '.join(LIBRARIES)} (default: all)",
    )
    args = parser.parse_args()
    libraries = list(LIBRARIES)
    if args.libraries:
        libraries = [name.strip() for name in args.libraries.split(",")]
        unknown = [name for name in libraries if name not in LIBRARIES]
        if unknown:
            parser.error(f"unknown libraries: {', '.join(unknown)}")
    logging.basicConfig(level=logging.ERROR)  # peers log retries and warnings at INFO
    started = time.perf_counter()
    table, rows = asyncio.run(_main(args.runs, args.concurrency, args.emulator, libraries))
    total = f"\n\nTotal benchmark time {time.perf_counter() - started:.1f}s."
    print(table + total)
    if not args.libraries:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(f"# REST throughput\n\n{table}{total}\n")
        command = "python benchmarks/rest_throughput.py " + " ".join(sys.argv[1:])
        write_json("rest_throughput", "REST throughput", _figures(rows), command=command.strip())


def _figures(rows: list[Row]) -> list[Figure]:
    """webex_meetings' throughput against every peer, and its CPU against raw httpx."""
    titles = {
        "paginate": (f"list {MESSAGES:,} messages, {PAGE}/page", "items/s"),
        "concurrent": (f"{REQUESTS} concurrent GET /people/me", "req/s"),
    }
    figures = []
    for workload, (title, unit) in titles.items():
        ours = next(r for r in rows if r.workload == workload and r.library == BASELINE)
        if ours.rate is None or ours.cpu is None:
            continue
        for peer in (r for r in rows if r.workload == workload and r.library != BASELINE):
            if peer.rate is None:
                continue
            figures.append(
                Figure(
                    f"{title}: throughput",
                    ours.rate,
                    unit,
                    peer.library,
                    peer.rate,
                    better="higher",
                )
            )
            if peer.library == "raw httpx" and peer.cpu:
                figures.append(
                    Figure(f"{title}: client CPU", ours.cpu, "s", peer.library, peer.cpu)
                )
    return figures


if __name__ == "__main__":
    main()
