"""The ROAP session's sequence across session objects, and inbound messages it cannot use."""

from __future__ import annotations

import pytest

from webex_meetings import APIConnectionError
from webex_meetings.meetings.media.roap import MAX_SEQ, RoapMessage, RoapMessageType
from webex_meetings.meetings.media.roap_session import RoapSession

from .test_media_roap import FakePeer, FakeServer, answer_for

OFFER, ANSWER, ERROR = RoapMessageType.OFFER, RoapMessageType.ANSWER, RoapMessageType.ERROR


async def test_a_new_session_goes_on_from_the_seq_it_is_given() -> None:
    server = FakeServer(answer_for)
    first = RoapSession(server, FakePeer())
    await first.negotiate()
    second = RoapSession(server, FakePeer(), seq=first.seq)
    await second.negotiate()
    assert [m.seq for m in server.sent] == [1, 2]
    assert RoapSession(server, seq=-4).seq == 0


async def test_a_server_offer_without_a_peer_gets_an_error_not_an_exception() -> None:
    server = FakeServer()
    session = RoapSession(server)
    await session.receive(RoapMessage(OFFER, 1, sdp="v=0", tie_breaker=1))
    assert [(m.message_type, m.seq, m.error_type) for m in server.sent] == [(ERROR, 1, "FAILED")]
    session.close()
    await session.receive(RoapMessage(OFFER, 2, sdp="v=0", tie_breaker=1))
    assert len(server.sent) == 1  # closed: nothing more goes out


async def test_a_lost_answer_send_is_logged_and_the_retransmitted_offer_answered_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sent: list[RoapMessage] = []
    fail = True

    async def send(message: RoapMessage) -> RoapMessage | None:
        sent.append(message)
        if fail:
            raise APIConnectionError("reset")
        return None

    session = RoapSession(send, FakePeer())
    offer = RoapMessage(OFFER, 3, sdp="v=0 server", tie_breaker=1)
    await session.receive(offer)  # the ANSWER cannot be sent: no exception escapes
    assert "sending RoapMessage(ANSWER, seq=3) failed" in caplog.text
    fail = False
    await session.receive(offer)
    assert [(m.message_type, m.seq) for m in sent] == [(ANSWER, 3), (ANSWER, 3)]
    assert sent[0].sdp == sent[1].sdp


@pytest.mark.parametrize(
    "wire",
    [
        {"messageType": "ANSWER", "seq": -1},
        {"messageType": "ANSWER", "seq": MAX_SEQ + 1},
        {"messageType": "ANSWER", "seq": "\u00b2"},
        {"messageType": "ANSWER", "seq": 1.0},
        {"messageType": "OFFER", "seq": 1, "tieBreaker": 2**32},
        {"messageType": "offer", "seq": 1},
        {"messageType": ["OFFER"], "seq": 1},
    ],
)
def test_out_of_range_or_odd_fields_are_refused(wire: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="ROAP") as info:
        RoapMessage.from_wire(wire)
    assert "\u00b2" not in str(info.value)  # the value itself is not quoted


def test_free_text_from_the_server_is_bounded() -> None:
    message = RoapMessage.from_wire(
        {
            "messageType": "ERROR",
            "seq": 1,
            "errorType": {"x": 1},
            "errorCause": "y" * 10_000,
            "headers": ["ok", 5, None],
        }
    )
    assert message.error_type is None
    assert message.error_cause is not None
    assert len(message.error_cause) < 300
    assert message.headers == ("ok",)
