"""``/media`` bodies, the request queue, TURN discovery and MeetingMedia errors (MockTransport)."""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from webex_meetings.meetings.errors import (
    AddMediaFailedError,
    MediaError,
    MeetingNotActiveError,
    NoMediaEstablishedYetError,
    ParameterError,
    UserInLobbyError,
    UserNotJoinedError,
)
from webex_meetings.meetings.media import (
    ConfluenceState,
    LocusMediaRequest,
    MediaState,
    MediaTimeouts,
    MeetingMedia,
    RoapMessage,
    RoapMessageType,
)
from webex_meetings.meetings.media.media_request import MediaRequestContext
from webex_meetings.meetings.media.roap_session import RoapSession
from webex_meetings.meetings.media.turn import (
    TurnDiscovery,
    ice_server_urls,
    parse_turn_response,
    turn_discovery_request,
)

from .conftest import CORRELATION_ID, DEVICE_URL, SELF_URL, FakeHost, media_body, remote_sdp, until

TURN_HEADERS = [
    "x-cisco-turn-url=turns:turn.example.com:443?transport=tcp",
    "x-cisco-turn-username=user1",
    "x-cisco-turn-password=secret-password",
]


def _context(mutes: list[tuple[bool, bool]], fed: list[dict[str, Any]]) -> MediaRequestContext:
    return MediaRequestContext(
        self_url=lambda: SELF_URL,
        device_url=lambda: DEVICE_URL,
        correlation_id=lambda: CORRELATION_ID,
        mute_state=lambda: mutes[-1],
        sequence=lambda: {"entries": [101], "rangeStart": 0, "rangeEnd": 0},
        on_locus=fed.append,
    )


async def test_roap_and_local_mute_bodies(webex_for: Callable[..., Any]) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=remote_sdp(None) | {"locus": {"self": {"id": "P1"}}})

    fed: list[dict[str, Any]] = []
    mutes = [(False, True)]
    requests = LocusMediaRequest(webex_for(handler), _context(mutes, fed))
    assert await requests.send_local_mute(media_id="m1") is None  # no confluence yet
    assert seen == []
    offer = RoapMessage(RoapMessageType.OFFER, 1, sdp="v=0", tie_breaker=4294967294)
    await requests.send_roap(offer, media_id="m1")
    assert requests.confluence is ConfluenceState.CREATED
    mutes.append((True, True))
    await requests.send_local_mute(media_id="m1")

    roap_request, mute_request = seen
    assert roap_request.method == "PUT"
    assert str(roap_request.url) == f"{SELF_URL}/media"
    body, local = media_body(roap_request)
    assert body == {
        "device": {"url": DEVICE_URL, "deviceType": "WEB"},
        "correlationId": CORRELATION_ID,
        "clientMediaPreferences": {"preferTranscoding": True},
        "localMedias": [{"localSdp": body["localMedias"][0]["localSdp"], "mediaId": "m1"}],
    }
    assert isinstance(body["localMedias"][0]["localSdp"], str)
    assert local == {"audioMuted": False, "videoMuted": True, "roapMessage": offer.to_wire()}
    body, local = media_body(mute_request)
    assert body["respOnlySdp"] is True
    assert body["usingResource"] is None
    assert body["sequence"] == {"entries": [101], "rangeStart": 0, "rangeEnd": 0}
    assert local == {"audioMuted": True, "videoMuted": True}
    assert fed == [{"self": {"id": "P1"}}]  # only the local mute's locus is applied


async def test_roap_response_without_locus_fails(webex_for: Callable[..., Any]) -> None:
    webex = webex_for(lambda r: httpx.Response(200, json={"mediaConnections": []}))
    requests = LocusMediaRequest(webex, _context([(True, True)], []))
    with pytest.raises(MediaError, match="no locus"):
        await requests.send_roap(RoapMessage(RoapMessageType.OFFER, 1, sdp="x"), media_id="m")
    assert requests.confluence is ConfluenceState.NOT_CREATED


