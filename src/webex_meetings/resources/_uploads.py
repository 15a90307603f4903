"""File uploads of ``webex.messages.create``.

Webex takes a message's ``files`` two ways (JS messages plugin): public URLs in the
JSON body, or one local file in a ``multipart/form-data`` body whose other parts are
the message's text fields. The generated ``Messages.create`` sends JSON unless a
``files`` item is a local file; then it calls :meth:`MessageUploads._create_with_file`.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from pydantic import BaseModel

from webex_meetings._http import NOT_GIVEN, NotGiven
from webex_meetings.resources._base import APIResource

__all__ = ["FileInput", "MessageUploads", "has_local_file"]

FileInput: TypeAlias = str | os.PathLike[str] | tuple[str, bytes] | tuple[str, bytes, str]
"""One ``files`` item: a public ``http(s)://`` URL, a local path, or ``(name, content)``
or ``(name, content, content_type)``."""

M = TypeVar("M", bound=BaseModel)

_DEFAULT_TYPE = "application/octet-stream"


def _is_url(item: FileInput) -> bool:
    return isinstance(item, str) and item.lower().startswith(("https://", "http://"))


def has_local_file(files: Sequence[FileInput] | None) -> bool:
    """Whether ``files`` holds anything but URLs (so the message needs an upload)."""
    return bool(files) and not all(_is_url(item) for item in files or ())


def _check(files: Sequence[FileInput], fields: Mapping[str, Any]) -> FileInput:
    """The one local file of ``files``, or ``ValueError`` naming what is wrong."""
    local = [item for item in files if not _is_url(item)]
    if len(local) != 1:
        raise ValueError(
            f"files: Webex takes one local file per message, got {len(local)}; "
            "send one message per file, or pass public URLs"
        )
    if len(local) != len(files):
        raise ValueError("files: a local file cannot be sent together with URLs")
    if fields.get("attachments") is not None:
        raise ValueError("attachments: cards cannot be sent with a local file")
    item = local[0]
    if isinstance(item, tuple):
        if len(item) not in (2, 3) or not isinstance(item[1], bytes | bytearray):
            raise ValueError("files: a file given as a tuple is (name, bytes[, content_type])")
    elif not isinstance(item, str | os.PathLike):
        raise ValueError(f"files: expected a URL, a path or a (name, bytes) tuple, got {item!r}")
    return item


async def _file_part(item: FileInput) -> tuple[str, bytes, str]:
    if isinstance(item, tuple):
        name, content = item[0], bytes(item[1])
        content_type = item[2] if len(item) == 3 else None
    else:
        path = Path(item)
        # reading a large file would stall the event loop
        content = await asyncio.to_thread(path.read_bytes)
        name, content_type = path.name, None
    if not content_type:
        content_type = mimetypes.guess_type(name)[0] or _DEFAULT_TYPE
    return name, content, content_type


class MessageUploads(APIResource):
    """Sends a message with a local file as ``multipart/form-data``."""

    __slots__ = ()

    async def _create_with_file(
        self,
        model: type[M],
        fields: Mapping[str, Any],
        files: Sequence[FileInput] | None,
        *,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | NotGiven | None = NOT_GIVEN,
    ) -> M:
        """``POST /messages`` with the text ``fields`` and the one local file of ``files``.

        Raises:
            ValueError: not exactly one local file, URLs mixed in, or cards given; raised
                before any I/O.
        """
        item = _check(files or (), fields)
        part = await _file_part(item)
        data = {key: str(value) for key, value in fields.items() if value is not None}
        return await self._call_model(
            "POST",
            "messages",
            model,
            data=data,
            files=[("files", part)],
            extra_headers=extra_headers,
            timeout=timeout,
        )
