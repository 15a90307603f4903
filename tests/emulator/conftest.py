from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from webex_meetings.emulator import Emulator


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    """An in-process emulator on the test's own event loop."""
    async with Emulator() as emu:
        yield emu


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False) as http:
        yield http


@pytest.fixture
def sync_client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as http:
        yield http
