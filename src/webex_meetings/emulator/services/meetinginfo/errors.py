"""wbxappapi error bodies: ``{code, message, data?, ...}`` (meeting-info protocol)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...core.errors import EmulatorError

#: Codes of the meeting-info protocol that the emulator answers with.
PASSWORD_REQUIRED = 403004
WRONG_PASSWORD = 403028
WRONG_PERMISSION_TOKEN = 403032
WRONG_PASSWORD_OR_HOST_KEY = 403038
POLICY_CODES = frozenset({403049, 403104, 403103, 403048, 403102, 403101})
NOT_FOUND = 404006
INVALID_INPUT = 400001
CAPTCHA_PASSWORD = 423005
CAPTCHA_PASSWORD_OR_HOST_KEY = 423006
CAPTCHA_RIGHT_WRONG_PASSWORD = 423010
CAPTCHA_RIGHT_WRONG_PASSWORD_OR_HOST_KEY = 423012


class WbxAppApiError(EmulatorError):
    """An error of the meeting-info service, rendered in its own body format."""

    def __init__(
        self, status: int, code: int, message: str, extra: Mapping[str, Any] | None = None
    ) -> None:
        """Create the error.

        Args:
            status: HTTP status (the first three digits of ``code``).
            code: The wbxappapi ``code``.
            message: Human-readable ``message``.
            extra: Further top-level body fields (``data``, captcha fields, ``url``).
        """
        super().__init__(message, message=message, status_code=status)
        self.code = code
        self.extra = dict(extra or {})

    def body(self, tracking_id: str) -> dict[str, Any]:
        """Return ``{code, message, ...extra, trackingId}``."""
        return {"code": self.code, "message": self.message, **self.extra, "trackingId": tracking_id}
