"""MeetingInfoState: password and captcha gates, verify_password, token refresh."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from webex_meetings import NotFoundError
from webex_meetings.meetings.constants import (
    DestinationType,
    MeetingInfoFailureReason,
    PasswordStatus,
)
from webex_meetings.meetings.destination import Destination
from webex_meetings.meetings.errors import (
    CaptchaError,
    MeetingInfoV2CaptchaError,
    MeetingInfoV2PasswordError,
    MeetingPermissionError,
    ParameterError,
    PasswordError,
)
from webex_meetings.meetings.info_state import MeetingInfoState, VerifyPasswordResult
from webex_meetings.meetings.meeting_info import MeetingInfoProvider

from .conftest import HYDRA
from .test_permission_token import make_jwt

APPAPI = "https://appapi-a.wbx2.com/wbxappapi/v1"
REFRESH_URL = "https://acme.webex.com/wbxappapi/v1/captchas/refresh?id=c-1"
NUMBER = Destination(DestinationType.MEETING_ID, "2555555555")


def _token(seconds_left: float) -> str:
    now = time.time() * 1000
    return make_jwt({"exp": now + seconds_left * 1000, "iat": now})


def _captcha(code: int, captcha_id: str = "c-1") -> tuple[int, dict[str, Any]]:
    return 423, {
        "code": code,
        "message": "captcha",
        "captchaID": captcha_id,
        "verificationImageURL": f"https://acme.webex.com/img?id={captcha_id}",
        "verificationAudioURL": f"https://acme.webex.com/audio?id={captcha_id}",
        "refreshURL": REFRESH_URL,
    }


WRONG = (403, {"code": 403028, "message": "wrong", "data": {"meetingInfo": {"meetingNumber": "7"}}})
OK = (200, {"sipUrl": "2555555555@acme.webex.com", "meetingNumber": "2555555555"})


class Script:
    """Answers meetingInfo requests from a queue; captcha refreshes from another."""

    def __init__(self, *answers: tuple[int, Any]) -> None:
        self.answers = list(answers)
        self.refreshes: list[tuple[int, Any]] = []
        self.bodies: list[dict[str, Any]] = []
        self.urls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.urls.append(str(request.url))
        self.bodies.append(json.loads(request.content or b"{}"))
        queue = self.refreshes if "captchas/refresh" in request.url.path else self.answers
        status, body = queue.pop(0)
        return httpx.Response(status, json=body)


def _state(
    make_webex: Callable[..., Any],
    script: Script,
    destination: Destination = NUMBER,
    on_info: Callable[[dict[str, Any]], None] | None = None,
) -> MeetingInfoState:
    config = {"services": {"override": {"hydra": HYDRA, "webex-appapi-service": APPAPI}}}
    webex, _, _ = make_webex(script, config=config)
    return MeetingInfoState(MeetingInfoProvider(webex), destination, on_info=on_info)


async def test_success_stores_info_and_token(make_webex: Callable[..., Any]) -> None:
    token = _token(3600)
    body = {
        "sipUrl": "2555555555@acme.webex.com",
        "meetingNumber": 2555555555,
        "meetingJoinUrl": "https://acme.webex.com/j.php?MTID=m1",
        "locusUrl": "https://locus-a.wbx2.com/locus/api/v1/loci/1",
        "conversationUrl": "https://conv-a.wbx2.com/c/1",
        "hostId": "host-uuid",
        "locusClusterUrl": "locus-a.wbx2.com",
        "permissionToken": token,
    }
    seen: list[dict[str, Any]] = []
    state = _state(make_webex, Script((200, body)), on_info=seen.append)
    assert (state.password_status, state.failure_reason) == (
        PasswordStatus.UNKNOWN,
        MeetingInfoFailureReason.NONE,
    )
    await state.fetch()
    assert state.password_status is PasswordStatus.NOT_REQUIRED
    assert seen == [state.meeting_info]
    assert state.meeting_info["meetingLookupUrl"] == f"{APPAPI}/meetingInfo"
    assert state.sip_uri == "2555555555@acme.webex.com"
    assert state.meeting_number == "2555555555"
    assert state.meeting_join_url == body["meetingJoinUrl"]
    assert state.locus_url == body["locusUrl"]
    assert state.conversation_url == body["conversationUrl"]
    assert state.owner == "host-uuid"
    assert state.locus_cluster_url == "locus-a.wbx2.com"
    assert state.meeting_lookup_url == f"{APPAPI}/meetingInfo"
    assert state.permission_token is not None
    assert state.permission_token.token == token
    state.check_can_join()


async def test_password_flow(make_webex: Callable[..., Any]) -> None:
    script = Script(WRONG, WRONG, OK)
    state = _state(make_webex, script)
    with pytest.raises(PasswordError) as info:
        await state.fetch()
    assert isinstance(info.value.__cause__, MeetingInfoV2PasswordError)
    assert state.password_status is PasswordStatus.REQUIRED
    assert state.failure_reason is MeetingInfoFailureReason.WRONG_PASSWORD
    assert state.failure_code == 403028
    assert state.meeting_number == "7"  # from the partial info
    with pytest.raises(PasswordError):
        state.check_can_join()

    wrong = await state.verify_password("nope")
    assert wrong == VerifyPasswordResult(False, None, MeetingInfoFailureReason.WRONG_PASSWORD)
    right = await state.verify_password("h3llo")
    assert right == VerifyPasswordResult(True, None, MeetingInfoFailureReason.NONE)
    assert state.password_status is PasswordStatus.VERIFIED
    assert state.failure_code is None
    assert [b.get("password") for b in script.bodies] == [None, "nope", "h3llo"]
    state.check_can_join()
    with pytest.raises(ParameterError, match="does not need one"):
        await state.verify_password("again")
    assert len(script.bodies) == 3


async def test_captcha_flow_with_auto_refresh(make_webex: Callable[..., Any]) -> None:
    script = Script(_captcha(423005), _captcha(423010, "c-2"), WRONG, OK)
    script.refreshes = [
        (200, {"captchaID": "c-3", "verificationImageURL": "i3", "verificationAudioURL": "a3"})
    ]
    state = _state(make_webex, script)
    with pytest.raises(CaptchaError) as info:
        await state.fetch(password="first")
    assert isinstance(info.value.__cause__, MeetingInfoV2CaptchaError)
    assert state.required_captcha is not None
    assert state.required_captcha["captchaId"] == "c-1"
    assert state.password_status is PasswordStatus.REQUIRED  # 423005 needs the password too
    assert state.failure_reason is MeetingInfoFailureReason.WRONG_PASSWORD
    with pytest.raises(CaptchaError):
        state.check_can_join()

    # a wrong captcha answer: a new captcha, reason WRONG_CAPTCHA
    result = await state.verify_password("pw", "bad-code")
    assert script.bodies[-1]["captchaID"] == "c-1"
    assert script.bodies[-1]["captchaVerifyCode"] == "bad-code"
    assert result.failure_reason is MeetingInfoFailureReason.WRONG_CAPTCHA
    assert result.required_captcha is not None
    assert result.required_captcha["captchaId"] == "c-2"
    assert not result.is_password_valid

    # right captcha, wrong password: the pending captcha is refreshed automatically
    result = await state.verify_password("wrong", "good-code")
    assert result.failure_reason is MeetingInfoFailureReason.WRONG_PASSWORD
    assert script.bodies[-1] == {"captchaId": "c-2"}  # the refresh request
    assert "siteFullName=acme.webex.com" in script.urls[-1]
    assert state.required_captcha == {
        "captchaId": "c-3",
        "verificationImageURL": "i3",
        "verificationAudioURL": "a3",
        "refreshURL": REFRESH_URL,
    }

    result = await state.verify_password("right", "good-code")
    assert result.is_password_valid
    assert result.required_captcha is None
    assert script.bodies[-1]["captchaID"] == "c-3"
    assert state.required_captcha is None
    assert state.password_status is PasswordStatus.VERIFIED
    state.check_can_join()


async def test_captcha_without_password_and_guards(make_webex: Callable[..., Any]) -> None:
    script = Script(_captcha(423001))
    state = _state(make_webex, script)
    with pytest.raises(ParameterError, match="no captcha is required"):
        await state.verify_password("pw", "code")
    assert script.bodies == []
    with pytest.raises(CaptchaError):
        await state.fetch()
    assert state.password_status is PasswordStatus.UNKNOWN  # 423001 asks no password
    with pytest.raises(ParameterError, match="There is no captcha to refresh"):
        await _state(make_webex, Script()).refresh_captcha()


async def test_refresh_captcha_failure_keeps_old_captcha(make_webex: Callable[..., Any]) -> None:
    script = Script(_captcha(423001))
    script.refreshes = [(404, {"message": "gone"})]
    state = _state(make_webex, script)
    with pytest.raises(CaptchaError):
        await state.fetch()
    before = dict(state.required_captcha or {})
    with pytest.raises(NotFoundError):
        await state.refresh_captcha()
    assert state.required_captcha == before


async def test_policy_and_other_failures(make_webex: Callable[..., Any]) -> None:
    policy = (
        403,
        {"code": 403049, "message": "no", "data": {"meetingInfo": {"meetingNumber": "5"}}},
    )
    state = _state(make_webex, Script(policy, (404, {"code": 404006, "message": "unknown"})))
    with pytest.raises(MeetingPermissionError):
        await state.fetch()
    assert state.failure_reason is MeetingInfoFailureReason.POLICY
    assert state.failure_code == 403049
    assert state.meeting_number == "5"
    assert state.password_status is PasswordStatus.UNKNOWN
    with pytest.raises(NotFoundError):
        await state.fetch()
    assert state.failure_reason is MeetingInfoFailureReason.OTHER


async def test_token_refresh_only_when_due(make_webex: Callable[..., Any]) -> None:
    old = _token(10)
    fresh = _token(3600)
    script = Script((200, {"permissionToken": old}), (200, {"permissionToken": fresh}))
    state = _state(make_webex, script)
    assert not await state.refresh_permission_token_if_needed()  # no token yet
    await state.fetch(extra_params={"locale": "en_US"})
    assert await state.refresh_permission_token_if_needed(threshold=30)
    assert script.bodies[-1]["permissionToken"] == old
    assert script.bodies[-1]["locale"] == "en_US"  # extra params are kept
    assert script.bodies[-1]["meetingKey"] == "2555555555"
    assert state.permission_token is not None
    assert state.permission_token.token == fresh
    assert not await state.refresh_permission_token_if_needed(threshold=30)
    assert len(script.bodies) == 2


async def test_token_refresh_errors_abort(make_webex: Callable[..., Any]) -> None:
    script = Script((200, {"permissionToken": _token(5)}), WRONG)
    state = _state(make_webex, script)
    await state.fetch()
    with pytest.raises(PasswordError):
        await state.refresh_permission_token_if_needed()


async def test_adhoc_token_refresh_uses_join_link(make_webex: Callable[..., Any]) -> None:
    conversation = "https://conv-a.wbx2.com/conversation/api/v1/conversations/c0ff"
    join = "https://acme.webex.com/acme/j.php?MTID=m1"
    answers = [
        (200, {"url": conversation, "participants": {"items": []}}),
        (200, {"meetingJoinUrl": join, "permissionToken": _token(5)}),
        (200, {"meetingJoinUrl": join, "permissionToken": _token(3600)}),
    ]
    script = Script(*answers)
    state = _state(make_webex, script, Destination(DestinationType.CONVERSATION_URL, conversation))
    state.provider.preferred_webex_site = "acme.webex.com"
    await state.fetch()
    assert script.urls[1] == "https://acme.webex.com/wbxappapi/v2/meetings/spaceInstant"
    assert await state.refresh_permission_token_if_needed()
    assert script.urls[2] == f"{APPAPI}/meetingInfo"
    assert script.bodies[2]["meetingUrl"] == join
    assert "conversationUrl" not in script.bodies[2]


async def test_unusable_token_and_failing_callback(make_webex: Callable[..., Any]) -> None:
    def broken(_: dict[str, Any]) -> None:
        raise RuntimeError("listener bug")

    state = _state(make_webex, Script((200, {"permissionToken": "garbage"})), on_info=broken)
    await state.fetch()  # neither the bad token nor the callback fails the lookup
    assert state.permission_token is None
    assert state.meeting_info["permissionToken"] == "garbage"
    assert not await state.refresh_permission_token_if_needed()
