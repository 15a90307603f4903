"""The whole error tree of the SDK and the HTTP status → error class table.

Every exception the SDK raises on purpose derives from :class:`WebexError`::

    WebexError
    ├── ConfigError                      bad Webex.init config (also a ValueError)
    ├── MeetingRuleError                 a meeting create/update breaks a rule (also a ValueError)
    ├── CredentialsError                 no usable token, refresh impossible
    │   └── OAuthError                   the token endpoint answered 400 {error, ...}
    │       ├── InvalidRequestError      invalid_request
    │       ├── InvalidClientError       invalid_client
    │       ├── InvalidGrantError        invalid_grant
    │       ├── UnauthorizedClientError  unauthorized_client
    │       ├── UnsupportedGrantTypeError unsupported_grant_type
    │       └── InvalidScopeError        invalid_scope
    ├── StorageError                     a storage adapter failed
    │   ├── StorageNotFoundError         key absent (JS: NotFoundError)
    │   └── StorageCorruptError          the stored data cannot be read back
    ├── ServiceCatalogError              the U2C catalog could not be loaded or used
    │   ├── ServiceNotFoundError         no catalog entry for a service name
    │   └── DomainNotAllowedError        a URL points outside the allowed domains
    ├── DeviceError                      WDM device registration failed or is unusable
    ├── WebhookError                     a webhook delivery is not usable (also a ValueError)
    │   └── WebhookSignatureError        its X-Spark-Signature is missing or wrong
    ├── MercuryError                     the Mercury websocket failed
    │   ├── MercuryConnectionClosed      closed with (code, reason) per the Mercury protocol
    │   ├── MercuryConnectTimeoutError   no buffer-state frame in time (also a TimeoutError)
    │   └── MercuryQueueFullError        the outgoing queue is full while reconnecting
    └── APIError                         a request did not produce a usable response
        ├── APIConnectionError           no HTTP response at all
        │   └── APITimeoutError          the request timed out
        └── APIStatusError               HTTP status >= 400 (carries tracking_id)
            ├── BadRequestError          400
            ├── AuthenticationError      401
            ├── PermissionDeniedError    403
            ├── NotFoundError            404
            ├── ConflictError            409
            ├── LockedError              423
            ├── RateLimitError           429
            └── ServerError              5xx
                ├── InternalServerError  500
                ├── BadGatewayError      502
                ├── ServiceUnavailableError 503
                └── GatewayTimeoutError  504

Messages never contain tokens: error texts are built from the method, the URL without
its query string, the server's ``message`` and the ``trackingId``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "ConfigError",
    "ConflictError",
    "CredentialsError",
    "DeviceError",
    "DomainNotAllowedError",
    "GatewayTimeoutError",
    "InternalServerError",
    "InvalidClientError",
    "InvalidGrantError",
    "InvalidRequestError",
    "InvalidScopeError",
    "LockedError",
    "MeetingRuleError",
    "MercuryConnectTimeoutError",
    "MercuryConnectionClosed",
    "MercuryError",
    "MercuryQueueFullError",
    "NotFoundError",
    "OAuthError",
    "PermissionDeniedError",
    "RateLimitError",
    "ServerError",
    "ServiceCatalogError",
    "ServiceNotFoundError",
    "ServiceUnavailableError",
    "StorageCorruptError",
    "StorageError",
    "StorageNotFoundError",
    "UnauthorizedClientError",
    "UnsupportedGrantTypeError",
    "WebexError",
    "WebhookError",
    "WebhookSignatureError",
    "status_error_class",
]


class WebexError(Exception):
    """Root of every error the SDK raises on purpose."""


class ConfigError(WebexError, ValueError):
    """The configuration given to ``Webex.init`` is invalid.

    Attributes:
        key: dotted path of the offending key in the JS spelling, e.g.
            ``"meetings.reconnection.enabeld"``.
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class CredentialsError(WebexError):
    """No usable access token, or it cannot be refreshed."""


