"""Media faults of the control API: an unanswered offer, ICE failure, a lost connection."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator
from webex_meetings.emulator.control_client import ControlAPIError

from .locus_support import User, make_user, self_device
from .media_support import (
    MediaClient,
    eventually,
    join,
    loopback_only,
    next_event,
    offer,
    roap_event,
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


async def _session(emu: ThreadedEmulator, meeting: str) -> dict[str, Any]:
    (session,) = await asyncio.to_thread(emu.media_sessions, meeting)
    return dict(session)


async def test_answer_timeout_leaves_the_offer_unanswered_once(
    emu: ThreadedEmulator, user: User, client: MediaClient
) -> None:
    m = await join(emu, user)
    assert emu.media_fault(m.meeting, "answer_timeout") == 1
    sdp = await client.offer_sdp()
    answer = await m.put(offer(1, sdp), correlation_id=m.correlation_id)
    remote = json.loads(answer["mediaConnections"][0]["remoteSdp"])
    assert "roapMessage" not in remote
    assert (await _session(emu, m.meeting))["state"] == "unanswered"
    # Nothing comes over Mercury either: the next ROAP frame is the reply to seq 2.
    reply = await m.roap(offer(2, sdp, headers=["noOkInTransaction"]))
    assert reply is None
    event = await next_event(user, roap_event)
    assert (event["message"]["messageType"], event["message"]["seq"]) == ("ANSWER", 2)


async def test_ice_failure_answer_names_no_candidate(
    emu: ThreadedEmulator, user: User, client: MediaClient
) -> None:
    m = await join(emu, user)
    emu.media_fault(m.meeting, "ice_failure")
    reply = await m.roap(offer(1, await client.offer_sdp()))
    assert reply is not None
    assert reply["messageType"] == "ANSWER"
    assert "a=candidate" not in reply["sdps"][0]
    await client.accept(reply["sdps"][0])
    assert await client.wait_state("failed") == "failed"
    assert (await _session(emu, m.meeting))["state"] == "failed"
    assert client.frames.get("audio", 0) == 0


async def test_drop_loses_media_and_marks_locus_media_inactive_then_reconnects(
    emu: ThreadedEmulator, user: User, client: MediaClient
) -> None:
    m = await join(emu, user)
    await m.connect(client)

    def active(data: dict[str, Any], state: str) -> bool:
        me = data.get("locus", {}).get("self")
        if me is None:
            return False
        sessions = self_device(data["locus"], user.device_url)["mediaSessions"]
        return bool(sessions) and sessions[0]["state"] == state

    await next_event(user, lambda d: active(d, "active"))
    connected = await _session(emu, m.meeting)
    assert emu.media_fault(m.meeting, "drop") == 1
    pushed = await next_event(user, lambda d: active(d, "inactive"))
    audio = self_device(pushed["locus"], user.device_url)["mediaSessions"][0]
    assert audio["direction"] == "sendrecv"  # inactive with a live direction: reconnect
    assert await client.wait_state("closed", "failed") in ("closed", "failed")
    dropped = await _session(emu, m.meeting)
    assert dropped["state"] == "closed"
    assert dropped["framesReceived"]["audio"] >= connected["framesReceived"]["audio"]
    # The client reconnects the way the SDK does: a new media session, a new offer.
    m.media_id = ""
    turn = {"messageType": "TURN_DISCOVERY_REQUEST", "version": "2", "seq": 0}
    answer = await m.put({**turn, "headers": ["includeAnswerInHttpResponse"]})
    m.media_id = answer["mediaConnections"][0]["mediaId"]
    # A new session starts with no media sessions: inactive ones would mean "lost" again.
    assert self_device(answer["locus"], user.device_url)["mediaSessions"] == []
    again = MediaClient()
    try:
        await m.connect(again)
        await eventually(
            lambda: _session(emu, m.meeting), lambda found: found["state"] == "connected"
        )
    finally:
        await again.close()


async def test_fault_arguments_are_checked(emu: ThreadedEmulator) -> None:
    room = emu.create_meeting_room(host_email=emu.person_email)
    with pytest.raises(ControlAPIError) as caught:
        emu.media_fault(room["meetingNumber"], "meltdown")
    assert caught.value.status_code == 400
    with pytest.raises(ControlAPIError) as caught:
        emu.media_fault(room["meetingNumber"], "drop")  # the meeting never ran
    assert caught.value.status_code == 404
    assert emu.media_fault(room["meetingNumber"], "ice_failure", count=2) == 2
    assert emu.set_media_options(room["meetingNumber"])["pendingFaults"] == {"ice_failure": 2}
