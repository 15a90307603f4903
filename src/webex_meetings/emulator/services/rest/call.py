"""What a stateful operation handler receives, and the list-page helper all lists share."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...core.auth import AccessToken
from ...core.errors import BadRequestError
from ...core.state import B, EmulatorState, get_state
from .spec import Operation

T = TypeVar("T")

#: Query parameter carrying the opaque list cursor of ``Link: rel="next"`` URLs.
CURSOR_PARAM = "cursor"


@dataclass
class Call:
    """One authenticated, validated request for a spec operation."""

    request: Request
    op: Operation
    token: AccessToken
    body: Any
    """The parsed JSON body; ``{}`` when the operation takes none."""

    @property
    def state(self) -> EmulatorState:
        """The emulator state."""
        return get_state(self.request)

    def backend(self, kind: type[B]) -> B:
        """Return the backend of type ``kind``."""
        return self.state.backend(kind)

    def param(self, name: str) -> str:
        """Return a path parameter (spec name, e.g. ``roomId``)."""
        return str(self.request.path_params[name])

    def query(self, name: str) -> str | None:
        """Return a query parameter, or None when absent or empty."""
        return self.request.query_params.get(name) or None


#: A stateful handler: returns the response of one operation (raises EmulatorError).
Handler = Callable[[Call], Response]


def ok(body: Any, status_code: int = 200) -> JSONResponse:
    """Return a JSON response."""
    return JSONResponse(body, status_code=status_code)


def no_content() -> Response:
    """Return the 204 of deletes and actions."""
    return Response(status_code=204)


#: Where Webex's ``Warning`` texts point: the Warnings section of the Meetings guide.
WARNINGS_URL = "https://developer.webex.com/docs/meetings#warnings"

#: Titles of the documented Meetings warning codes.
WARNING_TITLES: dict[int, str] = {
    1001: "Unsupported attributes on a converged site.",
}


def warning_value(code: int, detail: str = "") -> str:
    """Return one ``Warning`` header value for a Meetings warning ``code``.

    Webex documents only the content (a link to the Warnings section and the code), not
    the syntax; the emulator uses the RFC 7234 form ``299 - "<text>"`` with the code as a
    standalone number, e.g. ``299 - "1001 Unsupported attributes on a converged site.
    (publicMeeting) See https://developer.webex.com/docs/meetings#warnings"``.

    Args:
        code: The documented warning code, e.g. 1001.
        detail: What triggered it, e.g. the names of the ignored attributes.
    """
    parts = [str(code), WARNING_TITLES.get(code, "Warning.")]
    if detail:
        parts.append(f"({detail})")
    parts.append(f"See {WARNINGS_URL}")
    text = " ".join(parts).replace("\\", "\\\\").replace('"', '\\"')
    return f'299 - "{text}"'


def add_warning(response: Response, code: int, detail: str = "") -> Response:
    """Append a ``Warning`` header for ``code`` to ``response`` (the call still succeeded)."""
    response.headers.append("Warning", warning_value(code, detail))
    return response


def _decode_cursor(value: str) -> int:
    try:
        offset = int(base64.urlsafe_b64decode(value.encode("ascii") + b"==").decode("ascii"))
    except (binascii.Error, UnicodeError, ValueError):
        raise BadRequestError(f"{CURSOR_PARAM}: invalid cursor {value!r}.") from None
    if offset < 0:
        raise BadRequestError(f"{CURSOR_PARAM}: invalid cursor {value!r}.")
    return offset


def _encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(str(offset).encode("ascii")).decode("ascii").rstrip("=")


def page_size(call: Call, default: int, limit: int | None) -> int:
    """Return the page size from ``max``: the default when absent, capped at ``limit``.

    Raises:
        BadRequestError: ``max`` is not a positive integer.
    """
    raw = call.request.query_params.get("max")
    if raw is None or raw == "":
        return default
    try:
        size = int(raw)
    except ValueError:
        raise BadRequestError(f"max: {raw!r} is not an integer.") from None
    if size < 1:
        raise BadRequestError("max: must be at least 1.")
    # Above the endpoint's limit Webex answers the limit rather than an error (§4).
    return size if limit is None else min(size, limit)


def page(
    call: Call,
    items: Sequence[T],
    render: Callable[[T], dict[str, Any]],
    *,
    default_max: int = 100,
    limit: int | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    """Answer one page of ``items`` as ``{"items": [...]}`` with a ``Link: rel="next"``.

    The next URL is absolute, keeps the original filters and carries an opaque cursor,
    so following it as given (rest-conventions §4) walks the whole list.

    Args:
        call: The list request.
        items: The complete, filtered, ordered list.
        render: Turns one item into its JSON.
        default_max: Page size when ``max`` is absent.
        limit: Upper bound of ``max``; None for none.
        extra: Sibling fields of ``items`` in the body.
    """
    size = page_size(call, default_max, limit)
    raw_cursor = call.request.query_params.get(CURSOR_PARAM)
    start = _decode_cursor(raw_cursor) if raw_cursor else 0
    chunk = items[start : start + size]
    response = JSONResponse({**(extra or {}), "items": [render(item) for item in chunk]})
    if start + size < len(items):
        params = [
            (key, value)
            for key, value in call.request.query_params.multi_items()
            if key not in ("max", CURSOR_PARAM)
        ]
        params += [("max", str(size)), (CURSOR_PARAM, _encode_cursor(start + size))]
        url = call.state.url(call.request.url.path) + "?" + urlencode(params)
        response.headers["Link"] = f'<{url}>; rel="next"'
    return response
