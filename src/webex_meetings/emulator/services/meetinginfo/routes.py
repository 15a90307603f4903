"""Meeting-info routes: ``POST {wbxappapi}/meetingInfo``, space-instant meetings, captchas.

The direct-site form ``https://<site>/wbxappapi/v1/meetingInfo`` has the same path, so
it is served by the same route.
"""

from __future__ import annotations

import io
import json
import wave
from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ...core.auth import authenticate
from ...core.state import backend_of
from . import errors as codes
from .errors import WbxAppApiError
from .models import APPAPI_PATH, CAPTCHA_PATH, MeetingInfoBackend

_V2 = "/wbxappapi/v2"


async def json_body(request: Request) -> dict[str, Any]:
    """Return the JSON object body, ``{}`` when empty.

    Raises:
        WbxAppApiError: 400001 for a body that is not a JSON object.
    """
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise WbxAppApiError(400, codes.INVALID_INPUT, "The body must be a JSON object.")
    return body


async def meeting_info(request: Request) -> JSONResponse:
    """``POST {wbxappapi}/meetingInfo``: resolve a destination (meeting-info protocol)."""
    caller = authenticate(request)
    body = await json_body(request)
    return JSONResponse(backend_of(request, MeetingInfoBackend).lookup(body, caller))


async def space_instant(request: Request) -> JSONResponse:
    """``POST /wbxappapi/v2/meetings/spaceInstant``: a space's ad-hoc meeting (§2.2)."""
    caller = authenticate(request)
    body = await json_body(request)
    return JSONResponse(backend_of(request, MeetingInfoBackend).space_instant(body, caller))


async def refresh_captcha(request: Request) -> JSONResponse:
    """``POST <refreshURL>&siteFullName=<host>`` with ``{captchaId}``: a new captcha."""
    body = await json_body(request)
    captcha_id = body.get("captchaId") or request.query_params.get("captchaID") or ""
    backend = backend_of(request, MeetingInfoBackend)
    fresh = backend.refresh_captcha(str(captcha_id))
    if fresh is None:
        raise WbxAppApiError(404, 404001, "No such captcha.")
    return JSONResponse(backend.captcha_json(fresh))


def _pending_code(request: Request) -> str:
    captcha = backend_of(request, MeetingInfoBackend).captchas.by_id(
        request.path_params["captcha_id"]
    )
    if captcha is None:
        raise WbxAppApiError(404, 404001, "No such captcha.")
    return captcha.code


async def captcha_image(request: Request) -> Response:
    """``GET verificationImageURL``: an SVG showing the code."""
    code = escape(_pending_code(request))
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="48">'
        f'<text x="12" y="32" font-family="monospace" font-size="24">{code}</text></svg>'
    )
    return Response(svg, media_type="image/svg+xml")


async def captcha_audio(request: Request) -> Response:
    """``GET verificationAudioURL``: a short silent WAV (speech is not emulated)."""
    _pending_code(request)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * 800)
    return Response(buffer.getvalue(), media_type="audio/wav")


ROUTES: list[BaseRoute] = [
    Route(f"{APPAPI_PATH}/meetingInfo", meeting_info, methods=["POST"]),
    Route(f"{_V2}/meetings/spaceInstant", space_instant, methods=["POST"]),
    Route(f"{CAPTCHA_PATH}/refresh", refresh_captcha, methods=["POST"]),
    Route(f"{CAPTCHA_PATH}/{{captcha_id}}/image", captcha_image, methods=["GET"]),
    Route(f"{CAPTCHA_PATH}/{{captcha_id}}/audio", captcha_audio, methods=["GET"]),
]
