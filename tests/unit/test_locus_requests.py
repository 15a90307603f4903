"""Locus requests over httpx.MockTransport: exact method, path and body; join errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from webex_meetings._exceptions import APIStatusError
from webex_meetings.meetings.errors import (
    IntentToJoinError,
    JoinMeetingError,
    ParameterError,
)
from webex_meetings.meetings.locus.join import JoinRequest
from webex_meetings.meetings.locus.requests import LocusRequests, RecordingAction

from ._locus_dtos import CORRELATION_ID, DEVICE_URL, LOCUS_URL, delta_dto, full_dto, seq
from .conftest import HYDRA

LOCUS_BASE = "https://locus-a.wbx2.com/locus/api/v1"
JOIN_OK = {"locus": full_dto(1), "mediaConnections": [{"mediaId": "media-1", "type": "SDP"}]}


def _json(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


@pytest.fixture
def locus(make_webex: Callable[..., Any]) -> Callable[..., Any]:
    def factory(
        handler: Callable[[httpx.Request], httpx.Response], **kw: Any
    ) -> tuple[LocusRequests, Any, list[dict[str, Any]]]:
        config = {"services": {"override": {"hydra": HYDRA, "locus": LOCUS_BASE}}}
        webex, recorder, _ = make_webex(handler, config=config)
        fed: list[dict[str, Any]] = []
        requests = LocusRequests(webex, on_locus=fed.append, **kw)
        return requests, recorder, fed

    return factory


def _join_request(**kw: Any) -> JoinRequest:
    return JoinRequest(device_url=DEVICE_URL, correlation_id=CORRELATION_ID, **kw)


async def test_join_an_existing_locus(locus: Any) -> None:
    requests, recorder, fed = locus(lambda r: httpx.Response(200, json=JOIN_OK))
    result = await requests.join(
        _join_request(locus_url=LOCUS_URL, permission_token="tok", pin="1234", moderator=True)
    )
    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == f"{LOCUS_URL}/participant?alternateRedirect=true"
    assert _json(request) == {
        "device": {"url": DEVICE_URL, "deviceType": "WEB"},
        "usingResource": None,
        "moveMediaToResource": False,
        "correlationId": CORRELATION_ID,
        "respOnlySdp": True,
        "allowMultiDevice": True,
        "ensureConversation": False,
        "supportsNativeLobby": 1,
        "clientMediaPreferences": {"preferTranscoding": True, "joinCookie": None},
        "moderator": True,
        "permissionToken": "tok",
        "pin": "1234",
    }
    assert result.locus_url == LOCUS_URL
    assert result.locus_id == "loc-1"
    assert result.self_id == "part-self"
    assert result.media_id == "media-1"
    assert fed == []  # the join is not a delta request


async def test_join_by_address_on_the_meeting_cluster(locus: Any) -> None:
    requests, recorder, _ = locus(lambda r: httpx.Response(200, json=JOIN_OK))
    await requests.join(
        _join_request(
            locus_cluster_url="locus-x.wbx2.com",
            invitee_address="room@example.webex.com",
            ip_version=4,
            breakouts_supported=True,
            roap_message={"messageType": "TURN_DISCOVERY_REQUEST", "seq": 0},
        )
    )
    (request,) = recorder.requests
    assert str(request.url) == (
        "https://locus-x.wbx2.com/locus/api/v1/loci/call?alternateRedirect=true"
    )
    body = _json(request)
    assert body["invitee"] == {"address": "room@example.webex.com"}
    assert body["clientMediaPreferences"]["ipver"] == 4
    assert body["deviceCapabilities"] == ["BREAKOUTS_SUPPORTED"]
    assert json.loads(body["localMedias"][0]["localSdp"]) == {
        "roapMessage": {"messageType": "TURN_DISCOVERY_REQUEST", "seq": 0}
    }
    assert "pin" not in body
    assert "moderator" not in body
    assert "permissionToken" not in body


async def test_join_by_meeting_number_on_the_catalog_locus(locus: Any) -> None:
    requests, recorder, _ = locus(lambda r: httpx.Response(200, json=JOIN_OK))
    await requests.join(_join_request(meeting_number="2555555555"))
    (request,) = recorder.requests
    assert str(request.url) == f"{LOCUS_BASE}/loci/call?alternateRedirect=true"
    assert _json(request)["invitee"] == {"address": "wbxmn:2555555555"}


async def test_join_needs_somewhere_to_go(locus: Any) -> None:
    requests, recorder, _ = locus(lambda r: httpx.Response(200, json=JOIN_OK))
    with pytest.raises(ParameterError):
        await requests.join(_join_request())
    assert recorder.requests == []


async def test_join_follows_a_locus_redirect(locus: Any) -> None:
    other = "https://locus-b.wbx2.com/locus/api/v1/loci/call?alternateRedirect=true"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "locus-b.wbx2.com":
            return httpx.Response(200, json=JOIN_OK)
        return httpx.Response(404, json={"errorCode": 2000002, "location": other})

    requests, recorder, _ = locus(handler)
    result = await requests.join(_join_request(invitee_address="x@example.webex.com"))
    assert [str(r.url) for r in recorder.requests] == [
        f"{LOCUS_BASE}/loci/call?alternateRedirect=true",
        other,
    ]
    assert _json(recorder.requests[1]) == _json(recorder.requests[0])
    assert result.locus_url == LOCUS_URL


async def test_join_gives_up_after_five_redirects(locus: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"errorCode": 2000002, "location": f"{LOCUS_URL}/x"})

    requests, recorder, _ = locus(handler)
    with pytest.raises(JoinMeetingError, match="redirects"):
        await requests.join(_join_request(locus_url=LOCUS_URL))
    assert len(recorder.requests) == 6


@pytest.mark.parametrize("code", [2423005, 2423006, 2423016, 2423017, 2423018])
async def test_join_intent_required(locus: Any, code: int) -> None:
    requests, _, _ = locus(lambda r: httpx.Response(403, json={"errorCode": code}))
    with pytest.raises(IntentToJoinError) as info:
        await requests.join(_join_request(locus_url=LOCUS_URL))
    assert info.value.locus_error_code == code
    assert info.value.join_intent_required is True
    assert isinstance(info.value.error, APIStatusError)
    assert info.value.code == 1


async def test_other_join_failures_wrap_the_http_error_without_secrets(locus: Any) -> None:
    requests, _, _ = locus(
        lambda r: httpx.Response(403, json={"errorCode": 2403004, "message": "LOCUS_INACTIVE"})
    )
    with pytest.raises(JoinMeetingError) as info:
        await requests.join(
            _join_request(locus_url=LOCUS_URL, pin="98765", permission_token="secret-jwt")
        )
    error = info.value
    assert error.code == 2
    assert isinstance(error.error, APIStatusError)
    assert error.error.error_code == 2403004
    assert error.join_options["pinProvided"] is True
    text = f"{error} {error.join_options!r} {_join_request(pin='98765')!r}"
    assert "98765" not in text
    assert "secret-jwt" not in text


async def test_join_response_without_media_connections_is_an_error(locus: Any) -> None:
    requests, _, _ = locus(lambda r: httpx.Response(200, json={"locus": full_dto(1)}))
    with pytest.raises(JoinMeetingError, match="mediaConnections"):
        await requests.join(_join_request(locus_url=LOCUS_URL))


SEQ = seq(7)

DELTA_CASES: list[tuple[str, Any, str, str, dict[str, Any]]] = [
    (
        "leave",
        lambda r: r.leave(LOCUS_URL, "part-self", DEVICE_URL, CORRELATION_ID),
        "PUT",
        f"{LOCUS_URL}/participant/part-self/leave",
        {
            "device": {"deviceType": "WEB", "url": DEVICE_URL},
            "usingResource": None,
            "correlationId": CORRELATION_ID,
        },
    ),
    (
        "acknowledge",
        lambda r: r.acknowledge(LOCUS_URL, DEVICE_URL, CORRELATION_ID),
        "PUT",
        f"{LOCUS_URL}/participant/alert",
        {"device": {"deviceType": "WEB", "url": DEVICE_URL}, "correlationId": CORRELATION_ID},
    ),
    (
        "decline",
        lambda r: r.decline(LOCUS_URL, DEVICE_URL, "BUSY"),
        "PUT",
        f"{LOCUS_URL}/participant/decline",
        {"device": {"deviceType": "WEB", "url": DEVICE_URL}, "reason": "BUSY"},
    ),
    ("end", lambda r: r.end_meeting_for_all(LOCUS_URL), "POST", f"{LOCUS_URL}/end", {}),
    (
        "lock",
        lambda r: r.lock_meeting(LOCUS_URL, True),
        "PATCH",
        f"{LOCUS_URL}/controls",
        {"lock": {"locked": True}},
    ),
    (
        "admit",
        lambda r: r.admit_members(LOCUS_URL, ["p1", "p2"]),
        "PUT",
        f"{LOCUS_URL}/controls",
        {"admit": {"participantIds": ["p1", "p2"]}},
    ),
    (
        "admit_from_breakout",
        lambda r: r.admit_members(
            LOCUS_URL, ["p1"], authorizing_locus_url="https://b/loci/br", main_locus_url=LOCUS_URL
        ),
        "PUT",
        f"{LOCUS_URL}/controls",
        {"authorizingLocusUrl": "https://b/loci/br", "admit": {"participantIds": ["p1"]}},
    ),
    (
        "remove",
        lambda r: r.remove_member(LOCUS_URL, "p1"),
        "PUT",
        f"{LOCUS_URL}/participant/p1/leave",
        {"reason": "FORCED"},
    ),
    (
        "mute_video",
        lambda r: r.mute_member(LOCUS_URL, "p1", True, is_audio=False),
        "PATCH",
        f"{LOCUS_URL}/participant/p1/controls",
        {"video": {"muted": True}},
    ),
    (
        "lower_all",
        lambda r: r.lower_all_hands(LOCUS_URL, "part-self"),
        "PATCH",
        f"{LOCUS_URL}/controls",
        {"hand": {"raised": False}, "requestingParticipantId": "part-self"},
    ),
    (
        "transfer",
        lambda r: r.transfer_host(LOCUS_URL, "p1"),
        "PATCH",
        f"{LOCUS_URL}/participant/p1/controls",
        {"role": {"moderator": True}},
    ),
    (
        "cancel_invite",
        lambda r: r.cancel_phone_invite(LOCUS_URL, "+15551234567"),
        "PUT",
        LOCUS_URL,
        {"actionType": "REMOVE", "invitees": [{"address": "+15551234567"}]},
    ),
]


@pytest.mark.parametrize("case", DELTA_CASES, ids=[c[0] for c in DELTA_CASES])
async def test_delta_requests_carry_the_sequence_and_feed_the_parser(
    locus: Any, case: tuple[str, Any, str, str, dict[str, Any]]
) -> None:
    _, call, method, url, body = case
    answer = delta_dto(7, 8)
    requests, recorder, fed = locus(
        lambda r: httpx.Response(200, json={"locus": answer}), sequence=lambda: SEQ
    )
    await call(requests)
    (request,) = recorder.requests
    assert request.method == method
    assert str(request.url) == url
    assert _json(request) == {**body, "sequence": SEQ}
    assert fed == [answer]


async def test_delta_request_without_a_sequence_or_a_locus_in_the_answer(locus: Any) -> None:
    requests, recorder, fed = locus(lambda r: httpx.Response(200))
    assert await requests.end_meeting_for_all(LOCUS_URL) is None
    assert _json(recorder.requests[0]) == {}
    assert fed == []


async def test_dtmf_bodies_get_a_fresh_correlation_id(locus: Any) -> None:
    requests, recorder, _ = locus(lambda r: httpx.Response(200, json={}))
    await requests.send_dtmf(LOCUS_URL, DEVICE_URL, "12#")
    await requests.send_dial_pad_key(LOCUS_URL, "p-sip", "sip:dev@example.com", "5")
    first, second = (_json(r) for r in recorder.requests)
    assert str(recorder.requests[0].url) == f"{LOCUS_URL}/sendDtmf"
    assert first["deviceUrl"] == DEVICE_URL
    assert first["dtmf"]["tones"] == "12#"
    assert str(recorder.requests[1].url) == f"{LOCUS_URL}/participant/p-sip/sendDtmf"
    assert second["device"] == {"url": "sip:dev@example.com"}
    assert second["memberId"] == "p-sip"
    assert second["dtmf"]["direction"] == "transmit"
    assert first["dtmf"]["correlationId"] != second["dtmf"]["correlationId"]


@pytest.mark.parametrize(
    ("action", "record"),
    [
        (RecordingAction.START, {"recording": True, "paused": False}),
        (RecordingAction.STOP, {"recording": False, "paused": False}),
        (RecordingAction.PAUSE, {"recording": True, "paused": True}),
        ("resume", {"recording": True, "paused": False}),
    ],
)
async def test_recording_through_controls(locus: Any, action: Any, record: Any) -> None:
    requests, recorder, _ = locus(lambda r: httpx.Response(200, json={}), sequence=lambda: SEQ)
    await requests.set_recording(LOCUS_URL, action)
    (request,) = recorder.requests
    assert (request.method, str(request.url)) == ("PATCH", f"{LOCUS_URL}/controls")
    assert _json(request) == {"record": record}  # not a delta request: no sequence


async def test_recording_through_the_record_service(locus: Any) -> None:
    requests, recorder, _ = locus(lambda r: httpx.Response(200, json={}))
    await requests.set_recording(
        LOCUS_URL,
        RecordingAction.PAUSE,
        record_service_url="https://rec.example.com/api/v1/",
        locus_session_id="sess-1",
    )
    (request,) = recorder.requests
    assert request.method == "PUT"
    assert str(request.url) == "https://rec.example.com/api/v1/loci/loc-1/recording"
    assert _json(request) == {
        "meetingInfo": {"locusSessionId": "sess-1"},
        "recording": {"action": "pause"},
    }


async def test_reading_locus_state(locus: Any) -> None:
    remote = "https://locus-r.wbx2.com/locus/api/v1/loci"

    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if url == f"{LOCUS_BASE}/loci":
            return httpx.Response(
                200,
                json={
                    "loci": [full_dto(1)],
                    "locusUrls": [LOCUS_URL],
                    "remoteLocusClusterUrls": [remote],
                },
            )
        if url == remote:
            return httpx.Response(200, json={"loci": [full_dto(2)], "locusUrls": ["https://r/l2"]})
        if "sync" in url:
            return httpx.Response(200)
        if url == "https://keep.alive/x":
            return httpx.Response(200, json={})
        return httpx.Response(200, json=full_dto(3))

    requests, recorder, _ = locus(handler)
    active = await requests.get_active_loci()
    assert [last["sequence"]["entries"] for last in active["loci"]] == [[1], [2]]
    assert active["locusUrls"] == [LOCUS_URL, "https://r/l2"]
    assert await requests.get_locus_dto(f"{LOCUS_URL}/sync?since=1") is None
    dto = await requests.get_locus_dto(LOCUS_URL)
    assert dto is not None
    assert dto["sequence"] == seq(3)
    await requests.keep_alive("https://keep.alive/x")
    assert all(r.method == "GET" for r in recorder.requests)


async def test_missing_ids_are_parameter_errors(locus: Any) -> None:
    requests, recorder, _ = locus(lambda r: httpx.Response(200, json={}))
    with pytest.raises(ParameterError):
        await requests.remove_member("", "p1")
    with pytest.raises(ParameterError):
        await requests.mute_member(LOCUS_URL, "", True)
    with pytest.raises(ParameterError):
        await requests.leave(LOCUS_URL, "", DEVICE_URL, CORRELATION_ID)
    assert recorder.requests == []
