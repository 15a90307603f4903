"""Per-request pipeline of a spec operation: auth, validation, then backend or responder."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ...core.auth import authenticate
from ...core.errors import BadRequestError
from .call import Call, Handler
from .schema import describe
from .spec import Operation, QueryParam
from .synth import synthesize

_WEBVTT = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.000\nEmulated transcript line.\n"


def _invalid(detail: str) -> BadRequestError:
    return BadRequestError(detail, message=detail)


def _check_query(params: list[QueryParam], query: Mapping[str, str]) -> None:
    for param in params:
        value = query.get(param.name)
        if value is None or value == "":
            if param.required:
                raise _invalid(f"{param.name}: required query parameter is missing.")
            continue
        kind = param.schema.get("type")
        if kind == "integer":
            try:
                int(value)
            except ValueError:
                raise _invalid(f"{param.name}: {value!r} is not an integer.") from None
        elif kind == "number":
            try:
                float(value)
            except ValueError:
                raise _invalid(f"{param.name}: {value!r} is not a number.") from None
        elif kind == "boolean" and value not in ("true", "false"):
            raise _invalid(f"{param.name}: {value!r} is not true or false.")
        enum = param.schema.get("enum")
        if isinstance(enum, list) and kind == "string" and value not in enum:
            raise _invalid(f"{param.name}: {value!r} is not one of {enum}.")


async def _body(request: Request, op: Operation) -> Any:
    if op.body is None:
        return {}
    raw = await request.body()
    if not raw.strip():
        if op.body_required:
            raise _invalid("body: a JSON request body is required.")
        # An omitted optional body is an empty object: its required fields still apply.
        raw = b"{}"
    try:
        body = json.loads(raw)
    except ValueError:
        raise _invalid("body: the request body is not valid JSON.") from None
    error = op.body.first_error(body)
    if error is not None:
        raise _invalid(describe(error))
    return body


def respond_from_spec(op: Operation) -> Response:
    """Answer ``op`` with its declared success status and a body synthesised from the spec."""
    if op.success_status == 204 or op.response_media_type is None:
        return Response(status_code=op.success_status)
    if op.response is None:
        return PlainTextResponse(_WEBVTT, status_code=op.success_status, media_type="text/vtt")
    body = synthesize(op.response, op.response_example)
    return JSONResponse(body, status_code=op.success_status)


async def handle(request: Request, op: Operation, handler: Handler | None) -> Response:
    """Run one request for ``op``.

    Args:
        request: The HTTP request.
        op: The matched operation.
        handler: Its stateful handler, or None for the spec-driven responder.

    Raises:
        UnauthorizedError: No valid access token.
        BadRequestError: The query or the body violates the operation's schema.
    """
    token = authenticate(request)
    _check_query(op.query, request.query_params)
    body = await _body(request, op)
    if handler is None:
        return respond_from_spec(op)
    return handler(Call(request, op, token, body))
