"""Shared start-up for the examples: a real token from the environment, or the emulator."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from webex_meetings import Webex

if TYPE_CHECKING:
    from webex_meetings.emulator import Emulator


@contextlib.asynccontextmanager
async def connect() -> AsyncIterator[Webex]:
    """Yield a ready ``Webex``.

    With ``WEBEX_ACCESS_TOKEN`` set, talk to the Webex cloud; otherwise start the
    built-in emulator (``pip install 'webex-meetings[emulator]'``) and talk to it.
    """
    token = os.environ.get("WEBEX_ACCESS_TOKEN")
    if token:
        async with Webex.init(credentials={"access_token": token}) as webex:
            await webex.wait_until_ready()
            yield webex
        return
    from webex_meetings.emulator import Emulator

    async with Emulator() as emulator:
        config: dict[str, Any] = {"services": {"discovery": {"u2c": emulator.u2c_url}}}
        creds = {"access_token": emulator.access_token}
        async with Webex.init(credentials=creds, config=config) as webex:
            await webex.wait_until_ready()
            yield webex


@contextlib.asynccontextmanager
async def session() -> AsyncIterator[tuple[Webex, Emulator | None]]:
    """Like :func:`connect`, and also yield the emulator (``None`` on the real cloud).

    Meeting examples use the emulator to set up a meeting to join and simulated people.
    """
    token = os.environ.get("WEBEX_ACCESS_TOKEN")
    if token:
        async with Webex.init(credentials={"access_token": token}) as webex:
            await webex.wait_until_ready()
            yield webex, None
        return
    from webex_meetings.emulator import Emulator

    async with Emulator() as emulator:
        config: dict[str, Any] = {
            "services": {
                "discovery": {"u2c": emulator.u2c_url},
                # The emulator's device and Locus URLs are on loopback.
                "allowedDomains": ["127.0.0.1", "localhost"],
            }
        }
        creds = {"access_token": emulator.access_token}
        async with Webex.init(credentials=creds, config=config) as webex:
            await webex.wait_until_ready()
            yield webex, emulator
