"""Join latency without media: ``meetings.create(sip)`` + ``join()`` vs the raw HTTP requests.

The emulator runs in its own process. Two paths take turns, each in its own meeting
(so neither sees the other's roster changes), and each leaves after every run (not
timed):

* SDK: ``await webex.meetings.create(sip_url)`` (meeting info lookup, meeting object)
  then ``await meeting.join()`` (Locus join, state applied, ``meeting:self:joined``...)
  on a registered client whose service catalog is loaded;
* raw httpx (baseline): the two requests such a join needs, sent with one plain
  ``httpx.AsyncClient`` and a bearer header: ``POST …/wbxappapi/v1/meetingInfo``
  with the SIP address, then ``POST …/locus/api/v1/loci/call`` with the device and
  invitee, each answer decoded from JSON.

Usage: ``python benchmarks/join_latency.py [--runs N]``
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from typing import Any

import httpx
from _remote import RemoteEmulator
from _results import RESULTS_DIR, Figure, write_json, write_section

from webex_meetings import Webex


class RawJoin:
    """The join's two requests with plain httpx, on a device registered the same way."""

    def __init__(self, emu: RemoteEmulator, http: httpx.AsyncClient, sip: str) -> None:
        self.base, self.http, self.sip = emu.base_url, http, sip
        self.headers = {"authorization": f"Bearer {emu.access_token}"}
        self.device_url = ""

    async def register(self) -> None:
        device = await self.http.post(
            f"{self.base}/wdm/api/v1/devices",
            json={"name": "bench-raw", "deviceType": "WEB"},
            headers=self.headers,
        )
        device.raise_for_status()
        self.device_url = device.json()["url"]

    async def run(self) -> float:
        started = time.perf_counter()
        info = await self.http.post(
            f"{self.base}/wbxappapi/v1/meetingInfo",
            json={"supportHostKey": True, "supportCountryList": True, "sipUrl": self.sip},
            headers=self.headers,
        )
        info.raise_for_status()
        info.json()
        correlation = str(uuid.uuid4())
        device = {"url": self.device_url, "deviceType": "WEB"}
        joined = await self.http.post(
            f"{self.base}/locus/api/v1/loci/call",
            json={
                "device": device,
                "invitee": {"address": self.sip},
                "correlationId": correlation,
                "respOnlySdp": True,
                "allowMultiDevice": True,
                "supportsNativeLobby": 1,
            },
            headers=self.headers,
        )
        joined.raise_for_status()
        locus = joined.json()["locus"]
        elapsed = time.perf_counter() - started
        left = await self.http.put(
            f"{locus['url']}/participant/{locus['self']['id']}/leave",
            json={"device": device, "usingResource": None, "correlationId": correlation},
            headers=self.headers,
        )
        left.raise_for_status()
        return elapsed


class SdkJoin:
    """``meetings.create(sip)`` + ``join()`` on a registered client; ``leave()`` untimed."""

    def __init__(self, webex: Webex, sip: str) -> None:
        self.webex, self.sip = webex, sip

    async def run(self) -> float:
        started = time.perf_counter()
        meeting = await self.webex.meetings.create(self.sip)
        await meeting.join()
        elapsed = time.perf_counter() - started
        await meeting.leave()
        return elapsed


async def _main(runs: int) -> dict[str, list[float]]:
    async with RemoteEmulator() as emu, httpx.AsyncClient(trust_env=False) as http:
        config = emu.sdk_config()
        async with Webex.init(
            credentials={"access_token": emu.access_token}, config=config
        ) as webex:
            await webex.meetings.register()
            raw = RawJoin(emu, http, (await emu.create_meeting_room(title="raw"))["sipUrl"])
            await raw.register()
            sdk = SdkJoin(webex, (await emu.create_meeting_room(title="sdk"))["sipUrl"])
            paths: dict[str, Any] = {"raw": raw.run, "sdk": sdk.run}
            times: dict[str, list[float]] = {name: [] for name in paths}
            for turn in range(runs + 1):
                for name, run in paths.items():
                    took = await run()
                    if turn:  # the first turn warms up connections and imports
                        times[name].append(took)
            await webex.meetings.unregister()
    return times


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    times = asyncio.run(_main(args.runs))
    raw, sdk = times["raw"], times["sdk"]
    base = statistics.median(raw)
    ms = 1000
    lines = [
        "| path | median (ms) | p95 (ms) | ratio to baseline (median) |",
        "|---|---:|---:|---:|",
    ]
    for name, values in (
        ("raw httpx: meetingInfo POST + loci/call POST (baseline)", raw),
        ("SDK: `meetings.create(sip)` + `meeting.join()`", sdk),
    ):
        median = statistics.median(values)
        lines.append(
            f"| {name} | {median * ms:.1f} | {_p95(values) * ms:.1f} | {median / base:.2f} |"
        )
    command = f"python benchmarks/join_latency.py --runs {args.runs}"
    lines += [
        "",
        f"{args.runs} runs per path, taking turns after one warm-up run each, against the "
        "emulator in its own process on loopback; the leave after every run is not timed. "
        f"Python {sys.version.split()[0]}; total benchmark time "
        f"{time.perf_counter() - started:.1f}s; 1-minute load average at the end "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs.",
        "",
        f"Reproduce: `{command}`.",
    ]
    table = "\n".join(lines)
    print(table)
    write_section(RESULTS_DIR / "meetings.md", "Join latency", table, heading="Meetings")
    baseline = "raw httpx meetingInfo + loci/call"
    figures = [
        Figure(
            "create(sip) + join(), no media (median)",
            statistics.median(sdk) * ms,
            "ms",
            baseline,
            base * ms,
        ),
        Figure(
            "create(sip) + join(), no media (p95)", _p95(sdk) * ms, "ms", baseline, _p95(raw) * ms
        ),
    ]
    write_json("join_latency", "Join latency without media", figures, command=command)


if __name__ == "__main__":
    main()
