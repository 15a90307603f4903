"""Mercury events dispatched per second to a no-op listener, next to a raw websocket loop.

A blaster process (a second core) speaks the server side of Mercury: it answers the
authorization frame with ``mercury.buffer_state``, answers pings, drains acks, and on
request sends N pre-encoded ``locus.difference`` envelopes as fast as it can. This
process, on one core, measures:

* ``raw websockets``: the baseline, ``recv()`` + ``json.loads`` per frame, nothing else;
* ``raw + acks``: the baseline plus one ``{"messageId", "type": "ack"}`` send per frame,
  the minimum a Mercury client must do (mercury.md §2);
* ``Mercury (full path)``: ``webex.internal.mercury`` connected to the blaster: frame →
  JSON decode → sequence check → ack → de-dup → dispatch → ``event``,
  ``event:locus``, ``event:locus.difference`` emitted, one no-op listener on the last;
* ``dispatch only``: ``Mercury._dispatch`` called in a loop on decoded envelopes
  (no socket), i.e. de-dup + handler lookup + the three emits.

Each row is the median of ``--runs`` runs of ``--events`` frames.

Usage: ``python benchmarks/mercury_dispatch.py [--events N] [--runs N]``
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import multiprocessing.connection
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import websockets
from _results import write_section  # a sibling module: the script directory is on sys.path
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from webex_meetings import Webex

RESULTS = Path(__file__).parent / "results" / "mercury.md"
HEADING = "Mercury and device registration"
TARGET = 20_000
TOKEN = "bench-token-0123456789"
WS_PATH = "/v1/apps/wx2/registrations/bench/messages"


def _envelope(n: int) -> dict[str, Any]:
    """A realistic, smallish Locus delta envelope (mercury.md §4 example)."""
    locus_url = "https://locus-a.wbx2.com/locus/api/v1/loci/5a4b2c1d-0000-4000-8000-00000000beef"
    return {
        "id": str(uuid.uuid4()),
        "sequenceNumber": n + 1,
        "timestamp": 1_700_000_000_000 + n,
        "trackingId": f"bench_{n}",
        "data": {
            "eventType": "locus.difference",
            "locusUrl": locus_url,
            "locus": {
                "url": locus_url,
                "baseSequence": {"entries": [100 + n], "rangeStart": 0, "rangeEnd": 0},
                "sequence": {"entries": [101 + n], "rangeStart": 0, "rangeEnd": 0},
                "participants": [{"id": str(uuid.uuid4()), "state": "JOINED"}],
            },
        },
    }


# -- the blaster (runs in its own process) ---------------------------------------------


def _text_frame(text: str) -> bytes:
    """One unmasked (server-to-client) websocket text frame, RFC 6455 §5.2."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes([0x81, size])
    elif size < 1 << 16:
        header = bytes([0x81, 126]) + size.to_bytes(2, "big")
    else:
        header = bytes([0x81, 127]) + size.to_bytes(8, "big")
    return header + payload


def _blaster(conn: multiprocessing.connection.Connection, events: int) -> None:
    # All frames are encoded up front and written in one go, so the server costs next to
    # no CPU and the client's receive path is what limits the rate.
    stream = b"".join(_text_frame(json.dumps(_envelope(n))) for n in range(events))
    buffer_state = json.dumps(
        {"id": str(uuid.uuid4()), "data": {"eventType": "mercury.buffer_state"}}
    )

    async def handler(ws: ServerConnection) -> None:
        try:
            async for raw in ws:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "authorization":
                    await ws.send(buffer_state)
                elif kind == "ping":
                    await ws.send(json.dumps({"id": frame["id"], "type": "pong"}))
                elif kind == "blast":
                    # One write call, so no pong can land inside a frame; acks keep
                    # arriving meanwhile and this loop's reads drain them.
                    ws.transport.write(stream)
        except ConnectionClosed:
            pass

    async def main() -> None:
        async with serve(handler, "127.0.0.1", 0, ping_interval=None, max_size=None) as server:
            conn.send(server.sockets[0].getsockname()[1])
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until told

    asyncio.run(main())


# -- the measured clients ----------------------------------------------------------------


async def _raw(url: str, events: int, *, ack: bool) -> float:
    async with connect(url, ping_interval=None, max_size=None) as ws:
        auth = {"id": "a", "type": "authorization", "data": {"token": f"Bearer {TOKEN}"}}
        await ws.send(json.dumps(auth))
        json.loads(await ws.recv())  # buffer state
        await ws.send(json.dumps({"type": "blast"}))
        started = time.perf_counter()
        for _ in range(events):
            frame = json.loads(await ws.recv())
            if ack:
                await ws.send(json.dumps({"messageId": frame["id"], "type": "ack"}))
        return time.perf_counter() - started


