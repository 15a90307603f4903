"""Mercury events dispatched per second to a no-op listener, next to a raw websocket loop.

A blaster process (the second core) plays the Mercury server as cheaply as possible: a
hand-written websocket server (no permessage-deflate) that answers the authorization
frame with ``mercury.buffer_state``, answers pings, and on ``{"type": "blast"}`` writes
N pre-encoded ``locus.difference`` envelopes with one call, skipping the acks that come
back without decoding them. This process measures, on one core:

* raw websockets (baseline): ``recv()`` + ``json.loads`` per frame, nothing else;
* raw websockets + acks: the baseline plus one ``send()`` of
  ``{"messageId", "type": "ack"}`` per frame, the minimum a Mercury client must do,
  written the straightforward way;
* Mercury full path: ``webex.internal.mercury`` connected to the blaster: frame → JSON
  decode → sequence check → ack → de-dup → handlers → ``event``, ``event:locus``,
  ``event:locus.difference``, one no-op listener on the last;
* Mercury dispatch only: ``Mercury._dispatch`` on decoded envelopes (no socket):
  de-dup, handler lookup and the emits.

Each path reports events per CPU second of this process (``time.process_time``, the
cost on one core, robust to other load) and wall-clock events per second. The paths
take turns within every run; each figure is the median over ``--runs`` runs.

Usage: ``python benchmarks/mercury_dispatch.py [--events N] [--runs N]``
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import websockets
from _results import Figure, write_json, write_section  # sibling module: script dir on sys.path
from websockets.asyncio.client import connect

from webex_meetings import Webex

RESULTS = Path(__file__).parent / "results" / "mercury.md"
HEADING = "Mercury and device registration"
TARGET = 20_000
TOKEN = "bench-token-0123456789"
WS_PATH = "/v1/apps/wx2/registrations/bench/messages"


def _envelope(n: int) -> dict[str, Any]:
    """A realistic, smallish Locus delta envelope."""
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


_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3


def _frame(payload: bytes, opcode: int = 0x1) -> bytes:
    """One unmasked (server-to-client) websocket frame, RFC 6455 §5.2."""
    size = len(payload)
    if size < 126:
        header = bytes([0x80 | opcode, size])
    elif size < 1 << 16:
        header = bytes([0x80 | opcode, 126]) + size.to_bytes(2, "big")
    else:
        header = bytes([0x80 | opcode, 127]) + size.to_bytes(8, "big")
    return header + payload


class _Blaster:
    """The server side of Mercury, as cheap as possible, so the client is what is measured.

    A hand-written websocket server (no permessage-deflate): it answers the
    authorization frame with the buffer state, pings with pongs, and ``{"type":
    "blast"}`` by writing every pre-encoded event frame with one call. Once blasting,
    it skips the client's text frames (the acks) without decoding them; a close frame
    is still answered.
    """

    def __init__(self, events: int) -> None:
        self.stream = b"".join(_frame(json.dumps(_envelope(n)).encode()) for n in range(events))
        state = {"id": str(uuid.uuid4()), "data": {"eventType": "mercury.buffer_state"}}
        self.buffer_state = _frame(json.dumps(state).encode())

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readuntil(b"\r\n\r\n")
        key = next(
            line.split(b":", 1)[1].strip()
            for line in request.split(b"\r\n")
            if line.lower().startswith(b"sec-websocket-key:")
        )
        accept = base64.b64encode(hashlib.sha1(key + _GUID).digest())
        writer.write(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        buffer, blasting = bytearray(), False
        while chunk := await reader.read(1 << 18):
            buffer += chunk
            pos = 0
            while (frame := _parse(buffer, pos)) is not None:
                opcode, start, end = frame
                pos = end
                if opcode == 0x8:  # close: echo it and hang up
                    writer.write(_frame(_unmask(buffer, start, end)[:2], 0x8))
                    writer.close()
                    return
                if opcode != 0x1 or blasting:
                    continue  # acks while blasting are skipped undecoded
                message = json.loads(_unmask(buffer, start, end))
                kind = message.get("type")
                if kind == "authorization":
                    writer.write(self.buffer_state)
                elif kind == "ping":
                    pong = {"id": message["id"], "type": "pong"}
                    writer.write(_frame(json.dumps(pong).encode()))
                elif kind == "blast":
                    blasting = True
                    writer.write(self.stream)
            del buffer[:pos]
        writer.close()


def _parse(buffer: bytearray, pos: int) -> tuple[int, int, int] | None:
    """``(opcode, start, end)`` of the masked client frame at ``pos`` (start: the mask)."""
    if len(buffer) - pos < 2:
        return None
    opcode, size, head = buffer[pos] & 0x0F, buffer[pos + 1] & 0x7F, pos + 2
    if size == 126:
        size, head = int.from_bytes(buffer[head : head + 2], "big"), head + 2
    elif size == 127:
        size, head = int.from_bytes(buffer[head : head + 8], "big"), head + 8
    end = head + 4 + size
    return None if end > len(buffer) else (opcode, head, end)


def _unmask(buffer: bytearray, start: int, end: int) -> bytes:
    mask = buffer[start : start + 4]
    return bytes(b ^ mask[i % 4] for i, b in enumerate(buffer[start + 4 : end]))


def _run_blaster(conn: multiprocessing.connection.Connection, events: int) -> None:
    blaster = _Blaster(events)

    async def main() -> None:
        server = await asyncio.start_server(blaster.serve, "127.0.0.1", 0)
        async with server:
            conn.send(server.sockets[0].getsockname()[1])
            await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until told

    asyncio.run(main())


# -- the measured clients ----------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """One run: wall-clock seconds and this process's CPU seconds (user + system)."""

    wall: float
    cpu: float


