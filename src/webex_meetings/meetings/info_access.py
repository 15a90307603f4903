"""The meeting-info side of a meeting: info, password, captcha and permission token.

Everything here reads or drives the meeting's
:class:`~webex_meetings.meetings.info_state.MeetingInfoState` (JS ``fetchMeetingInfo``,
``verifyPassword``, ``refreshCaptcha`` and the permission-token methods).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from webex_meetings.meetings.constants import MeetingInfoFailureReason, PasswordStatus
from webex_meetings.meetings.info_state import VerifyPasswordResult

if TYPE_CHECKING:
    from webex_meetings.meetings.info_state import MeetingInfoState

__all__ = ["MeetingInfoAccess"]


class MeetingInfoAccess:
    """The meeting-info members of :class:`~webex_meetings.meetings.meeting.Meeting`."""

    _info: MeetingInfoState

    @property
    def meeting_info(self) -> dict[str, Any]:
        """The meeting info body (plus ``meetingLookupUrl``); ``{}`` before a lookup."""
        return self._info.meeting_info

    @property
    def password_status(self) -> PasswordStatus:
        """Whether a password (or host key) is needed: ``join()`` refuses while REQUIRED."""
        return self._info.password_status

    @property
    def required_captcha(self) -> dict[str, Any] | None:
        """``{captchaId, verificationImageURL, verificationAudioURL, refreshURL}`` or None."""
        return self._info.required_captcha

    @property
    def meeting_info_failure_reason(self) -> MeetingInfoFailureReason:
        """Why the last meeting-info lookup failed (``NONE`` after a success)."""
        return self._info.failure_reason

    @property
    def meeting_info_failure_code(self) -> int | None:
        """The wbxappapi code of the last lookup failure, if any."""
        return self._info.failure_code

    @property
    def permission_token(self) -> str | None:
        """The permission token (a JWT) that the join sends to Locus."""
        token = self._info.permission_token
        return token.token if token is not None else None

    @property
    def permission_token_payload(self) -> dict[str, Any] | None:
        """The decoded claims of :attr:`permission_token`."""
        token = self._info.permission_token
        return dict(token.payload) if token is not None else None

    @property
    def self_user_policies(self) -> dict[str, bool] | None:
        """``permission.userPolicies`` of the permission token."""
        token = self._info.permission_token
        return token.user_policies if token is not None else None

    def get_permission_token_expiry_info(self) -> dict[str, float] | None:
        """``{timeLeft, expiryTime, currentTime}`` (seconds; JS names), or None without token."""
        token = self._info.permission_token
        if token is None or token.expires_at_ms is None:
            return None
        now = time.time()
        return {
            "timeLeft": token.time_left(now),
            "expiryTime": token.expires_at_ms / 1000,
            "currentTime": now,
        }

    async def fetch_meeting_info(
        self,
        *,
        password: str | None = None,
        captcha_code: str | None = None,
        extra_params: Mapping[str, Any] | None = None,
    ) -> None:
        """Look the meeting up again (JS ``fetchMeetingInfo``).

        Raises:
            ParameterError: a captcha code with no captcha pending, or a password when
                none is needed.
            PasswordError: a password is needed or was wrong.
            CaptchaError: a captcha must be solved (see :attr:`required_captcha`).
            MeetingPermissionError: a policy refuses this user.
            MeetingsError | APIError: any other failure.
        """
        await self._info.fetch(
            password=password, captcha_code=captcha_code, extra_params=extra_params
        )

    async def verify_password(
        self, password: str, captcha_code: str | None = None
    ) -> VerifyPasswordResult:
        """Check a meeting password or host key, with the captcha answer if one is pending.

        Wrong passwords and captchas do not raise: read the result (JS
        ``{isPasswordValid, requiredCaptcha, failureReason}``).

        Raises:
            ParameterError: a captcha code with no captcha pending, or a password when
                none is needed.
            MeetingPermissionError: a policy refuses this user.
            MeetingsError | APIError: the lookup failed for another reason.
        """
        return await self._info.verify_password(password, captcha_code)

    async def refresh_captcha(self) -> None:
        """Replace the pending captcha by a new one.

        Raises:
            ParameterError: there is no captcha to refresh.
            APIError: the refresh request failed.
        """
        await self._info.refresh_captcha()

    async def refresh_permission_token(self, reason: str | None = None) -> bool:
        """Fetch a fresh permission token; False when the meeting has none.

        Raises:
            PasswordError | CaptchaError | MeetingPermissionError | APIError: the lookup
                failed.
        """
        return await self._info.refresh_permission_token(reason)
