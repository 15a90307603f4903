"""Errors of the meetings plugin, with the JS SDK's numeric codes.

They hang under :class:`~webex_meetings.WebexError` like every other SDK error::

    WebexError
    └── MeetingsError                     carries ``code`` and ``sdk_message`` (JS ERROR_DICTIONARY)
        ├── ParameterError                0   bad or missing argument/state (also a ValueError)
        ├── IntentToJoinError             1   Locus wants a host PIN / guest intent
        ├── JoinMeetingError              2   any other join failure (``error`` = the HTTP error)
        ├── ReconnectionError             3
        │   └── ReconnectionNotStartedError 15
        ├── MediaError                    4
        ├── MeetingPermissionError        5   not allowed (JS PermissionError)
        ├── StatsError                    6
        ├── PasswordError                 7   meeting password or host key needed / wrong
        ├── CaptchaError                  8   captcha needed
        ├── BreakoutEditLockedError       9
        ├── NoMeetingInfoError            10
        ├── ShareFloorError               Locus refused a share floor request or release
        ├── ReclaimHostError
        │   ├── ReclaimHostNotSupportedError   11  Locus 2400127
        │   ├── ReclaimHostNotAllowedError     12  Locus 2403135
        │   ├── ReclaimHostEmptyWrongKeyError  13  Locus 2403136
        │   └── ReclaimHostIsHostAlreadyError  14  Locus 2409150
        ├── WebexMeetingsError            30xxx state errors
        │   ├── MeetingNotActiveError     30101
        │   ├── UserNotJoinedError        30102
        │   ├── NoMediaEstablishedYetError 30103
        │   ├── UserInLobbyError          30104
        │   ├── SpaceIDDeprecatedError    30105
        │   ├── IceGatheringFailedError   30202
        │   └── AddMediaFailedError       30203
        └── MeetingInfoError              the wbxappapi lookup failed (``wbx_app_api_code``)
            ├── MeetingInfoV2PasswordError   403, not a policy code
            ├── MeetingInfoV2CaptchaError    423 (``captcha_info``, ``is_password_required``)
            ├── MeetingInfoV2PolicyError     403 with a policy code
            └── MeetingInfoV2AdhocMeetingError space-instant meeting creation failed

The JS ``PermissionError`` is named :class:`MeetingPermissionError` here so it does not
shadow Python's built-in ``PermissionError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from webex_meetings._exceptions import WebexError

__all__ = [
    "ASSIGN_ROLES_ERRORS",
    "INTENT_TO_JOIN_CODES",
    "POLICY_CODES",
    "AddMediaFailedError",
    "BreakoutEditLockedError",
    "CaptchaError",
    "IceGatheringFailedError",
    "IntentToJoinError",
    "JoinMeetingError",
    "MediaError",
    "MeetingInfoError",
    "MeetingInfoV2AdhocMeetingError",
    "MeetingInfoV2CaptchaError",
    "MeetingInfoV2PasswordError",
    "MeetingInfoV2PolicyError",
    "MeetingNotActiveError",
    "MeetingPermissionError",
    "MeetingsError",
    "NoMediaEstablishedYetError",
    "NoMeetingInfoError",
    "ParameterError",
    "PasswordError",
    "ReclaimHostEmptyWrongKeyError",
    "ReclaimHostError",
    "ReclaimHostIsHostAlreadyError",
    "ReclaimHostNotAllowedError",
    "ReclaimHostNotSupportedError",
    "ReconnectionError",
    "ReconnectionNotStartedError",
    "ShareFloorError",
    "SpaceIDDeprecatedError",
    "StatsError",
    "UserInLobbyError",
    "UserNotJoinedError",
    "WebexMeetingsError",
    "meetings_error_for_code",
]

#: Locus join ``errorCode`` values meaning "a host PIN or guest intent is needed".
INTENT_TO_JOIN_CODES: frozenset[int] = frozenset({2423005, 2423006, 2423016, 2423017, 2423018})

#: wbxappapi 403 ``code`` values that are policy refusals, not password prompts.
POLICY_CODES: frozenset[int] = frozenset({403049, 403104, 403103, 403048, 403102, 403101})

#: wbxappapi 423 ``code`` values after which a password is required as well as a captcha.
CAPTCHA_WITH_PASSWORD_CODES: frozenset[int] = frozenset({423005, 423006})


class MeetingsError(WebexError):
    """Base of the meetings plugin's errors.

    Attributes:
        code: the JS SDK's numeric code (``ERROR_DICTIONARY`` or 30xxx).
        sdk_message: the default message for the code.
        error: the underlying cause (also chained as ``__cause__``), if any.
    """

    code: ClassVar[int] = -1
    sdk_message: ClassVar[str] = "An error occurred in the meetings plugin."

    def __init__(self, message: str | None = None, *, error: BaseException | None = None) -> None:
        super().__init__(message or self.sdk_message)
        self.error = error
        if error is not None:
            self.__cause__ = error

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.code}: {super().__str__()}"


class ParameterError(MeetingsError, ValueError):
    """A required parameter or piece of state is missing or invalid (code 0)."""

    code = 0
    sdk_message = "The parameters passed to the function are invalid. Check the parameters."


class IntentToJoinError(MeetingsError):
    """Locus needs a host PIN or guest intent: re-join with ``pin`` and/or ``moderator`` (1).

    Attributes:
        join_intent_required: always True, as in JS.
        locus_error_code: the Locus ``errorCode`` that caused it.
    """

    code = 1
    sdk_message = "The user needs to decide to join as host or guest (pin or moderator)."
    join_intent_required = True

    def __init__(
        self,
        message: str | None = None,
        *,
        error: BaseException | None = None,
        locus_error_code: int | None = None,
    ) -> None:
        super().__init__(message, error=error)
        self.locus_error_code = locus_error_code


class JoinMeetingError(MeetingsError):
    """The join request failed for another reason (code 2).

    Attributes:
        join_options: the options the join was attempted with (no secrets).
    """

    code = 2
    sdk_message = "There was an issue joining the meeting, meeting could be in a bad state."

    def __init__(
        self,
        message: str | None = None,
        *,
        error: BaseException | None = None,
        join_options: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message, error=error)
        self.join_options = dict(join_options or {})


class ReconnectionError(MeetingsError):
    """Reconnecting the meeting failed (code 3)."""

    code = 3
    sdk_message = "There was an error in the reconnection flow."


class ReconnectionNotStartedError(ReconnectionError):
    """A reconnect was requested while one runs or reconnection is disabled (code 15)."""

    code = 15
    sdk_message = "Reconnection was not started: it is disabled or already in progress."


class MediaError(MeetingsError):
    """A media problem (code 4; the JS class misreports itself as 3)."""

    code = 4
    sdk_message = "There was an error with media."


class MeetingPermissionError(MeetingsError):
    """The action is not allowed for this user now (JS ``PermissionError``, code 5)."""

    code = 5
    sdk_message = "Not allowed to execute the function, check the in-meeting actions."


class StatsError(MeetingsError):
    """Statistics could not be collected (code 6)."""

    code = 6
    sdk_message = "An error occurred with getStats."


class PasswordError(MeetingsError):
    """The meeting needs a password or host key, or the one given was wrong (code 7)."""

    code = 7
    sdk_message = "Password is required, please use verify_password()."


class CaptchaError(MeetingsError):
    """A captcha must be solved before the next password attempt (code 8)."""

    code = 8
    sdk_message = "Captcha is required, see meeting.required_captcha."


class BreakoutEditLockedError(MeetingsError):
    """The breakout edit lock is held by someone else (code 9)."""

    code = 9
    sdk_message = "Edit lock token mismatch."


class NoMeetingInfoError(MeetingsError):
    """Meeting info was required and could not be fetched (code 10)."""

    code = 10
    sdk_message = "No meeting info found for the meeting."


class ShareFloorError(MeetingsError):
    """Locus refused a share floor request or release (``PUT mediaShares[].url``).

    The most common refusal is a 403 when the host lets only moderators and presenters
    share (``shareControl`` ``MODERATOR_PRESENTER``).

    Attributes:
        status_code: the HTTP status of the refusal (None when no answer came).
        locus_error_code: the Locus ``errorCode``, when the answer had one.
    """

    sdk_message = "The share floor request was refused."

    def __init__(
        self,
        message: str | None = None,
        *,
        error: BaseException | None = None,
        status_code: int | None = None,
        locus_error_code: int | None = None,
    ) -> None:
        super().__init__(message, error=error)
        self.status_code = status_code
        self.locus_error_code = locus_error_code


class ReclaimHostError(MeetingsError):
    """Base of the four reclaim-host failures of ``assign_roles``.

    Attributes:
        locus_error_code: the Locus ``errorCode`` behind it.
    """

    locus_error_code: ClassVar[int] = 0


class ReclaimHostNotSupportedError(ReclaimHostError):
    """Reclaiming host is not supported in this meeting (code 11, Locus 2400127)."""

    code = 11
    locus_error_code = 2400127
    sdk_message = "Non-converged meetings, PSTN and SIP users cannot reclaim host."


class ReclaimHostNotAllowedError(ReclaimHostError):
    """Reclaiming host is not allowed in this meeting (code 12, Locus 2403135)."""

    code = 12
    locus_error_code = 2403135
    sdk_message = "Reclaim host is not allowed in PMR, space or instant meetings."


class ReclaimHostEmptyWrongKeyError(ReclaimHostError):
    """The host key is empty or wrong (code 13, Locus 2403136)."""

    code = 13
    locus_error_code = 2403136
    sdk_message = "Host key is empty or wrong."


class ReclaimHostIsHostAlreadyError(ReclaimHostError):
    """The participant is already the host (code 14, Locus 2409150)."""

    code = 14
    locus_error_code = 2409150
    sdk_message = "Participant is already the host."


#: Locus ``errorCode`` on a role assignment → error class.
ASSIGN_ROLES_ERRORS: dict[int, type[ReclaimHostError]] = {
    cls.locus_error_code: cls
    for cls in (
        ReclaimHostNotSupportedError,
        ReclaimHostNotAllowedError,
        ReclaimHostEmptyWrongKeyError,
        ReclaimHostIsHostAlreadyError,
    )
}


class WebexMeetingsError(MeetingsError):
    """Base of the 30xxx state errors (JS ``WebexMeetingsError``)."""

    code = 30000
    sdk_message = "A meetings error occurred."


class MeetingNotActiveError(WebexMeetingsError):
    """The meeting has ended or is not active (30101)."""

    code = 30101
    sdk_message = "The meeting has already ended or is not active."


class UserNotJoinedError(WebexMeetingsError):
    """The user is not in the meeting (30102)."""

    code = 30102
    sdk_message = "The user is not in the meeting; join it first."


class NoMediaEstablishedYetError(WebexMeetingsError):
    """There is no media connection yet (30103)."""

    code = 30103
    sdk_message = "No media connection yet; add media first."


class UserInLobbyError(WebexMeetingsError):
    """The user is still waiting in the lobby (30104)."""

    code = 30104
    sdk_message = "The user is still in the lobby; wait until the host admits them."


class SpaceIDDeprecatedError(WebexMeetingsError):
    """A space (room) id was given as a meeting destination (30105)."""

    code = 30105
    sdk_message = (
        "Using a space ID as a destination is no longer supported. Use the meeting "
        "number or SIP address of the space's meeting instead (see the migration guide)."
    )


class IceGatheringFailedError(WebexMeetingsError):
    """ICE candidate gathering failed (30202)."""

    code = 30202
    sdk_message = "Timed out waiting for ICE candidates; check the network."


class AddMediaFailedError(WebexMeetingsError):
    """Media could not connect, even after the TURN retry (30203)."""

    code = 30203
    sdk_message = "Failed to add media."


class MeetingInfoError(MeetingsError):
    """The wbxappapi meeting-info lookup failed.

    Attributes:
        wbx_app_api_code: the ``code`` of the wbxappapi error body, if any.
        meeting_info: the partial meeting info sent with the error (may be empty).
    """

    sdk_message = "The meeting info lookup failed."

    def __init__(
        self,
        message: str | None = None,
        *,
        wbx_app_api_code: int | None = None,
        meeting_info: Mapping[str, Any] | None = None,
        error: BaseException | None = None,
    ) -> None:
        super().__init__(message, error=error)
        self.wbx_app_api_code = wbx_app_api_code
        self.meeting_info: dict[str, Any] = dict(meeting_info or {})


class MeetingInfoV2PasswordError(MeetingInfoError):
    """wbxappapi answered 403: a password or host key is needed or was wrong."""

    code = PasswordError.code
    sdk_message = "Meeting info requires a password or host key."


class MeetingInfoV2PolicyError(MeetingInfoError):
    """wbxappapi answered 403 with a policy code: the org or meeting forbids this join."""

    code = MeetingPermissionError.code
    sdk_message = "The meeting info lookup was refused by policy."


class MeetingInfoV2CaptchaError(MeetingInfoError):
    """wbxappapi answered 423: a captcha is required.

    Attributes:
        captcha_info: ``{"captchaId", "verificationImageURL", "verificationAudioURL",
            "refreshURL"}``.
        is_password_required: True for codes 423005 and 423006.
    """

    code = CaptchaError.code
    sdk_message = "Meeting info requires a captcha."

    def __init__(
        self,
        message: str | None = None,
        *,
        wbx_app_api_code: int | None = None,
        captcha_info: Mapping[str, Any] | None = None,
        error: BaseException | None = None,
    ) -> None:
        super().__init__(message, wbx_app_api_code=wbx_app_api_code, error=error)
        self.captcha_info: dict[str, Any] = dict(captcha_info or {})
        self.is_password_required = wbx_app_api_code in CAPTCHA_WITH_PASSWORD_CODES


class MeetingInfoV2AdhocMeetingError(MeetingInfoError):
    """Creating the ad-hoc (space instant) meeting failed."""

    sdk_message = "Failed to create the ad-hoc space meeting."


_BY_CODE: dict[int, type[MeetingsError]] = {
    cls.code: cls
    for cls in (
        ParameterError,
        IntentToJoinError,
        JoinMeetingError,
        ReconnectionError,
        MediaError,
        MeetingPermissionError,
        StatsError,
        PasswordError,
        CaptchaError,
        BreakoutEditLockedError,
        NoMeetingInfoError,
        ReclaimHostNotSupportedError,
        ReclaimHostNotAllowedError,
        ReclaimHostEmptyWrongKeyError,
        ReclaimHostIsHostAlreadyError,
        ReconnectionNotStartedError,
        MeetingNotActiveError,
        UserNotJoinedError,
        NoMediaEstablishedYetError,
        UserInLobbyError,
        SpaceIDDeprecatedError,
        IceGatheringFailedError,
        AddMediaFailedError,
    )
}


def meetings_error_for_code(code: int, message: str | None = None) -> MeetingsError:
    """Build the error class for ``code`` (JS ``createMeetingsError``).

    Args:
        code: an SDK code (0-15 or 30xxx).
        message: the message; the class's default when omitted.

    Returns:
        An instance of the matching class, or a generic :class:`WebexMeetingsError`
        carrying ``code`` when the code is unknown.
    """
    cls = _BY_CODE.get(code)
    if cls is not None:
        return cls(message)
    error = WebexMeetingsError(message)
    error.code = code  # type: ignore[misc]  # an unknown code still travels with the error
    return error