class _Stopwatch:
    """Reads both clocks; CPU time shows the cost per core even on a busy machine."""

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()

    def stop(self) -> Timing:
        return Timing(time.perf_counter() - self._wall, time.process_time() - self._cpu)


async def _raw(url: str, events: int, *, ack: bool) -> Timing:
    async with connect(url, ping_interval=None, max_size=None) as ws:
        auth = {"id": "a", "type": "authorization", "data": {"token": f"Bearer {TOKEN}"}}
        await ws.send(json.dumps(auth))
        json.loads(await ws.recv())  # buffer state
        await ws.send(json.dumps({"type": "blast"}))
        watch = _Stopwatch()
        for _ in range(events):
            frame = json.loads(await ws.recv())
            if ack:
                await ws.send(json.dumps({"messageId": frame["id"], "type": "ack"}))
        return watch.stop()


def _webex() -> Webex:
    # No REST is needed: Mercury connects to an explicit socket URL.
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(404)))
    config = {"mercury": {"pingInterval": 60_000, "pongTimeout": 60_000}}
    return Webex.init(credentials=TOKEN, config=config, http_client=client)


async def _mercury(url: str, events: int) -> Timing:
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
        watch = _Stopwatch()
        await asyncio.wait_for(done, 300)
        timing = watch.stop()
        await mercury.disconnect()
        return timing


async def _dispatch_only(events: int) -> Timing:
    envelopes = [_envelope(n) for n in range(events)]
    async with _webex() as webex:
        mercury = webex.internal.mercury
        mercury.on("event:locus.difference", lambda envelope: None)
        dispatch = mercury._dispatch
        watch = _Stopwatch()
        for envelope in envelopes:
            await dispatch(envelope)
        return watch.stop()


