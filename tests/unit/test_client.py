"""Webex.init: construction, ready, context manager, config and credential errors."""

from __future__ import annotations

import asyncio
from types import ModuleType
from typing import Any

import httpx
import pytest

import webex_meetings
from webex_meetings import ConfigError, CredentialsError, MemoryStoreAdapter, Webex

from .conftest import TOKEN


def test_exported_names_are_sorted_and_complete() -> None:
    # Every public non-module attribute is exported; subpackages (loaded as a side
    # effect of imports elsewhere) are reached by their own import path.
    def is_module(name: str) -> bool:
        return isinstance(getattr(webex_meetings, name), ModuleType)

    public = {n for n in dir(webex_meetings) if n[0].isalpha() and not is_module(n)}
    exported = {n for n in webex_meetings.__all__ if not is_module(n)}
    assert webex_meetings.__all__ == sorted(
        webex_meetings.__all__, key=lambda n: (not n.isupper(), n)
    )
    assert public | {"__version__"} == exported


def test_init_is_synchronous_outside_a_loop() -> None:
    webex = Webex.init(credentials=TOKEN)
    assert isinstance(webex, Webex)
    assert webex.ready is False

    async def main() -> bool:
        async with webex:
            await webex.wait_until_ready(timeout=1)
            return webex.ready

    assert asyncio.run(main()) is True


async def test_ready_event_and_once() -> None:
    seen: list[str] = []
    webex = Webex.init(credentials={"access_token": TOKEN})
    webex.once("ready", lambda: seen.append("ready"))
    webex.once("loaded", lambda: seen.append("loaded"))
    async with webex:
        await webex.wait_until_ready(timeout=1)
    assert seen == ["loaded", "ready"]


async def test_unknown_config_key_names_it() -> None:
    with pytest.raises(ConfigError, match=r"meetings\.reconnection\.enabeld") as info:
        Webex.init(credentials=TOKEN, config={"meetings": {"reconnection": {"enabeld": True}}})
    assert info.value.key == "meetings.reconnection.enabeld"


async def test_bad_credentials_type() -> None:
    with pytest.raises(CredentialsError):
        Webex.init(credentials=42)  # type: ignore[arg-type]


async def test_context_manager_closes_owned_client_only() -> None:
    mine = httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    async with Webex.init(credentials=TOKEN, http_client=mine) as webex:
        await webex.wait_until_ready()
    assert not mine.is_closed
    await mine.aclose()
    async with Webex.init(credentials=TOKEN) as webex:
        owned = webex.transport.client
    assert owned.is_closed


async def test_storage_argument_forms() -> None:
    bounded, unbounded = MemoryStoreAdapter(), MemoryStoreAdapter()
    webex: Any = Webex.init(
        credentials=TOKEN, storage={"boundedAdapter": bounded, "unboundedAdapter": unbounded}
    )
    assert webex.bounded_storage.adapter is bounded
    assert webex.unbounded_storage.adapter is unbounded
    await webex.close()
    webex = Webex.init(credentials=TOKEN, config={"storage": {"boundedAdapter": bounded}})
    assert webex.bounded_storage.adapter is bounded
    await webex.close()


async def test_token_from_config_credentials() -> None:
    webex = Webex.init(config={"credentials": {"access_token": TOKEN}})
    assert webex.credentials.org_id == "11111111-2222-3333-4444-555555555555"
    await webex.close()
