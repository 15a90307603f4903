"""``POST /messages`` with one local file (``multipart/form-data``), and its content URL.

Webex takes a message's file either as public URLs in the JSON body or as one file
part named ``files`` of a ``multipart/form-data`` body whose other parts are the text
fields (JS messages plugin; rest-conventions: the spec does not model it). The text
fields are validated against the spec's JSON body schema, as a JSON body would be. The
file stays in memory and is served back, to the room's members, at the content URL
the message's ``files`` holds.
"""

from __future__ import annotations

import functools
from email.message import Message as MimeHeaders
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from ...core.auth import authenticate
from ...core.errors import BadRequestError
from ...core.state import get_state
from ..people.models import PeopleBackend
from ..rest.call import Call, ok
from ..rest.dispatch import handle
from ..rest.routes import HANDLERS
from ..rest.schema import describe
from ..rest.spec import Operation, operations
from ..rooms.models import RoomsBackend
from ..u2c.models import SERVICE_PATHS
from .models import MessagesBackend, Upload
from .routes import create_message, target_room

_HYDRA = SERVICE_PATHS["hydra"]
#: Webex's limit for one file of a message.
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
_FILE_PART = "files"


def _invalid(detail: str) -> BadRequestError:
    return BadRequestError(detail, message=detail)


@functools.cache
def _create_operation() -> Operation:
    return next(op for op in operations() if op.key == "POST /messages")


def _header_params(name: str, value: str) -> MimeHeaders:
    headers = MimeHeaders()
    headers[name] = value
    return headers


def parse_form(content_type: str, raw: bytes) -> tuple[dict[str, str], list[Upload]]:
    """Split a ``multipart/form-data`` body into its text fields and its file parts.

    Raises:
        BadRequestError: No boundary, a malformed part, a field sent twice, or a file
            part not named ``files``.
    """
    boundary = _header_params("content-type", content_type).get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise _invalid("body: the multipart/form-data body has no boundary.")
    # Every delimiter is CRLF "--" boundary (RFC 2046); the first one may lack the CRLF.
    chunks = (b"\r\n" + raw).split(b"\r\n--" + boundary.encode("latin-1"))
    fields: dict[str, str] = {}
    uploads: list[Upload] = []
    closed = False
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            closed = True
            break
        _padding, _, part = chunk.partition(b"\r\n")
        head, found, data = part.partition(b"\r\n\r\n")
        if not found:
            raise _invalid("body: a multipart part has no header block.")
        headers = MimeHeaders()
        for line in head.decode("latin-1").split("\r\n"):
            key, colon, value = line.partition(":")
            if colon:
                headers[key.strip()] = value.strip()
        name = headers.get_param("name", header="content-disposition")
        filename = headers.get_filename()
        if not isinstance(name, str) or not name:
            raise _invalid("body: a multipart part has no form-data name.")
        if filename is not None or name == _FILE_PART:
            if name != _FILE_PART:
                raise _invalid(f"{name}: files go in a part named {_FILE_PART!r}.")
            content_type = headers.get("content-type") or "application/octet-stream"
            uploads.append(Upload(filename or "file", content_type, data))
            continue
        if name in fields:
            raise _invalid(f"{name}: sent more than once.")
        try:
            fields[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _invalid(f"{name}: not UTF-8 text.") from None
    if not closed:
        raise _invalid("body: the multipart/form-data body is not terminated.")
    return fields, uploads


async def create_message_endpoint(request: Request) -> Response:
    """``POST /messages``: multipart bodies here, JSON ones through the spec pipeline."""
    op = _create_operation()
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith("multipart/form-data"):
        return await handle(request, op, HANDLERS.get(op.key, create_message))
    token = authenticate(request)
    raw = await request.body()
    if len(raw) > MAX_UPLOAD_BYTES:
        raise _invalid(f"files: a file may have at most {MAX_UPLOAD_BYTES} bytes.")
    fields, uploads = parse_form(content_type, raw)
    if op.body is not None:
        error = op.body.first_error(dict(fields))
        if error is not None:
            raise _invalid(describe(error))
    if len(uploads) != 1:
        raise _invalid(f"files: one file per message, got {len(uploads)}.")
    call = Call(request, op, token, dict(fields))
    room = target_room(call)
    author = call.backend(PeopleBackend).get(token.person_uuid)
    message = call.backend(MessagesBackend).post(
        room,
        author,
        call.body,
        upload=uploads[0],
        content_url=lambda content_id: call.state.url(f"{_HYDRA}/contents/{content_id}"),
    )
    return ok(message.to_json())


def _disposition(filename: str) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("\\", "_").replace('"', "_")
    value = f'attachment; filename="{ascii_name}"'
    if ascii_name != filename:
        value += f"; filename*=UTF-8''{quote(filename)}"
    return value


async def get_content(request: Request) -> Response:
    """``GET /contents/{contentId}``: an uploaded file, for members of its room."""
    token = authenticate(request)
    state = get_state(request)
    content = state.backend(MessagesBackend).content(request.path_params["contentId"])
    # 403 for non-members, as for the message itself
    state.backend(RoomsBackend).require_member(content.room, token.person_uuid)
    return Response(
        content.upload.data,
        media_type=content.upload.content_type,
        headers={"Content-Disposition": _disposition(content.upload.name)},
    )


#: Explicit routes: they come before the spec-driven Hydra router in the app.
ROUTES: list[BaseRoute] = [
    Route(f"{_HYDRA}/messages", create_message_endpoint, methods=["POST"]),
    Route(f"{_HYDRA}/contents/{{contentId:path}}", get_content, methods=["GET"]),
]