Path_ = tuple[str, Callable[[], Awaitable[Timing]]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    events, runs = args.events, args.runs

    parent, child = multiprocessing.Pipe()
    blaster = multiprocessing.Process(target=_run_blaster, args=(child, events), daemon=True)
    blaster.start()
    started = time.perf_counter()
    try:
        url = f"ws://127.0.0.1:{parent.recv()}{WS_PATH}"
        paths: list[Path_] = [
            ("raw websockets: recv + json.loads (baseline)", lambda: _raw(url, events, ack=False)),
            ("raw websockets + one ack send() per frame", lambda: _raw(url, events, ack=True)),
            (
                "Mercury full path: frame → JSON → ack → dispatch → emit",
                lambda: _mercury(url, events),
            ),
            ("Mercury dispatch + emit only (no socket)", lambda: _dispatch_only(events)),
        ]
        timings = asyncio.run(_measure(paths, runs))
    finally:
        parent.send("stop")
        blaster.join(10)
    table = _table(paths, timings, events, runs, time.perf_counter() - started)
    print(table)
    write_section(RESULTS, "Mercury dispatch", table, heading=HEADING)
    write_json(
        "mercury_dispatch",
        "Mercury dispatch",
        _figures(paths, timings, events),
        command=f"python benchmarks/mercury_dispatch.py --events {events} --runs {runs}",
    )


def _figures(paths: list[Path_], timings: list[list[Timing]], events: int) -> list[Figure]:
    """The full path's events per CPU second against both raw loops (target on the value)."""
    rates = [statistics.median(events / t.cpu for t in path) for path in timings]
    full = "Mercury events per CPU second, full path"
    return [
        Figure(
            full,
            rates[2],
            "events/s",
            "raw websockets recv + json.loads",
            rates[0],
            better="higher",
            target=TARGET,
            target_on="value",
        ),
        Figure(
            full,
            rates[2],
            "events/s",
            "raw websockets + one ack send() per frame",
            rates[1],
            better="higher",
            target=TARGET,
            target_on="value",
        ),
    ]


async def _measure(paths: list[Path_], runs: int) -> list[list[Timing]]:
    """Timings per path, one per run; the paths take turns so load hits them alike."""
    for _, run in paths:
        await run()  # warm-up, not counted
    timings: list[list[Timing]] = [[] for _ in paths]
    for _ in range(runs):
        for index, (_, run) in enumerate(paths):
            timings[index].append(await run())
    return timings


def _table(
    paths: list[Path_], timings: list[list[Timing]], events: int, runs: int, total: float
) -> str:
    cpu_rates = [[events / t.cpu for t in path] for path in timings]
    wall_rates = [[events / t.wall for t in path] for path in timings]
    lines = [
        f"| path | events per CPU second (median of {runs}) | wall-clock events/s (median) "
        "| ratio to baseline (CPU, median per run) |",
        "|---|---:|---:|---:|",
    ]
    for (name, _), cpu, wall in zip(paths, cpu_rates, wall_rates, strict=True):
        ratio = statistics.median(r / b for r, b in zip(cpu, cpu_rates[0], strict=True))
        lines.append(
            f"| {name} | {statistics.median(cpu):,.0f} | {statistics.median(wall):,.0f} "
            f"| {ratio:.2f} |"
        )
    full_cpu, full_wall = statistics.median(cpu_rates[2]), statistics.median(wall_rates[2])
    verdict = "meets" if min(full_cpu, full_wall) >= TARGET else "misses"
    size = len(json.dumps(_envelope(0)))
    lines += [
        "",
        f"{events:,} `locus.difference` frames of {size} bytes per run, written at once by a "
        "blaster process on the other core; no permessage-deflate (with it, each ack costs "
        "the client a zlib flush more). The client is one "
        "asyncio thread; its CPU time (user + system, `time.process_time`) is the cost on "
        "one core and stays meaningful on a busy machine, where wall-clock rates swing. "
        f"Python {sys.version.split()[0]}, websockets {websockets.version.version}. "
        "The paths take turns in every run; ratios are taken per run, then the median. "
        f"The full path {verdict} the {TARGET:,} events/s target on both clocks. "
        f"Total benchmark time {total:.1f}s; 1-minute load average at the end "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs.",
        "",
        f"Reproduce: `python benchmarks/mercury_dispatch.py --events {events} --runs {runs}`.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
