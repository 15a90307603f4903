"""Media relayed between participants by the emulator's media server, and the active speaker.

Two SDK bots (two users) join one meeting with media over real loopback sockets: ROAP
over ``PUT <self>/media``, then ICE, DTLS and SRTP to the emulator's aiortc media server,
which mixes every participant's audio for the others and names the active speaker in
the mixed audio's RTP CSRCs (mapped to members through Locus ``devices[].csis``).
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.emulator.control_client import ControlAPIError, ControlCall
from webex_meetings.meetings import Meeting
from webex_meetings.meetings.media.active_speaker import ActiveSpeaker
from webex_meetings.meetings.media.sinks import pcm_chunks
from webex_meetings.meetings.media.sources import BlackVideoTrack, SilenceTrack, ToneTrack

from ._meetings import WAIT, Recorder, host_of, registered

pytestmark = pytest.mark.slow

RATE = 16_000


@pytest.fixture(autouse=True)
def _loopback_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda *_, **__: ["127.0.0.1"])


@dataclass
class Bots:
    room: dict[str, Any]
    a: Meeting
    b: Meeting


async def two_bots(
    emulator: Emulator,
    connect: Callable[..., Webex],
    audio_a: Any,
    audio_b: Any,
    *,
    speaker: bool = False,
    video_a: Any = False,
    video_b: Any = False,
) -> Bots:
    """Bot B (the host) and bot A (another user) in one meeting, with media."""
    room = await emulator.create_meeting_room(title="Relay")
    settings = await emulator.set_speaker_enabled(room["sipUrl"], speaker)
    assert settings["speakerEnabled"] is speaker
    host = await host_of(emulator, connect, room)
    guest = await registered(emulator, connect)
    b = await host.meetings.create(room["sipUrl"])
    a = await guest.meetings.create(room["sipUrl"])
    await b.join_with_media(audio=audio_b, video=video_b, share=False)
    await a.join_with_media(audio=audio_a, video=video_a, share=False)
    return Bots(room, a, b)


def power(samples: list[int], hz: float) -> float:
    """Goertzel: the signal's power at ``hz`` (one DFT bin, no FFT needed for two tones)."""
    coefficient = 2 * math.cos(2 * math.pi * hz / RATE)
    previous = before = 0.0
    for sample in samples:
        previous, before = sample + coefficient * previous - before, previous
    return previous * previous + before * before - coefficient * previous * before


async def heard(meeting: Meeting, seconds: float = 1.0) -> list[int]:
    """``seconds`` of the meeting's remote audio at 16 kHz, from its first loud chunk."""
    samples: list[int] = []
    chunks = pcm_chunks(meeting.media.subscribe("remoteAudio"), sample_rate=RATE)
    try:
        async with asyncio.timeout(WAIT):
            async for chunk in chunks:
                data = memoryview(chunk.data).cast("h")
                if samples or max(map(abs, data), default=0) > 1000:
                    samples.extend(data)
                if len(samples) >= seconds * RATE:
                    return samples
    finally:
        await chunks.aclose()
    raise AssertionError("the remote audio ended")


async def session_of(emulator: Emulator, bots: Bots, meeting: Meeting) -> dict[str, Any]:
    sessions = await emulator.media_sessions(bots.room["sipUrl"])
    (mine,) = [s for s in sessions if s["participantId"] == meeting.self_id]
    return mine


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = WAIT) -> None:
    """Poll ``check`` (emulator counters have no event to wait on)."""
    async with asyncio.timeout(timeout):
        while True:
            if await check():
                return
            await asyncio.sleep(0.1)


async def leave(*meetings: Meeting) -> None:
    for meeting in meetings:
        await meeting.leave()


