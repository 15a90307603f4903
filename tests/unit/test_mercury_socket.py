"""MercurySocket: auth frame, buffer-state wait and timeout, acks, close classification."""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest

from webex_meetings._exceptions import MercuryConnectionClosed, MercuryConnectTimeoutError
from webex_meetings.internal.mercury import CloseAction, MercurySocket, classify_close, prepare_url
from webex_meetings.internal.mercury.socket import fix_close_code

from ._mercury_server import FakeMercury


async def test_auth_frame_and_buffer_state_ack() -> None:
    async with FakeMercury() as server:
        sock = MercurySocket()
        first = await sock.open(server.url, token="Bearer tok", tracking_id="sess_1", timeout=2)
        assert first["data"]["eventType"] == "mercury.buffer_state"
        assert sock.connected
        await asyncio.sleep(0.05)
        auth, ack = server.frames[0][:2]
        assert auth["type"] == "authorization"
        assert auth["data"] == {"token": "Bearer tok"}
        assert auth["trackingId"] == "sess_1"
        assert "logLevelToken" not in auth
        uuid.UUID(auth["id"])
        assert ack == {"messageId": first["id"], "type": "ack"}
        await sock.close()


async def test_every_frame_with_an_id_is_acked_and_yielded() -> None:
    async with FakeMercury() as server:
        sock = MercurySocket()
        await sock.open(server.url, token="Bearer t", tracking_id="s", timeout=2)
        sent = await server.push("locus.difference", locus={"url": "x"})
        frames = sock.frames()
        envelope = await anext(frames)
        assert envelope["id"] == sent
        await asyncio.sleep(0.05)
        assert {"messageId": sent, "type": "ack"} in server.frames[0]
        await server.drop(1011, "server error")
        with pytest.raises(MercuryConnectionClosed) as info:
            await anext(frames)
        assert (info.value.code, info.value.reason) == (1011, "server error")


async def test_a_stuck_connect_fails_with_a_clear_error() -> None:
    async with FakeMercury() as server:
        server.send_buffer_state = False
        sock = MercurySocket()
        with pytest.raises(MercuryConnectTimeoutError, match=r"buffer_state within 0\.2s"):
            await sock.open(server.url, token="Bearer t", tracking_id="s", timeout=0.2)
        assert isinstance(MercuryConnectTimeoutError("x"), TimeoutError)


async def test_close_during_open_carries_code_and_reason() -> None:
    async with FakeMercury() as server:
        server.reject = [(4401, "Unauthorized")]
        sock = MercurySocket()
        with pytest.raises(MercuryConnectionClosed) as info:
            await sock.open(server.url, token="Bearer bad", tracking_id="s", timeout=2)
        assert info.value.code == 4401
        assert classify_close(4401, "", established=False) is CloseAction.REFRESH_TOKEN


async def test_invalid_close_codes_are_refused() -> None:
    sock = MercurySocket()
    with pytest.raises(ValueError, match="invalid close code"):
        await sock.close(1001)


@pytest.mark.parametrize(
    ("code", "reason", "established", "action"),
    [
        (1005, "", False, CloseAction.REFRESH_DEVICE),
        (4400, "", False, CloseAction.FATAL),
        (4401, "", False, CloseAction.REFRESH_TOKEN),
        (4403, "", False, CloseAction.FATAL),
        (1006, "", False, CloseAction.RECONNECT),
        (4500, "", False, CloseAction.RECONNECT),
        (1000, "Pong not received", True, CloseAction.RECONNECT),
        (1000, "pong mismatch", True, CloseAction.RECONNECT),
        (1050, "idle", True, CloseAction.RECONNECT),
        (1000, "Done (forced)", True, CloseAction.RECONNECT),
        (1000, "Done", True, CloseAction.FATAL),
        (1001, "", True, CloseAction.RECONNECT),
        (1005, "", True, CloseAction.RECONNECT),
        (1006, "", True, CloseAction.RECONNECT),
        (1011, "", True, CloseAction.RECONNECT),
        (1003, "", True, CloseAction.FATAL),
        (1008, "", True, CloseAction.FATAL),
        (4000, "replaced", True, CloseAction.REPLACED),
        (1005, "replaced", True, CloseAction.REPLACED),
        (1005, "authentication failed", True, CloseAction.FATAL),
    ],
)
def test_close_classification(
    code: int, reason: str, established: bool, action: CloseAction
) -> None:
    assert classify_close(code, reason, established=established) is action


def test_fix_close_code() -> None:
    assert fix_close_code(1005, "Replaced") == 4000
    assert fix_close_code(1005, "authentication failed") == 1008
    assert fix_close_code(1005, "") == 1005
    assert fix_close_code(1000, "replaced") == 1000


def test_prepare_url_adds_merges_and_removes_parameters() -> None:
    url = prepare_url(
        "wss://m.example/v1/messages?keep=1&bufferStates=true",
        {"outboundWireFormat": "text", "bufferStates": None, "aliasHttpStatus": "true"},
    )
    query = parse_qs(urlsplit(url).query)
    assert query == {"keep": ["1"], "outboundWireFormat": ["text"], "aliasHttpStatus": ["true"]}
    assert url.startswith("wss://m.example/v1/messages?")
