"""Helpers for the media server tests: a bare aiortc client speaking ROAP over ``/media``.

The client is the test's own: no SDK code. It offers audio (sendrecv, silence) plus
receive-only video lines, reads every remote track (counting frames, keeping a little
decoded audio to measure the tone), and keeps ICE on loopback like the server does.
"""

from __future__ import annotations

import array
import asyncio
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aioice.ice
import pytest
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, MediaStreamTrack

from .locus_support import TIMEOUT, User, self_device

WEB_TIE_BREAKER = 0xFFFFFFFE
HEADERS = ["includeAnswerInHttpResponse", "noOkInTransaction"]


def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the test client's ICE candidates on loopback (no other address is used)."""
    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda use_ipv4, use_ipv6: ["127.0.0.1"])


class MediaClient:
    """One aiortc peer connection acting as a meeting client."""

    def __init__(self, *, share_line: bool = False) -> None:
        # max-bundle, as browsers do in effect (aiortc's default splits same-kind lines).
        config = RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        self.pc = RTCPeerConnection(config)
        self.pc.addTrack(AudioStreamTrack())
        self.pc.addTransceiver("video", direction="recvonly")
        self.share_line = share_line
        if share_line:
            self.pc.addTransceiver("video", direction="recvonly")
        self.frames: dict[str, int] = {}
        self.first_audio: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.audio: list[int] = []
        self.keep_audio = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self.pc.on("track", self._on_track)

    def _on_track(self, track: MediaStreamTrack) -> None:
        mid = next(t.mid for t in self.pc.getTransceivers() if t.receiver.track is track)
        label = {"0": "audio", "1": "video", "2": "share"}.get(str(mid), track.kind)
        task = asyncio.get_running_loop().create_task(self._read(track, label))
        self._tasks.add(task)

    async def _read(self, track: MediaStreamTrack, label: str) -> None:
        self.frames[label] = 0
        try:
            while True:
                frame = await track.recv()
                self.frames[label] += 1
                if label == "audio":
                    if not self.first_audio.done():
                        self.first_audio.set_result(time.perf_counter())
                    if self.keep_audio > 0:
                        self.keep_audio -= 1
                        samples = array.array("h", bytes(frame.planes[0]))
                        channels = len(frame.layout.channels)
                        self.audio.extend(samples[::channels][: frame.samples])
        except MediaStreamError:
            pass

    async def offer_sdp(self) -> str:
        """Create and apply an offer; returns the SDP sent (slides line marked)."""
        await self.pc.setLocalDescription(await self.pc.createOffer())
        sdp = str(self.pc.localDescription.sdp)
        if self.share_line:
            # The SDK marks its third line as slides; aiortc has no API for it.
            parts = re.split(r"(?=m=video)", sdp)
            parts[-1] = parts[-1].replace("a=mid:2\r\n", "a=mid:2\r\na=content:slides\r\n")
            sdp = "".join(parts)
        return sdp

    async def accept(self, answer: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))

    async def answer_offer(self, offer: str) -> str:
        """Apply a server re-offer and return the answer."""
        await self.pc.setRemoteDescription(RTCSessionDescription(offer, "offer"))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return str(self.pc.localDescription.sdp)

    async def wait_state(self, *states: str) -> str:
        await until(lambda: self.pc.connectionState in states)
        return str(self.pc.connectionState)

    def tone_hz(self) -> float:
        """The main frequency of the kept audio, from its zero crossings."""
        samples = self.audio
        crossings = sum(1 for a, b in itertools.pairwise(samples) if (a < 0) != (b < 0))
        return crossings / 2 / (len(samples) / 48_000)

    async def close(self) -> None:
        await self.pc.close()
        for task in self._tasks:
            task.cancel()


def offer(seq: int, sdp: str, *, headers: list[str] | None = None, tie: int = WEB_TIE_BREAKER):
    return {
        "messageType": "OFFER",
        "version": "2",
        "seq": seq,
        "tieBreaker": tie,
        "sdps": [sdp],
        "headers": HEADERS if headers is None else headers,
    }


