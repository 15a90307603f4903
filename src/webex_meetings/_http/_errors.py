"""Turns an HTTP error response into the matching exception of the one error tree."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from webex_meetings._exceptions import APIStatusError, status_error_class
from webex_meetings._http._retry import parse_retry_after
from webex_meetings._logging import redact

__all__ = ["error_from_response", "safe_url"]

# Keys the JS SDK (http-core) searches, in order, for the error text.
_MESSAGE_KEYS = ("message", "error", "errorString", "response", "errorResponse", "msg")


def safe_url(url: httpx.URL) -> str:
    """The URL without query string or user info, fit for logs and error texts."""
    return str(url.copy_with(query=None, fragment=None, username=None, password=None))


def _message_from(body: Any) -> str | None:
    if isinstance(body, str):
        return body or None
    if not isinstance(body, Mapping):
        return None
    for key in _MESSAGE_KEYS:
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, Mapping):
            nested = _message_from(value)
            if nested:
                return nested
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], Mapping):
        description = errors[0].get("description")
        if isinstance(description, str):
            return description
    return None


def error_from_response(response: httpx.Response) -> APIStatusError:
    """Build the status error for ``response`` (its body must already be read)."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text[:2000]
    mapping = body if isinstance(body, Mapping) else {}
    message = _message_from(body) or response.reason_phrase or "request failed"
    errors = mapping.get("errors")
    code = mapping.get("errorCode", mapping.get("code"))
    tracking_id = (
        mapping.get("trackingId")
        or response.headers.get("trackingid")
        or response.request.headers.get("trackingid")
    )
    cls = status_error_class(response.status_code)
    return cls(
        redact(str(message)),
        status_code=response.status_code,
        method=response.request.method,
        url=safe_url(response.request.url),
        errors=[e for e in errors if isinstance(e, Mapping)] if isinstance(errors, list) else (),
        tracking_id=str(tracking_id) if tracking_id else None,
        retry_after=parse_retry_after(response.headers.get("retry-after")),
        body=body,
        error_code=code if isinstance(code, int) else None,
    )
