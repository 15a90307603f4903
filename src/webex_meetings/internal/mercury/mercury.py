"""The Mercury plugin (``webex.internal.mercury``): the outer connect/reconnect loop.

Lifecycle::

    DISCONNECTED ──connect()──► CONNECTING ──buffer state──► CONNECTED
         ▲                          │  ▲                         │ transient close
         │                 fatal /  │  └──── RECONNECTING ◄──────┘
         │              max retries ▼           (backoff)
         └──────────────── DISCONNECTING ◄──disconnect()

One task (the runner) owns the loop: open a :class:`MercurySocket`, start the
:class:`Heartbeat`, dispatch frames until the socket closes, classify the close
(Mercury protocol), then reconnect after a jittered exponential backoff
(``backoffTimeReset`` doubling up to ``backoffTimeMax``) or stop. The first reconnect
after a drop is immediate, as in JS; failed attempts back off.

Dispatch (Mercury protocol): a handler registered for ``data.eventType`` runs first, then
the envelope is emitted as ``event``, ``event:<namespace>`` and, when the type contains a
dot, ``event:<eventType>`` (e.g. ``event:locus.difference``). A listener that raises is
isolated by the emitter and never stops the loop. Envelope ids already seen are not
dispatched twice (a server may redeliver after a reconnect).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import enum
import inspect
import json
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from websockets.exceptions import ConnectionClosed

from webex_meetings._backoff import ExponentialBackoff
from webex_meetings._events import EventEmitter, Events
from webex_meetings._exceptions import (
    CredentialsError,
    MercuryConnectionClosed,
    MercuryError,
    MercuryQueueFullError,
)
from webex_meetings._logging import get_logger
from webex_meetings.internal.mercury.heartbeat import Heartbeat
from webex_meetings.internal.mercury.socket import (
    CloseAction,
    MercurySocket,
    classify_close,
    prepare_url,
)

if TYPE_CHECKING:
    from webex_meetings._client import Webex

__all__ = ["Mercury", "MercuryState", "SendQueue"]

logger = get_logger(__name__)

EventHandler = Callable[[dict[str, Any]], Awaitable[None] | None]

DEFAULT_QUEUE_BYTES: Final = 1 << 20
_SEEN_IDS: Final = 4096
# Event names per eventType are cached; a server inventing types cannot grow it unbounded.
_NAME_CACHE: Final = 1024


class MercuryState(enum.Enum):
    """Lifecycle of the Mercury connection."""

    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    DISCONNECTING = "disconnecting"


class SendQueue:
    """A FIFO of outgoing frames bounded by their encoded size in bytes."""

    def __init__(self, max_bytes: int = DEFAULT_QUEUE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: collections.deque[tuple[dict[str, Any], int]] = collections.deque()
        self.size = 0

    def __len__(self) -> int:
        return len(self._items)

    def put(self, message: Mapping[str, Any]) -> None:
        """Queue ``message``.

        Raises:
            MercuryQueueFullError: it does not fit in ``max_bytes``.
        """
        size = len(json.dumps(message).encode())
        if self.size + size > self.max_bytes:
            raise MercuryQueueFullError(
                f"the Mercury send queue is full ({self.size} of {self.max_bytes} bytes)"
            )
        self._items.append((dict(message), size))
        self.size += size

    def peek(self) -> dict[str, Any] | None:
        """The oldest message, or ``None``."""
        return self._items[0][0] if self._items else None

    def pop(self) -> None:
        """Drop the oldest message."""
        _, size = self._items.popleft()
        self.size -= size

    def drain(self) -> list[dict[str, Any]]:
        """Remove and return every queued message."""
        items = [m for m, _ in self._items]
        self._items.clear()
        self.size = 0
        return items


class Mercury(EventEmitter):
    """The JS SDK's ``webex.internal.mercury``.

    Events: ``online``, ``offline`` (with the close error), ``offline.transient``,
    ``offline.permanent``, ``offline.replaced``, ``connection_failed`` (error,
    ``{"retries": n}``), ``sequence-mismatch`` (actual, expected), ``ping-pong-latency``
    (ms), ``error`` (a fatal failure), ``event``, ``event:<namespace>``,
    ``event:<eventType>`` (the envelope).

    Attributes:
        state: the current :class:`MercuryState`.
        has_ever_connected: True after the first successful connection.
        error: the error that stopped the loop for good, if any.
        sleep: the coroutine used for backoff waits (tests may replace it).
    """

    def __init__(self, webex: Webex) -> None:
        super().__init__()
        self._webex = webex
        self.state = MercuryState.DISCONNECTED
        self.has_ever_connected = False
        self.error: BaseException | None = None
        self.local_cluster_service_urls: Any = None
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        self._socket: MercurySocket | None = None
        self._heartbeat: Heartbeat | None = None
        self._runner: asyncio.Task[None] | None = None
        self._connected = asyncio.Event()
        self._stopping = False
        self._url: str | None = None
        self._queue = SendQueue()
        self._seen: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._handlers: dict[str, list[EventHandler]] = {}
        self._event_names: dict[str, tuple[str, ...]] = {}
        self.register_handler("mercury.registration_status", self._handle_registration_status)

    def __repr__(self) -> str:
        return f"Mercury(state={self.state.value})"

    # -- properties ------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """True while a socket is open and authorized."""
        return self.state is MercuryState.CONNECTED

    @property
    def listening(self) -> bool:
        """Alias of :attr:`connected` (JS ``listening``)."""
        return self.connected

    @property
    def connecting(self) -> bool:
        """True while (re)connecting."""
        return self.state in (MercuryState.CONNECTING, MercuryState.RECONNECTING)

    @property
    def queue(self) -> SendQueue:
        """The outgoing queue used while reconnecting."""
        return self._queue

    def _set_state(self, state: MercuryState) -> None:
        if state is not self.state:
            logger.info("mercury: %s -> %s", self.state.value, state.value)
            self.state = state
            if state is MercuryState.CONNECTED:
                self._connected.set()
            else:
                self._connected.clear()

    # -- handlers --------------------------------------------------------------------

    def register_handler(self, event_type: str, handler: EventHandler) -> None:
        """Run ``handler(data)`` for every frame of ``event_type`` before it is emitted.

        The Python form of the JS auto-wired ``process<Name>Event`` methods.
        """
        self._handlers.setdefault(event_type, []).append(handler)

    def _handle_registration_status(self, data: dict[str, Any]) -> None:
        self.local_cluster_service_urls = data.get("localClusterServiceUrls")

    # -- public operations -----------------------------------------------------------

    async def connect(self, web_socket_url: str | None = None) -> None:
        """Connect (registering the WDM device first if needed); return once online.

        Calling it while connected returns at once; while (re)connecting, it waits.

        Args:
            web_socket_url: use this URL instead of the device's ``webSocketUrl``.

        Raises:
            MercuryError: a fatal close (e.g. ``4400``/``4403``), retries exhausted, or
                :meth:`disconnect` was called meanwhile.
            CredentialsError: the token was rejected and cannot be refreshed.
        """
        if self.connected:
            return
        if self._runner is None or self._runner.done():
            device = self._webex.internal.device
            if web_socket_url is None and not device.registered:
                await device.register()
            self._url = web_socket_url
            self._stopping = False
            self.error = None
            self._runner = asyncio.get_running_loop().create_task(
                self._run(), name="mercury-runner"
            )
        runner = self._runner
        waiter = asyncio.ensure_future(self._connected.wait())
        try:
            await asyncio.wait({waiter, runner}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
        if not self.connected:
            if self.error is not None:
                raise self.error
            raise MercuryError("Mercury stopped before it was connected")

    async def disconnect(self, code: int = 1000, reason: str = "Done") -> None:
        """Close the socket (JS ``disconnect``) and stop reconnecting. Idempotent."""
        self._stopping = True
        runner = self._runner
        socket = self._socket
        if runner is None or runner.done():
            self._set_state(MercuryState.DISCONNECTED)
            return
        if socket is not None and socket.connected:
            self._set_state(MercuryState.DISCONNECTING)
            with contextlib.suppress(ConnectionClosed):
                await socket.close(code, reason)
        else:
            runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)

    async def send(self, message: Mapping[str, Any]) -> None:
        """Send a frame now, or queue it while reconnecting.

        Raises:
            MercuryQueueFullError: the queue is full.
            MercuryError: Mercury is neither connected nor reconnecting.
        """
        socket = self._socket
        if self.connected and socket is not None and not self._queue:
            try:
                await socket.send(message)
                return
            except ConnectionClosed:
                pass
        if self._runner is None or self._runner.done():
            raise MercuryError("Mercury is not connected; call connect() first")
        self._queue.put(message)

    # -- the loop --------------------------------------------------------------------

    def _socket_url(self) -> str:
        if self._url is not None:
            return self._url
        device = self._webex.internal.device
        base = device.web_socket_url
        if not base:
            raise MercuryError("the WDM device has no webSocketUrl")
        shared = device.feature("developer", "web-shared-mercury") is True
        params: dict[str, str | None] = {
            "outboundWireFormat": "text",
            "bufferStates": None if shared else "true",
            "aliasHttpStatus": "true",
        }
        if shared:
            params["mercuryRegistrationStatus"] = "true"
            params["isRegistrationRefreshEnabled"] = "true"
        if self._webex.config.device.ephemeral:
            params["multipleConnections"] = "true"
        return prepare_url(base, params)

    async def _attempt(self) -> MercurySocket:
        cfg = self._webex.config
        token = await self._webex.credentials.get_user_token()
        socket = MercurySocket(on_sequence_mismatch=self._on_sequence_mismatch)
        self._socket = socket
        options = cfg.default_mercury_options
        await socket.open(
            self._socket_url(),
            token=token.authorization,
            tracking_id=f"{self._webex.session_id}_{int(time.time() * 1000)}",
            timeout=cfg.mercury.connect_timeout,
            proxy=options.proxy,
            headers=options.headers,
            close_timeout=cfg.mercury.force_close_delay / 1000,
        )
        return socket

    async def _run(self) -> None:
        cfg = self._webex.config.mercury
        backoff = ExponentialBackoff(
            initial=cfg.backoff_time_reset / 1000, maximum=cfg.backoff_time_max / 1000
        )
        retries = 0
        failure: BaseException | None = None
        try:
            while not self._stopping:
                self._set_state(
                    MercuryState.RECONNECTING
                    if self.has_ever_connected
                    else MercuryState.CONNECTING
                )
                try:
                    socket = await self._attempt()
                except (MercuryError, OSError) as exc:
                    if self._stopping:
                        break
                    action = CloseAction.RECONNECT
                    if isinstance(exc, MercuryConnectionClosed):
                        action = classify_close(exc.code, exc.reason, established=False)
                    logger.warning("mercury: connection attempt failed: %s (%s)", exc, action.value)
                    if action in (CloseAction.FATAL, CloseAction.REPLACED):
                        failure = exc
                        break
                    limit = (
                        cfg.max_retries
                        if self.has_ever_connected
                        else (cfg.initial_connection_max_retries)
                    )
                    if limit is not None and retries >= limit:
                        failure = MercuryError(f"Mercury gave up after {retries} retries: {exc}")
                        failure.__cause__ = exc
                        break
                    retries += 1
                    if retries > 1 and getattr(exc, "code", None) != 1006:
                        self.emit(Events.CONNECTION_FAILED, exc, {"retries": retries})
                    try:
                        await self._recover(action)
                    except CredentialsError as cred_exc:
                        failure = cred_exc
                        break
                    delay = backoff.delay()
                    logger.info("mercury: retry %d in %.2fs", retries, delay)
                    await self.sleep(delay)
                    continue
                retries = 0
                backoff.reset()
                close = await self._serve(socket)
                action = classify_close(close.code, close.reason, established=True)
                self.emit(Events.OFFLINE, close)
                if self._stopping:
                    self.emit(Events.OFFLINE_PERMANENT, close)
                    break
                if action is CloseAction.RECONNECT:
                    self.emit(Events.OFFLINE_TRANSIENT, close)
                    continue
                if action is CloseAction.REPLACED:
                    self.emit(Events.OFFLINE_REPLACED, close)
                    break
                self.emit(Events.OFFLINE_PERMANENT, close)
                failure = close
                break
        except Exception as exc:  # e.g. no token, device refresh errors
            failure = exc
        finally:
            self._socket = None
            self._set_state(MercuryState.DISCONNECTED)
            unsent = self._queue.drain()
            if failure is not None:
                if isinstance(failure, MercuryError):
                    failure.unsent = unsent
                self.error = failure
                logger.error("mercury: stopped: %s", failure)
                self.emit(Events.ERROR, failure)
            elif unsent:
                logger.warning("mercury: dropped %d unsent messages", len(unsent))

    async def _recover(self, action: CloseAction) -> None:
        if action is CloseAction.REFRESH_DEVICE:
            try:
                await self._webex.internal.device.refresh()
            except Exception as exc:
                logger.warning("mercury: device refresh failed: %s", exc)
        elif action is CloseAction.REFRESH_TOKEN:
            await self._webex.credentials.refresh()

    async def _serve(self, socket: MercurySocket) -> MercuryConnectionClosed:
        """Run one established connection until it closes; return the close."""
        cfg = self._webex.config.mercury
        heartbeat = Heartbeat(
            socket,
            interval=cfg.ping_interval / 1000,
            timeout=cfg.pong_timeout / 1000,
            on_latency=self._on_latency,
        )
        self._heartbeat = heartbeat
        self.has_ever_connected = True
        self._set_state(MercuryState.CONNECTED)
        heartbeat.start()
        self.emit(Events.ONLINE)
        try:
            await self._flush(socket)
            async for envelope in socket.frames():
                await self._dispatch(envelope)
        except MercuryConnectionClosed as exc:
            return exc
        finally:
            await heartbeat.stop()
            self._heartbeat = None
        return MercuryConnectionClosed(1006, "")  # pragma: no cover - frames() never ends

    async def _flush(self, socket: MercurySocket) -> None:
        while (message := self._queue.peek()) is not None:
            try:
                await socket.send(message)
            except ConnectionClosed:
                return
            self._queue.pop()

    # -- dispatch --------------------------------------------------------------------

    def _on_latency(self, milliseconds: float) -> None:
        self.emit(Events.PING_PONG_LATENCY, milliseconds)

    def _on_sequence_mismatch(self, actual: int, expected: int) -> None:
        self.emit(Events.SEQUENCE_MISMATCH, actual, expected)

    def _seen_before(self, envelope_id: Any) -> bool:
        if not isinstance(envelope_id, str):
            return False
        if envelope_id in self._seen:
            return True
        self._seen[envelope_id] = None
        if len(self._seen) > _SEEN_IDS:
            self._seen.popitem(last=False)
        return False

    async def _dispatch(self, envelope: dict[str, Any]) -> None:
        data = envelope.get("data")
        event_type = data.get("eventType") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(event_type, str) or not event_type:
            logger.debug("mercury: frame without data.eventType ignored")
            return
        if self._seen_before(envelope.get("id")):
            logger.debug("mercury: duplicate %s %s ignored", event_type, envelope.get("id"))
            return
        handlers = self._handlers.get(event_type)
        if handlers:
            await self._run_handlers(handlers, event_type, data)
        names = self._event_names.get(event_type)
        if names is None:
            names = self._names_of(event_type)
        # The hot path: only names somebody listens to are emitted (pyee would look each
        # one up under a lock and build an empty listener list otherwise).
        listeners = self._events
        for name in names:
            if listeners.get(name):
                self.emit(name, envelope)

    def _names_of(self, event_type: str) -> tuple[str, ...]:
        """``event``, ``event:<namespace>`` and, for a dotted type, ``event:<eventType>``."""
        namespace = event_type.split(".", 1)[0]
        names: tuple[str, ...] = (Events.EVENT, f"event:{namespace}")
        if "." in event_type:
            names += (f"event:{event_type}",)
        if len(self._event_names) < _NAME_CACHE:
            self._event_names[event_type] = names
        return names

    async def _run_handlers(
        self, handlers: list[EventHandler], event_type: str, data: dict[str, Any]
    ) -> None:
        for handler in handlers:
            try:
                result = handler(data)
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:
                logger.exception("mercury: handler for %s failed", event_type)
                self.emit(Events.ERROR, exc)
