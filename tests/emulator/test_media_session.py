"""The media server with real WebRTC media over loopback: offers, answers, media, mute.

A bare aiortc client (the test's) joins, sends ROAP over ``PUT <self>/media`` and reads
the answer from the HTTP response or from Mercury (ROAP protocol).
"""

from __future__ import annotations

import asyncio
import json
import wave
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator

from .locus_support import TIMEOUT, User, make_user, self_device
from .media_support import (
    MediaClient,
    eventually,
    join,
    loopback_only,
    next_event,
    offer,
    roap_event,
    until,
)


@pytest.fixture(autouse=True)
def _loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    loopback_only(monkeypatch)


@pytest.fixture
def emu(webex_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return webex_emulator


@pytest.fixture
async def user(emu: ThreadedEmulator) -> AsyncIterator[User]:
    async with httpx.AsyncClient(trust_env=False) as http:
        joined = await make_user(emu, http, seeded=True)
        yield joined
        await joined.close()


@pytest.fixture
async def client() -> AsyncIterator[MediaClient]:
    media = MediaClient()
    yield media
    await media.close()


async def _sessions(emu: ThreadedEmulator, meeting: str) -> list[dict[str, Any]]:
    return await asyncio.to_thread(emu.media_sessions, meeting)


def _self_sessions(data: dict[str, Any], device_url: str) -> list[dict[str, Any]] | None:
    me = data.get("locus", {}).get("self")
    if me is None:
        return None
    return list(self_device(data["locus"], device_url)["mediaSessions"])


async def test_offer_answered_in_http_and_media_flows_both_ways(
    emu: ThreadedEmulator, user: User, client: MediaClient
) -> None:
    m = await join(emu, user)
    client.keep_audio = 40
    answer = await m.connect(client)
    assert answer["seq"] == 1
    assert answer["version"] == "2"
    assert answer["headers"] == ["noOkInTransaction"]
    sdp = answer["sdps"][0]
    assert sdp.split("\r\n")[1].startswith("o=linus ")
    assert "a=group:BUNDLE" in sdp
    assert all(" 127.0.0.1 " in line for line in sdp.split("\r\n") if line.startswith("a=cand"))
    # The simulated speaker: a 440 Hz tone by default.
    await until(lambda: client.keep_audio == 0)
    assert client.tone_hz() == pytest.approx(440, rel=0.1)
    # The server reads (and counts) what the client sends.
    (session,) = await eventually(
        lambda: _sessions(emu, m.meeting),
        lambda found: found[0]["framesReceived"].get("audio", 0) >= 10,
    )
    assert session["state"] == "connected"
    assert session["mediaId"] == m.media_id
    assert session["roapSeq"] == 1
    assert session["bytesReceived"] > 0
    assert session["bytesSent"] > 0
    assert session["packetsReceived"]["audio"] > 0
    assert session["speaker"] == "tone 440 Hz"
    # Locus shows this device's media sessions active.
    pushed = await next_event(
        user,
        lambda d: any(s["state"] == "active" for s in _self_sessions(d, user.device_url) or []),
    )
    sessions = _self_sessions(pushed, user.device_url)
    assert sessions is not None
    assert sessions[0] == {
        "mediaType": "audio",
        "mediaContent": "main",
        "direction": "sendrecv",
        "state": "active",
    }
    assert sessions[1]["mediaType"] == "video"
    # Video is off on the server and receive-only on the client: nothing flows.
    assert sessions[1]["direction"] == "inactive"


async def test_answer_over_mercury_and_synthetic_video_and_share(
    emu: ThreadedEmulator, user: User
) -> None:
    m = await join(emu, user)
    settings = emu.set_media_options(m.meeting, video=True, share=True)
    assert settings["video"] is settings["share"] is True
    client = MediaClient(share_line=True)
    try:
        sent = offer(1, await client.offer_sdp(), headers=["noOkInTransaction"])
        response = await m.put(sent, correlation_id=m.correlation_id)
        remote = json.loads(response["mediaConnections"][0]["remoteSdp"])
        assert "roapMessage" not in remote
        assert remote["type"] == "SDP"
        assert isinstance(response["locus"], dict)
        event = await next_event(user, roap_event)
        assert event["correlationId"] == m.correlation_id
        reply = event["message"]
        assert reply["messageType"] == "ANSWER"
        assert reply["seq"] == 1
        await client.accept(reply["sdps"][0])
        await asyncio.wait_for(asyncio.shield(client.first_audio), TIMEOUT)
        await until(lambda: client.frames.get("video", 0) > 2 and client.frames.get("share", 0) > 1)
        (session,) = await _sessions(emu, m.meeting)
        assert session["state"] == "connected"
    finally:
        await client.close()


async def test_local_mute_updates_self_status_and_pushes_a_delta(
    emu: ThreadedEmulator, user: User, client: MediaClient
) -> None:
    m = await join(emu, user)
    await m.connect(client)
    answer = await m.put(None, audio_muted=True, video_muted=False)
    assert answer["locus"]["self"]["status"]["audioStatus"] == "RECVONLY"
    assert answer["locus"]["self"]["status"]["videoStatus"] == "SENDRECV"
    assert answer["mediaConnections"] == [{"mediaId": m.media_id, "type": "SDP"}]
    pushed = await next_event(
        user,
        lambda d: (
            d.get("eventType") == "locus.difference"
            and d["locus"].get("self", {}).get("status", {}).get("audioStatus") == "RECVONLY"
        ),
    )
    assert pushed["locus"]["self"]["status"]["videoStatus"] == "SENDRECV"
    # Media keeps flowing: a local mute is signalling only.
    before = client.frames["audio"]
    await until(lambda: client.frames["audio"] > before + 5)


def _write_tone(path: Path, hz: int, rate: int = 16_000) -> None:
    import array
    import math

    samples = array.array(
        "h", (int(9000 * math.sin(2 * math.pi * hz * i / rate)) for i in range(rate))
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


async def test_speaker_plays_a_wav_file_then_a_tone(
    emu: ThreadedEmulator, user: User, client: MediaClient, tmp_path: Path
) -> None:
    m = await join(emu, user)
    wav = tmp_path / "speaker.wav"
    _write_tone(wav, 1000)
    emu.set_speaker_audio(m.meeting, wav)
    client.keep_audio = 40
    await m.connect(client)
    await until(lambda: client.keep_audio == 0)
    assert client.tone_hz() == pytest.approx(1000, rel=0.1)
    (session,) = await _sessions(emu, m.meeting)
    assert session["speaker"] == "file speaker.wav"
    # Changed live, on the running connection.
    emu.set_speaker_audio(m.meeting, 250)
    await asyncio.sleep(0.1)  # let frames already encoded drain (not an assertion)
    client.audio.clear()
    client.keep_audio = 40
    await until(lambda: client.keep_audio == 0)
    assert client.tone_hz() == pytest.approx(250, rel=0.15)


async def test_bad_speaker_source_is_refused(emu: ThreadedEmulator, tmp_path: Path) -> None:
    room = emu.create_meeting_room(host_email=emu.person_email)
    bogus = tmp_path / "noise.wav"
    bogus.write_bytes(b"not audio at all")
    from webex_meetings.emulator.control_client import ControlAPIError

    with pytest.raises(ControlAPIError) as caught:
        emu.set_speaker_audio(room["meetingNumber"], bogus)
    assert caught.value.status_code == 400
    with pytest.raises(ControlAPIError):
        emu.set_speaker_audio(room["meetingNumber"], tmp_path / "missing.wav")
