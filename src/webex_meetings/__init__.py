"""webex-meetings: an async Python SDK for Webex meetings, mirroring the Webex JS SDK.

Start with :meth:`Webex.init`; point it at the built-in emulator with
``config={"services": {"discovery": {"u2c": emulator.u2c_url}}}``.
"""

import typing as _typing

from webex_meetings import scopes
from webex_meetings._client import Webex
from webex_meetings._config import WebexConfig
from webex_meetings._events import EVENTS, EventEmitter, Events
from webex_meetings._exceptions import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    ConfigError,
    ConflictError,
    CredentialsError,
    DeviceError,
    DomainNotAllowedError,
    GatewayTimeoutError,
    InternalServerError,
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    LockedError,
    MeetingRuleError,
    MercuryConnectionClosed,
    MercuryConnectTimeoutError,
    MercuryError,
    MercuryQueueFullError,
    NotFoundError,
    OAuthError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceCatalogError,
    ServiceNotFoundError,
    ServiceUnavailableError,
    StorageCorruptError,
    StorageError,
    StorageNotFoundError,
    UnauthorizedClientError,
    UnsupportedGrantTypeError,
    WebexError,
    WebhookError,
    WebhookSignatureError,
)
from webex_meetings._http import NOT_GIVEN, NotGiven
from webex_meetings._http._warnings import ApiWarning
from webex_meetings._version import __version__
from webex_meetings.credentials import Token
from webex_meetings.scopes import OperationScopes, required_scopes
from webex_meetings.storage import (
    JsonFileStoreAdapter,
    MemoryStoreAdapter,
    SqliteStoreAdapter,
    StorageAdapter,
    StorageBinding,
)
from webex_meetings.webhooks import WebhookEvent, verify_signature

if _typing.TYPE_CHECKING:
    from webex_meetings.meetings import (
        CaptchaError,
        DestinationType,
        IntentToJoinError,
        JoinMeetingError,
        Meeting,
        MeetingEvents,
        MeetingLifecycle,
        MeetingNotActiveError,
        MeetingPermissionError,
        MeetingRemovedReason,
        Meetings,
        MeetingsError,
        Member,
        Members,
        MembersEvents,
        NoMeetingInfoError,
        ParameterError,
        PasswordError,
        PasswordStatus,
        SpaceIDDeprecatedError,
        UserNotJoinedError,
    )

__all__ = [
    "EVENTS",
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ApiWarning",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "CaptchaError",
    "ConfigError",
    "ConflictError",
    "CredentialsError",
    "DestinationType",
    "DeviceError",
    "DomainNotAllowedError",
    "EventEmitter",
    "Events",
    "GatewayTimeoutError",
    "IntentToJoinError",
    "InternalServerError",
    "InvalidClientError",
    "InvalidGrantError",
    "InvalidRequestError",
    "InvalidScopeError",
    "JoinMeetingError",
    "JsonFileStoreAdapter",
    "LockedError",
    "Meeting",
    "MeetingEvents",
    "MeetingLifecycle",
    "MeetingNotActiveError",
    "MeetingPermissionError",
    "MeetingRemovedReason",
    "MeetingRuleError",
    "Meetings",
    "MeetingsError",
    "Member",
    "Members",
    "MembersEvents",
    "MemoryStoreAdapter",
    "MercuryConnectTimeoutError",
    "MercuryConnectionClosed",
    "MercuryError",
    "MercuryQueueFullError",
    "NoMeetingInfoError",
    "NotFoundError",
    "NotGiven",
    "OAuthError",
    "OperationScopes",
    "ParameterError",
    "PasswordError",
    "PasswordStatus",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "ServiceCatalogError",
    "ServiceNotFoundError",
    "ServiceUnavailableError",
    "SpaceIDDeprecatedError",
    "SqliteStoreAdapter",
    "StorageAdapter",
    "StorageBinding",
    "StorageCorruptError",
    "StorageError",
    "StorageNotFoundError",
    "Token",
    "UnauthorizedClientError",
    "UnsupportedGrantTypeError",
    "UserNotJoinedError",
    "Webex",
    "WebexConfig",
    "WebexError",
    "WebhookError",
    "WebhookEvent",
    "WebhookSignatureError",
    "__version__",
    "required_scopes",
    "scopes",
    "verify_signature",
]

# The meetings plugin is imported on first use, so ``import webex_meetings`` stays fast.
_MEETINGS_EXPORTS = frozenset(
    {
        "CaptchaError",
        "DestinationType",
        "IntentToJoinError",
        "JoinMeetingError",
        "Meeting",
        "MeetingEvents",
        "MeetingLifecycle",
        "MeetingNotActiveError",
        "MeetingPermissionError",
        "MeetingRemovedReason",
        "Meetings",
        "MeetingsError",
        "Member",
        "Members",
        "MembersEvents",
        "NoMeetingInfoError",
        "ParameterError",
        "PasswordError",
        "PasswordStatus",
        "SpaceIDDeprecatedError",
        "UserNotJoinedError",
    }
)


def __getattr__(name: str) -> _typing.Any:
    if name in _MEETINGS_EXPORTS:
        from webex_meetings import meetings

        value = getattr(meetings, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _MEETINGS_EXPORTS)
