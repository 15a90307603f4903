"""The SDK's own httpx client over real loopback sockets: pool reuse, expiry, TLS, errors."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from webex_meetings import Webex
from webex_meetings._http._httpclient import CookielessAsyncClient, PooledTransport
from webex_meetings.emulator import Emulator

from ._http_server import BODY, LoopbackServer, self_signed

TIMEOUT = 10  # seconds; bounds every wait, never asserted on


@pytest.fixture
async def make_client() -> AsyncIterator[Any]:
    made: list[httpx.AsyncClient] = []

    def factory(max_connections: int = 3, verify: Any = True) -> httpx.AsyncClient:
        limits = httpx.Limits(
            max_connections=max_connections, max_keepalive_connections=max_connections
        )
        transport = PooledTransport(verify=verify, limits=limits)
        assert transport.lean  # the installed httpcore has the internals the pool needs
        client = CookielessAsyncClient(
            limits=limits, transport=transport, trust_env=False, timeout=TIMEOUT
        )
        made.append(client)
        return client

    yield factory
    for client in made:
        await client.aclose()


async def test_concurrent_requests_share_the_pools_connections(make_client: Any) -> None:
    client = make_client(max_connections=3)
    async with LoopbackServer() as server:
        responses = await asyncio.gather(*(client.get(server.url) for _ in range(30)))
        assert [r.json() for r in responses] == [{"ok": True}] * 30
        assert 1 <= server.seen.connections <= 3
        opened = server.seen.connections
        for _ in range(5):
            assert (await client.get(server.url)).status_code == 200
        assert server.seen.connections == opened  # idle connections were reused


async def test_connection_closed_by_server_while_idle_is_replaced(make_client: Any) -> None:
    client = make_client()
    async with LoopbackServer(close_after_response=True) as server:
        assert (await client.get(server.url)).status_code == 200
        await asyncio.wait_for(server.seen.closed.wait(), TIMEOUT)
        # The pool must notice the EOF on the idle connection and open a new one
        # rather than write the next request into a closed socket.
        assert (await client.get(server.url)).status_code == 200
        assert server.seen.connections == 2


async def test_silent_server_is_a_read_timeout(make_client: Any) -> None:
    client = make_client()
    async with LoopbackServer(silent=True) as server:
        with pytest.raises(httpx.ReadTimeout):
            await client.get(server.url, timeout=0.2)
        assert server.seen.bodies == [b""]


async def test_refused_connection_is_a_connect_error(make_client: Any) -> None:
    client = make_client()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(httpx.ConnectError):
        await client.get(f"http://127.0.0.1:{port}/")


async def test_large_bodies_both_ways(make_client: Any) -> None:
    client = make_client()
    big = bytes(range(256)) * (3 * 4096)  # 3 MiB: beyond the read buffer's high water
    async with LoopbackServer(body=big) as server:
        response = await client.post(server.url, content=big)
        assert response.content == big
        assert server.seen.bodies == [big]


async def test_tls_with_a_trusted_certificate(make_client: Any, tmp_path: Path) -> None:
    server_tls, client_tls = self_signed(tmp_path)
    client = make_client(verify=client_tls)
    async with LoopbackServer(tls=server_tls) as server:
        first = await client.get(server.url)
        second = await client.get(server.url)
        assert first.content == second.content == BODY
        assert server.seen.connections == 1
        ssl_object = first.extensions["network_stream"].get_extra_info("ssl_object")
        assert ssl_object is not None
        assert ssl_object.version().startswith("TLS")


async def test_tls_with_an_untrusted_certificate_fails(make_client: Any, tmp_path: Path) -> None:
    server_tls, _ = self_signed(tmp_path)
    client = make_client(verify=True)
    async with LoopbackServer(tls=server_tls) as server:
        with pytest.raises(httpx.ConnectError, match=r"(?i)certificate"):
            await client.get(server.url)


async def test_core_sends_its_headers_through_its_own_client(
    emulator: Emulator, connect: Any
) -> None:
    webex: Webex = connect()
    assert isinstance(webex.transport.client, CookielessAsyncClient)
    await asyncio.gather(*(webex.people.me() for _ in range(12)))
    logged = await emulator.requests(path="/v1/people/me")
    assert len(logged) == 12
    for entry in logged:
        headers = entry["headers"]
        assert headers["spark-user-agent"].startswith("webex-meetings/")
        assert headers["user-agent"].startswith("webex-meetings/")
        assert headers["accept"] == "application/json"
        assert entry["trackingid"].startswith(webex.session_id)
    assert len({entry["trackingid"] for entry in logged}) == 12
    assert json.dumps(logged).count("Bearer <redacted>") == 12
