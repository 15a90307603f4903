"""Fixtures for integration tests: a real emulator on loopback and SDK cores bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    async with Emulator() as emu:
        yield emu


@pytest.fixture
async def connect(emulator: Emulator) -> AsyncIterator[Callable[..., Webex]]:
    """Build Webex cores pointed at the emulator; all are closed after the test."""
    made: list[Webex] = []

    def factory(credentials: Any = None, config: dict[str, Any] | None = None, **kw: Any) -> Webex:
        cfg: dict[str, Any] = {"services": {"discovery": {"u2c": emulator.u2c_url}}}
        for key, value in (config or {}).items():
            cfg[key] = value
        webex = Webex.init(
            credentials=credentials or {"access_token": emulator.access_token},
            config=cfg,
            **kw,
        )
        made.append(webex)
        return webex

    yield factory
    for webex in made:
        await webex.close()


def refreshable(emulator: Emulator) -> dict[str, str]:
    """Credentials that can be refreshed against the emulator's identity broker."""
    return {
        "access_token": emulator.access_token,
        "refresh_token": emulator.refresh_token,
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
    }
