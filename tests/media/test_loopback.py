"""MeetingMedia against a bare aiortc answerer on loopback, signalled through ``/media``."""

from __future__ import annotations

import array
import asyncio
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from webex_meetings.meetings.media import MediaState, MediaTimeouts, MeetingMedia
from webex_meetings.meetings.media.sinks import TrackDrain, drain, pcm_chunks, record
from webex_meetings.meetings.media.sources import ToneTrack

from .conftest import FakeHost, media_body, remote_sdp

pytestmark = pytest.mark.slow


class Answerer:
    """A media server stand-in: answers TURN discovery (no TURN) and OFFERs with aiortc."""

    def __init__(self) -> None:
        self.pc: RTCPeerConnection | None = None
        self.bodies: list[dict[str, Any]] = []
        self.local_sdps: list[dict[str, Any]] = []
        self.drain: TrackDrain | None = None
        self.track: MediaStreamTrack | None = None

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        body, local = media_body(request)
        self.bodies.append(body)
        self.local_sdps.append(local)
        roap = local.get("roapMessage")
        if roap is None:  # local mute
            return httpx.Response(200, json={"locus": {"self": {"id": "P1"}}})
        if roap["messageType"] == "TURN_DISCOVERY_REQUEST":
            # An empty TURN URL (a video-mesh node) means: no ICE servers at all.
            headers = [
                "x-cisco-turn-url=",
                "x-cisco-turn-username=u",
                "x-cisco-turn-password=p",
                "noOkInTransaction",
            ]
            reply = {"messageType": "TURN_DISCOVERY_RESPONSE", "seq": "0", "headers": headers}
            return httpx.Response(200, json=remote_sdp(reply))
        assert roap["messageType"] == "OFFER"
        pc = self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind == "audio":
                self.track = track
                self.drain = drain(track)

        await pc.setRemoteDescription(RTCSessionDescription(roap["sdps"][0], "offer"))
        audio = pc.getTransceivers()[0]
        audio.direction = "sendrecv"
        audio.sender.replaceTrack(ToneTrack(880, amplitude=0.5))
        await pc.setLocalDescription(await pc.createAnswer())
        answer = {
            "messageType": "ANSWER",
            "version": "2",
            "seq": roap["seq"],
            "sdps": [pc.localDescription.sdp],
        }
        return httpx.Response(200, json=remote_sdp(answer))


async def _until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.02)


async def test_audio_flows_both_ways_and_sinks_work(
    webex_for: Callable[..., Any], tmp_path: Path
) -> None:
    answerer = Answerer()
    webex = webex_for(answerer)
    host = FakeHost(webex)
    ready: list[dict[str, Any]] = []
    stopped: list[dict[str, Any]] = []
    host.on("media:ready", ready.append)
    host.on("media:stopped", stopped.append)
    media = MeetingMedia(webex, host, timeouts=MediaTimeouts(answer=10, turn=5, connect=10))
    try:
        await media.add_media(audio=ToneTrack(440, amplitude=0.5), video="recvonly", share=True)
        assert media.state is MediaState.CONNECTED
        assert [event["type"] for event in ready] == ["remoteAudio"]
        assert media.turn is not None and media.turn.ice_servers() == []

        # Signalling: TURN discovery (seq 0) then one OFFER (seq 1) with the mute state.
        kinds = [s["roapMessage"]["messageType"] for s in answerer.local_sdps]
        assert kinds == ["TURN_DISCOVERY_REQUEST", "OFFER"]
        offer = answerer.local_sdps[1]
        assert offer["roapMessage"]["seq"] == 1
        assert offer["audioMuted"] is False and offer["videoMuted"] is True
        assert "a=content:slides" in offer["roapMessage"]["sdps"][0]

        recording = await record(str(tmp_path / "in.wav"), ready[0]["stream"])
        chunks = pcm_chunks(media.subscribe("remoteAudio"))
        unread = media.subscribe("remoteAudio", max_frames=5)
        first = await asyncio.wait_for(anext(chunks), 15)
        assert first.sample_rate == 16000 and first.channels == 1
        assert len(first.data) == first.samples * 2

        hub = media.remote_hub("remoteAudio")
        assert hub is not None and hub.source is not None
        await _until(lambda: hub.frames_received >= 60)
        await _until(lambda: answerer.drain is not None and answerer.drain.frames >= 60)
        await recording.stop()
        # Nobody reads `unread` or the server's raw track, yet nothing piles up.
        assert unread.buffered <= 5 and unread.dropped > 0
        assert hub.source._queue.qsize() <= 10  # type: ignore[attr-defined]
        assert answerer.track is not None
        assert answerer.track._queue.qsize() <= 10  # type: ignore[attr-defined]

        with wave.open(str(tmp_path / "in.wav")) as wav:
            assert wav.getnframes() > 0
            samples = array.array("h", wav.readframes(wav.getnframes()))
        assert max(abs(s) for s in samples) > 1000
    finally:
        await media.close()
        if answerer.drain is not None:
            await answerer.drain.stop()
        if answerer.pc is not None:
            await answerer.pc.close()
    assert media.state is MediaState.CLOSED
    assert stopped == [{"type": "remoteAudio"}]
