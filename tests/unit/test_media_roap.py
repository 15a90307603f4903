"""ROAP messages and the ROAP state machine, with a fake peer and a fake transport."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from webex_meetings.meetings.errors import AddMediaFailedError, MediaError
from webex_meetings.meetings.media.roap import (
    CLIENT_TIE_BREAKER,
    RoapMessage,
    RoapMessageType,
    dump_local_sdp,
    roap_from_media_connections,
)
from webex_meetings.meetings.media.roap_session import RoapSession, RoapState

OFFER, ANSWER, ERROR = RoapMessageType.OFFER, RoapMessageType.ANSWER, RoapMessageType.ERROR


class FakePeer:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.offers = 0
        self.fail_offer = False

    async def create_offer(self) -> str:
        if self.fail_offer:
            raise RuntimeError("no codecs")
        self.offers += 1
        self.calls.append(f"offer{self.offers}")
        return f"v=0 offer{self.offers}"

    async def apply_answer(self, sdp: str) -> None:
        self.calls.append(f"apply:{sdp}")

    async def answer_offer(self, sdp: str) -> str:
        self.calls.append(f"answer:{sdp}")
        return f"answer-to:{sdp}"

    async def rollback(self) -> None:
        self.calls.append("rollback")


class FakeServer:
    """Records sent messages; ``reply`` decides the HTTP-path reply per message."""

    def __init__(self, reply: Any = None) -> None:
        self.sent: list[RoapMessage] = []
        self.reply = reply
        self.sent_event = asyncio.Event()

    async def __call__(self, message: RoapMessage) -> RoapMessage | None:
        self.sent.append(message)
        self.sent_event.set()
        await asyncio.sleep(0)
        if callable(self.reply):
            result: RoapMessage | None = self.reply(message)
            return result
        return None


def answer_for(message: RoapMessage) -> RoapMessage | None:
    if message.message_type is OFFER:
        return RoapMessage(ANSWER, message.seq, sdp="v=0\r\no=linus 1 1 IN IP4 1.2.3.4\r\n")
    return None


def test_wire_roundtrip_and_string_seq() -> None:
    wire = {"messageType": "ANSWER", "seq": "3", "sdps": ["v=0"], "version": "2"}
    message = RoapMessage.from_wire(wire)
    assert message.seq == 3
    assert message.sdp == "v=0"
    offer = RoapMessage(OFFER, 1, sdp="x", tie_breaker=CLIENT_TIE_BREAKER, headers=("h",))
    assert offer.to_wire() == {
        "messageType": "OFFER",
        "version": "2",
        "sdps": ["x"],
        "seq": 1,
        "tieBreaker": 4294967294,
        "headers": ["h"],
    }
    with pytest.raises(ValueError, match="seq"):
        RoapMessage.from_wire({"messageType": "OK", "seq": "x"})


def test_local_sdp_is_a_json_string_and_remote_sdp_is_parsed() -> None:
    local = dump_local_sdp(audio_muted=False, video_muted=True, roap=RoapMessage(OFFER, 1, "s"))
    assert json.loads(local)["roapMessage"]["sdps"] == ["s"]
    assert local.startswith('{"audioMuted":false,"videoMuted":true,"roapMessage"')
    remote = json.dumps({"roapMessage": {"messageType": "ANSWER", "seq": 1, "sdps": ["a"]}})
    found = roap_from_media_connections([{"mediaId": "m", "remoteSdp": remote}])
    assert found is not None
    assert found.message_type is ANSWER
    no_reply = json.dumps({"audioMuted": False, "videoMuted": False, "csis": [], "type": "SDP"})
    assert roap_from_media_connections([{"remoteSdp": no_reply}]) is None
    assert roap_from_media_connections("nope") is None


def test_repr_hides_headers() -> None:
    message = RoapMessage(RoapMessageType.TURN_DISCOVERY_RESPONSE, 0, headers=("x=secret",))
    assert "secret" not in repr(message)


async def test_offer_answer_over_http_increments_seq() -> None:
    peer, server = FakePeer(), FakeServer(answer_for)
    session = RoapSession(server, peer)
    await session.negotiate()
    await session.negotiate()
    offers = [m for m in server.sent if m.message_type is OFFER]
    assert [m.seq for m in offers] == [1, 2]
    assert offers[0].tie_breaker == CLIENT_TIE_BREAKER
    assert offers[0].headers == ("includeAnswerInHttpResponse", "noOkInTransaction")
    assert peer.calls[:2] == ["offer1", "apply:v=0\r\no=linus 1 1 IN IP4 1.2.3.4\r\n"]
    assert session.media_server == "linus"
    assert session.state is RoapState.IDLE
    assert all(m.message_type is OFFER for m in server.sent)  # noOkInTransaction: no OK


async def test_answer_over_mercury_even_before_the_http_response() -> None:
    peer = FakePeer()
    session: RoapSession

    def reply(message: RoapMessage) -> None:
        # The Mercury answer overtakes the HTTP response (which has no reply).
        asyncio.get_running_loop().call_soon(
            lambda: asyncio.ensure_future(session.receive(RoapMessage(ANSWER, 1, sdp="mercury")))
        )

    session = RoapSession(FakeServer(reply), peer)
    await asyncio.wait_for(session.negotiate(), 5)
    assert "apply:mercury" in peer.calls


async def test_answer_with_another_seq_is_ignored_then_times_out() -> None:
    session = RoapSession(FakeServer(), FakePeer(), answer_timeout=0.05)
    task = asyncio.create_task(session.negotiate())
    await asyncio.sleep(0.01)
    await session.receive(RoapMessage(ANSWER, 7, sdp="late"))
    with pytest.raises(AddMediaFailedError, match="Timed out waiting for REMOTE SDP ANSWER"):
        await task
    assert session.state is RoapState.IDLE


async def test_server_error_fails_the_offer() -> None:
    def reply(message: RoapMessage) -> RoapMessage:
        return RoapMessage(ERROR, message.seq, error_type="FAILED", error_cause="no ports")

    with pytest.raises(AddMediaFailedError, match="FAILED \\(no ports\\)"):
        await RoapSession(FakeServer(reply), FakePeer()).negotiate()


async def test_http_failure_and_offer_creation_failure() -> None:
    async def broken(message: RoapMessage) -> None:
        raise ConnectionError("boom")

    with pytest.raises(AddMediaFailedError, match="boom"):
        await RoapSession(broken, FakePeer()).negotiate()
    peer = FakePeer()
    peer.fail_offer = True
    with pytest.raises(MediaError, match="creating the SDP offer failed"):
        await RoapSession(FakeServer(answer_for), peer).negotiate()


async def test_glare_won_sends_conflict_and_keeps_waiting() -> None:
    peer, server = FakePeer(), FakeServer()
    session = RoapSession(server, peer)
    task = asyncio.create_task(session.negotiate())
    await server.sent_event.wait()
    await session.receive(RoapMessage(OFFER, 1, sdp="srv", tie_breaker=5))
    conflict = server.sent[-1]
    assert (conflict.message_type, conflict.error_type, conflict.seq) == (ERROR, "CONFLICT", 1)
    await session.receive(RoapMessage(ANSWER, 1, sdp="ans"))
    await asyncio.wait_for(task, 5)
    assert "rollback" not in peer.calls
    assert session.glare_count == 1


async def test_glare_lost_rolls_back_answers_then_retries() -> None:
    peer = FakePeer()
    server = FakeServer(lambda m: answer_for(m) if m.seq > 1 else None)
    session = RoapSession(server, peer)
    task = asyncio.create_task(session.negotiate())
    await server.sent_event.wait()
    await session.receive(RoapMessage(OFFER, 2, sdp="srv", tie_breaker=0xFFFFFFFF))
    await asyncio.wait_for(task, 5)
    assert peer.calls[:3] == ["offer1", "rollback", "answer:srv"]
    kinds = [(m.message_type, m.seq) for m in server.sent]
    assert kinds == [(OFFER, 1), (ANSWER, 2), (OFFER, 3)]


async def test_double_conflict_both_back_off_and_retry() -> None:
    peer = FakePeer()
    server = FakeServer(lambda m: answer_for(m) if m.seq > 1 else None)
    session = RoapSession(server, peer)
    task = asyncio.create_task(session.negotiate())
    await server.sent_event.wait()
    await session.receive(RoapMessage(OFFER, 1, sdp="srv", tie_breaker=CLIENT_TIE_BREAKER))
    await asyncio.wait_for(task, 5)
    errors = [m for m in server.sent if m.message_type is ERROR]
    assert [e.error_type for e in errors] == ["DOUBLECONFLICT"]
    assert "answer:srv" not in peer.calls
    assert peer.offers == 2


async def test_server_conflict_error_retries_until_the_limit() -> None:
    def reply(message: RoapMessage) -> RoapMessage:
        return RoapMessage(ERROR, message.seq, error_type="CONFLICT")

    peer = FakePeer()
    session = RoapSession(FakeServer(reply), peer, max_glare_retries=2)
    with pytest.raises(AddMediaFailedError, match="glare 3 times"):
        await session.negotiate()
    assert peer.offers == 3
    assert peer.calls.count("rollback") == 3


async def test_server_offer_when_idle_is_answered_and_retransmits_reanswered() -> None:
    peer, server = FakePeer(), FakeServer()
    session = RoapSession(server, peer)
    await session.receive(RoapMessage(OFFER, 4, sdp="srv"))
    await session.receive(RoapMessage(OFFER, 4, sdp="srv"))  # the answer got lost
    await session.receive(RoapMessage(OFFER, 2, sdp="old"))  # stale
    await session.receive(RoapMessage(RoapMessageType.OK, 4))
    answers = [m for m in server.sent if m.message_type is ANSWER]
    assert [(a.seq, a.sdp) for a in answers] == [(4, "answer-to:srv")] * 2
    assert peer.calls == ["answer:srv"]
    assert session.seq == 4


async def test_unanswerable_server_offer_gets_error_failed() -> None:
    class Refusing(FakePeer):
        async def answer_offer(self, sdp: str) -> str:
            raise ValueError("bad sdp")

    server = FakeServer()
    await RoapSession(server, Refusing()).receive(RoapMessage(OFFER, 1, sdp="srv"))
    assert (server.sent[0].message_type, server.sent[0].error_type) == (ERROR, "FAILED")


async def test_close_fails_pending_waits() -> None:
    session = RoapSession(FakeServer(), FakePeer())
    task = asyncio.create_task(session.negotiate())
    await asyncio.sleep(0.01)
    session.close()
    with pytest.raises(MediaError, match="closed"):
        await task
    with pytest.raises(MediaError, match="closed"):
        await session.negotiate()