def media_body(
    user: User,
    media_id: str,
    roap: dict[str, Any] | None,
    *,
    audio_muted: bool = False,
    video_muted: bool = True,
    correlation_id: str = "corr",
) -> dict[str, Any]:
    """A ``PUT <self>/media`` body shaped like the SDK's (ROAP protocol)."""
    local: dict[str, Any] = {"audioMuted": audio_muted, "videoMuted": video_muted}
    body: dict[str, Any] = {
        "device": {"url": user.device_url, "deviceType": "WEB"},
        "correlationId": correlation_id,
        "clientMediaPreferences": {"preferTranscoding": True},
    }
    if roap is not None:
        local["roapMessage"] = roap
    else:
        body.update(respOnlySdp=True, usingResource=None)
    body["localMedias"] = [{"mediaId": media_id, "localSdp": json.dumps(local)}]
    return body


class Joined:
    """A user joined to a meeting, with what the media requests need."""

    def __init__(self, user: User, meeting: str, locus: dict[str, Any]) -> None:
        self.user = user
        self.meeting = meeting
        self.locus = locus
        self.self_url = str(locus["self"]["url"])
        self.correlation_id = str(self_device(locus, user.device_url)["correlationId"])
        connections = self_device(locus, user.device_url)["mediaConnections"]
        self.media_id = str(connections[0]["mediaId"])

    async def put(self, roap: dict[str, Any] | None, **options: Any) -> dict[str, Any]:
        body = media_body(self.user, self.media_id, roap, **options)
        response = await self.user.request("PUT", f"{self.self_url}/media", json=body)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def roap(self, roap: dict[str, Any], **options: Any) -> dict[str, Any] | None:
        """Send a ROAP message; returns the reply found in the HTTP response, if any."""
        answer = await self.put(roap, correlation_id=self.correlation_id, **options)
        (connection,) = answer["mediaConnections"]
        remote = json.loads(connection["remoteSdp"])
        reply = remote.get("roapMessage")
        return dict(reply) if reply is not None else None

    async def connect(self, client: MediaClient, seq: int = 1) -> dict[str, Any]:
        """OFFER with the reply in HTTP, apply the ANSWER, wait for the first audio frame."""
        reply = await self.roap(offer(seq, await client.offer_sdp()))
        assert reply is not None, "no answer in the HTTP response"
        assert reply["messageType"] == "ANSWER", reply
        await client.accept(reply["sdps"][0])
        await asyncio.wait_for(asyncio.shield(client.first_audio), TIMEOUT)
        return reply


async def join(emu: Any, user: User, **room: Any) -> Joined:
    created = emu.create_meeting_room(host_email=emu.person_email, **room)
    locus = await user.enter(emu, created["sipUrl"])
    return Joined(user, str(created["meetingNumber"]), locus)


async def next_event(
    user: User, want: Callable[[dict[str, Any]], bool], timeout: float = TIMEOUT
) -> dict[str, Any]:
    """The ``data`` of the next Mercury frame ``want`` accepts (others are skipped)."""
    assert user.ws is not None
    async with asyncio.timeout(timeout):
        while True:
            frame = json.loads(await user.ws.recv())
            if "id" in frame:
                await user.ws.send(json.dumps({"messageId": frame["id"], "type": "ack"}))
            data = dict(frame.get("data", {}))
            if want(data):
                return data


def roap_event(data: dict[str, Any]) -> bool:
    return data.get("eventType") == "locus.message.roap"


async def eventually(
    probe: Callable[[], Awaitable[Any]], check: Callable[[Any], bool], timeout: float = TIMEOUT
) -> Any:
    """Poll ``probe`` until ``check`` accepts its value; returns that value."""
    async with asyncio.timeout(timeout):
        while True:
            value = await probe()
            if check(value):
                return value
            await asyncio.sleep(0.05)


async def until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> None:
    """Wait until ``condition()`` holds."""
    async with asyncio.timeout(timeout):
        while True:
            if condition():
                return
            await asyncio.sleep(0.02)
