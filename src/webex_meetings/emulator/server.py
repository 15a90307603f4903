"""Running the emulator: ``Emulator`` (same event loop) and ``ThreadedEmulator`` (own thread)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Coroutine, Generator
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
import uvicorn
from starlette.types import ASGIApp

from . import control_client as calls
from ._control_helpers import AsyncControl, SyncControl
from .app import create_app
from .core.ids import hydra_id
from .core.state import EmulatorState, Seed
from .services.media.models import MediaBackend
from .services.u2c.models import service_url

T = TypeVar("T")

#: Seconds allowed for start-up and shut-down of the threaded server.
_THREAD_TIMEOUT = 30.0


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves the host program's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """Install nothing.

        uvicorn swaps SIGINT/SIGTERM for its own handlers while serving (and re-raises
        the signal afterwards); an embedded emulator must never take the host's Ctrl-C.
        The CLI installs its own handlers instead.
        """
        yield


def _ws_protocol() -> str:
    # The sans-I/O implementation uses the current websockets API; the older
    # "websockets" one relies on its deprecated legacy module. Older uvicorn lacks it.
    from uvicorn.config import WS_PROTOCOLS

    return "websockets-sansio" if "websockets-sansio" in WS_PROTOCOLS else "websockets"


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # An explicit IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets
    # whose proto says TCP, and without it every response waits ~40 ms for delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _url_host(host: str) -> str:
    # A wildcard bind is reachable on loopback; advertise that in every URL.
    if host in ("", "0.0.0.0"):  # noqa: S104 - comparing, not binding
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class AppServer:
    """Serves one ASGI app with uvicorn as a task of the running event loop.

    The socket is bound here rather than by uvicorn, so port 0 works and the real port
    is known before the first request.
    """

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        """Prepare the server; nothing is bound until :meth:`start`."""
        self.app = app
        self.host = host
        self.port = port
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the listening socket."""
        return f"http://{_url_host(self.host)}:{self.port}"

    async def start(self) -> None:
        """Bind, start serving and return once uvicorn accepts connections.

        Raises:
            RuntimeError: Already started, or uvicorn failed to start.
            OSError: The address could not be bound.
        """
        if self._task is not None:
            raise RuntimeError("the server is already running")
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,  # never reconfigure the host program's logging
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws=_ws_protocol(),
            timeout_graceful_shutdown=2,
            # Longer than clients keep idle connections (httpx: 5 s). With uvicorn's
            # default of 5 s a request sent on a connection idle for ~5 s can meet the
            # server's close and fail with a read error.
            timeout_keep_alive=30,
        )
        server = _EmbeddedServer(config)
        task = asyncio.create_task(server.serve(sockets=[sock]), name="webex-emulator")
        self._server, self._task = server, task
        while not server.started:
            if task.done():
                sock.close()
                self._server = self._task = None
                try:
                    await task
                except SystemExit as exc:  # uvicorn exits the process on start-up errors
                    raise RuntimeError("the emulator server failed to start") from exc
                raise RuntimeError("the emulator server stopped during start-up")
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        """Stop serving, close open connections and wait for uvicorn to finish."""
        server, task = self._server, self._task
        if server is None or task is None:
            return
        self._server = self._task = None
        server.should_exit = True
        await task