async def test_each_bot_hears_the_other_and_not_itself(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    bots = await two_bots(emulator, connect, ToneTrack(440), ToneTrack(880))
    try:
        for meeting, own, other in ((bots.a, 440, 880), (bots.b, 880, 440)):
            samples = await heard(meeting)
            assert power(samples, other) > 20 * power(samples, own), meeting.self_id
        for meeting in (bots.a, bots.b):
            relay = (await session_of(emulator, bots, meeting))["relay"]
            assert relay["audioIn"] > 0
            assert relay["audioOutFromOthers"] > 0
            assert relay["audioDropped"] <= relay["audioIn"]
    finally:
        await leave(bots.a, bots.b)


async def test_the_listener_is_told_who_speaks(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room_speakers: list[Any] = []
    bots = await two_bots(emulator, connect, ToneTrack(440), SilenceTrack())
    events = Recorder(bots.b, "media:activeSpeakerChanged")
    bots.a.on("media:activeSpeakerChanged", room_speakers.append)
    try:
        await events.until(lambda: bool(events.payloads("media:activeSpeakerChanged")))
        assert events.payloads("media:activeSpeakerChanged")[0] == {"memberIds": [bots.a.self_id]}
        assert bots.b.media.active_speaker.member_ids == [bots.a.self_id]
        # The CSRC is one of A's CSIs, as Locus lists them for A's device.
        session = await session_of(emulator, bots, bots.b)
        speaker_csi = session["activeSpeakerCsi"]
        assert speaker_csi in (await session_of(emulator, bots, bots.a))["csis"]
        member = bots.b.members.find_member_by_csi(speaker_csi)
        assert member is not None
        assert member.id == bots.a.self_id
        assert speaker_csi in member.raw_participant["status"]["csis"]
        # A hears only silence: nobody is speaking for A.
        assert room_speakers == []
        assert (await session_of(emulator, bots, bots.a))["activeSpeakerCsi"] is None
    finally:
        await leave(bots.a, bots.b)


async def test_a_participant_who_stops_sending_does_not_stall_the_mix(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    bots = await two_bots(
        emulator, connect, ToneTrack(440, duration=0.6), SilenceTrack(), speaker=True
    )
    await emulator.set_speaker_audio(bots.room["sipUrl"], 660.0)
    try:
        seen: list[int] = []

        async def a_went_quiet() -> bool:
            # A's tone has ended: its frames stopped reaching the mix.
            mixed = (await session_of(emulator, bots, bots.a))["relay"]["audioIn"]
            seen.append(mixed)
            return len(seen) > 3 and mixed > 0 and seen[-4] == mixed

        await eventually(a_went_quiet)
        before = (await session_of(emulator, bots, bots.b))["relay"]["audioOut"]
        # B still gets a steady mix, and it holds the simulated speaker.
        samples = await heard(bots.b, seconds=0.5)
        assert power(samples, 660) > 20 * power(samples, 440)
        after = await session_of(emulator, bots, bots.b)
        assert after["relay"]["audioOut"] >= before + 25
        assert (await session_of(emulator, bots, bots.a))["relay"]["audioIn"] == seen[-1]
    finally:
        await leave(bots.a, bots.b)


async def test_video_of_the_other_participant_is_relayed(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    bots = await two_bots(
        emulator,
        connect,
        ToneTrack(440),
        SilenceTrack(),
        video_a=BlackVideoTrack(width=160, height=90, fps=10),
        video_b=True,
    )
    try:
        hub_ready = Recorder(bots.b, "media:ready")
        await hub_ready.until(lambda: bots.b.media.remote_hub("remoteVideo") is not None)

        async def b_sees_a() -> bool:
            relay = (await session_of(emulator, bots, bots.b))["relay"]
            hub = bots.b.media.remote_hub("remoteVideo")
            return relay["videoOutFromOthers"] >= 5 and hub is not None and hub.frames_received > 0

        await eventually(b_sees_a)
        # A sends video but B does not: nothing comes back to A.
        assert (await session_of(emulator, bots, bots.a))["relay"]["videoOutFromOthers"] == 0
    finally:
        await leave(bots.a, bots.b)


async def test_speaker_control_validates_and_reports(emulator: Emulator) -> None:
    room = await emulator.create_meeting_room(title="Speaker")
    settings = await emulator.set_speaker_enabled(room["sipUrl"], False)
    assert (settings["speaker"], settings["speakerEnabled"]) == ("off", False)
    # A new tone turns it on again.
    await emulator.set_speaker_audio(room["sipUrl"], 300.0)
    settings = await emulator.set_speaker_enabled(room["sipUrl"], True)
    assert settings["speaker"] == "tone 300 Hz"
    neither = ControlCall("POST", "/_emulator/media/speaker", dict, {"meeting": room["sipUrl"]})
    with pytest.raises(ControlAPIError) as caught:
        await emulator._call(neither)
    assert caught.value.status_code == 400


def test_active_speaker_maps_csrcs_once_per_change_and_retries_unknown_csis() -> None:
    roster: dict[int, str] = {}
    emitted: list[list[str]] = []
    now = [0.0]
    speaker = ActiveSpeaker(roster.get, emitted.append, clock=lambda: now[0])
    speaker.on_csrcs(())
    assert emitted == []  # silence at first is no change
    speaker.on_csrcs((7,))
    assert emitted == []  # CSI 7 is nobody yet (Locus lags)
    roster[7] = "member-a"
    speaker.on_csrcs((7,))
    assert emitted == []  # not retried before RETRY_SECONDS
    now[0] += 1.0
    speaker.on_csrcs((7,))
    assert emitted == [["member-a"]]
    for _ in range(50):
        speaker.on_csrcs((7,))
    assert emitted == [["member-a"]]
    roster[8] = "member-b"
    speaker.on_csrcs((8, 7))
    assert emitted == [["member-a"], ["member-b", "member-a"]]
    speaker.reset()
    assert speaker.member_ids == []
