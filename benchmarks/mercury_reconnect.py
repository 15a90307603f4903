"""Time from a forced Mercury websocket drop to reconnected, SDK vs a bare websockets loop.

The emulator runs in its own process. Its control API drops a device's socket
(``POST /_emulator/mercury/faults`` with ``action: drop``; close code 1006 by default:
the TCP connection is cut without a close frame). Two clients take turns, each with its
own WDM device:

* ``webex.internal.mercury`` of a registered SDK client; the clock stops at its
  ``online`` event (emitted once the new socket has authorized and received
  ``mercury.buffer_state``);
* bare ``websockets`` (baseline): a loop that reads frames until the socket closes,
  then at once connects again to the same ``webSocketUrl``, sends the authorization
  frame and waits for ``mercury.buffer_state``, the minimum a Mercury client does.

The clock starts before the control call is sent, so both include the same control
round trip and the time for the client to notice the drop; a second figure starts at
the moment the client noticed (SDK ``offline`` event, bare ``ConnectionClosed``).

Usage: ``python benchmarks/mercury_reconnect.py [--drops N] [--code 1006]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
from _remote import RemoteEmulator
from _results import RESULTS_DIR, Figure, write_json, write_section
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from webex_meetings import Webex

WAIT = 30.0  # upper bound of one reconnect, seconds


@dataclass
class Times:
    """Per drop: seconds from the control call, and from the client noticing the drop."""

    total: list[float] = field(default_factory=list)
    after_close: list[float] = field(default_factory=list)


class BareMercury:
    """A minimal Mercury client: authorize, read until closed, reconnect at once."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        self.closed_at = 0.0
        self._online: asyncio.Future[float] | None = None
        self._task: asyncio.Task[None] | None = None

    async def _open(self) -> Any:
        ws = await connect(self.url, ping_interval=None, max_size=None)
        auth = {
            "id": str(uuid.uuid4()),
            "type": "authorization",
            "data": {"token": f"Bearer {self.token}"},
        }
        await ws.send(json.dumps(auth))
        while True:
            frame = json.loads(await ws.recv())
            if frame.get("id"):
                await ws.send(json.dumps({"messageId": frame["id"], "type": "ack"}))
            if frame.get("data", {}).get("eventType") == "mercury.buffer_state":
                return ws

    async def _run(self, ws: Any) -> None:
        while True:
            with contextlib.suppress(ConnectionClosed):
                async for _ in ws:
                    pass
            self.closed_at = time.perf_counter()
            ws = await self._open()
            if self._online is not None and not self._online.done():
                self._online.set_result(time.perf_counter())

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(await self._open()))

    def expect_online(self) -> asyncio.Future[float]:
        self._online = asyncio.get_running_loop().create_future()
        return self._online

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def _bare_client(emu: RemoteEmulator, http: httpx.AsyncClient) -> tuple[BareMercury, str]:
    response = await http.post(
        f"{emu.base_url}/wdm/api/v1/devices",
        json={"name": "bench-bare", "deviceType": "DESKTOP"},
        headers={"authorization": f"Bearer {emu.access_token}"},
    )
    response.raise_for_status()
    device = response.json()
    url = device["webSocketUrl"] + "?outboundWireFormat=text&bufferStates=true"
    client = BareMercury(url, emu.access_token)
    await client.start()
    return client, str(device["url"])


async def _drop_sdk(emu: RemoteEmulator, webex: Webex, code: int, times: Times) -> None:
    mercury = webex.internal.mercury
    noticed: list[float] = []
    mercury.once("offline", lambda *_: noticed.append(time.perf_counter()))
    online = asyncio.ensure_future(mercury.wait_for("online", timeout=WAIT))
    await asyncio.sleep(0)
    started = time.perf_counter()
    dropped = await emu.drop_mercury(device_url=str(webex.internal.device.url), code=code)
    await online
    ended = time.perf_counter()
    if dropped != 1 or not noticed:
        raise RuntimeError(f"the SDK's socket was not dropped once (dropped {dropped})")
    times.total.append(ended - started)
    times.after_close.append(ended - noticed[0])


