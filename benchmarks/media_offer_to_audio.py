"""Time from a ROAP OFFER to the first remote audio frame, emulator vs bare aiortc.

Both paths start the clock once the client's offer exists (``setLocalDescription`` done)
and stop it when the client has decoded the first audio frame from the other side:

* ``bare aiortc ↔ aiortc`` (baseline): the answering peer connection in the same
  process, answering with a silent audio track, no signalling at all;
* ``emulator``: ``PUT <self>/media`` with the OFFER (``includeAnswerInHttpResponse``) to
  a :class:`ThreadedEmulator`, the ANSWER read from the HTTP response, the emulator's
  simulated speaker on the other end.

Both keep ICE on loopback. The two paths take turns; one warm-up run of each is not
counted. Each row gives the median and p95 of ``--runs`` runs (20 by default).

A second table times the whole SDK path, ``meeting.join_with_media()`` (Locus join with
TURN discovery, peer connection and offer, ``PUT /media``, ICE, DTLS) to the first
decoded frame of the ``media:ready`` stream, next to a bare aiortc connection timed from
``RTCPeerConnection()`` (offer, candidate gathering, answer, ICE, DTLS) to its first
frame.

Usage: ``python benchmarks/media_offer_to_audio.py [--runs N]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aioice.ice
import httpx
from _results import Figure, write_json, write_section  # sibling module: script dir on sys.path
from aiortc import (
    RTCBundlePolicy,
    RTCConfiguration,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, MediaStreamTrack

from webex_meetings import Webex
from webex_meetings.emulator import ThreadedEmulator

HEADERS = ["includeAnswerInHttpResponse", "noOkInTransaction"]


def _pc() -> RTCPeerConnection:
    config = RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
    return RTCPeerConnection(config)


async def _first_audio(pc: RTCPeerConnection) -> asyncio.Future[float]:
    loop = asyncio.get_running_loop()
    first: asyncio.Future[float] = loop.create_future()

    def on_track(track: MediaStreamTrack) -> None:
        async def read() -> None:
            with contextlib.suppress(MediaStreamError):
                await track.recv()
                if not first.done():
                    first.set_result(time.perf_counter())
                while True:  # keep reading: aiortc queues unread frames
                    await track.recv()

        if track.kind == "audio":
            pc._bench_reader = loop.create_task(read())  # type: ignore[attr-defined]

    pc.on("track", on_track)
    return first


async def _offering_client() -> tuple[RTCPeerConnection, asyncio.Future[float]]:
    client = _pc()
    client.addTrack(AudioStreamTrack())
    first = await _first_audio(client)
    await client.setLocalDescription(await client.createOffer())
    return client, first


async def bare() -> float:
    client, first = await _offering_client()
    server = _pc()
    start = time.perf_counter()
    await server.setRemoteDescription(client.localDescription)
    server.addTrack(AudioStreamTrack())
    await server.setLocalDescription(await server.createAnswer())
    await client.setRemoteDescription(server.localDescription)
    end = await asyncio.wait_for(first, 10)
    await client.close()
    await server.close()
    return end - start


async def bare_full() -> float:
    start = time.perf_counter()
    client, first = await _offering_client()
    server = _pc()
    await server.setRemoteDescription(client.localDescription)
    server.addTrack(AudioStreamTrack())
    await server.setLocalDescription(await server.createAnswer())
    await client.setRemoteDescription(server.localDescription)
    end = await asyncio.wait_for(first, 10)
    await client.close()
    await server.close()
    return end - start


class SdkPath:
    """The SDK: ``join_with_media()`` on a fresh meeting object, then leave."""

    def __init__(self, emu: ThreadedEmulator, webex: Webex) -> None:
        self.emu, self.webex = emu, webex

    async def setup(self) -> None:
        await self.webex.meetings.register()
        self.sip = self.emu.create_meeting_room(title="bench")["sipUrl"]

    async def run(self) -> float:
        meeting = await self.webex.meetings.create(self.sip)
        ready = asyncio.ensure_future(meeting.wait_for("media:ready", timeout=10))
        start = time.perf_counter()
        await meeting.join_with_media(audio="recvonly", video=False, share=False)
        stream = (await ready)["stream"]
        await asyncio.wait_for(stream.recv(), 10)
        end = time.perf_counter()
        await meeting.leave()
        return end - start


class EmulatorPath:
    """A joined user; each run renews the media session and offers again."""

    def __init__(self, emu: ThreadedEmulator, http: httpx.AsyncClient) -> None:
        self.emu, self.http = emu, http
        self.headers = {"Authorization": f"Bearer {emu.access_token}"}

    async def join(self) -> None:
        device = await self.http.post(
            f"{self.emu.base_url}/wdm/api/v1/devices",
            json={"name": "bench", "deviceType": "WEB"},
            headers=self.headers,
        )
        self.device_url = device.json()["url"]
        room = self.emu.create_meeting_room(host_email=self.emu.person_email)
        joined = await self.http.post(
            f"{self.emu.base_url}/locus/api/v1/loci/call",
            json={"device": {"url": self.device_url}, "invitee": {"address": room["sipUrl"]}},
            headers=self.headers,
        )
        self.media_url = joined.json()["locus"]["self"]["url"] + "/media"

    async def run(self) -> float:
        client, first = await _offering_client()
        offer = {
            "messageType": "OFFER",
            "version": "2",
            "seq": 1,
            "tieBreaker": 0xFFFFFFFE,
            "sdps": [client.localDescription.sdp],
            "headers": HEADERS,
        }
        local = {"audioMuted": False, "videoMuted": True, "roapMessage": offer}
        body = {
            "device": {"url": self.device_url, "deviceType": "WEB"},
            "correlationId": "bench",
            "localMedias": [{"mediaId": "", "localSdp": json.dumps(local)}],
        }
        start = time.perf_counter()
        response = await self.http.put(self.media_url, json=body, headers=self.headers)
        remote = json.loads(response.json()["mediaConnections"][0]["remoteSdp"])
        answer = remote["roapMessage"]["sdps"][0]
        await client.setRemoteDescription(RTCSessionDescription(answer, "answer"))
        end = await asyncio.wait_for(first, 10)
        await client.close()
        return end - start


async def main(runs: int) -> tuple[str, dict[str, list[float]]]:
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]
    began = time.perf_counter()
    with ThreadedEmulator() as emu:
        async with httpx.AsyncClient(trust_env=False) as http:
            path = EmulatorPath(emu, http)
            await path.join()
            config = {
                "services": {
                    "discovery": {"u2c": emu.u2c_url},
                    "allowedDomains": ["127.0.0.1", "localhost"],
                }
            }
            async with Webex.init(
                credentials={"access_token": emu.access_token}, config=config
            ) as webex:
                sdk = SdkPath(emu, webex)
                await sdk.setup()
                paths: dict[str, Callable[[], Awaitable[float]]] = {
                    "bare aiortc ↔ aiortc (baseline)": bare,
                    "emulator: PUT /media OFFER → ANSWER in HTTP": path.run,
                    FULL_BASE: bare_full,
                    "SDK: meeting.join_with_media() → first media:ready frame": sdk.run,
                }
                times: dict[str, list[float]] = {name: [] for name in paths}
                for turn in range(runs + 1):
                    for name, measure in paths.items():
                        took = await measure()
                        if turn:  # the first turn warms up imports and codecs
                            times[name].append(took)
    names = list(times)
    rows = _table("OFFER → first remote audio frame", {name: times[name] for name in names[:2]})
    rows += ["", *_table("start → first remote audio frame", {n: times[n] for n in names[2:]})]
    notes = [
        "First table:",
        f"Median and p95 of {runs} runs per path, taking turns, after one warm-up run each; ICE on",
        "loopback host candidates only, no ICE servers. The clock starts once the client's",
        "offer exists and stops at its first decoded audio frame. aiortc's first audio",
        "frame waits for ICE, DTLS and the first 20 ms Opus packet on both paths.",
        "The emulator answers on its own thread and event loop, so its end of ICE and DTLS",
        "overlaps the client's; the baseline runs both ends on one loop, which is why the",
        "emulator path can come out faster despite its HTTP round trip.",
        "Second table: the clock starts at `RTCPeerConnection()` (bare) or at the",
        "`join_with_media()` call (SDK: Locus join carrying TURN discovery, three-line",
        "peer connection, ROAP OFFER over `PUT /media`, ICE and DTLS, the SDK's remote",
        "track reader) and stops at the first decoded audio frame; the meeting object",
        "is created before the clock starts and left after it stops.",
        f"Python {sys.version.split()[0]}.",
        f"Total benchmark time {time.perf_counter() - began:.1f}s.",
        "",
        f"Reproduce: `python benchmarks/media_offer_to_audio.py --runs {runs}`.",
    ]
    return "\n".join(rows) + "\n\n" + " ".join(notes[:-2]) + "\n\n" + notes[-1], times


FULL_BASE = "bare aiortc, whole connection (baseline)"


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _table(measure: str, times: dict[str, list[float]]) -> list[str]:
    base = statistics.median(next(iter(times.values())))
    rows = [
        f"| path | {measure}, median (ms) | p95 (ms) | min-max (ms) | ratio (median) |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, values in times.items():
        median = statistics.median(values)
        rows.append(
            f"| {name} | {median * 1000:.1f} | {_p95(values) * 1000:.1f} "
            f"| {min(values) * 1000:.1f}-{max(values) * 1000:.1f} | {median / base:.2f} |"
        )
    return rows


def _figures(times: dict[str, list[float]]) -> list[Figure]:
    """The JSON figures: the SDK's and the emulator's paths against their baselines."""
    names = list(times)
    offer, emulator, full, sdk = (times[name] for name in names)
    ms = 1000
    figures = []
    for label, values, baseline, base in (
        ("join_with_media() → first remote audio frame", sdk, "bare aiortc connection", full),
        ("emulator OFFER → first remote audio frame", emulator, "bare aiortc OFFER", offer),
    ):
        figures += [
            Figure(
                f"{label} (median)",
                statistics.median(values) * ms,
                "ms",
                baseline,
                statistics.median(base) * ms,
            ),
            Figure(f"{label} (p95)", _p95(values) * ms, "ms", baseline, _p95(base) * ms),
        ]
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    section, times = asyncio.run(main(args.runs))
    print(section)
    results = Path(__file__).parent / "results" / "media.md"
    write_section(results, "OFFER to first audio frame", section, heading="Media")
    command = f"python benchmarks/media_offer_to_audio.py --runs {args.runs}"
    write_json("media_offer_to_audio", "Media set-up", _figures(times), command=command)
