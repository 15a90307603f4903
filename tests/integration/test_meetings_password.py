"""Password, host key, captcha and policy gates of meetings.create() and join()."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import (
    CaptchaError,
    MeetingInfoFailureReason,
    MeetingLifecycle,
    PasswordError,
    PasswordStatus,
)

from ._meetings import Recorder, registered


async def test_wrong_passwords_lead_to_a_captcha_then_the_right_ones_join(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(password="s3cret-pass")
    bot = await registered(emulator, connect)
    added = Recorder(bot.meetings, "meeting:added")

    meeting = await bot.meetings.create(room["sipUrl"])

    assert [p["meeting"] for p in added.payloads("meeting:added")] == [meeting]
    assert meeting.password_status is PasswordStatus.REQUIRED
    assert meeting.required_captcha is None
    assert meeting.meeting_number == room["meetingNumber"]  # partial info of the 403
    assert meeting.permission_token is None
    with pytest.raises(PasswordError):
        await meeting.join()
    assert not await emulator.requests(method="POST", path="*/loci/call*")

    for attempt in range(2):
        result = await meeting.verify_password(f"wrong-{attempt}")
        assert not result.is_password_valid
        assert result.required_captcha is None
        assert result.failure_reason is MeetingInfoFailureReason.WRONG_PASSWORD
    result = await meeting.verify_password("wrong-2")
    assert not result.is_password_valid
    assert result.required_captcha is not None
    assert meeting.required_captcha == result.required_captcha
    first_captcha = result.required_captcha["captchaId"]
    with pytest.raises(CaptchaError):
        await meeting.join()

    await meeting.refresh_captcha()
    assert meeting.required_captcha is not None
    assert meeting.required_captcha["captchaId"] != first_captcha
    code = await emulator.captcha_code(room["meetingId"])

    info_events = Recorder(meeting, "meeting:meetingInfoAvailable")
    result = await meeting.verify_password("s3cret-pass", code)

    assert result.is_password_valid
    assert result.failure_reason is MeetingInfoFailureReason.NONE
    assert info_events.names() == ["meeting:meetingInfoAvailable"]
    assert meeting.password_status is PasswordStatus.VERIFIED
    assert meeting.required_captcha is None
    assert meeting.permission_token
    await meeting.join()
    assert meeting.lifecycle is MeetingLifecycle.JOINED


async def test_host_key_works_as_password(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(password="another-one")
    bot = await registered(emulator, connect)
    meeting = await bot.meetings.create(room["sipUrl"])

    result = await meeting.verify_password(room["hostKey"])

    assert result.is_password_valid
    await meeting.join()
    assert meeting.lifecycle is MeetingLifecycle.JOINED


async def test_policy_refusal_still_creates_the_meeting(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(policy_error=403049)
    bot = await registered(emulator, connect)

    meeting = await bot.meetings.create(room["sipUrl"])

    assert meeting.meeting_info_failure_reason is MeetingInfoFailureReason.POLICY
    assert meeting.meeting_info_failure_code == 403049
    assert bot.meetings.get_all_meetings() == {meeting.id: meeting}
