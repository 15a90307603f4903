"""The wbxappapi meeting-info lookup: body, URL choice, error mapping, ad-hoc meetings."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from webex_meetings import NotFoundError, ServiceUnavailableError, Webex
from webex_meetings.meetings.constants import DestinationType
from webex_meetings.meetings.destination import Destination
from webex_meetings.meetings.errors import (
    MeetingInfoError,
    MeetingInfoV2AdhocMeetingError,
    MeetingInfoV2CaptchaError,
    MeetingInfoV2PasswordError,
    MeetingInfoV2PolicyError,
    ParameterError,
)
from webex_meetings.meetings.meeting_info import (
    MeetingInfoProvider,
    build_request_body,
    direct_site,
)

from .conftest import HYDRA

APPAPI = "https://appapi-a.wbx2.com/wbxappapi/v1"
CONVERSATION = "https://conv-a.wbx2.com/conversation/api/v1/conversations/c0ff"
SECRET = "s3cret-Pa55word"
Reply = Callable[[httpx.Request], httpx.Response]


def _reply(status: int = 200, body: Any = None) -> Reply:
    return lambda request: httpx.Response(status, json=body if body is not None else {})


def _provider(
    make_webex: Callable[..., Any],
    handler: Reply,
    *,
    appapi: str = APPAPI,
    meetings: dict[str, Any] | None = None,
) -> tuple[MeetingInfoProvider, Any]:
    config: dict[str, Any] = {
        "services": {"override": {"hydra": HYDRA, "webex-appapi-service": appapi}}
    }
    if meetings is not None:
        config["meetings"] = meetings
    webex, recorder, _ = make_webex(handler, config=config)
    assert isinstance(webex, Webex)
    return MeetingInfoProvider(webex), recorder


def _sent(request: httpx.Request) -> dict[str, Any]:
    body = json.loads(request.content)
    assert isinstance(body, dict)
    return body


def _dest(kind: DestinationType, value: Any) -> Destination:
    return Destination(kind, value)


@pytest.mark.parametrize(
    ("destination", "fields"),
    [
        (_dest(DestinationType.SIP_URI, "a@b.example"), {"sipUrl": "a@b.example"}),
        (_dest(DestinationType.MEETING_ID, "2555555555"), {"meetingKey": "2555555555"}),
        (
            _dest(DestinationType.MEETING_LINK, "https://x/meet/a"),
            {"meetingUrl": "https://x/meet/a"},
        ),
        (_dest(DestinationType.MEETING_UUID, "u-1"), {"meetingUUID": "u-1"}),
        (_dest(DestinationType.CONVERSATION_URL, CONVERSATION), {"conversationUrl": CONVERSATION}),
        (
            _dest(DestinationType.PERSONAL_ROOM, {"userId": "u", "orgId": "o"}),
            {"userId": "u", "orgId": "o"},
        ),
        (
            _dest(DestinationType.LOCUS_ID, {"info": {"webExMeetingId": "123", "sipUri": "s@x"}}),
            {"meetingKey": "123"},
        ),
        (_dest(DestinationType.LOCUS_ID, {"info": {"sipUri": "s@x"}}), {"sipUrl": "s@x"}),
    ],
)
def test_request_body_per_type(destination: Destination, fields: dict[str, Any]) -> None:
    body = build_request_body(destination)
    assert body == {"supportHostKey": True, "supportCountryList": True, **fields}


def test_request_body_optional_fields() -> None:
    body = build_request_body(
        _dest(DestinationType.SIP_URI, "a@b.example"),
        password=SECRET,
        captcha_id="c-1",
        captcha_code="x7k2",
        installed_org_id="org-1",
        locus_id="locus-1",
        extra_params={"permissionToken": "old", "sipUrl": "overridden"},
    )
    assert body == {
        "supportHostKey": True,
        "supportCountryList": True,
        "permissionToken": "old",
        "sipUrl": "a@b.example",  # the destination wins over extra params
        "password": SECRET,
        "captchaID": "c-1",
        "captchaVerifyCode": "x7k2",
        "installedOrgID": "org-1",
        "locusId": "locus-1",
    }


@pytest.mark.parametrize(
    ("destination", "site"),
    [
        (_dest(DestinationType.SIP_URI, "12345@acme.webex.com"), "acme.webex.com"),
        (_dest(DestinationType.SIP_URI, "sip:12345@acme.webex.com"), "acme.webex.com"),
        (_dest(DestinationType.SIP_URI, "12345@meet.webex.com"), None),
        (_dest(DestinationType.SIP_URI, "12345@a.b.webex.com"), None),
        (_dest(DestinationType.SIP_URI, "12345@a.b/c.d"), None),
        (_dest(DestinationType.SIP_URI, "2555555555"), None),
        (
            _dest(DestinationType.LOCUS_ID, {"info": {"webExSite": "acme.webex.com"}}),
            "acme.webex.com",
        ),
        (_dest(DestinationType.MEETING_ID, "12345@acme.webex.com"), None),
    ],
)
def test_direct_site(destination: Destination, site: str | None) -> None:
    assert direct_site(destination) == site


async def test_lookup_posts_to_catalog_service(make_webex: Callable[..., Any]) -> None:
    info = {"sipUrl": "2555555555@acme.webex.com", "meetingNumber": "2555555555"}
    provider, recorder = _provider(
        make_webex, _reply(200, info), meetings={"installedOrgID": "org-9"}
    )
    result = await provider.fetch_meeting_info(
        _dest(DestinationType.MEETING_ID, "2555555555"), locus_id="l-1"
    )
    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == f"{APPAPI}/meetingInfo"
    assert request.headers["authorization"].startswith("Bearer ")
    assert _sent(request) == {
        "supportHostKey": True,
        "supportCountryList": True,
        "meetingKey": "2555555555",
        "installedOrgID": "org-9",
        "locusId": "l-1",
    }
    assert result.body == info
    assert result.url == f"{APPAPI}/meetingInfo"


async def test_site_sip_address_goes_direct(make_webex: Callable[..., Any]) -> None:
    provider, recorder = _provider(make_webex, _reply(200, {"sipUrl": "x"}))
    result = await provider.fetch_meeting_info(
        _dest(DestinationType.SIP_URI, "2555555555@acme.webex.com")
    )
    (request,) = recorder.requests
    assert str(request.url) == "https://acme.webex.com/wbxappapi/v1/meetingInfo"
    assert request.headers["authorization"].startswith("Bearer ")
    assert result.url == "https://acme.webex.com/wbxappapi/v1/meetingInfo"


async def test_loopback_catalog_never_goes_direct(make_webex: Callable[..., Any]) -> None:
    local = "http://127.0.0.1:9/wbxappapi/v1"
    provider, recorder = _provider(make_webex, _reply(200, {"sipUrl": "x"}), appapi=local)
    await provider.fetch_meeting_info(_dest(DestinationType.SIP_URI, "2555555555@acme.webex.com"))
    await provider.fetch_meeting_info(
        _dest(DestinationType.LOCUS_ID, {"info": {"webExSite": "acme.webex.com", "sipUri": "a@b"}})
    )
    assert [str(r.url) for r in recorder.requests] == [f"{local}/meetingInfo"] * 2


@pytest.mark.parametrize(
    "destination",
    [
        _dest(DestinationType.ONE_ON_ONE_CALL, "alice@example.com"),
        _dest(DestinationType.LOCUS_ID, {"url": "https://locus/1", "info": {}}),
        _dest(DestinationType.PERSON_ID, "someone"),
    ],
)
async def test_not_enough_information_sends_nothing(
    make_webex: Callable[..., Any], destination: Destination
) -> None:
    provider, recorder = _provider(make_webex, _reply())
    with pytest.raises(ParameterError, match="Not enough information to fetch meeting info"):
        await provider.fetch_meeting_info(destination, installed_org_id="")
    assert recorder.requests == []


async def test_captcha_code_needs_its_id(make_webex: Callable[..., Any]) -> None:
    provider, recorder = _provider(make_webex, _reply())
    with pytest.raises(ParameterError, match="captcha"):
        await provider.fetch_meeting_info(
            _dest(DestinationType.MEETING_ID, "1"), captcha_code="x7k2"
        )
    assert recorder.requests == []


@pytest.mark.parametrize("code", [403049, 403104, 403103, 403048, 403102, 403101])
async def test_policy_codes(make_webex: Callable[..., Any], code: int) -> None:
    body = {"code": code, "message": "org policy", "data": {"meetingInfo": {"meetingNumber": "9"}}}
    provider, _ = _provider(make_webex, _reply(403, body))
    with pytest.raises(MeetingInfoV2PolicyError) as info:
        await provider.fetch_meeting_info(_dest(DestinationType.MEETING_ID, "9"))
    assert info.value.wbx_app_api_code == code
    assert info.value.meeting_info == {"meetingNumber": "9"}
    assert "org policy" in str(info.value)
    assert info.value.__cause__ is not None


async def test_password_error_keeps_partial_info(make_webex: Callable[..., Any]) -> None:
    body = {"code": 403028, "message": "wrong", "data": {"meetingInfo": {"meetingNumber": "9"}}}
    provider, recorder = _provider(make_webex, _reply(403, body))
    with pytest.raises(MeetingInfoV2PasswordError) as info:
        await provider.fetch_meeting_info(_dest(DestinationType.MEETING_ID, "9"), password=SECRET)
    assert info.value.wbx_app_api_code == 403028
    assert info.value.meeting_info == {"meetingNumber": "9"}
    assert len(recorder.requests) == 1
    assert SECRET not in str(info.value)
    assert SECRET not in repr(info.value.__cause__)


@pytest.mark.parametrize(
    ("code", "needs_password"), [(423005, True), (423006, True), (423001, False)]
)
async def test_captcha_error(
    make_webex: Callable[..., Any], code: int, needs_password: bool
) -> None:
    body = {
        "code": code,
        "message": "captcha",
        "captchaID": "c-1",
        "verificationImageURL": "https://acme.webex.com/captcha/img?id=c-1",
        "verificationAudioURL": "https://acme.webex.com/captcha/audio?id=c-1",
        "refreshURL": "https://acme.webex.com/wbxappapi/v1/captchas/refresh?id=c-1",
    }
    provider, recorder = _provider(make_webex, _reply(423, body))
    with pytest.raises(MeetingInfoV2CaptchaError) as info:
        await provider.fetch_meeting_info(_dest(DestinationType.MEETING_ID, "9"))
    assert info.value.captcha_info == {
        "captchaId": "c-1",
        "verificationImageURL": body["verificationImageURL"],
        "verificationAudioURL": body["verificationAudioURL"],
        "refreshURL": body["refreshURL"],
    }
    assert info.value.is_password_required is needs_password
    assert len(recorder.requests) == 1  # a captcha challenge is not retried


async def test_other_errors_propagate_unretried(make_webex: Callable[..., Any]) -> None:
    provider, recorder = _provider(make_webex, _reply(404, {"code": 404006, "message": "nope"}))
    with pytest.raises(NotFoundError):
        await provider.fetch_meeting_info(_dest(DestinationType.MEETING_ID, "9"))
    provider, recorder = _provider(make_webex, _reply(503, {"message": "busy"}))
    with pytest.raises(ServiceUnavailableError):
        await provider.fetch_meeting_info(_dest(DestinationType.MEETING_ID, "9"))
    assert len(recorder.requests) == 1


async def test_non_object_answer(make_webex: Callable[..., Any]) -> None:
    provider, _ = _provider(make_webex, _reply(200, [1, 2]))
    with pytest.raises(MeetingInfoError, match="not a JSON object"):
        await provider.fetch_meeting_info(_dest(DestinationType.MEETING_ID, "9"))


async def test_password_is_never_logged(
    make_webex: Callable[..., Any], caplog: pytest.LogCaptureFixture
) -> None:
    provider, _ = _provider(make_webex, _reply(403, {"code": 403028, "message": "wrong"}))
    with (
        caplog.at_level(logging.DEBUG, logger="webex_meetings"),
        pytest.raises(MeetingInfoV2PasswordError),
    ):
        await provider.fetch_meeting_info(
            _dest(DestinationType.SIP_URI, "1@acme.webex.com"), password=SECRET
        )
    assert caplog.records  # the lookup did log
    assert all(SECRET not in record.getMessage() for record in caplog.records)


def _adhoc_handler(status: int = 200, body: Any = None) -> Reply:
    conversation = {
        "url": CONVERSATION,
        "displayName": "Design",
        "encryptionKeyUrl": "kms://key/1",
        "kmsResourceObjectUrl": "kms://kro/1",
        "participants": {
            "items": [
                {"emailAddress": "a@example.com", "entryUUID": "u-a"},
                {"emailAddress": "b@example.com", "entryUUID": "u-b"},
            ]
        },
    }

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json=conversation)
        return httpx.Response(status, json=body if body is not None else {"meetingJoinUrl": "j"})

    return handle


async def test_adhoc_space_meeting(make_webex: Callable[..., Any]) -> None:
    provider, recorder = _provider(make_webex, _adhoc_handler())
    provider.preferred_webex_site = "acme.webex.com"
    result = await provider.fetch_meeting_info(
        _dest(DestinationType.CONVERSATION_URL, CONVERSATION), installed_org_id="org-1"
    )
    get, post = recorder.requests
    assert get.method == "GET"
    assert get.url.params["includeParticipants"] == "true"
    assert str(get.url).startswith(CONVERSATION)
    assert str(post.url) == "https://acme.webex.com/wbxappapi/v2/meetings/spaceInstant"
    assert _sent(post) == {
        "title": "Design",
        "spaceUrl": CONVERSATION,
        "keyUrl": "kms://key/1",
        "kroUrl": "kms://kro/1",
        "invitees": [
            {"email": "a@example.com", "ciUserUuid": "u-a"},
            {"email": "b@example.com", "ciUserUuid": "u-b"},
        ],
        "installedOrgID": "org-1",
    }
    assert result.body == {"meetingJoinUrl": "j"}
    assert result.url == str(post.url)


async def test_adhoc_off_or_no_site_uses_meeting_info(make_webex: Callable[..., Any]) -> None:
    provider, recorder = _provider(
        make_webex, _reply(200, {}), meetings={"experimental": {"enableAdhocMeetings": False}}
    )
    provider.preferred_webex_site = "acme.webex.com"
    await provider.fetch_meeting_info(_dest(DestinationType.CONVERSATION_URL, CONVERSATION))
    provider2, recorder2 = _provider(make_webex, _reply(200, {}))
    await provider2.fetch_meeting_info(_dest(DestinationType.CONVERSATION_URL, CONVERSATION))
    for rec in (recorder, recorder2):
        (request,) = rec.requests
        assert str(request.url) == f"{APPAPI}/meetingInfo"
        assert _sent(request)["conversationUrl"] == CONVERSATION


async def test_adhoc_failures(make_webex: Callable[..., Any]) -> None:
    provider, _ = _provider(make_webex, _adhoc_handler(500, {"code": 500001, "message": "down"}))
    provider.preferred_webex_site = "acme.webex.com"
    destination = _dest(DestinationType.CONVERSATION_URL, CONVERSATION)
    with pytest.raises(MeetingInfoV2AdhocMeetingError) as info:
        await provider.fetch_meeting_info(destination)
    assert info.value.wbx_app_api_code == 500001
    provider, _ = _provider(make_webex, _adhoc_handler(403, {"code": 403049, "message": "no"}))
    provider.preferred_webex_site = "acme.webex.com"
    with pytest.raises(MeetingInfoV2PolicyError):
        await provider.fetch_meeting_info(destination)
    with pytest.raises(ParameterError, match="No preferred webex site found"):
        await provider.create_adhoc_space_meeting(CONVERSATION, preferred_site="")


async def test_refresh_captcha_request(make_webex: Callable[..., Any]) -> None:
    answer = {"captchaID": "c-2", "verificationImageURL": "i2", "verificationAudioURL": "a2"}
    provider, recorder = _provider(make_webex, _reply(200, answer))
    refresh = "https://acme.webex.com/wbxappapi/v1/captchas/refresh?id=c-1"
    assert await provider.refresh_captcha(refresh, "c-1") == answer
    (request,) = recorder.requests
    assert request.method == "POST"
    assert request.url.params["id"] == "c-1"
    assert request.url.params["siteFullName"] == "acme.webex.com"
    assert _sent(request) == {"captchaId": "c-1"}
    with pytest.raises(ParameterError):
        await provider.refresh_captcha("not a url", "c-1")
