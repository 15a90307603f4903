"""webex-meetings: an async Python SDK for Webex meetings, mirroring the Webex JS SDK.

Start with :meth:`Webex.init`; point it at the built-in emulator with
``config={"services": {"discovery": {"u2c": emulator.u2c_url}}}``.
"""

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
    DomainNotAllowedError,
    GatewayTimeoutError,
    InternalServerError,
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    LockedError,
    MeetingRuleError,
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
    "ConfigError",
    "ConflictError",
    "CredentialsError",
    "DomainNotAllowedError",
    "EventEmitter",
    "Events",
    "GatewayTimeoutError",
    "InternalServerError",
    "InvalidClientError",
    "InvalidGrantError",
    "InvalidRequestError",
    "InvalidScopeError",
    "JsonFileStoreAdapter",
    "LockedError",
    "MeetingRuleError",
    "MemoryStoreAdapter",
    "NotFoundError",
    "NotGiven",
    "OAuthError",
    "OperationScopes",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "ServiceCatalogError",
    "ServiceNotFoundError",
    "ServiceUnavailableError",
    "SqliteStoreAdapter",
    "StorageAdapter",
    "StorageBinding",
    "StorageCorruptError",
    "StorageError",
    "StorageNotFoundError",
    "Token",
    "UnauthorizedClientError",
    "UnsupportedGrantTypeError",
    "Webex",
    "WebexConfig",
    "WebexError",
    "__version__",
    "required_scopes",
    "scopes",
]