class _EmulatorInfo:
    """Properties shared by both emulator flavours: where it is and the seeded user."""

    _seed: Seed
    _base_url: str | None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running emulator."""
        if self._base_url is None:
            raise RuntimeError("the emulator is not running")
        return self._base_url

    @property
    def u2c_url(self) -> str:
        """U2C base URL; give it to the SDK as ``services.discovery.u2c``."""
        return service_url(self.base_url, "u2c")

    @property
    def hydra_url(self) -> str:
        """Hydra (public REST) base URL, ``<base_url>/v1``."""
        return service_url(self.base_url, "hydra")

    @property
    def access_token(self) -> str:
        """Access token of the seeded default user."""
        return self._seed.access_token

    @property
    def refresh_token(self) -> str:
        """Refresh token of the seeded default user."""
        return self._seed.refresh_token

    @property
    def client_id(self) -> str:
        """Id of the seeded OAuth client that may refresh the tokens."""
        return self._seed.client_id

    @property
    def client_secret(self) -> str:
        """Secret of the seeded OAuth client."""
        return self._seed.client_secret

    @property
    def org_id(self) -> str:
        """Hydra id of the seeded org, as in ``Person.orgId``."""
        return hydra_id("ORGANIZATION", self._seed.org_uuid)

    @property
    def org_uuid(self) -> str:
        """Raw uuid of the seeded org, as embedded in the tokens."""
        return self._seed.org_uuid

    @property
    def person_id(self) -> str:
        """Hydra id of the seeded default user."""
        return hydra_id("PEOPLE", self._seed.person_uuid)

    @property
    def person_email(self) -> str:
        """Email address of the seeded default user."""
        return self._seed.email


class Emulator(_EmulatorInfo, AsyncControl):
    """The emulator as an async context manager on the current event loop.

    Example::

        async with Emulator() as emu:
            config = {"services": {"discovery": {"u2c": emu.u2c_url}}}
            await emu.add_fault("/v1/people/me", status=429, retry_after="1")
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Prepare an emulator; it starts on ``async with`` or :meth:`start`.

        Args:
            host: Address to listen on.
            port: Port to listen on; 0 picks a free one.
        """
        self._state = EmulatorState()
        self._seed = self._state.seed
        self._base_url = None
        self._server = AppServer(create_app(self._state), host, port)
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Start serving; returns once requests are accepted."""
        await self._server.start()
        self._base_url = self._state.base_url = self._server.base_url

    async def stop(self) -> None:
        """Stop serving and close the control client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        # Peer connections hold sockets and tasks on this loop: close them first.
        await self._state.backend(MediaBackend).close_all()
        await self._server.stop()
        self._base_url = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _call(self, call: calls.ControlCall[T]) -> T:
        if self._client is None:
            # trust_env=False: a proxy from the environment must not see loopback calls.
            self._client = httpx.AsyncClient(base_url=self.base_url, trust_env=False)
        while True:
            response = await self._client.request(
                call.method, call.path, json=call.json, params=call.params
            )
            answer = call.result(response)
            if call.then is None:
                return answer
            call = call.then(answer)


class ThreadedEmulator(_EmulatorInfo, SyncControl):
    """The emulator on its own thread and event loop, for sync code and pytest fixtures.

    All emulator state lives on that loop; this object only talks to it over HTTP.

    Example::

        with ThreadedEmulator() as emu:
            emu.add_fault("/v1/people/me", status=503)
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Prepare an emulator; it starts on ``with`` or :meth:`start`.

        Args:
            host: Address to listen on.
            port: Port to listen on; 0 picks a free one.
        """
        self._emulator = Emulator(host, port)
        self._seed = self._emulator._seed
        self._base_url = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: httpx.Client | None = None

    def start(self) -> None:
        """Start the thread and the server; returns once requests are accepted.

        Raises:
            RuntimeError: Already running.
        """
        if self._thread is not None:
            raise RuntimeError("the emulator is already running")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(
            target=self._run_loop, args=(loop,), name="webex-emulator", daemon=True
        )
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            self._run(self._emulator.start())
        except BaseException:
            self._stop_loop()
            raise
        self._base_url = self._emulator.base_url
        self._client = httpx.Client(base_url=self._base_url, trust_env=False)

    def stop(self) -> None:
        """Stop the server and join its thread."""
        if self._thread is None:
            return
        if self._client is not None:
            self._client.close()
            self._client = None
        try:
            self._run(self._emulator.stop())
        finally:
            self._base_url = None
            self._stop_loop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(_THREAD_TIMEOUT)

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(_THREAD_TIMEOUT)

    def _call(self, call: calls.ControlCall[T]) -> T:
        if self._client is None:
            raise RuntimeError("the emulator is not running")
        while True:
            response = self._client.request(
                call.method, call.path, json=call.json, params=call.params
            )
            answer = call.result(response)
            if call.then is None:
                return answer
            call = call.then(answer)
