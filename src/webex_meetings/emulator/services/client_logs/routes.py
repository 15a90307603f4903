"""clientLogs routes: ``POST {clientLogs}/logs/urls``, ``PUT <tempURL>``, ``POST .../logs/meta``."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ...core.auth import authenticate
from ...core.errors import BadRequestError
from ...core.state import backend_of, get_state
from .models import CLIENT_LOGS_PATH, UPLOAD_PATH, ClientLogsBackend


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise BadRequestError("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise BadRequestError("The request body must be a JSON object.")
    return body


async def open_upload(request: Request) -> JSONResponse:
    """``POST {clientLogs}/logs/urls``: start an upload of ``{"file": <name>}``."""
    token = authenticate(request)
    file = (await _json_object(request)).get("file")
    if not isinstance(file, str) or not file.strip():
        raise BadRequestError("file: the name of the log file is required.")
    upload = backend_of(request, ClientLogsBackend).open(token.person_uuid, file)
    temp_url = get_state(request).url(f"{UPLOAD_PATH}/{upload.id}")
    return JSONResponse(
        {"tempURL": temp_url, "logFilename": upload.filename, "userId": token.person_uuid}
    )


async def put_file(request: Request) -> Response:
    """``PUT <tempURL>``: the log text. Like a storage pre-signed URL, it needs no token."""
    size = len(await request.body())
    backend_of(request, ClientLogsBackend).receive(request.path_params["upload_id"], size)
    return Response(status_code=200)


async def finalize_upload(request: Request) -> JSONResponse:
    """``POST {clientLogs}/logs/meta``: attach the metadata and close the upload."""
    token = authenticate(request)
    body = await _json_object(request)
    filename, data = body.get("filename"), body.get("data", [])
    if not isinstance(filename, str) or not filename:
        raise BadRequestError("filename: the logFilename of the upload is required.")
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise BadRequestError("data: a list of {key, value} objects is expected.")
    upload = backend_of(request, ClientLogsBackend).finalize(token.person_uuid, filename, data)
    # The SDK hands this body to the app as the upload result.
    return JSONResponse({"filename": upload.filename, "userId": upload.person_uuid})


ROUTES: list[BaseRoute] = [
    Route(f"{CLIENT_LOGS_PATH}/logs/urls", open_upload, methods=["POST"]),
    Route(f"{CLIENT_LOGS_PATH}/logs/meta", finalize_upload, methods=["POST"]),
    Route(f"{UPLOAD_PATH}/{{upload_id}}", put_file, methods=["PUT"]),
]