def _webex() -> Webex:
    # No REST is needed: Mercury connects to an explicit socket URL.
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(404)))
    config = {"mercury": {"pingInterval": 60_000, "pongTimeout": 60_000}}
    return Webex.init(credentials=TOKEN, config=config, http_client=client)


async def _mercury(url: str, events: int) -> float:
    async with _webex() as webex:
        mercury = webex.internal.mercury
        await mercury.connect(web_socket_url=url)
        done = asyncio.get_running_loop().create_future()
        count = 0

        def listener(envelope: dict[str, Any]) -> None:
            nonlocal count
            count += 1
            if count == events:
                done.set_result(None)

        mercury.on("event:locus.difference", listener)
        await mercury.send({"type": "blast"})
        started = time.perf_counter()
        await asyncio.wait_for(done, 300)
        elapsed = time.perf_counter() - started
        await mercury.disconnect()
        return elapsed


async def _dispatch_only(events: int) -> float:
    envelopes = [_envelope(n) for n in range(events)]
    async with _webex() as webex:
        mercury = webex.internal.mercury
        mercury.on("event:locus.difference", lambda envelope: None)
        dispatch = mercury._dispatch
        started = time.perf_counter()
        for envelope in envelopes:
            await dispatch(envelope)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    events, runs = args.events, args.runs

    parent, child = multiprocessing.Pipe()
    blaster = multiprocessing.Process(target=_blaster, args=(child, events), daemon=True)
    blaster.start()
    started = time.perf_counter()
    try:
        url = f"ws://127.0.0.1:{parent.recv()}{WS_PATH}"
        paths: list[tuple[str, Callable[[], Awaitable[float]]]] = [
            ("raw websockets: recv + json.loads (baseline)", lambda: _raw(url, events, ack=False)),
            ("raw websockets + one ack send() per frame", lambda: _raw(url, events, ack=True)),
            (
                "Mercury full path: frame → decode → ack → dispatch → emit",
                lambda: _mercury(url, events),
            ),
            ("Mercury dispatch only (no socket)", lambda: _dispatch_only(events)),
        ]
        rates = asyncio.run(_measure(paths, events, runs))
    finally:
        parent.send("stop")
        blaster.join(10)
    total = time.perf_counter() - started
    table = _table(paths, rates, events, runs, total)
    print(table)
    write_section(RESULTS, "Mercury dispatch", table, heading=HEADING)


async def _measure(
    paths: list[tuple[str, Callable[[], Awaitable[float]]]], events: int, runs: int
) -> list[list[float]]:
    """Rates per path, one per run; the paths take turns so load hits them alike."""
    for _, run in paths:
        await run()  # warm-up, not counted
    rates: list[list[float]] = [[] for _ in paths]
    for _ in range(runs):
        for index, (_, run) in enumerate(paths):
            rates[index].append(events / await run())
    return rates


def _table(
    paths: list[tuple[str, Callable[[], Awaitable[float]]]],
    rates: list[list[float]],
    events: int,
    runs: int,
    total: float,
) -> str:
    baseline = rates[0]
    lines = [
        f"| path | events/s (median of {runs}) | min / max | ratio to baseline (median) |",
        "|---|---:|---:|---:|",
    ]
    for (name, _), path_rates in zip(paths, rates, strict=True):
        ratio = statistics.median(r / b for r, b in zip(path_rates, baseline, strict=True))
        lines.append(
            f"| {name} | {statistics.median(path_rates):,.0f} "
            f"| {min(path_rates):,.0f} / {max(path_rates):,.0f} | {ratio:.2f} |"
        )
    full = statistics.median(rates[2])
    verdict = "meets" if full >= TARGET else "misses"
    size = len(json.dumps(_envelope(0)))
    lines += [
        "",
        f"{events:,} `locus.difference` frames of {size} bytes per run, sent uncompressed by a "
        "blaster process that writes them all at once; the client runs on one core "
        f"(Python {sys.version.split()[0]}, websockets {websockets.version.version}). "
        "Ratios are per run (the paths take turns), then the median. "
        f"The full path {verdict} the {TARGET:,} events/s target. "
        f"Total benchmark time {total:.1f}s.",
        "",
        f"Reproduce: `python benchmarks/mercury_dispatch.py --events {events} --runs {runs}`.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
