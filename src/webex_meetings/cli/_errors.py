"""Exit codes of the ``webex-meetings`` command, and SDK errors turned into advice."""

from __future__ import annotations

import enum
from typing import Final

from webex_meetings._exceptions import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    ConfigError,
    CredentialsError,
    PermissionDeniedError,
    ServiceCatalogError,
    WebexError,
)

__all__ = ["DEVELOPER_PORTAL", "EXIT_CODES_HELP", "CliError", "ExitCode", "explain"]

#: Where a developer gets a personal access token.
DEVELOPER_PORTAL: Final = "https://developer.webex.com/docs/getting-started"


class ExitCode(enum.IntEnum):
    """What the exit status of ``webex-meetings`` means."""

    OK = 0
    """The command did what was asked."""
    API_ERROR = 1
    """Webex (or the network) refused or failed a request."""
    USAGE = 2
    """Bad arguments or configuration (no token, bad URL, missing extra)."""
    AUTH = 3
    """The access token was rejected."""
    MEETING = 4
    """No such meeting, or its password (or captcha) is needed or wrong."""
    INTERRUPTED = 130
    """Stopped with Ctrl-C (after leaving the meeting and unregistering)."""


EXIT_CODES_HELP: Final = """\
exit codes:
  0    ok
  1    API error: Webex or the network refused or failed a request
  2    usage or configuration error (no token, bad option, missing extra)
  3    authentication failure: the access token was rejected
  4    meeting not found, or its password is needed or wrong
  130  interrupted (Ctrl-C); a joined meeting is left and the device unregistered first
"""


class CliError(Exception):
    """A failure to report in one line, with the exit code it maps to."""

    def __init__(self, code: ExitCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _rejected_token(status: int) -> CliError:
    return CliError(
        ExitCode.AUTH,
        f"the token was rejected ({status}): get a new one at {DEVELOPER_PORTAL} "
        "or pass --emulator",
    )


def explain(exc: BaseException) -> CliError:
    """Turn an SDK error into a one-line message that says what to do, and its exit code."""
    chain = _chain(exc)
    for link in chain:
        if isinstance(link, CliError):
            return link
        if isinstance(link, AuthenticationError):
            return _rejected_token(link.status_code)
    for link in chain:
        if isinstance(link, PermissionDeniedError):
            return CliError(
                ExitCode.API_ERROR,
                f"Webex refused the request (403): {link.message or link}; "
                "the token may lack a scope this needs",
            )
        if isinstance(link, APIStatusError):
            tracking = f" [trackingId {link.tracking_id}]" if link.tracking_id else ""
            return CliError(
                ExitCode.API_ERROR,
                f"Webex answered {link.status_code} to {link.method} {link.url}: "
                f"{link.message}{tracking}",
            )
        if isinstance(link, APIConnectionError):
            return CliError(
                ExitCode.API_ERROR,
                f"cannot reach {link.url or 'Webex'}: {link}; check the network or --u2c",
            )
    if isinstance(exc, ConfigError):
        return CliError(ExitCode.USAGE, f"bad configuration: {exc}")
    if isinstance(exc, CredentialsError):
        return CliError(
            ExitCode.AUTH, f"the token cannot be used ({exc}): get a new one at {DEVELOPER_PORTAL}"
        )
    if isinstance(exc, ServiceCatalogError):
        return CliError(ExitCode.API_ERROR, f"{exc}; check the network or --u2c")
    if isinstance(exc, WebexError):
        return CliError(ExitCode.API_ERROR, str(exc))
    return CliError(ExitCode.API_ERROR, f"{type(exc).__name__}: {exc}")
