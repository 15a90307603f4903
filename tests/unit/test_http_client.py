"""The SDK's own httpx client: pool assignment, cookies, default headers, cheap logging."""

from __future__ import annotations

import logging
from typing import Any

import httpcore
import httpx
import pytest
from httpcore._async.connection_pool import AsyncPoolRequest

from webex_meetings import Webex
from webex_meetings._http._httpclient import (
    CookielessAsyncClient,
    PooledTransport,
    _LeanConnectionPool,
)
from webex_meetings._http._pagination import repair_next_url

from .conftest import TOKEN

ORIGIN_URL = "http://127.0.0.1:8000/v1/thing"


class IdleConnection(httpcore.AsyncConnectionInterface):
    """An open, idle HTTP/1.1 connection to one origin (no I/O)."""

    def __init__(self, origin: httpcore.Origin) -> None:
        self.origin = origin

    def can_handle_request(self, origin: httpcore.Origin) -> bool:
        return origin == self.origin

    def is_available(self) -> bool:
        return True

    def has_expired(self) -> bool:
        return False

    def is_idle(self) -> bool:
        return True

    def is_closed(self) -> bool:
        return False


def _queue(pool: _LeanConnectionPool, count: int) -> list[AsyncPoolRequest]:
    requests = [AsyncPoolRequest(httpcore.Request("GET", ORIGIN_URL)) for _ in range(count)]
    pool._requests.extend(requests)
    return requests


async def test_an_idle_connection_goes_to_one_waiting_request() -> None:
    pool = _LeanConnectionPool(max_connections=1)
    idle = IdleConnection(httpcore.URL(ORIGIN_URL).origin)
    pool._connections.append(idle)
    first, second = _queue(pool, 2)
    assert pool._assign_requests_to_connections() == []
    assert first.connection is idle
    assert second.connection is None  # waits instead of racing for the same connection
    # Once the first request is done with it, the second one gets it.
    pool._requests.remove(first)
    pool._assign_requests_to_connections()
    assert second.connection is idle


async def test_a_second_waiting_request_opens_a_connection_when_allowed() -> None:
    pool = _LeanConnectionPool(max_connections=2)
    idle = IdleConnection(httpcore.URL(ORIGIN_URL).origin)
    pool._connections.append(idle)
    first, second = _queue(pool, 2)
    pool._assign_requests_to_connections()
    assert first.connection is idle
    assert second.connection is not None
    assert second.connection is not idle
    assert len(pool._connections) == 2


def test_transport_uses_the_lean_pool_with_the_given_limits() -> None:
    limits = httpx.Limits(max_connections=7, max_keepalive_connections=7, keepalive_expiry=3)
    transport = PooledTransport(limits=limits)
    assert transport.lean
    pool = transport._pool
    assert (pool._max_connections, pool._max_keepalive_connections) == (7, 7)
    assert pool._keepalive_expiry == 3


async def test_cookies_from_responses_are_not_kept() -> None:
    sent: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers.get("cookie"))
        return httpx.Response(200, headers={"set-cookie": "lb=abc; Path=/"})

    async with CookielessAsyncClient(transport=httpx.MockTransport(handler)) as client:
        await client.get("https://webexapis.com/v1/people/me")
        await client.get("https://webexapis.com/v1/people/me")
        assert len(client.cookies) == 0
        client.cookies.set("chosen", "yes")
        await client.get("https://webexapis.com/v1/people/me")
        client.cookies = {"other": "1"}
        await client.get("https://webexapis.com/v1/people/me")
        assert len(client.cookies) == 1
    assert sent == [None, None, "chosen=yes", "other=1"]


async def test_core_client_sends_the_sdk_headers_by_default() -> None:
    webex = Webex.init(credentials=TOKEN)
    try:
        client = webex.transport.client
        assert isinstance(client, CookielessAsyncClient)
        assert client.headers["spark-user-agent"].startswith("webex-meetings/")
        assert client.headers["accept"] == "application/json"
    finally:
        await webex.close()


async def test_debug_log_names_each_request(
    make_webex: Any, caplog: pytest.LogCaptureFixture
) -> None:
    webex, _, _ = make_webex(lambda r: httpx.Response(200, json={"id": "p1"}))
    with caplog.at_level(logging.DEBUG, logger="webex_meetings"):
        await webex.people.me()
    lines = [r.getMessage() for r in caplog.records if "/people/me ->" in r.getMessage()]
    assert len(lines) == 1
    assert lines[0].startswith("GET https://webexapis.com/v1/people/me -> 200 in ")


async def test_no_debug_formatting_when_debug_is_off(
    make_webex: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    webex, _, _ = make_webex(lambda r: httpx.Response(200, json={"id": "p1"}))
    formatted: list[httpx.URL] = []
    import webex_meetings._http._transport as transport_module

    def spy(url: httpx.URL) -> str:
        formatted.append(url)
        return str(url)

    monkeypatch.setattr(transport_module, "safe_url", spy)
    with caplog.at_level(logging.INFO, logger="webex_meetings"):
        await webex.people.me()
    assert formatted == []


def test_next_link_with_every_parameter_is_kept_as_sent() -> None:
    link = "https://webexapis.com/v1/messages?roomId=R1&max=2&beforeMessage=m%2C4"
    assert repair_next_url(link, {"roomId": "R1", "max": 2}) == link
    repaired = repair_next_url("https://webexapis.com/v1/messages?max=null", {"roomId": "R1"})
    assert httpx.URL(repaired).params.multi_items() == [("roomId", "R1")]
