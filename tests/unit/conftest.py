"""Fixtures for unit tests: a Webex core whose HTTP goes to an ``httpx.MockTransport``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from webex_meetings import Webex

HYDRA = "https://webexapis.com/v1"
TOKEN = "a" * 64 + "_PF84_11111111-2222-3333-4444-555555555555"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """Wraps a handler and records every request it sees."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


@pytest.fixture
def make_webex() -> Callable[..., Any]:
    created: list[Webex] = []

    def factory(
        handler: Handler, *, credentials: Any = TOKEN, config: dict[str, Any] | None = None
    ) -> tuple[Webex, Recorder, list[float]]:
        recorder = Recorder(handler)
        cfg: dict[str, Any] = {"services": {"override": {"hydra": HYDRA}}}
        cfg.update(config or {})
        client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
        webex = Webex.init(credentials=credentials, config=cfg, http_client=client)
        sleeps: list[float] = []

        async def fake_sleep(delay: float) -> None:
            sleeps.append(delay)

        webex.transport.sleep = fake_sleep
        created.append(webex)
        return webex, recorder, sleeps

    return factory


@pytest.fixture(autouse=True)
async def _close_clients() -> AsyncIterator[None]:
    return