class OAuthError(CredentialsError):
    """The OAuth token endpoint rejected a grant (HTTP 400 with an ``error`` field).

    Attributes:
        error: the OAuth ``error`` code, e.g. ``"invalid_grant"``.
        error_description: the server's description, if any.
        tracking_id: the Webex tracking id of the failed request.
    """

    oauth_error: str = ""

    def __init__(
        self,
        error: str,
        error_description: str | None = None,
        *,
        tracking_id: str | None = None,
    ) -> None:
        self.error = error
        self.error_description = error_description
        self.tracking_id = tracking_id
        text = f"OAuth token request failed: {error}"
        if error_description:
            text += f" ({error_description})"
        if tracking_id:
            text += f" [trackingId {tracking_id}]"
        super().__init__(text)

    @staticmethod
    def from_body(body: Mapping[str, Any], *, tracking_id: str | None = None) -> OAuthError:
        """Build the subclass that matches the body's ``error`` field."""
        code = str(body.get("error") or "oauth_error")
        description = body.get("error_description")
        cls = _OAUTH_ERRORS.get(code, OAuthError)
        return cls(code, str(description) if description else None, tracking_id=tracking_id)


class InvalidRequestError(OAuthError):
    """``invalid_request``: the grant request is malformed or the token was revoked."""


class InvalidClientError(OAuthError):
    """``invalid_client``: the client id or secret is wrong."""


class InvalidGrantError(OAuthError):
    """``invalid_grant``: the refresh token is expired, revoked or unknown."""


class UnauthorizedClientError(OAuthError):
    """``unauthorized_client``: this client may not use the grant type."""


class UnsupportedGrantTypeError(OAuthError):
    """``unsupported_grant_type``: the server does not know the grant type."""


class InvalidScopeError(OAuthError):
    """``invalid_scope``: a requested scope is unknown or not allowed."""


_OAUTH_ERRORS: dict[str, type[OAuthError]] = {
    "invalid_request": InvalidRequestError,
    "invalid_client": InvalidClientError,
    "invalid_grant": InvalidGrantError,
    "unauthorized_client": UnauthorizedClientError,
    "unsupported_grant_type": UnsupportedGrantTypeError,
    "invalid_scope": InvalidScopeError,
}


class StorageError(WebexError):
    """A storage adapter could not read or write."""


class StorageNotFoundError(StorageError, KeyError):
    """The key is not in the store (the JS adapters' ``NotFoundError``)."""

    def __str__(self) -> str:
        # KeyError.__str__ would repr() the message; keep it readable.
        return str(self.args[0]) if self.args else "not found"


class StorageCorruptError(StorageError):
    """The stored data exists but cannot be decoded; it is left in place for inspection."""


class ServiceCatalogError(WebexError):
    """The U2C service catalog could not be loaded or used."""


class ServiceNotFoundError(ServiceCatalogError, LookupError):
    """No catalog entry for the requested service name.

    Attributes:
        service: the service name that was asked for.
    """

    def __init__(self, service: str, known: Sequence[str] = ()) -> None:
        self.service = service
        text = f"service {service!r} was not found in any of the catalogs"
        if known:
            text += f" (known: {', '.join(sorted(known))})"
        super().__init__(text)


class DomainNotAllowedError(ServiceCatalogError):
    """A URL handed out by the cloud points at a host outside the allowed domains."""


class APIError(WebexError):
    """A request did not produce a usable response.

    Attributes:
        method: the HTTP method.
        url: the URL without its query string.
    """

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class APIConnectionError(APIError):
    """The request never got an HTTP response (DNS, connect, TLS, reset)."""


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class APIStatusError(APIError):
    """The server answered with an HTTP status of 400 or more.

    Attributes:
        status_code: the HTTP status.
        message: the Webex error ``message`` (or the best text found in the body).
        errors: the Webex ``errors`` array (each usually has ``description``).
        tracking_id: the ``trackingId`` of the failed request, for support tickets.
        retry_after: the server's ``Retry-After`` value in seconds, when it sent one.
        body: the decoded JSON body, or the raw text.
        error_code: a numeric service error code (Locus ``errorCode``, wbxappapi ``code``).
    """

    status_code: int = 0

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str = "",
        url: str = "",
        errors: Sequence[Mapping[str, Any]] = (),
        tracking_id: str | None = None,
        retry_after: float | None = None,
        body: Any = None,
        error_code: int | None = None,
    ) -> None:
        self.status_code = status_code
        self.message = message
        self.errors = list(errors)
        self.tracking_id = tracking_id
        self.retry_after = retry_after
        self.body = body
        self.error_code = error_code
        text = f"{status_code} {method} {url}: {message}".replace("  ", " ")
        if tracking_id:
            text += f" [trackingId {tracking_id}]"
        if retry_after is not None:
            text += f" [retry after {retry_after:g}s]"
        super().__init__(text, method=method, url=url)


