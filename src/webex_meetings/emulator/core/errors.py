"""Emulator errors and their rendering as Webex error JSON (rest-conventions §5)."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, ClassVar

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .ids import TRACKING_ID_HEADER, tracking_id_of


def webex_error_body(message: str, description: str, tracking_id: str) -> dict[str, Any]:
    """Build the common Webex error body.

    Args:
        message: Human-readable summary (``message``).
        description: The single ``errors[0].description``.
        tracking_id: The response's tracking id, also sent as the ``TrackingID`` header.
    """
    return {"message": message, "errors": [{"description": description}], "trackingId": tracking_id}


class EmulatorError(Exception):
    """Base of every error raised by backends and handlers.

    Handlers never build error bodies: they raise, and the app renders the error as Webex
    error JSON with the request's tracking id (the moto pattern).
    """

    status_code: ClassVar[int] = 500
    default_message: ClassVar[str] = "Something went wrong on the server."

    def __init__(
        self,
        description: str | None = None,
        *,
        message: str | None = None,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Create the error.

        Args:
            description: Detail for ``errors[0].description``; defaults to the message.
            message: Summary for ``message``; defaults to the class's message, or to the
                status phrase when ``status_code`` overrides the class's status.
            status_code: Overrides the class's HTTP status.
            headers: Extra response headers (e.g. ``Retry-After``).
        """
        self.status = status_code or self.status_code
        if message is None:
            message = self.default_message if status_code is None else status_phrase(self.status)
        self.message = message
        self.description = description or message
        self.headers = dict(headers or {})
        super().__init__(self.description)

    def body(self, tracking_id: str) -> dict[str, Any]:
        """Return the JSON body of this error for a response with ``tracking_id``."""
        return webex_error_body(self.message, self.description, tracking_id)

    def to_response(self, tracking_id: str) -> Response:
        """Render this error as a response carrying ``tracking_id`` in header and body."""
        headers = {**self.headers, TRACKING_ID_HEADER: tracking_id}
        return JSONResponse(self.body(tracking_id), status_code=self.status, headers=headers)


def status_phrase(status: int) -> str:
    """Return a message for a bare status code, e.g. ``"Too Many Requests."``."""
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:
        return f"HTTP {status}."


class BadRequestError(EmulatorError):
    """400: the request is invalid; the description says why."""

    status_code = 400
    default_message = "The request could not be understood by the server due to malformed syntax."


class UnauthorizedError(EmulatorError):
    """401: missing, unknown or expired access token."""

    status_code = 401
    default_message = (
        "The request requires a valid access token set in the Authorization request header."
    )


class NotFoundError(EmulatorError):
    """404: unknown path or resource."""

    status_code = 404
    default_message = "The requested resource could not be found."


class ConflictError(EmulatorError):
    """409: the request conflicts with existing state."""

    status_code = 409
    default_message = "The request could not be processed because of a conflict."


class OAuthError(EmulatorError):
    """An RFC 6749 token-endpoint error, rendered as ``error``/``error_description``.

    idbroker answers in the OAuth format rather than the Hydra one; ``trackingId`` is kept
    so that every error response still carries the tracking id in its body.
    """

    def __init__(self, error: str, description: str, *, status_code: int = 400) -> None:
        """Create the error.

        Args:
            error: OAuth error code, e.g. ``invalid_grant``.
            description: ``error_description``.
            status_code: 400, or 401 for ``invalid_client``.
        """
        super().__init__(description, message=description, status_code=status_code)
        self.error = error

    def body(self, tracking_id: str) -> dict[str, Any]:
        """Return the OAuth error body."""
        return {
            "error": self.error,
            "error_description": self.description,
            "trackingId": tracking_id,
        }


async def handle_emulator_error(request: Request, exc: Exception) -> Response:
    """Starlette exception handler for :class:`EmulatorError`."""
    assert isinstance(exc, EmulatorError)
    return exc.to_response(tracking_id_of(request.scope))


async def handle_http_exception(request: Request, exc: Exception) -> Response:
    """Starlette exception handler that renders routing errors (404, 405) as Webex JSON."""
    assert isinstance(exc, HTTPException)
    if exc.status_code in (404, 405):
        # Routing misses are emulator gaps, not missing objects: say so plainly.
        gap = f"The Webex emulator does not implement {request.method} {request.url.path}"
        error: EmulatorError = EmulatorError(
            gap, message=gap, status_code=exc.status_code, headers=exc.headers
        )
    else:
        error = EmulatorError(exc.detail, status_code=exc.status_code, headers=exc.headers)
    return error.to_response(tracking_id_of(request.scope))
