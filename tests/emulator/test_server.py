"""Starting and stopping the emulator: ports, signals, threads, websockets, properties."""

from __future__ import annotations

import asyncio
import signal
import socket
import threading
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket
from websockets.asyncio.client import connect

from webex_meetings.emulator import Emulator, ThreadedEmulator
from webex_meetings.emulator.control_client import ControlAPIError
from webex_meetings.emulator.server import AppServer

from .emulator_helpers import TOKEN, UUID, bearer, decode_hydra


def _port_is_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


async def test_binds_a_free_port_and_serves_over_http(client: httpx.AsyncClient) -> None:
    async with Emulator() as emu:
        parts = urlsplit(emu.base_url)
        assert parts.scheme == "http"
        assert parts.hostname == "127.0.0.1"
        assert parts.port is not None
        assert parts.port > 0
        assert emu.u2c_url == f"{emu.base_url}/u2c/api/v1"
        assert emu.hydra_url == f"{emu.base_url}/v1"
        response = await client.get(f"{emu.hydra_url}/people/me", headers=bearer(emu.access_token))
        assert response.status_code == 200
        assert response.json()["emails"] == [emu.person_email]
        port = parts.port
    assert not _port_is_open(port)
    with pytest.raises(RuntimeError, match="not running"):
        _ = emu.base_url


async def test_fixed_port_is_honoured() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Emulator(port=port) as emu:
        assert emu.base_url == f"http://127.0.0.1:{port}"
        assert _port_is_open(port)


async def test_never_touches_the_host_signal_handlers(client: httpx.AsyncClient) -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    async with Emulator() as emu:
        # Serve a request so uvicorn is well inside serve().
        await client.get(f"{emu.u2c_url}/limited/catalog?mode=DEFAULT_BY_PROXIMITY&format=hostmap")
        during = {sig: signal.getsignal(sig) for sig in before}
    after = {sig: signal.getsignal(sig) for sig in before}
    assert during == before
    assert after == before


async def test_seeded_identity_has_webex_shapes() -> None:
    async with Emulator() as emu:
        token = TOKEN.match(emu.access_token)
        assert token is not None
        assert token["org"] == emu.org_uuid
        assert emu.access_token.count("_") == 2  # the JS SDK's org-id rule (U2C service catalog)
        refresh = TOKEN.match(emu.refresh_token)
        assert refresh is not None
        assert refresh["org"] == emu.org_uuid
        assert emu.refresh_token != emu.access_token
        assert UUID.match(emu.org_uuid)
        assert decode_hydra(emu.org_id) == f"ciscospark://us/ORGANIZATION/{emu.org_uuid}"
        assert decode_hydra(emu.person_id).startswith("ciscospark://us/PEOPLE/")
        assert emu.person_email == "user@example.com"
        assert emu.client_id.startswith("C")
        assert len(emu.client_id) == 65
        assert len(emu.client_secret) == 64


async def test_each_instance_has_its_own_port_and_seed() -> None:
    async with Emulator() as first, Emulator() as second:
        assert first.base_url != second.base_url
        assert first.access_token != second.access_token
        assert first.org_uuid != second.org_uuid


async def test_control_helper_errors_carry_status_and_message() -> None:
    async with Emulator() as emu:
        with pytest.raises(ControlAPIError, match="400") as caught:
            await emu.add_fault("/v1/*", status=200)
        assert caught.value.status_code == 400
        with pytest.raises(ControlAPIError) as missing:
            await emu.issue_token(email="nobody@example.com")
        assert missing.value.status_code == 404


async def test_uvicorn_config_serves_websockets() -> None:
    # Later services (Mercury) add websocket routes; the embedded uvicorn must speak it.
    async def echo(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("echo:" + await websocket.receive_text())
        await websocket.close(code=4000)

    server = AppServer(Starlette(routes=[WebSocketRoute("/ws", echo)]))
    await server.start()
    try:
        async with connect(server.base_url.replace("http://", "ws://") + "/ws") as ws:
            await ws.send("hello")
            assert await ws.recv() == "echo:hello"
            await ws.wait_closed()
            assert ws.close_code == 4000
    finally:
        await server.stop()
    assert not _port_is_open(server.port)


async def test_start_twice_is_refused() -> None:
    server = AppServer(Starlette())
    await server.start()
    try:
        with pytest.raises(RuntimeError, match="already running"):
            await server.start()
    finally:
        await server.stop()


def test_threaded_emulator_runs_on_its_own_thread(sync_client: httpx.Client) -> None:
    threads_before = set(threading.enumerate())
    with ThreadedEmulator() as emu:
        new_threads = set(threading.enumerate()) - threads_before
        assert [thread.name for thread in new_threads] == ["webex-emulator"]
        response = sync_client.get(f"{emu.hydra_url}/people/me", headers=bearer(emu.access_token))
        assert response.status_code == 200
        assert response.json()["id"] == emu.person_id
        assert emu.state()["users"] == 1
        port = urlsplit(emu.base_url).port
        assert port is not None
    assert not _port_is_open(port)
    assert not any(thread.is_alive() for thread in new_threads)


def test_threaded_emulator_start_stop_methods(sync_client: httpx.Client) -> None:
    emu = ThreadedEmulator()
    emu.start()
    try:
        with pytest.raises(RuntimeError, match="already running"):
            emu.start()
        emu.create_user(email="second@example.com")
        assert emu.state()["users"] == 2
    finally:
        emu.stop()
    emu.stop()  # stopping twice is harmless
    with pytest.raises(RuntimeError, match="not running"):
        emu.state()


async def test_async_emulator_leaves_no_tasks_behind() -> None:
    before = asyncio.all_tasks()
    async with Emulator() as emu:
        await emu.state()
    leftovers = {task for task in asyncio.all_tasks() - before if not task.done()}
    assert leftovers == set()