class BadRequestError(APIStatusError):
    """400: the request is invalid; the message says why."""


class AuthenticationError(APIStatusError):
    """401: missing, expired or wrong credentials (after one refresh attempt)."""


class PermissionDeniedError(APIStatusError):
    """403: understood but refused (scope, role, licence, password)."""


class NotFoundError(APIStatusError):
    """404: bad URI or the resource does not exist."""


class ConflictError(APIStatusError):
    """409: the request conflicts with the resource's state."""


class LockedError(APIStatusError):
    """423: temporarily locked (e.g. a file still being scanned); retry later."""


class RateLimitError(APIStatusError):
    """429: too many requests; ``retry_after`` says when to try again."""


class ServerError(APIStatusError):
    """5xx: the server failed."""


class InternalServerError(ServerError):
    """500."""


class BadGatewayError(ServerError):
    """502."""


class ServiceUnavailableError(ServerError):
    """503."""


class GatewayTimeoutError(ServerError):
    """504."""


_STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    423: LockedError,
    429: RateLimitError,
    500: InternalServerError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
    504: GatewayTimeoutError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """Return the exception class for an HTTP status (the one table of the mapping)."""
    if status_code in _STATUS_ERRORS:
        return _STATUS_ERRORS[status_code]
    if status_code >= 500:
        return ServerError
    return APIStatusError


class MeetingRuleError(WebexError, ValueError):
    """A meeting create or update breaks a documented rule; raised before any request.

    The rules are those of "Updating a Meeting" in the Meetings overview (rule 1: start
    and end not before the current time; rule 2: duration from 10 minutes to 24 hours;
    rule 4: a meeting instance cannot be updated).

    Attributes:
        rule: the rule number (1-5).
        rule_text: the rule as the Meetings overview states it.
    """

    def __init__(self, rule: int, rule_text: str, detail: str) -> None:
        super().__init__(f"Rule {rule}. {rule_text}: {detail}")
        self.rule = rule
        self.rule_text = rule_text


class DeviceError(WebexError):
    """The WDM device could not be registered, refreshed or used (WDM device protocol)."""


class MercuryError(WebexError):
    """The Mercury websocket failed (Mercury protocol).

    Attributes:
        unsent: messages queued for sending that never went out (set when Mercury
            gives up for good).
    """

    def __init__(self, message: str, *, unsent: Sequence[Any] = ()) -> None:
        super().__init__(message)
        self.unsent = list(unsent)


class MercuryConnectionClosed(MercuryError):  # noqa: N818 - named after the close event it reports
    """The websocket was closed, during the handshake or later.

    Attributes:
        code: the websocket close code (e.g. ``4401``, ``1006``).
        reason: the close reason text (may be empty).
    """

    def __init__(self, code: int, reason: str = "", *, unsent: Sequence[Any] = ()) -> None:
        super().__init__(f"Mercury connection closed: {code} {reason}".rstrip(), unsent=unsent)
        self.code = code
        self.reason = reason


class MercuryConnectTimeoutError(MercuryError, TimeoutError):
    """The websocket did not open, or sent no ``mercury.buffer_state``, in time."""


class MercuryQueueFullError(MercuryError):
    """The outgoing queue is full while Mercury is reconnecting."""


class WebhookError(WebexError, ValueError):
    """A webhook delivery cannot be used: its body is not a webhook event."""


class WebhookSignatureError(WebhookError):
    """A webhook delivery's ``X-Spark-Signature`` is missing or does not match its body.

    The message never contains the secret or the expected signature.
    """
