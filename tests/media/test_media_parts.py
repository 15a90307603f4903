"""Options, reconnection rules, sources, remote fan-out and PCM, without a network."""

from __future__ import annotations

import array
import asyncio
from typing import Any

import pytest
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from webex_meetings._config_meetings import ReconnectionConfig
from webex_meetings.meetings.errors import (
    ParameterError,
    ReconnectionError,
    ReconnectionNotStartedError,
)
from webex_meetings.meetings.media import Direction, MediaOptions, ReconnectionManager
from webex_meetings.meetings.media.reconnect import media_sessions_went_inactive
from webex_meetings.meetings.media.remote import RemoteTrackHub
from webex_meetings.meetings.media.sinks import pcm_chunks
from webex_meetings.meetings.media.sources import (
    BlackVideoTrack,
    MuteableTrack,
    SilenceTrack,
    ToneTrack,
)


def _peak(frame: Any) -> int:
    return max(abs(s) for s in array.array("h", bytes(frame.planes[0])))


def test_options_map_to_directions() -> None:
    tone = ToneTrack()
    options = MediaOptions.parse(audio=tone, video="recvonly", share=False)
    assert options.audio.direction is Direction.SENDRECV
    assert options.audio.track is tone
    assert options.video.direction is Direction.RECVONLY
    assert options.video.track is None
    assert options.share.direction is Direction.INACTIVE
    assert MediaOptions.parse().audio.direction is Direction.SENDRECV
    assert MediaOptions.parse(video="SENDONLY").video.direction.sends
    with pytest.raises(ParameterError, match="video needs a video track"):
        MediaOptions.parse(video=tone)
    with pytest.raises(ParameterError, match="got int"):
        MediaOptions.parse(audio=1)
    assert "ToneTrack" in repr(options.audio)


class _Emitted(list[tuple[str, Any]]):
    def __call__(self, event: str, *args: Any) -> bool:
        self.append((event, args[0] if args else None))
        return True


async def test_reconnection_disabled_running_and_failing() -> None:
    emitted = _Emitted()
    calls: list[bool] = []

    async def media(rejoined: bool) -> None:
        calls.append(rejoined)

    disabled = ReconnectionManager(
        ReconnectionConfig(), emit=emitted, reconnect_media=media, self_left=lambda: False
    )
    with pytest.raises(ReconnectionNotStartedError, match="disabled"):
        await disabled.reconnect()
    assert emitted == []
    assert not disabled.detects

    rejoins: list[int] = []

    async def rejoin() -> None:
        rejoins.append(1)
        if len(rejoins) < 2:
            raise ConnectionError("locus down")

    manager = ReconnectionManager(
        ReconnectionConfig(enabled=True),
        emit=emitted,
        reconnect_media=media,
        self_left=lambda: True,
        rejoin=rejoin,
    )
    await manager.reconnect()
    assert calls == [True]
    assert len(rejoins) == 2
    assert [e for e, _ in emitted] == [
        "meeting:reconnectionStarting",
        "meeting:reconnectionSuccess",
    ]

    async def broken(rejoined: bool) -> None:
        raise RuntimeError("no route")

    emitted.clear()
    failing = ReconnectionManager(
        ReconnectionConfig(enabled=True, auto_rejoin=False),
        emit=emitted,
        reconnect_media=broken,
        self_left=lambda: False,
    )
    with pytest.raises(ReconnectionError, match="no route"):
        await failing.reconnect()
    event, payload = emitted[-1]
    assert event == "meeting:reconnectionFailure"
    assert isinstance(payload["error"], ReconnectionError)
    left = ReconnectionManager(
        ReconnectionConfig(enabled=True, auto_rejoin=False),
        emit=emitted,
        reconnect_media=media,
        self_left=lambda: True,
    )
    with pytest.raises(ReconnectionError, match="autoRejoin is off"):
        await left.reconnect()


def test_media_sessions_inactive_transition() -> None:
    active = [
        {"mediaType": "audio", "mediaContent": "main", "direction": "sendrecv", "state": "active"}
    ]
    dropped = [dict(active[0], state="inactive")]
    assert media_sessions_went_inactive(active, dropped)
    assert not media_sessions_went_inactive(None, dropped)  # no transition seen
    assert not media_sessions_went_inactive(active, [dict(dropped[0], direction="inactive")])
    assert not media_sessions_went_inactive(active, active)


async def test_tone_silence_black_and_mute_wrapper() -> None:
    tone = ToneTrack(440, amplitude=0.5, duration=0.06)
    frames = [await tone.recv() for _ in range(3)]
    assert all(f.samples == 960 and f.sample_rate == 48000 for f in frames)
    assert _peak(frames[0]) > 10000
    assert [f.pts for f in frames] == [0, 960, 1920]
    with pytest.raises(MediaStreamError):
        await tone.recv()
    assert _peak(await SilenceTrack().recv()) == 0
    black = await BlackVideoTrack(32, 16).recv()
    assert (black.width, black.height) == (32, 16)
    assert bytes(black.planes[0])[0] == 16

    source = ToneTrack(440, amplitude=0.5)
    wrapper = MuteableTrack(source)
    assert _peak(await wrapper.recv()) > 10000
    wrapper.remote_muted = True
    silent = await wrapper.recv()
    assert _peak(silent) == 0
    assert silent.samples == 960
    assert silent.pts == 960
    wrapper.remote_muted = False
    assert _peak(await wrapper.recv()) > 10000
    wrapper.stop()
    assert source.readyState == "live"  # the app's source is left running


class _Frames(MediaStreamTrack):
    kind = "audio"

    def __init__(self, count: int) -> None:
        super().__init__()
        self.tone = ToneTrack(1000, amplitude=0.5)
        self.left = count

    async def recv(self) -> Any:
        if self.left == 0:
            raise MediaStreamError
        self.left -= 1
        return await self.tone.recv()


async def test_hub_fans_out_with_bounded_buffers_and_pcm() -> None:
    first: list[int] = []
    hub = RemoteTrackHub("audio", "remoteAudio", on_first_frame=lambda: first.append(1))
    slow = hub.subscribe(max_frames=3)
    reader = hub.subscribe()
    hub.attach(_Frames(10))
    chunks = [chunk async for chunk in _take(pcm_chunks(reader), 10)]
    assert hub.frames_received == 10
    assert first == [1]
    assert slow.buffered == 3
    assert slow.dropped == 7
    assert sum(c.samples for c in chunks) == pytest.approx(3200, abs=320)
    assert chunks[0].sample_rate == 16000
    assert len(chunks[0].data) == chunks[0].samples * 2
    await hub.aclose()
    for _ in range(3):
        await slow.recv()  # buffered frames are still delivered after the end
    with pytest.raises(MediaStreamError):
        await slow.recv()
    ended = hub.subscribe()
    with pytest.raises(MediaStreamError):
        await ended.recv()


async def _take(iterator: Any, count: int) -> Any:
    async with asyncio.timeout(10):
        async for item in iterator:
            yield item
            count -= 1
            if count == 0:
                return
