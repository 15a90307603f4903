"""U2C routes: the limited (pre-auth) and the full (post-auth) service catalog."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from ...core.auth import authenticate
from ...core.errors import BadRequestError
from ...core.state import get_state
from .models import LIMITED_SERVICES, PREAUTH_QUERY_KEYS, SERVICE_PATHS, build_hostmap

_U2C = SERVICE_PATHS["u2c"]


def _require_hostmap(request: Request) -> None:
    # Only the hostmap format is emulated; the SDK always asks for it.
    if request.query_params.get("format") != "hostmap":
        raise BadRequestError("Only format=hostmap is supported.")


async def limited_catalog(request: Request) -> JSONResponse:
    """``GET {u2c}/limited/catalog``: the pre-auth catalog; no token needed."""
    _require_hostmap(request)
    if not any(request.query_params.get(key) for key in PREAUTH_QUERY_KEYS):
        raise BadRequestError(
            f"One of the query parameters {', '.join(PREAUTH_QUERY_KEYS)} is required."
        )
    return JSONResponse(build_hostmap(get_state(request).base_url, LIMITED_SERVICES))


async def catalog(request: Request) -> JSONResponse:
    """``GET {u2c}/catalog``: the full catalog for an authenticated user."""
    authenticate(request)
    _require_hostmap(request)
    return JSONResponse(build_hostmap(get_state(request).base_url))


ROUTES: list[BaseRoute] = [
    Route(f"{_U2C}/limited/catalog", limited_catalog, methods=["GET"]),
    Route(f"{_U2C}/catalog", catalog, methods=["GET"]),
]
