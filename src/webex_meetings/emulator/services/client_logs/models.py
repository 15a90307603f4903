"""Client-log uploads: sessions opened by ``logs/urls``, filled by a PUT, closed by ``logs/meta``.

The SDK uploads its logs after a meeting ends or a join fails (``autoUploadLogs``,
the JS SDK configuration) through the ``clientLogs`` catalog service (U2C service catalog) in three
phases, using the generic upload of its core (``webex.upload``):

1. ``POST {clientLogs}/logs/urls`` with ``{"file": <name>}``; it reads ``tempURL`` (where
   to put the file), ``logFilename`` and ``userId`` from the answer;
2. ``PUT <tempURL>`` with the raw log text and no ``Authorization`` header;
3. ``POST {clientLogs}/logs/meta`` with ``{"filename": <logFilename>, "data": [{key,
   value}], "userId"}``; the answer becomes the result of the upload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...core.errors import BadRequestError, NotFoundError
from ...core.ids import new_uuid
from ...core.state import Backend
from ..u2c.models import SERVICE_PATHS

CLIENT_LOGS_PATH = SERVICE_PATHS["clientLogs"]

#: Where the emulator lets clients put log files (the ``tempURL`` of a session).
UPLOAD_PATH = f"{CLIENT_LOGS_PATH}/uploads"

#: Largest accepted log file; the emulator keeps only sizes, never the text.
MAX_LOG_BYTES = 50 * 1024 * 1024


@dataclass
class LogUpload:
    """One upload session."""

    id: str
    person_uuid: str
    filename: str
    """``logFilename``: the name the client reports back in ``logs/meta``."""
    size: int | None = None
    """Bytes received by the PUT; None until the file arrived."""
    metadata: list[dict[str, Any]] = field(default_factory=list)
    finalized: bool = False


class ClientLogsBackend(Backend):
    """Upload sessions of this emulator instance."""

    def reset(self) -> None:
        """Forget every upload."""
        self.uploads: dict[str, LogUpload] = {}

    def open(self, person_uuid: str, file: str) -> LogUpload:
        """Start a session for ``file`` (the client's file name)."""
        upload_id = new_uuid()
        upload = LogUpload(upload_id, person_uuid, f"{upload_id}/{file}")
        self.uploads[upload_id] = upload
        return upload

    def receive(self, upload_id: str, size: int) -> None:
        """Record the PUT of a session's file.

        Raises:
            NotFoundError: No such session.
            BadRequestError: The file is too large.
        """
        upload = self.uploads.get(upload_id)
        if upload is None:
            raise NotFoundError(f"No log upload {upload_id}.")
        if size > MAX_LOG_BYTES:
            raise BadRequestError(f"Log files are limited to {MAX_LOG_BYTES} bytes.")
        upload.size = size

    def finalize(
        self, person_uuid: str, filename: str, metadata: list[dict[str, Any]]
    ) -> LogUpload:
        """Close the session whose ``logFilename`` is ``filename``.

        Raises:
            NotFoundError: No session of this person has that file name.
            BadRequestError: The file was never uploaded.
        """
        upload = next(
            (
                found
                for found in self.uploads.values()
                if found.filename == filename and found.person_uuid == person_uuid
            ),
            None,
        )
        if upload is None:
            raise NotFoundError(f"No log upload named {filename!r}.")
        if upload.size is None:
            raise BadRequestError("The log file was not uploaded (PUT the tempURL first).")
        upload.metadata = metadata
        upload.finalized = True
        return upload