async def test_one_request_in_flight_and_mutes_coalesce(webex_for: Callable[..., Any]) -> None:
    gate = asyncio.Event()
    order: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        _, local = media_body(request)
        order.append(local.get("roapMessage", {}).get("messageType", f"mute{local['audioMuted']}"))
        await gate.wait()
        return httpx.Response(200, json=remote_sdp(None))

    mutes = [(False, False)]
    requests = LocusMediaRequest(webex_for(handler), _context(mutes, []))
    requests.confluence = ConfluenceState.CREATED
    first = asyncio.create_task(requests.send_local_mute(media_id="m"))
    await until(lambda: len(order) == 1)
    mutes.append((True, False))
    second = asyncio.create_task(requests.send_local_mute(media_id="m"))
    third = asyncio.create_task(requests.send_local_mute(media_id="m"))
    await until(lambda: len(requests._queue) == 1 and len(requests._queue[0].futures) == 2)
    assert order == ["muteFalse"]  # the others wait, merged into one queued request
    gate.set()
    results = await asyncio.gather(first, second, third)
    assert order == ["muteFalse", "muteTrue"]  # sent with the values of when it left
    assert results[1] is results[2]
    # A ROAP request drops queued local mutes: it carries the mute state itself.
    gate.clear()
    busy = asyncio.create_task(requests.send_local_mute(media_id="m"))
    await until(lambda: len(order) == 3)
    queued = asyncio.create_task(requests.send_local_mute(media_id="m"))
    await until(lambda: len(requests._queue) == 1)
    roap = asyncio.create_task(requests.send_roap(RoapMessage(RoapMessageType.OK, 1), media_id="m"))
    assert await queued is None
    gate.set()
    await asyncio.gather(busy, roap)
    assert order[-2:] == ["muteTrue", "OK"]


def test_turn_response_parsing_and_ice_urls() -> None:
    response = RoapMessage(RoapMessageType.TURN_DISCOVERY_RESPONSE, 0, headers=tuple(TURN_HEADERS))
    info = parse_turn_response(response)
    assert info is not None
    assert info.username == "user1"
    assert "secret-password" not in repr(info)
    assert ice_server_urls(info.url) == [
        "turns:turn.example.com:443?transport=tcp",
        "turn:turn.example.com:5004?transport=tcp",
    ]
    servers = info.ice_servers()
    assert [s.urls for s in servers] == ice_server_urls(info.url)
    assert servers[0].credential == "secret-password"
    missing = RoapMessage(
        RoapMessageType.TURN_DISCOVERY_RESPONSE, 0, headers=tuple(TURN_HEADERS[:2])
    )
    assert parse_turn_response(missing) is None
    assert ice_server_urls("") == []
    assert turn_discovery_request().to_wire() == {
        "messageType": "TURN_DISCOVERY_REQUEST",
        "version": "2",
        "seq": 0,
        "headers": ["includeAnswerInHttpResponse", "noOkInTransaction"],
    }


async def test_turn_discovery_over_mercury_then_ok() -> None:
    sent: list[RoapMessage] = []
    session = RoapSession(lambda m: asyncio.sleep(0, None))

    async def send(message: RoapMessage, media_id: str) -> dict[str, Any]:
        sent.append(message)
        if message.message_type is RoapMessageType.TURN_DISCOVERY_REQUEST:
            # No reply in HTTP; it comes over Mercury, without noOkInTransaction.
            reply = RoapMessage(
                RoapMessageType.TURN_DISCOVERY_RESPONSE, 0, headers=tuple(TURN_HEADERS)
            )
            asyncio.get_running_loop().call_soon(
                lambda: asyncio.ensure_future(session.receive(reply))
            )
        return remote_sdp(None)

    result = await TurnDiscovery(send, session, timeout=5).discover("m")
    assert result.server is not None
    assert result.server.url.startswith("turns:")
    assert [(m.message_type, m.seq) for m in sent] == [
        (RoapMessageType.TURN_DISCOVERY_REQUEST, 0),
        (RoapMessageType.OK, 0),
    ]
    silent = await TurnDiscovery(lambda m, i: asyncio.sleep(0, {}), session, timeout=0.05).discover(
        "m"
    )
    assert silent.server is None
    assert silent.ice_servers() == []


