"""MeetingMedia against the emulator's media server: real ROAP, ICE, DTLS and audio."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings.media import MediaState, MediaTimeouts, MeetingMedia
from webex_meetings.meetings.media.sinks import pcm_chunks
from webex_meetings.meetings.media.sources import ToneTrack

from ._meetings import WAIT, Recorder, registered

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _loopback_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda *_, **__: ["127.0.0.1"])


async def test_add_media_hears_the_meeting_and_mutes(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(title="Media")
    webex = await registered(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join()
    events = Recorder(meeting, "media:ready", "media:stopped")
    media = MeetingMedia(webex, meeting, timeouts=MediaTimeouts(answer=WAIT, connect=WAIT))
    try:
        await media.add_media(audio=ToneTrack(440), video="recvonly", share="recvonly")
        assert media.state is MediaState.CONNECTED
        await events.until(lambda: "remoteAudio" in [p["type"] for _, p in events.seen])
        chunks = pcm_chunks(media.subscribe("remoteAudio"))
        async with asyncio.timeout(WAIT):
            for _ in itertools.count():
                chunk = await anext(chunks)
                if chunk.samples:
                    break
        await media.mute_audio()
        assert media.mute_state()[0] is True
    finally:
        await media.close()
        await meeting.leave()
    assert ("media:stopped", {"type": "remoteAudio"}) in events.seen
    payload: Any = events.seen[0][1]
    assert payload["type"] in ("remoteAudio", "remoteVideo", "remoteShare")
