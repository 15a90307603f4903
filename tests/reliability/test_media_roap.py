"""ROAP sequence numbers across ``add_media`` attempts, and the media network events.

* An ``add_media`` that failed (no answer, or no ICE) leaves the media session on the
  server with the ``seq`` of its last offer. Trying again on the same session must go on
  from there: the emulator, like Locus, answers an offer whose ``seq`` is not above the
  last one with ``OUT_OF_ORDER``.
* A media connection that is lost emits ``network:disconnected`` on the meeting, and
  once it is back ``network:connected`` (only after a disconnect, as in JS).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings.errors import AddMediaFailedError
from webex_meetings.meetings.media import MediaState, MediaTimeouts

from ._support import WAIT, assert_nothing_left, bot, config

pytestmark = pytest.mark.slow

NETWORK_EVENTS = ("network:disconnected", "network:connected")


@pytest.fixture(autouse=True)
def _loopback_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda *_, **__: ["127.0.0.1"])


class Events:
    """The names of some meeting events, in order."""

    def __init__(self, meeting: Any, *names: str) -> None:
        self.seen: list[str] = []
        self._changed = asyncio.Event()
        for name in names:
            meeting.on(name, self._recorder(name))

    def _recorder(self, name: str) -> Callable[..., None]:
        def record(*args: Any) -> None:
            assert args == ()  # JS triggers these without a payload
            self.seen.append(name)
            self._changed.set()

        return record

    async def until(self, count: int, timeout: float = WAIT) -> None:
        async with asyncio.timeout(timeout):
            while len(self.seen) < count:
                self._changed.clear()
                await self._changed.wait()


@pytest.mark.parametrize(
    ("fault", "count", "timeouts", "offers"),
    [
        ("answer_timeout", 1, MediaTimeouts(answer=1.0), 1),
        # Without TURN the first attempt already retries once with a new connection.
        ("ice_failure", 2, MediaTimeouts(connect=3.0), 2),
    ],
    ids=["answer-timeout", "ice-failure"],
)
async def test_add_media_again_on_the_same_media_session_goes_on_with_the_roap_seq(
    emulator: Emulator,
    connect: Callable[..., Webex],
    fault: str,
    count: int,
    timeouts: MediaTimeouts,
    offers: int,
) -> None:
    room = await emulator.create_meeting_room(title="Seq")
    webex = await bot(emulator, connect, listen=False)
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join()
    meeting.media.timeouts = timeouts
    assert await emulator.media_fault(room["sipUrl"], fault, count=count) == count

    with pytest.raises(AddMediaFailedError):
        async with asyncio.timeout(WAIT * 2):
            await meeting.add_media(audio="recvonly", video=False, share=False)
    assert meeting.media.roap_seq == offers
    media_id = meeting.media.media_id

    async with asyncio.timeout(WAIT * 2):
        await meeting.add_media(audio="recvonly", video=False, share=False)

    assert meeting.media.state is MediaState.CONNECTED
    assert meeting.media.media_id == media_id  # the same media session on the server
    assert meeting.media.roap_seq == offers + 1
    await meeting.leave()
    await webex.meetings.unregister()
    await webex.close()
    await assert_nothing_left(emulator, [room["meetingId"]], emails=[emulator.person_email])


async def reconnecting_bot(emulator: Emulator, connect: Callable[..., Webex], on: bool) -> Webex:
    cfg = config(emulator)
    cfg["meetings"] = {"reconnection": {"enabled": on}}
    return await bot(emulator, connect, config=cfg, listen=False)


async def test_a_dropped_media_connection_emits_network_disconnected_then_connected(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(title="Network")
    webex = await reconnecting_bot(emulator, connect, on=True)
    meeting = await webex.meetings.create(room["sipUrl"])
    events = Events(meeting, *NETWORK_EVENTS)
    await meeting.join_with_media(audio="recvonly", video=False, share=False)
    assert meeting.media.network_status == "CONNECTED"
    assert events.seen == []  # "connected" only follows a disconnect

    assert await emulator.media_fault(room["sipUrl"], "drop", count=1) == 1
    await events.until(2)

    assert events.seen == ["network:disconnected", "network:connected"]
    # "connected" comes with ICE, just before the reconnection completes.
    await meeting.media.wait_for_state(MediaState.CONNECTED, timeout=WAIT)
    assert meeting.media.network_status == "CONNECTED"
    await meeting.leave()
    assert meeting.media.network_status is None  # closed media has no network status
    await asyncio.sleep(0.2)  # a late event from the closed connection would show by now
    assert events.seen == ["network:disconnected", "network:connected"]
    await webex.meetings.unregister()
    await webex.close()


async def test_without_reconnection_a_drop_emits_network_disconnected_only(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(title="Network down")
    webex = await reconnecting_bot(emulator, connect, on=False)
    meeting = await webex.meetings.create(room["sipUrl"])
    events = Events(meeting, *NETWORK_EVENTS)
    await meeting.join_with_media(audio="recvonly", video=False, share=False)

    assert await emulator.media_fault(room["sipUrl"], "drop", count=1) == 1
    await events.until(1)
    await meeting.media.wait_for_state(MediaState.FAILED, timeout=WAIT)

    assert events.seen == ["network:disconnected"]
    assert meeting.media.network_status == "DISCONNECTED"
    await meeting.leave()
    assert events.seen == ["network:disconnected"]
    await webex.meetings.unregister()
    await webex.close()