async def test_turn_discovery_http_error_means_no_turn() -> None:
    async def send(message: RoapMessage, media_id: str) -> dict[str, Any]:
        raise ConnectionError("501")

    result = await TurnDiscovery(send, RoapSession(send)).discover("m")  # type: ignore[arg-type]
    assert result.server is None


async def test_add_media_refused_before_join_and_in_lobby(webex_for: Callable[..., Any]) -> None:
    webex = webex_for(lambda r: httpx.Response(500))
    host = FakeHost(webex)
    media = MeetingMedia(webex, host)
    host.state, host.self_url = None, None
    with pytest.raises(UserNotJoinedError):
        await media.add_media()
    host.state, host.self_url = "JOINED", SELF_URL
    host.is_user_unadmitted = True
    with pytest.raises(UserInLobbyError):
        await media.add_media()
    host.is_user_unadmitted, host.meeting_state = False, "INACTIVE"
    with pytest.raises(MeetingNotActiveError):
        await media.add_media()
    with pytest.raises(ParameterError, match="direction"):
        await media.add_media(audio="loud")
    for call in (media.mute_audio(), media.update_media(audio=False), media.unpublish("audio")):
        with pytest.raises((NoMediaEstablishedYetError, UserNotJoinedError)):
            await call
    with pytest.raises(ParameterError, match="never added"):
        await media.reconnect()
    assert media.state is MediaState.IDLE
    await media.close()


async def test_add_media_fails_cleanly_when_the_server_never_answers(
    webex_for: Callable[..., Any],
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=remote_sdp(None))  # no roapMessage ever

    webex = webex_for(handler)
    media = MeetingMedia(
        webex, FakeHost(webex), timeouts=MediaTimeouts(answer=0.2, turn=0.05, connect=1)
    )
    with pytest.raises(AddMediaFailedError, match="Timed out waiting for REMOTE SDP ANSWER"):
        await media.add_media(audio="recvonly", video=False, share=False)
    assert media.state is MediaState.FAILED
    assert media.connection is None
    await media.close()


async def test_missing_aiortc_is_a_clear_error(
    webex_for: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.import_module

    def fake_import(name: str, *args: Any) -> Any:
        if name == "aiortc":
            raise ImportError("No module named 'aiortc'")
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", fake_import)
    webex = webex_for(lambda r: httpx.Response(200, json=remote_sdp(None)))
    media = MeetingMedia(webex, FakeHost(webex))
    with pytest.raises(MediaError, match="pip install"):
        await media.add_media()


async def test_mercury_roap_events_are_matched_by_correlation_id(
    webex_for: Callable[..., Any],
) -> None:
    webex = webex_for(lambda r: httpx.Response(200, json=remote_sdp(None)))
    media = MeetingMedia(webex, FakeHost(webex))
    received: list[RoapMessage] = []

    async def receive(message: RoapMessage) -> None:
        received.append(message)

    media._session.receive = receive  # type: ignore[method-assign]
    media._listen()
    mercury = webex.internal.mercury
    for correlation in ("other", CORRELATION_ID):
        mercury.emit(
            "event:locus.message.roap",
            {
                "data": {
                    "eventType": "locus.message.roap",
                    "correlationId": correlation,
                    "message": {"messageType": "ANSWER", "seq": 1, "sdps": ["v=0"]},
                }
            },
        )
    await until(lambda: len(received) >= 1)
    await asyncio.sleep(0)
    assert [(m.message_type, m.seq, m.sdp) for m in received] == [
        (RoapMessageType.ANSWER, 1, "v=0")
    ]
    await media.close()
    assert not mercury.listeners("event:locus.message.roap")


def test_request_body_keeps_json_string(webex_for: Callable[..., Any]) -> None:
    requests = LocusMediaRequest(
        webex_for(lambda r: httpx.Response(200)), _context([(True, False)], [])
    )
    body = requests.build_body("RoapMessage", "", turn_discovery_request())
    local = json.loads(body["localMedias"][0]["localSdp"])
    assert local["roapMessage"]["messageType"] == "TURN_DISCOVERY_REQUEST"
    assert body["localMedias"][0]["mediaId"] == ""
