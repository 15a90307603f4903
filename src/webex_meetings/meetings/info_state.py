"""The meeting-info half of a meeting: lookup state, password and captcha gates, token.

A :class:`MeetingInfoState` holds what the last lookup said (``meeting_info``), whether a
password is needed (``password_status``), the pending captcha (``required_captcha``)
and the permission token. Lookups are serialised, so a password check and a token
refresh never race. State changes follow the JS meeting (meeting-info decision tree):

=================  =====================  ===========================================
lookup answer      error raised           state after
=================  =====================  ===========================================
200                -                      info stored; captcha cleared; password
                                          ``VERIFIED`` if it was needed, else
                                          ``NOT_REQUIRED``; reason ``NONE``
403 policy         MeetingPermissionError reason ``POLICY``; partial info kept
403 other          PasswordError          password ``REQUIRED``; reason
                                          ``WRONG_PASSWORD``; partial info kept; a
                                          pending captcha is refreshed
423                CaptchaError           captcha set; reason ``WRONG_CAPTCHA`` if one
                                          was pending, else ``WRONG_PASSWORD``;
                                          password ``REQUIRED`` for 423005/423006
anything else      (propagates)           reason ``OTHER``
=================  =====================  ===========================================
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from webex_meetings._logging import get_logger
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
    MeetingInfoV2PolicyError,
    MeetingPermissionError,
    ParameterError,
    PasswordError,
)
from webex_meetings.meetings.meeting_info import MeetingInfoProvider, MeetingInfoResult
from webex_meetings.meetings.permission_token import PermissionToken

__all__ = ["MeetingInfoState", "VerifyPasswordResult"]

logger = get_logger(__name__)

#: Reason tag of the refresh done before a join.
REFRESH_REASON_JOIN = "ttl-join"


@dataclass(frozen=True)
class VerifyPasswordResult:
    """What :meth:`MeetingInfoState.verify_password` found.

    Attributes:
        is_password_valid: the password (or host key) was accepted.
        required_captcha: the captcha to solve next, if any.
        failure_reason: why the check failed (``NONE`` on success).
    """

    is_password_valid: bool
    required_captcha: dict[str, Any] | None
    failure_reason: MeetingInfoFailureReason


class MeetingInfoState:
    """Meeting info of one meeting, with its password, captcha and token state.

    Args:
        provider: the lookup service (``webex.meetings.meeting_info``).
        destination: what the meeting was created for.
        on_info: called with the stored meeting info after every successful lookup.

    Attributes:
        meeting_info: the last meeting info (plus ``meetingLookupUrl``), or the partial
            info sent with a password or policy error; ``{}`` before any lookup.
        password_status: whether a password is needed.
        required_captcha: ``{captchaId, verificationImageURL, verificationAudioURL,
            refreshURL}`` while a captcha must be solved, else ``None``.
        failure_reason: why the last lookup failed.
        failure_code: the wbxappapi code of the last failure, if any.
        permission_token: the decoded token of the last successful lookup.
        locus_id: the meeting's Locus id once known (sent with lookups).
        extra_params: the extra body fields of the last explicit lookup (kept for
            token refreshes).
    """

    def __init__(
        self,
        provider: MeetingInfoProvider,
        destination: Destination,
        *,
        on_info: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.provider = provider
        self.destination = destination
        self.on_info = on_info
        self.meeting_info: dict[str, Any] = {}
        self.password_status = PasswordStatus.UNKNOWN
        self.required_captcha: dict[str, Any] | None = None
        self.failure_reason = MeetingInfoFailureReason.NONE
        self.failure_code: int | None = None
        self.permission_token: PermissionToken | None = None
        self.locus_id: str | None = None
        self.extra_params: dict[str, Any] = {}
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return (
            f"MeetingInfoState({self.destination!r}, password={self.password_status.value}, "
            f"captcha={self.required_captcha is not None}, reason={self.failure_reason.value})"
        )

    # -- views of the meeting info ---------------------------------------------------

    def _text(self, key: str) -> str | None:
        value = self.meeting_info.get(key)
        return value if isinstance(value, str) and value else None

    @property
    def sip_uri(self) -> str | None:
        """``sipUrl``: the meeting's SIP address."""
        return self._text("sipUrl")

    @property
    def meeting_number(self) -> str | None:
        """``meetingNumber`` (also present in the partial info of a password error)."""
        value = self.meeting_info.get("meetingNumber")
        return str(value) if isinstance(value, str | int) and value != "" else None

    @property
    def meeting_join_url(self) -> str | None:
        """``meetingJoinUrl``: the preferred join address."""
        return self._text("meetingJoinUrl")

    @property
    def locus_url(self) -> str | None:
        """``locusUrl``, when the meeting already has a Locus."""
        return self._text("locusUrl")

    @property
    def conversation_url(self) -> str | None:
        """``conversationUrl`` of the meeting's space."""
        return self._text("conversationUrl")

    @property
    def owner(self) -> str | None:
        """``owner``, else ``hostId``."""
        return self._text("owner") or self._text("hostId")

    @property
    def locus_cluster_url(self) -> str | None:
        """``locusClusterUrl``: the Locus cluster host to join through."""
        return self._text("locusClusterUrl")

    @property
    def meeting_lookup_url(self) -> str | None:
        """The URL the meeting info came from."""
        return self._text("meetingLookupUrl")

    # -- lookups ---------------------------------------------------------------------

    async def fetch(
        self,
        *,
        password: str | None = None,
        captcha_code: str | None = None,
        extra_params: Mapping[str, Any] | None = None,
    ) -> None:
        """Look the meeting up and update the state (JS ``meeting.fetchMeetingInfo``).

        Args:
            password: the meeting password or host key.
            captcha_code: the answer to the pending captcha.
            extra_params: more body fields; kept for later token refreshes.

        Raises:
            ParameterError: a captcha code with no captcha pending, or a password when
                none is needed.
            PasswordError: a password is needed or was wrong.
            CaptchaError: a captcha must be solved (see ``required_captcha``).
            MeetingPermissionError: a policy refuses this user.
            MeetingsError | APIError: any other failure (``failure_reason`` ``OTHER``).
        """
        async with self._lock:
            self._check_fetch_args(password, captcha_code)
            self.extra_params = copy.deepcopy(dict(extra_params or {}))
            await self._fetch(
                self.destination,
                password=password,
                captcha_code=captcha_code,
                extra_params=self.extra_params,
            )

    async def verify_password(
        self, password: str | None, captcha_code: str | None = None
    ) -> VerifyPasswordResult:
        """Try a password or host key, with the captcha answer when one is pending.

        ``password`` may be ``None`` when only a captcha was asked for.

        Returns:
            Whether it was accepted, the captcha to solve next, and why it failed.

        Raises:
            ParameterError: see :meth:`fetch`.
            MeetingPermissionError: a policy refuses this user.
            MeetingsError | APIError: the lookup failed for another reason.
        """
        try:
            await self.fetch(password=password, captcha_code=captcha_code)
        except (PasswordError, CaptchaError):
            return VerifyPasswordResult(
                is_password_valid=self.password_status is PasswordStatus.VERIFIED,
                required_captcha=copy.deepcopy(self.required_captcha),
                failure_reason=self.failure_reason,
            )
        return VerifyPasswordResult(True, None, MeetingInfoFailureReason.NONE)

    async def refresh_captcha(self) -> None:
        """Replace the pending captcha by a new one (new id, image and audio).

        On failure the old captcha stays.

        Raises:
            ParameterError: "There is no captcha to refresh".
            APIError: the refresh request failed.
        """
        async with self._lock:
            await self._refresh_captcha()

    def check_can_join(self) -> None:
        """Refuse a join while a captcha or password is pending (no request is sent).

        Raises:
            CaptchaError: a captcha must be solved first.
            PasswordError: a password is needed first.
        """
        if self.required_captcha is not None:
            raise CaptchaError()
        if self.password_status is PasswordStatus.REQUIRED:
            raise PasswordError()

    async def refresh_permission_token_if_needed(self, threshold: float = 30.0) -> bool:
        """Refresh the permission token when it has ``threshold`` seconds or less left.

        Returns:
            True when a refresh was made.

        Raises:
            PasswordError | CaptchaError | MeetingPermissionError: the refresh was
                refused; the join should stop.
            MeetingsError | APIError: the refresh failed for another reason.
        """
        token = self.permission_token
        if token is None or token.time_left() > threshold:
            return False
        return await self.refresh_permission_token(REFRESH_REASON_JOIN)

    async def refresh_permission_token(self, reason: str | None = None) -> bool:
        """Repeat the lookup with the current token to get a fresh one.

        Ad-hoc space meetings are looked up by their ``meetingJoinUrl`` (a link), so
        the refresh does not start another meeting.

        Args:
            reason: a tag for the log (``ttl-join`` before a join).

        Returns:
            False when there is no token to refresh, else True.

        Raises:
            ParameterError: an ad-hoc meeting's info has no ``meetingJoinUrl``.
            PasswordError | CaptchaError | MeetingPermissionError | MeetingsError | APIError:
                the lookup failed.
        """
        async with self._lock:
            token = self.meeting_info.get("permissionToken")
            if not isinstance(token, str) or not token:
                logger.info("meeting info: no permission token to refresh (reason=%s)", reason)
                return False
            destination = self.destination
            if self.provider.uses_adhoc(destination):
                join_url = self.meeting_join_url
                if join_url is None:
                    raise ParameterError("cannot refresh the token: the meeting has no join URL")
                destination = Destination(DestinationType.MEETING_LINK, join_url)
            left = self.permission_token.time_left() if self.permission_token else None
            logger.info(
                "meeting info: refreshing the permission token (reason=%s, time left %s s)",
                reason,
                f"{left:.0f}" if left is not None else "unknown",
            )
            extra = {**self.extra_params, "permissionToken": token}
            await self._fetch(destination, extra_params=extra)
            return True

    # -- internals (callers hold the lock) -------------------------------------------

    def _check_fetch_args(self, password: str | None, captcha_code: str | None) -> None:
        if captcha_code and self.required_captcha is None:
            raise ParameterError("a captcha code was given but no captcha is required")
        if password and self.password_status not in (
            PasswordStatus.REQUIRED,
            PasswordStatus.UNKNOWN,
        ):
            raise ParameterError("a password was given but the meeting does not need one")

    async def _fetch(
        self,
        destination: Destination,
        *,
        password: str | None = None,
        captcha_code: str | None = None,
        extra_params: Mapping[str, Any] | None = None,
    ) -> None:
        captcha_id = None
        if captcha_code and self.required_captcha is not None:
            captcha_id = self.required_captcha.get("captchaId")
        try:
            result = await self.provider.fetch_meeting_info(
                destination,
                password=password,
                captcha_id=captcha_id,
                captcha_code=captcha_code,
                locus_id=self.locus_id,
                extra_params=extra_params,
            )
        except MeetingInfoV2PolicyError as exc:
            self.failure_reason = MeetingInfoFailureReason.POLICY
            self.failure_code = exc.wbx_app_api_code
            if exc.meeting_info:
                self.meeting_info = dict(exc.meeting_info)
            raise MeetingPermissionError(error=exc) from exc
        except MeetingInfoV2PasswordError as exc:
            logger.info("meeting info: password required (code %s)", exc.wbx_app_api_code)
            if exc.meeting_info:
                self.meeting_info = dict(exc.meeting_info)
            self.failure_code = exc.wbx_app_api_code
            self.password_status = PasswordStatus.REQUIRED
            self.failure_reason = MeetingInfoFailureReason.WRONG_PASSWORD
            if self.required_captcha is not None:
                # The captcha service invalidates the pending captcha after a wrong
                # password; a stale one would fail the next attempt.
                try:
                    await self._refresh_captcha()
                except Exception as refresh_error:  # keep the PasswordError
                    logger.warning("meeting info: captcha refresh failed: %s", refresh_error)
            raise PasswordError(error=exc) from exc
        except MeetingInfoV2CaptchaError as exc:
            logger.info("meeting info: captcha required (code %s)", exc.wbx_app_api_code)
            self.failure_reason = (
                MeetingInfoFailureReason.WRONG_CAPTCHA
                if self.required_captcha is not None
                else MeetingInfoFailureReason.WRONG_PASSWORD
            )
            self.failure_code = exc.wbx_app_api_code
            if exc.is_password_required:
                self.password_status = PasswordStatus.REQUIRED
            self.required_captcha = dict(exc.captcha_info)
            raise CaptchaError(error=exc) from exc
        except Exception:
            self.failure_reason = MeetingInfoFailureReason.OTHER
            raise
        self._store(result)

    def _store(self, result: MeetingInfoResult) -> None:
        self.meeting_info = {**result.body, "meetingLookupUrl": result.url}
        self.failure_reason = MeetingInfoFailureReason.NONE
        self.failure_code = None
        self.required_captcha = None
        if self.password_status in (PasswordStatus.REQUIRED, PasswordStatus.VERIFIED):
            self.password_status = PasswordStatus.VERIFIED
        else:
            self.password_status = PasswordStatus.NOT_REQUIRED
        self.permission_token = None
        token = result.body.get("permissionToken")
        if isinstance(token, str) and token:
            try:
                self.permission_token = PermissionToken.parse(token)
            except ParameterError as exc:
                logger.warning("meeting info: unusable permission token: %s", exc)
        if self.on_info is not None:
            try:
                self.on_info(self.meeting_info)
            except Exception:
                logger.exception("meeting info: the on_info callback failed")

    async def _refresh_captcha(self) -> None:
        captcha = self.required_captcha
        if captcha is None:
            raise ParameterError("There is no captcha to refresh")
        refresh_url = captcha.get("refreshURL")
        if not isinstance(refresh_url, str) or not refresh_url:
            raise ParameterError("the pending captcha has no refresh URL")
        answer = await self.provider.refresh_captcha(refresh_url, str(captcha.get("captchaId")))
        self.required_captcha = {
            **captcha,
            "captchaId": answer.get("captchaID"),
            "verificationImageURL": answer.get("verificationImageURL"),
            "verificationAudioURL": answer.get("verificationAudioURL"),
        }
