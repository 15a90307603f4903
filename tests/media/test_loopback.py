"""MeetingMedia against a bare aiortc answerer on loopback, signalled through ``/media``."""

from __future__ import annotations

import array
import asyncio
import re
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from webex_meetings.meetings.errors import AddMediaFailedError, ParameterError
from webex_meetings.meetings.locus import JoinResponse
from webex_meetings.meetings.media import MediaState, MediaTimeouts, MeetingMedia
from webex_meetings.meetings.media.sinks import TrackDrain, drain, pcm_chunks, record
from webex_meetings.meetings.media.sources import ToneTrack

from .conftest import CORRELATION_ID, FakeHost, media_body, remote_sdp, until

pytestmark = pytest.mark.slow


class Answerer:
    """A media server stand-in: answers TURN discovery (no TURN) and OFFERs with aiortc."""

    def __init__(self, *, bad_fingerprint: bool = False, measure: bool = False) -> None:
        self.bad_fingerprint = bad_fingerprint
        self.measure = measure
        self.tasks: list[asyncio.Task[None]] = []
        self.sessions = 0
        self.pc: RTCPeerConnection | None = None
        self.levels: list[int] = []
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
        if roap["messageType"] == "ANSWER":  # to our own (Mercury) offer
            assert self.pc is not None
            await self.pc.setRemoteDescription(RTCSessionDescription(roap["sdps"][0], "answer"))
            return httpx.Response(200, json=remote_sdp(None))
        assert roap["messageType"] == "OFFER"
        media_id = body["localMedias"][0]["mediaId"]
        if self.pc is None or media_id == "":  # "" asks for a new media session
            if self.pc is not None:
                await self.pc.close()
            self.pc = self._new_pc()
            self.sessions += 1
        pc = self.pc
        await pc.setRemoteDescription(RTCSessionDescription(roap["sdps"][0], "offer"))
        audio = pc.getTransceivers()[0]
        if audio.sender.track is None:
            audio.direction = "sendrecv"
            audio.sender.replaceTrack(ToneTrack(880, amplitude=0.5))
        await pc.setLocalDescription(await pc.createAnswer())
        sdp = pc.localDescription.sdp
        if self.bad_fingerprint:  # DTLS then fails: the connection never comes up
            sdp = re.sub(r"(a=fingerprint:\S+ )[0-9A-F:]+", lambda m: m[1] + "00:" * 31 + "00", sdp)
        answer = {"messageType": "ANSWER", "version": "2", "seq": roap["seq"], "sdps": [sdp]}
        return httpx.Response(200, json=remote_sdp(answer, f"media-{self.sessions}"))

    def _new_pc(self) -> RTCPeerConnection:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            if track.kind != "audio":
                return
            self.track = track
            if self.measure:
                self.tasks.append(asyncio.create_task(self._levels(track)))
            else:
                self.drain = drain(track)

        return pc

    async def _levels(self, track: MediaStreamTrack) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            samples = array.array("h", bytes(frame.planes[0]))
            self.levels.append(max(abs(s) for s in samples))

    async def aclose(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.drain is not None:
            await self.drain.stop()
        if self.pc is not None:
            await self.pc.close()


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
        assert media.turn is not None
        assert media.turn.ice_servers() == []

        # Signalling: TURN discovery (seq 0) then one OFFER (seq 1) with the mute state.
        kinds = [s["roapMessage"]["messageType"] for s in answerer.local_sdps]
        assert kinds == ["TURN_DISCOVERY_REQUEST", "OFFER"]
        offer = answerer.local_sdps[1]
        assert offer["roapMessage"]["seq"] == 1
        assert offer["audioMuted"] is False
        assert offer["videoMuted"] is True
        assert "a=content:slides" in offer["roapMessage"]["sdps"][0]

        recording = await record(str(tmp_path / "in.wav"), ready[0]["stream"])
        chunks = pcm_chunks(media.subscribe("remoteAudio"))
        unread = media.subscribe("remoteAudio", max_frames=5)
        first = await asyncio.wait_for(anext(chunks), 15)
        assert first.sample_rate == 16000
        assert first.channels == 1
        assert len(first.data) == first.samples * 2

        hub = media.remote_hub("remoteAudio")
        assert hub is not None
        assert hub.source is not None
        await until(lambda: hub.frames_received >= 60)
        await until(lambda: answerer.drain is not None and answerer.drain.frames >= 60)
        await recording.stop()
        # Nobody reads `unread` or the server's raw track, yet nothing piles up.
        assert unread.buffered <= 5
        assert unread.dropped > 0
        assert hub.source._queue.qsize() <= 10  # type: ignore[attr-defined]
        assert answerer.track is not None
        assert answerer.track._queue.qsize() <= 10  # type: ignore[attr-defined]

        with wave.open(str(tmp_path / "in.wav")) as wav:
            assert wav.getnframes() > 0
            samples = array.array("h", wav.readframes(wav.getnframes()))
        assert max(abs(s) for s in samples) > 1000
    finally:
        await media.close()
        await answerer.aclose()
    assert media.state is MediaState.CLOSED
    assert stopped == [{"type": "remoteAudio"}]


def _roap_event(message: dict[str, Any]) -> dict[str, Any]:
    return {
        "data": {
            "eventType": "locus.message.roap",
            "correlationId": CORRELATION_ID,
            "message": message,
        }
    }


async def test_mute_renegotiation_and_server_offer(webex_for: Callable[..., Any]) -> None:
    answerer = Answerer(measure=True)
    webex = webex_for(answerer)
    host = FakeHost(webex)
    published: list[dict[str, Any]] = []
    host.on("meeting:streamPublishStateChanged", published.append)
    media = MeetingMedia(webex, host, timeouts=MediaTimeouts(answer=10, turn=5, connect=10))
    try:
        await media.add_media(audio=True, video="recvonly", share=False)
        assert media.mute_state() == (True, True)  # nothing published yet
        await media.publish(ToneTrack(440, amplitude=0.5), "audio")
        assert published[-1]["isPublished"] is True
        assert published[-1]["mediaType"] == "audio"
        mute_bodies = [s for s in answerer.local_sdps if "roapMessage" not in s]
        assert mute_bodies == [{"audioMuted": False, "videoMuted": True}]
        await until(lambda: len(answerer.levels) > 10 and answerer.levels[-1] > 3000)

        await media.mute_audio()
        assert answerer.local_sdps[-1] == {"audioMuted": True, "videoMuted": True}
        assert answerer.bodies[-1]["respOnlySdp"] is True
        assert host.deltas == [{"self": {"id": "P1"}}] * 2  # both responses applied
        mark = len(answerer.levels)
        await until(lambda: len(answerer.levels) > mark + 25)
        assert max(answerer.levels[-5:]) < 50  # silence is sent while muted
        await media.unmute_audio()
        mark = len(answerer.levels)
        await until(lambda: len(answerer.levels) > mark + 5 and answerer.levels[-1] > 3000)

        # A direction change renegotiates with the next seq.
        await media.update_media(video=False)
        offer = answerer.local_sdps[-1]["roapMessage"]
        assert offer["messageType"] == "OFFER"
        assert offer["seq"] == 2
        assert "a=inactive" in offer["sdps"][0].split("m=video")[1]

        # A server-initiated OFFER over Mercury is answered over /media.
        assert answerer.pc is not None
        await answerer.pc.setLocalDescription(await answerer.pc.createOffer())
        server_offer = {
            "messageType": "OFFER",
            "version": "2",
            "seq": 3,
            "tieBreaker": 1,
            "sdps": [answerer.pc.localDescription.sdp],
        }
        webex.internal.mercury.emit("event:locus.message.roap", _roap_event(server_offer))
        await until(lambda: answerer.pc is not None and answerer.pc.signalingState == "stable")
        reply = answerer.local_sdps[-1]["roapMessage"]
        assert (reply["messageType"], reply["seq"]) == ("ANSWER", 3)
        assert media.roap_seq == 3
        assert media.state is MediaState.CONNECTED
        mark = len(answerer.levels)
        await until(lambda: len(answerer.levels) > mark + 5)  # media still flows

        await media.unpublish("audio")
        assert published[-1]["isPublished"] is False
        assert answerer.local_sdps[-1] == {"audioMuted": True, "videoMuted": True}
    finally:
        await media.close()
        await answerer.aclose()


async def test_ice_failure_retries_once_with_turn_discovery(webex_for: Callable[..., Any]) -> None:
    answerer = Answerer(bad_fingerprint=True)
    webex = webex_for(answerer)
    media = MeetingMedia(
        webex, FakeHost(webex), timeouts=MediaTimeouts(answer=10, turn=5, connect=1)
    )
    try:
        with pytest.raises(AddMediaFailedError, match="ICE and DTLS"):
            await media.add_media(audio="recvonly", video=False, share=False)
    finally:
        await media.close()
        await answerer.aclose()
    kinds = [s["roapMessage"]["messageType"] for s in answerer.local_sdps]
    assert kinds == ["TURN_DISCOVERY_REQUEST", "OFFER", "TURN_DISCOVERY_REQUEST", "OFFER"]
    assert media.state is MediaState.CLOSED


async def test_lost_connection_reconnects_with_a_new_media_session(
    webex_for: Callable[..., Any],
) -> None:
    answerer = Answerer()
    webex = webex_for(answerer, {"meetings": {"reconnection": {"enabled": True}}})
    host = FakeHost(webex)
    events: list[str] = []
    for name in ("starting", "success", "failure"):
        host.on(f"meeting:reconnection{name.capitalize()}", lambda *a, n=name: events.append(n))
    ready: list[dict[str, Any]] = []
    host.on("media:ready", ready.append)
    media = MeetingMedia(webex, host, timeouts=MediaTimeouts(answer=10, turn=5, connect=10))
    try:
        await media.add_media(audio=ToneTrack(440), video=False, share=False)
        hub = media.remote_hub("remoteAudio")
        assert hub is not None
        assert media.media_id == "media-1"
        reader = ready[0]["stream"]
        assert answerer.pc is not None
        await answerer.pc.close()  # the media server goes away
        await media.wait_for_state(MediaState.RECONNECTING, timeout=10)
        await media.wait_for_state(MediaState.CONNECTED, timeout=15)
        assert events == ["starting", "success"]
        kinds = [
            (s["roapMessage"]["messageType"], b["localMedias"][0]["mediaId"])
            for s, b in zip(answerer.local_sdps, answerer.bodies, strict=True)
        ]
        assert kinds[2:] == [("TURN_DISCOVERY_REQUEST", ""), ("OFFER", "")]
        assert media.media_id == "media-2"
        assert answerer.sessions == 2
        mark = hub.frames_received
        await until(lambda: hub.frames_received > mark + 10)
        for _ in range(5):  # the media:ready reader keeps receiving
            await asyncio.wait_for(reader.recv(), 10)
        assert len(ready) == 1
        assert await media.reconnect() is True
        assert events == ["starting", "success"] * 2
    finally:
        await media.close()
        await answerer.aclose()


async def test_join_with_media_carries_turn_in_the_join_and_retries_once(
    webex_for: Callable[..., Any],
) -> None:
    answerer = Answerer()
    refused: list[int] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        _, local = media_body(request)
        if local.get("roapMessage", {}).get("messageType") == "OFFER" and not refused:
            refused.append(1)
            return httpx.Response(400, json={"message": "bad offer", "errorCode": 1})
        return await answerer(request)

    webex = webex_for(handler)
    host = FakeHost(webex)
    joins: list[Any] = []
    leaves: list[int] = []

    async def join(roap: Any) -> JoinResponse:
        joins.append(roap)
        turn = {
            "messageType": "TURN_DISCOVERY_RESPONSE",
            "seq": 0,
            "headers": [
                "x-cisco-turn-url=",
                "x-cisco-turn-username=u",
                "x-cisco-turn-password=p",
                "noOkInTransaction",
            ],
        }
        connections = remote_sdp(turn, "media-1")["mediaConnections"]
        return JoinResponse({}, connections, "https://l", "l", "P1", "media-1")

    async def leave() -> None:
        leaves.append(1)

    media = MeetingMedia(webex, host, timeouts=MediaTimeouts(answer=10, turn=5, connect=10))
    try:
        response = await media.join_with_media(
            join, audio="recvonly", video=False, share=False, leave=leave
        )
        assert response.media_id == "media-1"
        assert media.state is MediaState.CONNECTED
    finally:
        await media.close()
        await answerer.aclose()
    assert joins == [media.turn_discovery_request()] * 2
    assert joins[0]["messageType"] == "TURN_DISCOVERY_REQUEST"
    assert leaves == [1]  # left once between the failed and the good attempt
    # TURN discovery rode in the join: only OFFERs went over /media.
    assert [s["roapMessage"]["messageType"] for s in answerer.local_sdps] == ["OFFER"]
    with pytest.raises(ParameterError, match="allow_media_in_lobby"):
        await media.join_with_media(join, allow_media_in_lobby=False)
