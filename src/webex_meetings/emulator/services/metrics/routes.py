"""Metrics routes: ``POST {metrics}/metrics``, ``/clientmetrics``, ``/clientmetrics-prelogin``.

The SDK's metrics batchers post ``{"metrics": [...]}`` to these resources all the time
(U2C service catalog) and only care that the request succeeds. The emulator accepts the batch
and keeps nothing: the request log already shows what was sent.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ...core.auth import authenticate
from ...core.errors import BadRequestError
from ..u2c.models import SERVICE_PATHS

_METRICS = SERVICE_PATHS["metrics"]

#: Header naming the not-yet-signed-in user of a pre-login batch (JS SDK HTTP pipeline).
PRELOGIN_HEADER = "x-prelogin-userid"


async def _check_batch(request: Request) -> None:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise BadRequestError("The request body is not valid JSON.") from None
    if not isinstance(body, dict) or not isinstance(body.get("metrics"), list):
        raise BadRequestError('The body must be {"metrics": [...]}.')


async def submit(request: Request) -> Response:
    """``POST {metrics}/metrics`` and ``/clientmetrics``: a batch of a signed-in user."""
    authenticate(request)
    await _check_batch(request)
    return Response(status_code=204)


async def submit_prelogin(request: Request) -> Response:
    """``POST {metrics}/clientmetrics-prelogin``: sent without a token, with a user id."""
    if not request.headers.get(PRELOGIN_HEADER):
        raise BadRequestError(f"The {PRELOGIN_HEADER} header is required.")
    await _check_batch(request)
    return Response(status_code=204)


ROUTES: list[BaseRoute] = [
    Route(f"{_METRICS}/metrics", submit, methods=["POST"]),
    Route(f"{_METRICS}/clientmetrics", submit, methods=["POST"]),
    Route(f"{_METRICS}/clientmetrics-prelogin", submit_prelogin, methods=["POST"]),
]
