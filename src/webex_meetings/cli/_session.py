"""Where a command talks to: the Webex cloud, another deployment, or a fresh emulator."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from webex_meetings._client import Webex
from webex_meetings.cli._errors import DEVELOPER_PORTAL, CliError, ExitCode
from webex_meetings.cli._output import Output

if TYPE_CHECKING:
    from webex_meetings.emulator import Emulator

__all__ = ["Session", "Target", "open_session"]

TOKEN_ENV = "WEBEX_ACCESS_TOKEN"  # noqa: S105 - the name of a variable, not a secret

_MISSING_EXTRA = "--emulator needs the emulator extra: pip install 'webex-meetings[emulator]'"


@dataclass(frozen=True, repr=False)
class Target:
    """The deployment and credentials chosen on the command line.

    Attributes:
        token: the access token (``--token`` or ``WEBEX_ACCESS_TOKEN``); None with
            ``--emulator``.
        u2c: the U2C catalog URL of another deployment (``--u2c``).
        emulator: run against a fresh in-process emulator.
        log_level: the SDK log level (JS names).
    """

    token: str | None
    u2c: str | None
    emulator: bool
    log_level: str = "error"

    def __repr__(self) -> str:  # never show the token
        token = "set" if self.token else None
        return f"Target(u2c={self.u2c!r}, emulator={self.emulator}, token={token})"

    @classmethod
    def from_options(
        cls,
        *,
        token: str | None,
        u2c: str | None,
        emulator: bool,
        verbose: int = 0,
        environ: Mapping[str, str] | None = None,
    ) -> Target:
        """Check the options and pick the token.

        Raises:
            CliError: conflicting options, a bad ``--u2c`` URL, or no token (exit code 2).
        """
        env = os.environ if environ is None else environ
        level = ("error", "info", "debug")[min(verbose, 2)]
        if emulator:
            if token or u2c:
                given = "--token" if token else "--u2c"
                raise CliError(ExitCode.USAGE, f"--emulator runs its own cloud: leave out {given}")
            return cls(token=None, u2c=None, emulator=True, log_level=level)
        if u2c is not None:
            parts = urlsplit(u2c)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise CliError(
                    ExitCode.USAGE,
                    f"--u2c {u2c!r} is not an http(s) URL; it looks like "
                    "https://u2c.example.com/u2c/api/v1",
                )
        token = token or env.get(TOKEN_ENV) or None
        if token is None:
            raise CliError(
                ExitCode.USAGE,
                f"no access token: pass --token or set {TOKEN_ENV} (get one at "
                f"{DEVELOPER_PORTAL}), or pass --emulator to try it against a local emulator",
            )
        return cls(token=token.strip(), u2c=u2c, emulator=False, log_level=level)


@dataclass
class Session:
    """A ready SDK core, and the emulator behind it when ``--emulator`` was given."""

    webex: Webex
    emulator: Emulator | None


def _config(target: Target, u2c: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "appName": "webex-meetings-cli",
        "logger": {"level": target.log_level},
    }
    if u2c is not None:
        # Another deployment's device, Locus and meeting URLs are on its own hosts.
        host = urlsplit(u2c).hostname or ""
        config["services"] = {"discovery": {"u2c": u2c}, "allowedDomains": [host]}
    return config


@contextlib.asynccontextmanager
async def _emulator(output: Output) -> AsyncIterator[Emulator]:
    try:
        from webex_meetings.emulator import Emulator

        emulator = Emulator()
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in ("starlette", "uvicorn", "jsonschema"):
            raise CliError(ExitCode.USAGE, _MISSING_EXTRA) from None
        raise
    async with output.progress.step("starting the local emulator"):
        await emulator.start()
    try:
        output.note(f"using a fresh local emulator at {emulator.base_url}")
        yield emulator
    finally:
        await emulator.stop()


@contextlib.asynccontextmanager
async def open_session(target: Target, output: Output) -> AsyncIterator[Session]:
    """Yield a ready ``Webex`` for ``target``; everything is closed afterwards.

    Raises:
        CliError: the emulator extra is missing (2), or the token is not a Webex token (3).
    """
    async with contextlib.AsyncExitStack() as stack:
        emulator: Emulator | None = None
        token, u2c = target.token, target.u2c
        if target.emulator:
            emulator = await stack.enter_async_context(_emulator(output))
            token, u2c = emulator.access_token, emulator.u2c_url
        assert token is not None
        webex = Webex.init(credentials={"access_token": token}, config=_config(target, u2c))
        await stack.enter_async_context(webex)
        await webex.wait_until_ready()
        if webex.credentials.org_id is None:
            raise CliError(
                ExitCode.AUTH,
                "the token was rejected: it is not a Webex access token; copy one from "
                f"{DEVELOPER_PORTAL} or pass --emulator",
            )
        yield Session(webex, emulator)
