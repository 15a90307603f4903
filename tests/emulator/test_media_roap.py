"""ROAP transactions with the media server: sequence numbers, retransmissions, glare.

Glare is made with the control API's server OFFER (pushed over Mercury) and a client
OFFER crossing it; the tie-breaker decides (ROAP protocol).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator
from webex_meetings.emulator.services.media.roap import (
    ErrorType,
    MessageType,
    OfferVerdict,
    RoapFormatError,
    RoapMessage,
    RoapSession,
)

from .locus_support import User, make_user
from .media_support import (
    WEB_TIE_BREAKER,
    MediaClient,
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


def _msg(kind: str, seq: int, **extra: Any) -> RoapMessage:
    return RoapMessage.parse({"messageType": kind, "seq": seq, **extra})


# --- the rules, without sockets ---------------------------------------------------------


def test_parse_accepts_string_seq_and_refuses_malformed_messages() -> None:
    assert _msg("OK", 0).seq == 0
    assert RoapMessage.parse({"messageType": "OK", "seq": "3"}).seq == 3
    bad: list[dict[str, Any]] = [
        {"messageType": "OFFER", "seq": 1},  # no SDP
        {"messageType": "OFFER", "seq": 1, "sdps": ["a", "b"]},
        {"messageType": "HELLO", "seq": 1},
        {"messageType": "OK", "seq": -1},
        {"messageType": "OK", "seq": True},
        {"messageType": "OFFER", "seq": 1, "sdps": ["v=0"], "tieBreaker": 2**32},
        {"messageType": "OK", "seq": 1, "headers": "noOkInTransaction"},
    ]
    for raw in bad:
        with pytest.raises(RoapFormatError):
            RoapMessage.parse(raw)


def test_session_rules_sequence_retransmission_and_glare() -> None:
    roap = RoapSession()
    first = _msg("OFFER", 1, sdps=["sdp-1"], tieBreaker=WEB_TIE_BREAKER)
    assert roap.on_offer(first) == (OfferVerdict.ANSWER, None)
    roap.answered(first, {"messageType": "ANSWER", "seq": 1})
    assert roap.on_offer(first) == (OfferVerdict.RESEND, {"messageType": "ANSWER", "seq": 1})
    verdict, reply = roap.on_offer(_msg("OFFER", 1, sdps=["other"]))
    assert verdict == OfferVerdict.REJECT
    assert reply is not None
    assert reply["errorType"] == ErrorType.OUT_OF_ORDER
    # A server offer is pending: equal tie-breakers clash both ways...
    roap.start_offer(WEB_TIE_BREAKER, "server-sdp")
    verdict, reply = roap.on_offer(_msg("OFFER", 2, sdps=["s"], tieBreaker=WEB_TIE_BREAKER))
    assert (verdict, reply and reply["errorType"]) == (OfferVerdict.REJECT, "DOUBLECONFLICT")
    assert roap.server_offer is None
    # ...a higher server value wins, the lower one loses.
    pending = roap.start_offer(0xFFFFFFFF, "server-sdp")
    verdict, reply = roap.on_offer(_msg("OFFER", 2, sdps=["s"], tieBreaker=WEB_TIE_BREAKER))
    assert (verdict, reply and reply["errorType"]) == (OfferVerdict.REJECT, "CONFLICT")
    assert roap.on_answer(_msg("ANSWER", pending.seq, sdps=["a"])) is pending
    assert roap.seq == 2
    roap.start_offer(5, "server-sdp")
    verdict, _ = roap.on_offer(_msg("OFFER", 3, sdps=["s"], tieBreaker=WEB_TIE_BREAKER))
    assert verdict == OfferVerdict.ANSWER
    assert roap.glare == ["DOUBLECONFLICT", "CONFLICT", "client-won"]
    assert roap.on_answer(_msg("ANSWER", 3, sdps=["a"])) is None
    assert roap.on_ok(_msg("OK", 0))
    assert roap.on_ok(_msg("OK", 3))
    assert not roap.on_ok(_msg("OK", 9))
    assert MessageType.TURN_DISCOVERY_RESPONSE == "TURN_DISCOVERY_RESPONSE"


# --- over the wire ----------------------------------------------------------------------


async def test_retransmitted_offer_gets_the_same_answer_and_stale_ones_an_error(
    emu: ThreadedEmulator, user: User, client: MediaClient
) -> None:
    m = await join(emu, user)
    sdp = await client.offer_sdp()
    first = await m.roap(offer(1, sdp))
    again = await m.roap(offer(1, sdp))
    assert first is not None
    assert first["messageType"] == "ANSWER"
    assert again == first
    other = MediaClient()
    try:
        stale = await m.roap(offer(1, await other.offer_sdp()))
    finally:
        await other.close()
    assert stale is not None
    assert stale["messageType"] == "ERROR"
    assert stale["errorType"] == "OUT_OF_ORDER"
    assert stale["seq"] == 1
    # Replies to anything but an OFFER go over Mercury.
    assert await m.roap({"messageType": "ANSWER", "version": "2", "seq": 1, "sdps": [sdp]}) is None
    event = await next_event(user, roap_event)
    assert event["message"]["messageType"] == "ERROR"
    assert event["message"]["errorType"] == "INVALID_STATE"
    assert event["correlationId"] == m.correlation_id
    assert await m.roap({"messageType": "OK", "version": "2", "seq": 1}) is None
    (session,) = await asyncio.to_thread(emu.media_sessions, m.meeting)
    assert session["roapSeq"] == 1


async def test_server_offer_answered_by_the_client_gets_ok(
    emu: ThreadedEmulator, user: User, client: MediaClient
) -> None:
    m = await join(emu, user)
    await m.connect(client)
    assert await asyncio.to_thread(emu.media_offer, m.meeting) == 1
    event = await next_event(user, roap_event)
    server_offer = event["message"]
    assert server_offer["messageType"] == "OFFER"
    assert server_offer["seq"] == 2
    assert server_offer["tieBreaker"] < WEB_TIE_BREAKER
    assert event["correlationId"] == m.correlation_id
    answer = await client.answer_offer(server_offer["sdps"][0])
    reply = {"messageType": "ANSWER", "version": "2", "seq": 2, "sdps": [answer]}
    assert await m.roap(reply) is None
    ok = await next_event(user, roap_event)
    assert ok["message"] == {"messageType": "OK", "version": "2", "seq": 2}
    (session,) = await asyncio.to_thread(emu.media_sessions, m.meeting)
    assert session["roapSeq"] == 2
    assert session["state"] == "connected"
    # Media still flows on the renegotiated connection.
    before = client.frames["audio"]
    await until(lambda: client.frames["audio"] >= before + 5)


async def test_glare_is_settled_by_the_tie_breaker(
    emu: ThreadedEmulator, user: User, client: MediaClient
) -> None:
    m = await join(emu, user)
    await m.connect(client)
    sdp = str(client.pc.localDescription.sdp)
    # The server's default is below the web value: the client's crossing OFFER wins.
    await asyncio.to_thread(emu.media_offer, m.meeting)
    crossing = (await next_event(user, roap_event))["message"]
    won = await m.roap(offer(crossing["seq"], sdp))
    assert won is not None
    assert won["messageType"] == "ANSWER"
    # Equal tie-breakers: DOUBLECONFLICT, and the server drops its offer.
    await asyncio.to_thread(emu.media_offer, m.meeting, tie_breaker=WEB_TIE_BREAKER)
    crossing = (await next_event(user, roap_event))["message"]
    double = await m.roap(offer(crossing["seq"], sdp))
    assert double is not None
    assert (double["messageType"], double["errorType"]) == ("ERROR", "DOUBLECONFLICT")
    # A higher server value: the client's OFFER gets CONFLICT; the server's stands.
    await asyncio.to_thread(emu.media_offer, m.meeting, tie_breaker=0xFFFFFFFF)
    crossing = (await next_event(user, roap_event))["message"]
    conflict = await m.roap(offer(crossing["seq"], sdp))
    assert conflict is not None
    assert (conflict["errorType"], conflict["seq"]) == ("CONFLICT", crossing["seq"])
    # The client reports the glare on the server's offer too: it is recorded.
    error = {
        "messageType": "ERROR",
        "version": "2",
        "seq": crossing["seq"],
        "errorType": "CONFLICT",
    }
    assert await m.roap(error) is None
    (session,) = await asyncio.to_thread(emu.media_sessions, m.meeting)
    assert session["glare"] == ["client-won", "DOUBLECONFLICT", "CONFLICT"]
    assert session["clientErrors"] == [{"seq": crossing["seq"], "errorType": "CONFLICT"}]