async def _drop_bare(
    emu: RemoteEmulator, client: BareMercury, device_url: str, code: int, times: Times
) -> None:
    online = client.expect_online()
    started = time.perf_counter()
    dropped = await emu.drop_mercury(device_url=device_url, code=code)
    ended = await asyncio.wait_for(online, WAIT)
    if dropped != 1:
        raise RuntimeError(f"the bare socket was not dropped once (dropped {dropped})")
    times.total.append(ended - started)
    times.after_close.append(ended - client.closed_at)


async def _main(drops: int, code: int) -> tuple[Times, Times]:
    sdk, bare = Times(), Times()
    async with RemoteEmulator() as emu, httpx.AsyncClient(trust_env=False) as http:
        config = emu.sdk_config()
        async with Webex.init(
            credentials={"access_token": emu.access_token}, config=config
        ) as webex:
            await webex.meetings.register()
            client, device_url = await _bare_client(emu, http)
            try:
                warm = Times()
                await _drop_sdk(emu, webex, code, warm)  # warm-up, not counted
                await _drop_bare(emu, client, device_url, code, warm)
                for _ in range(drops):  # taking turns, so background load hits both alike
                    await _drop_sdk(emu, webex, code, sdk)
                    await _drop_bare(emu, client, device_url, code, bare)
            finally:
                await client.stop()
            await webex.meetings.unregister()
    return sdk, bare


def _p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drops", type=int, default=20)
    parser.add_argument("--code", type=int, default=1006, help="close code of the drop")
    args = parser.parse_args()
    started = time.perf_counter()
    sdk, bare = asyncio.run(_main(args.drops, args.code))
    ms = 1000
    rows = [
        ("bare `websockets` reconnect loop (baseline)", bare),
        ("SDK `webex.internal.mercury` → `online`", sdk),
    ]
    base_total, base_after = statistics.median(bare.total), statistics.median(bare.after_close)
    lines = [
        "| client | drop → online, median (ms) | p95 (ms) | ratio | noticed → online, median "
        "(ms) | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, t in rows:
        total, after = statistics.median(t.total), statistics.median(t.after_close)
        lines.append(
            f"| {name} | {total * ms:.1f} | {_p95(t.total) * ms:.1f} | {total / base_total:.2f} "
            f"| {after * ms:.1f} | {after / base_after:.2f} |"
        )
    command = f"python benchmarks/mercury_reconnect.py --drops {args.drops} --code {args.code}"
    lines += [
        "",
        f"{args.drops} drops per client (close code {args.code}), taking turns after one "
        "warm-up drop each, against the emulator in its own process on loopback. "
        f"Python {sys.version.split()[0]}; total benchmark time "
        f"{time.perf_counter() - started:.1f}s; 1-minute load average at the end "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs.",
        "",
        f"Reproduce: `{command}`.",
    ]
    table = "\n".join(lines)
    print(table)
    write_section(
        RESULTS_DIR / "mercury.md",
        "Reconnect after a drop",
        table,
        heading="Mercury and device registration",
    )
    baseline = "bare websockets reconnect"
    figures = [
        Figure(
            "Mercury drop → online (median)",
            statistics.median(sdk.total) * ms,
            "ms",
            baseline,
            base_total * ms,
        ),
        Figure(
            "Mercury drop → online (p95)",
            _p95(sdk.total) * ms,
            "ms",
            baseline,
            _p95(bare.total) * ms,
        ),
        Figure(
            "Mercury close noticed → online (median)",
            statistics.median(sdk.after_close) * ms,
            "ms",
            baseline,
            base_after * ms,
        ),
    ]
    write_json("mercury_reconnect", "Mercury reconnect after a drop", figures, command=command)


if __name__ == "__main__":
    main()
