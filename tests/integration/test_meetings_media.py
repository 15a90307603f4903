"""Meeting media end to end: ``Meeting`` ↔ the emulator's Locus and aiortc media server.

Everything runs over real loopback sockets: Locus and Mercury over HTTP/WebSocket, ROAP
over ``PUT <self>/media``, media over ICE, DTLS and SRTP. The emulator's simulated
speaker plays a tone; what the client sends is measured by the emulator's counters.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import Meeting, MeetingLifecycle
from webex_meetings.meetings.errors import (
    AddMediaFailedError,
    MediaError,
    NoMediaEstablishedYetError,
    ParameterError,
    UserNotJoinedError,
)
from webex_meetings.meetings.locus import LocusInfoEvents
from webex_meetings.meetings.media import MediaKind, MediaState, MediaTimeouts
from webex_meetings.meetings.media.sinks import pcm_chunks, record
from webex_meetings.meetings.media.sources import ToneTrack

from ._meetings import WAIT, Recorder, config, host_of

pytestmark = pytest.mark.slow

TONE_HZ = 523.0
RECONNECTION_EVENTS = (
    "meeting:reconnectionStarting",
    "meeting:reconnectionSuccess",
    "meeting:reconnectionFailure",
)


@pytest.fixture(autouse=True)
def _loopback_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda *_, **__: ["127.0.0.1"])


async def bot(
    emulator: Emulator,
    connect: Callable[..., Webex],
    *,
    reconnection: bool = False,
    auto_rejoin: bool = True,
) -> Webex:
    """A registered client of the seeded user, with media reconnection on or off."""
    cfg = config(emulator)
    cfg["meetings"] = {"reconnection": {"enabled": reconnection, "autoRejoin": auto_rejoin}}
    webex = connect(config=cfg)
    await webex.meetings.register()
    return webex


async def room_with_tone(emulator: Emulator) -> dict[str, Any]:
    room = await emulator.create_meeting_room(title="Media")
    await emulator.set_speaker_audio(room["sipUrl"], TONE_HZ)
    return room


async def session(emulator: Emulator, meeting: Meeting) -> dict[str, Any]:
    """The emulator's media session of ``meeting``'s participant."""
    assert meeting.sip_uri is not None
    sessions = await emulator.media_sessions(meeting.sip_uri)
    mine = [s for s in sessions if s["participantId"] == meeting.self_id]
    assert len(mine) == 1, sessions
    return mine[0]


async def wait_until(check: Callable[[], Any], timeout: float = WAIT) -> None:
    """Poll an async or plain check (emulator counters have no event to wait on)."""
    async with asyncio.timeout(timeout):
        while True:
            result = check()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return
            await asyncio.sleep(0.05)


async def bytes_per_audio_packet(emulator: Emulator, meeting: Meeting) -> float:
    """Average size of the audio packets the emulator receives from now on.

    A tone needs far bigger Opus packets than silence; sizes do not depend on how fast
    a loaded machine runs, unlike rates.
    """
    first = await session(emulator, meeting)
    later: dict[str, Any] = first

    async def enough() -> bool:
        nonlocal later
        later = await session(emulator, meeting)
        return bool(later["packetsReceived"]["audio"] - first["packetsReceived"]["audio"] >= 25)

    await wait_until(enough)
    packets = later["packetsReceived"]["audio"] - first["packetsReceived"]["audio"]
    return float(later["bytesReceived"] - first["bytesReceived"]) / packets


def self_audio_status(locus: dict[str, Any], participant_id: str) -> str | None:
    for participant in locus["participants"]:
        if participant["id"] == participant_id:
            status: str | None = participant.get("status", {}).get("audioStatus")
            return status
    raise AssertionError(f"no participant {participant_id}")


async def test_join_with_media_by_sip_hears_the_speaker_records_it_and_leaves(
    emulator: Emulator, connect: Callable[..., Webex], tmp_path: Path
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    events = Recorder(meeting, "media:ready", "media:stopped")

    await meeting.join_with_media(audio="recvonly", video=False, share=False)

    assert meeting.lifecycle is MeetingLifecycle.JOINED
    assert meeting.media.state is MediaState.CONNECTED
    await events.until(lambda: bool(events.payloads("media:ready")))
    ready = events.payloads("media:ready")[0]
    assert ready["type"] == "remoteAudio"
    assert ready["stream"] is ready["track"]
    assert (await session(emulator, meeting))["state"] == "connected"

    # The PCM iterator yields the speaker's samples (not silence).
    chunks = pcm_chunks(meeting.media.subscribe("remoteAudio"), sample_rate=16000)
    async with asyncio.timeout(WAIT):
        async for chunk in chunks:
            samples = memoryview(chunk.data).cast("h")
            if chunk.samples and max(abs(x) for x in samples) > 1000:
                break
    await chunks.aclose()

    # And a WAV recording of it holds the tone.
    path = tmp_path / "meeting.wav"
    recording = await record(str(path), meeting.media.subscribe("remoteAudio"))
    hub = meeting.media.remote_hub("remoteAudio")
    assert hub is not None
    start = hub.frames_received
    await wait_until(lambda: hub.frames_received - start >= 25)  # 0.5 s of 20 ms frames
    await recording.stop()
    from webex_meetings.demo import _summarize_wav

    summary = _summarize_wav(path)
    assert summary.duration > 0.2
    assert not summary.silent
    assert summary.tone_hz == pytest.approx(TONE_HZ, rel=0.1)

    await meeting.leave()
    assert meeting.media.state is MediaState.CLOSED
    assert events.payloads("media:stopped") == [{"type": "remoteAudio"}]
    assert await emulator.media_sessions(room["sipUrl"]) == []


async def test_self_mute_reaches_locus_and_silences_what_is_sent(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join_with_media(audio=ToneTrack(440), video=False, share=False)
    assert meeting.self_id is not None
    locus = await emulator.locus(room["sipUrl"])
    assert self_audio_status(locus, meeting.self_id) == "SENDRECV"
    speaking = await bytes_per_audio_packet(emulator, meeting)

    await meeting.mute_audio()

    locus = await emulator.locus(room["sipUrl"])
    assert self_audio_status(locus, meeting.self_id) == "RECVONLY"
    muted = await bytes_per_audio_packet(emulator, meeting)
    assert muted < speaking / 3, (muted, speaking)

    await meeting.unmute_audio()
    locus = await emulator.locus(room["sipUrl"])
    assert self_audio_status(locus, meeting.self_id) == "SENDRECV"
    assert await bytes_per_audio_packet(emulator, meeting) > speaking / 2
    await meeting.leave()


async def test_a_host_mute_stops_the_bots_audio_until_unmuted(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await room_with_tone(emulator)
    host = await host_of(emulator, connect, room)
    hosted = await host.meetings.create(room["sipUrl"])
    await hosted.join()
    webex = await bot(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    events = Recorder(meeting, "meeting:self:mutedByOthers", "meeting:self:unmutedByOthers")
    await meeting.join_with_media(audio=ToneTrack(440), video=False, share=False)
    bot_id = meeting.self_id
    assert bot_id is not None
    speaking = await bytes_per_audio_packet(emulator, meeting)

    await hosted.mute(bot_id, True)

    await events.until(lambda: "meeting:self:mutedByOthers" in events.names())
    sent = meeting.media.connection.local_track(MediaKind.AUDIO)  # type: ignore[union-attr]
    assert sent is not None
    assert sent.remote_muted
    muted = await bytes_per_audio_packet(emulator, meeting)
    assert muted < speaking / 3, (muted, speaking)

    await hosted.mute(bot_id, False)
    await events.until(lambda: "meeting:self:unmutedByOthers" in events.names())
    assert not sent.remote_muted
    assert await bytes_per_audio_packet(emulator, meeting) > speaking / 2
    await meeting.leave()


async def test_a_dropped_connection_reconnects_and_audio_resumes(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect, reconnection=True)
    meeting = await webex.meetings.create(room["sipUrl"])
    events = Recorder(meeting, *RECONNECTION_EVENTS, "media:ready")
    await meeting.join_with_media(audio=ToneTrack(440), video=False, share=False)
    await events.until(lambda: "media:ready" in events.names())
    hub = meeting.media.remote_hub("remoteAudio")
    assert hub is not None
    first_media_id = meeting.media.media_id

    assert await emulator.media_fault(room["sipUrl"], "drop") == 1

    await events.until(lambda: "meeting:reconnectionSuccess" in events.names())
    assert [n for n in events.names() if n != "media:ready"] == [
        "meeting:reconnectionStarting",
        "meeting:reconnectionSuccess",
    ]
    assert meeting.media.state is MediaState.CONNECTED
    assert meeting.media.media_id != first_media_id  # a new media session
    # Audio flows again both ways: the same remote hub gets frames, the emulator too.
    received = hub.frames_received
    await wait_until(lambda: hub.frames_received - received >= 10)
    assert events.names().count("media:ready") == 1

    async def emulator_hears_us() -> bool:
        return bool((await session(emulator, meeting))["framesReceived"].get("audio", 0) >= 10)

    await wait_until(emulator_hears_us)

    await meeting.leave()
    await asyncio.sleep(0.2)  # a reconnection started by the leave would show up by now
    assert events.names().count("meeting:reconnectionStarting") == 1
    assert meeting.lifecycle in (MeetingLifecycle.LEFT, MeetingLifecycle.REMOVED)


@pytest.mark.parametrize("auto_rejoin", [True, False])
async def test_an_inactivity_drop_reconnects_or_reports_self_left(
    emulator: Emulator, connect: Callable[..., Webex], auto_rejoin: bool
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect, reconnection=True, auto_rejoin=auto_rejoin)
    meeting = await webex.meetings.create(room["sipUrl"])
    events = Recorder(meeting, *RECONNECTION_EVENTS, "meeting:self:left")
    await meeting.join_with_media(audio="recvonly", video=False, share=False)

    # The emulator has no inactivity timer: raise what Locus' "device LEFT, reason
    # INACTIVE" turns into (the self-events tests cover that parsing).
    meeting.locus_info.emit(LocusInfoEvents.DISCONNECT_DUE_TO_INACTIVITY, "INACTIVE")

    if auto_rejoin:
        await events.until(lambda: "meeting:reconnectionSuccess" in events.names())
        assert events.names() == ["meeting:reconnectionStarting", "meeting:reconnectionSuccess"]
        assert meeting.media.state is MediaState.CONNECTED
    else:
        await events.until(lambda: bool(events.seen))
        assert events.seen == [("meeting:self:left", "INACTIVE")]
        assert meeting.media.state is MediaState.CONNECTED
    await meeting.leave()


async def test_without_reconnection_a_dropped_connection_fails_and_stays_down(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect, reconnection=False)
    meeting = await webex.meetings.create(room["sipUrl"])
    events = Recorder(meeting, *RECONNECTION_EVENTS)
    await meeting.join_with_media(audio="recvonly", video=False, share=False)

    await emulator.media_fault(room["sipUrl"], "drop")

    assert await meeting.media.wait_for_state(MediaState.FAILED, timeout=WAIT)
    assert await meeting.reconnect() is False  # disabled: not started, as in JS
    assert events.seen == []
    assert meeting.lifecycle is MeetingLifecycle.JOINED  # the meeting itself goes on
    await meeting.leave()
    assert meeting.media.state is MediaState.CLOSED


async def test_an_ice_failure_fails_add_media_with_a_media_error(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join()
    meeting.media.timeouts = MediaTimeouts(connect=5.0)
    # The first try and the retry with forced TURN discovery both fail.
    await emulator.media_fault(room["sipUrl"], "ice_failure", count=2)

    with pytest.raises(AddMediaFailedError, match="ICE and DTLS did not connect"):
        async with asyncio.timeout(WAIT):
            await meeting.add_media(audio="recvonly", video=False, share=False)

    assert meeting.media.state is MediaState.FAILED
    assert meeting.lifecycle is MeetingLifecycle.JOINED
    await meeting.leave()


async def test_no_answer_fails_join_with_media_within_the_configured_timeout(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    meeting.media.timeouts = MediaTimeouts(answer=1.0)
    # join_with_media tries twice; neither offer gets an answer.
    await emulator.media_fault(room["sipUrl"], "answer_timeout", count=2)

    with pytest.raises(AddMediaFailedError, match="Timed out waiting for REMOTE SDP ANSWER"):
        async with asyncio.timeout(WAIT):
            await meeting.join_with_media(audio="recvonly", video=False, share=False)

    # After the second failure the meeting was left, as in JS.
    assert meeting.lifecycle in (MeetingLifecycle.LEFT, MeetingLifecycle.REMOVED)
    assert meeting.media.state is MediaState.CLOSED
    assert await emulator.media_sessions(room["sipUrl"]) == []


async def test_join_with_media_retries_once_on_a_new_media_session(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    meeting.media.timeouts = MediaTimeouts(answer=1.0)
    await emulator.media_fault(room["sipUrl"], "answer_timeout", count=1)

    async with asyncio.timeout(WAIT):
        await meeting.join_with_media(audio="recvonly", video=False, share=False)

    assert meeting.media.state is MediaState.CONNECTED
    assert meeting.lifecycle is MeetingLifecycle.JOINED
    current = await session(emulator, meeting)
    assert current["state"] == "connected"
    assert current["mediaId"] == meeting.media.media_id
    await meeting.leave()


async def test_add_media_after_a_plain_join_then_switch_audio_to_receive_only(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    events = Recorder(meeting, "media:ready", "meeting:streamPublishStateChanged")
    await meeting.join()
    assert meeting.self_id is not None

    await meeting.add_media(video=False, share=False)
    tone = ToneTrack(440)
    await meeting.publish_streams(microphone=tone)

    await events.until(lambda: "media:ready" in events.names())
    published = events.payloads("meeting:streamPublishStateChanged")
    assert published == [{"isPublished": True, "mediaType": "audio", "stream": tone}]
    locus = await emulator.locus(room["sipUrl"])
    assert self_audio_status(locus, meeting.self_id) == "SENDRECV"

    async def emulator_hears(count: int) -> bool:
        return bool((await session(emulator, meeting))["framesReceived"].get("audio", 0) >= count)

    await wait_until(lambda: emulator_hears(10))
    seq = (await session(emulator, meeting))["roapSeq"]

    await meeting.update_media(audio="recvonly")

    assert (await session(emulator, meeting))["roapSeq"] == seq + 1  # a new OFFER/ANSWER
    locus = await emulator.locus(room["sipUrl"])
    assert self_audio_status(locus, meeting.self_id) == "RECVONLY"
    # Nothing is sent any more, while the speaker is still heard.
    await asyncio.sleep(0.2)
    sent = (await session(emulator, meeting))["packetsReceived"].get("audio", 0)
    hub = meeting.media.remote_hub("remoteAudio")
    assert hub is not None
    received = hub.frames_received
    await wait_until(lambda: hub.frames_received - received >= 25)
    assert (await session(emulator, meeting))["packetsReceived"].get("audio", 0) - sent <= 2

    await meeting.unpublish_streams(tone)
    assert events.payloads("meeting:streamPublishStateChanged")[-1]["isPublished"] is False
    await meeting.leave()
    tone.stop()


async def test_media_calls_before_joining_fail_clearly(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])

    with pytest.raises(UserNotJoinedError):
        await meeting.add_media()
    with pytest.raises(UserNotJoinedError):
        await meeting.mute_audio()
    with pytest.raises(NoMediaEstablishedYetError):
        await meeting.update_media(audio="recvonly")
    with pytest.raises(NoMediaEstablishedYetError):
        await meeting.publish_streams(microphone=ToneTrack(440, duration=0.1))
    with pytest.raises(NoMediaEstablishedYetError):
        await meeting.unpublish_streams()
    with pytest.raises(ParameterError, match="never added"):
        await meeting.reconnect()
    with pytest.raises(ParameterError, match="allow_media_in_lobby"):
        await meeting.join_with_media(allow_media_in_lobby=False)
    with pytest.raises(ParameterError, match="roap_message"):
        await meeting.join_with_media(roap_message={})
    assert meeting.lifecycle is MeetingLifecycle.NEW
    assert meeting.media.state is MediaState.IDLE


async def test_without_aiortc_join_with_media_fails_before_joining(
    emulator: Emulator, connect: Callable[..., Webex], monkeypatch: pytest.MonkeyPatch
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    await emulator.clear_requests()
    monkeypatch.setitem(sys.modules, "aiortc", None)  # what a missing install looks like

    with pytest.raises(MediaError, match="pip install"):
        await meeting.join_with_media()

    assert meeting.lifecycle is MeetingLifecycle.NEW
    assert await emulator.requests(method="POST", path="*/loci/call") == []


async def test_removal_and_close_end_the_media(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await room_with_tone(emulator)
    host = await host_of(emulator, connect, room)
    hosted = await host.meetings.create(room["sipUrl"])
    await hosted.join()
    webex = await bot(emulator, connect, reconnection=True)
    meeting = await webex.meetings.create(room["sipUrl"])
    events = Recorder(meeting, "media:stopped", *RECONNECTION_EVENTS)
    removed = Recorder(webex.meetings, "meeting:removed")
    await meeting.join_with_media(audio="recvonly", video=False, share=False)
    connection = meeting.media.connection
    assert connection is not None

    await hosted.end_meeting_for_all()

    await removed.until(lambda: bool(removed.seen))
    await events.until(lambda: "media:stopped" in events.names())
    assert meeting.lifecycle is MeetingLifecycle.REMOVED
    assert meeting.media.state is MediaState.CLOSED
    assert connection.pc.connectionState == "closed"
    assert not any(name.startswith("meeting:reconnection") for name in events.names())


async def test_webex_close_closes_live_media(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await room_with_tone(emulator)
    webex = await bot(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    events = Recorder(meeting, "media:stopped")
    await meeting.join_with_media(audio="recvonly", video=False, share=False)
    connection = meeting.media.connection
    assert connection is not None

    await webex.close()

    assert meeting.media.state is MediaState.CLOSED
    assert connection.pc.connectionState == "closed"
    assert events.payloads("media:stopped") == [{"type": "remoteAudio"}]


def test_a_plain_join_does_not_import_aiortc() -> None:
    script = """
import asyncio, sys
from webex_meetings import Webex
from webex_meetings.emulator import Emulator

async def main():
    async with Emulator() as emu:
        room = await emu.create_meeting_room()
        config = {"services": {"discovery": {"u2c": emu.u2c_url},
                               "allowedDomains": ["127.0.0.1", "localhost"]}}
        async with Webex.init(credentials={"access_token": emu.access_token},
                              config=config) as webex:
            await webex.meetings.register()
            meeting = await webex.meetings.create(room["sipUrl"])
            await meeting.join()
            print(meeting.media.state.value, "aiortc" in sys.modules, "av" in sys.modules)
            await meeting.leave()

asyncio.run(main())
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["idle", "False", "False"]
