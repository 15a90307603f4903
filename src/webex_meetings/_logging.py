"""Per-module loggers with token redaction, and the opt-in ``WEBEX_LOG`` switch.

Every module logs through ``get_logger(__name__)``; each such logger carries the
redacting filter, so no access token, refresh token, client secret or ``Bearer``
header value reaches a handler, whatever the level. Logging stays silent until the
application configures it, ``WEBEX_LOG=debug|info|warn|error`` is set, or the
``logger.level`` config key is given.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from typing import Final

__all__ = ["get_logger", "redact", "redact_url_credentials", "register_secret", "setup_logging"]

ROOT_LOGGER: Final = "webex_meetings"
REDACTED: Final = "<redacted>"

JS_LEVELS: Final[dict[str, int]] = {
    "silent": logging.CRITICAL + 10,
    "error": logging.ERROR,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "log": logging.INFO,
    "info": logging.INFO,
    "debug": logging.DEBUG,
    "trace": logging.DEBUG,
}

# The password of a ``scheme://user:password@host`` URL (a proxy URL, typically).
_URL_PASSWORD: Final = re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+(?=@)")

# Shapes that carry credentials even when the value itself was never registered.
_PATTERNS: Final = (
    _URL_PASSWORD,
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+"),
    re.compile(r"(?i)(basic\s+)[A-Za-z0-9+/=]+"),
    re.compile(
        r"(?i)((?:access_token|refresh_token|client_secret|id_token|token|password)"
        r"[\"']?\s*[:=]\s*[\"']?)[^\"'&\s,}]+"
    ),
)

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_MAX_SECRETS: Final = 256


def register_secret(value: str | None) -> None:
    """Remember a secret so that any log line containing it is redacted."""
    if not value or len(value) < 8:
        return
    with _secrets_lock:
        if len(_secrets) >= _MAX_SECRETS:
            _secrets.pop()
        _secrets.add(value)


def redact(text: str) -> str:
    """Return ``text`` with every registered secret and credential shape masked."""
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


def redact_url_credentials(text: str) -> str:
    """Return ``text`` with the password of every ``scheme://user:password@`` URL masked."""
    return _URL_PASSWORD.sub(lambda m: m.group(1) + REDACTED, text)


class _RedactingFilter(logging.Filter):
    """Formats the record once and masks secrets in the result."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not drop the log line
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Exception texts are rendered later by the formatter; pre-render them.
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


_FILTER: Final = _RedactingFilter()


def get_logger(name: str) -> logging.Logger:
    """Return the module logger ``name`` with the redacting filter attached."""
    log = logging.getLogger(name)
    if _FILTER not in log.filters:
        log.addFilter(_FILTER)
    return log


def setup_logging(level: str | None = None) -> None:
    """Attach a stderr handler to the package logger at a JS-style ``level``.

    ``level`` defaults to the ``WEBEX_LOG`` environment variable; with neither,
    nothing is configured (the application's logging setup applies).
    """
    name = (level or os.environ.get("WEBEX_LOG") or "").strip().lower()
    if not name:
        return
    if name not in JS_LEVELS:
        raise ValueError(f"unknown log level {name!r}; expected one of {', '.join(JS_LEVELS)}")
    package = logging.getLogger(ROOT_LOGGER)
    package.setLevel(JS_LEVELS[name])
    if not any(getattr(h, "_webex_handler", False) for h in package.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(_FILTER)
        handler._webex_handler = True  # type: ignore[attr-defined]
        package.addHandler(handler)
