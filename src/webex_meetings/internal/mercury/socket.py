"""One Mercury websocket connection: open, auth handshake, receive loop, acks, close.

Handshake (Mercury protocol), all within ``config.mercury.connect_timeout``:

1. open the websocket on ``webSocketUrl`` + the JS query parameters (no Authorization
   header, no subprotocol), through an HTTP CONNECT proxy when one is configured;
2. send ``{"id", "type": "authorization", "data": {"token": "Bearer …"}, "trackingId"}``;
3. wait for the first non-pong frame, which must be ``mercury.buffer_state`` (or
   ``mercury.registration_status``); it is acked like every frame with an ``id``.

After the handshake every frame with an ``id`` is still acked, but the acks of frames
that arrived together leave together: they are queued while the receive loop works
through what is buffered and written with one transport write when it next waits
(one syscall and one TLS record per burst instead of per ack).

A close during the handshake raises :class:`MercuryConnectionClosed`; no buffer state in
time raises :class:`MercuryConnectTimeoutError`. :func:`classify_close` turns a close
code into what the outer loop must do (reconnect, refresh the device or the token, or
stop).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import inspect
import json
import socket as _socket
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import websockets
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from webex_meetings._exceptions import (
    MercuryConnectionClosed,
    MercuryConnectTimeoutError,
    MercuryError,
)
from webex_meetings._logging import get_logger, redact_url_credentials

__all__ = [
    "HANDSHAKE_EVENT_TYPES",
    "NORMAL_RECONNECT_REASONS",
    "CloseAction",
    "MercurySocket",
    "classify_close",
    "fix_close_code",
    "open_proxy_tunnel",
    "prepare_url",
]

logger = get_logger(__name__)

HANDSHAKE_EVENT_TYPES: Final = frozenset({"mercury.buffer_state", "mercury.registration_status"})
NORMAL_RECONNECT_REASONS: Final = frozenset(
    {"idle", "done (forced)", "pong not received", "pong mismatch"}
)
_SUPPORTS_PROXY: Final = "proxy" in inspect.signature(connect).parameters
# Acks are written in batches through the connection's send context (one transport write
# for every ack of a burst of frames); without it each ack is its own send().
_CAN_BATCH: Final = hasattr(ClientConnection, "send_context")


class CloseAction(enum.Enum):
    """What the outer loop does after a close (Mercury protocol)."""

    RECONNECT = "reconnect"
    """Transient: connect again with backoff."""
    REFRESH_DEVICE = "refresh_device"
    """Refresh (or re-register) the WDM device, then reconnect (close 1005 in open)."""
    REFRESH_TOKEN = "refresh_token"  # noqa: S105 - not a secret
    """Refresh the access token, then reconnect (close 4401 in open)."""
    REPLACED = "replaced"
    """Another connection took over (4000): stop, ``offline.replaced``."""
    FATAL = "fatal"
    """Permanent: stop, ``offline.permanent`` / connection error."""


def fix_close_code(code: int, reason: str) -> int:
    """Recover the code of a 1005 close from its reason (JS ``_fixCloseCode``)."""
    if code == 1005 and reason:
        lowered = reason.lower()
        if lowered == "replaced":
            return 4000
        if lowered == "authentication failed" or lowered.startswith(
            "authentication did not happen within the timeout window"
        ):
            return 1008
    return code


def classify_close(code: int, reason: str, *, established: bool) -> CloseAction:
    """Classify a close per the Mercury protocol (during ``open``) or §6.3 (after).

    Args:
        code: the close code.
        reason: the close reason (compared lower-cased).
        established: whether the buffer-state frame had been received.
    """
    code = fix_close_code(code, reason)
    if not established:
        if code == 1005:
            return CloseAction.REFRESH_DEVICE
        if code == 4401:
            return CloseAction.REFRESH_TOKEN
        if code in (4400, 4403):
            return CloseAction.FATAL
        return CloseAction.RECONNECT
    if code in (1000, 1050):
        if reason.lower() in NORMAL_RECONNECT_REASONS:
            return CloseAction.RECONNECT
        return CloseAction.FATAL
    if code in (1001, 1005, 1006, 1011):
        return CloseAction.RECONNECT
    if code == 4000:
        return CloseAction.REPLACED
    return CloseAction.FATAL


def prepare_url(web_socket_url: str, params: Mapping[str, str | None]) -> str:
    """Add (or overwrite, or with ``None`` remove) query parameters of the socket URL.

    Unlike Node's legacy ``url.format`` (the Mercury protocol quirk), parameters of a URL that
    already has a query string are merged instead of being dropped.
    """
    parts = urlsplit(web_socket_url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for key, value in params.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


async def open_proxy_tunnel(
    proxy: str, host: str, port: int, *, headers: Mapping[str, str] | None = None
) -> _socket.socket:
    """Open an HTTP CONNECT tunnel to ``host:port`` through ``proxy`` and return the socket.

    Used with websockets releases whose ``connect`` has no ``proxy`` argument.

    Raises:
        MercuryError: the proxy refused the tunnel.
        OSError: the proxy cannot be reached.
    """
    proxy_parts = urlsplit(proxy)
    if proxy_parts.scheme != "http" or not proxy_parts.hostname:
        raise MercuryError(f"unsupported proxy URL scheme for Mercury: {proxy_parts.scheme!r}")
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(
        proxy_parts.hostname, proxy_parts.port or 80, type=_socket.SOCK_STREAM
    )
    family, kind, proto, _, address = infos[0]
    sock = _socket.socket(family, kind, proto)
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, address)
        lines = [f"CONNECT {host}:{port} HTTP/1.1", f"Host: {host}:{port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        await loop.sock_sendall(sock, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = await loop.sock_recv(sock, 4096)
            if not chunk:
                raise MercuryError("the proxy closed the connection during CONNECT")
            response += chunk
            if len(response) > 65536:
                raise MercuryError("the proxy sent an oversized CONNECT response")
        status_line = response.split(b"\r\n", 1)[0].decode("latin-1")
        fields = status_line.split(" ", 2)
        if len(fields) < 2 or fields[1] != "200":
            raise MercuryError(f"the proxy refused the tunnel: {status_line}")
    except BaseException:
        sock.close()
        raise
    sock.setblocking(True)
    return sock


def _proxy_headers(proxy: str) -> dict[str, str]:
    parts = urlsplit(proxy)
    if parts.username is None:
        return {}
    import base64

    raw = f"{parts.username}:{parts.password or ''}".encode()
    return {"Proxy-Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}


class MercurySocket:
    """One websocket connection speaking the Mercury frame protocol.

    Args:
        on_pong: called with every ``pong`` frame (the heartbeat's hook).
        on_sequence_mismatch: called with ``(actual, expected)`` sequence numbers.
    """

    def __init__(
        self,
        *,
        on_pong: Callable[[dict[str, Any]], None] | None = None,
        on_sequence_mismatch: Callable[[int, int], None] | None = None,
    ) -> None:
        self.on_pong = on_pong
        self.on_sequence_mismatch = on_sequence_mismatch
        self.url: str | None = None
        self._ws: ClientConnection | None = None
        self._established = False
        self._last_sequence: int | None = None
        self._local_close: tuple[int, str] | None = None
        self._acks: list[bytes] = []
        self._ack_flush: asyncio.Task[None] | None = None
        self.close_code: int | None = None
        self.close_reason: str | None = None

    @property
    def connected(self) -> bool:
        """True between a completed handshake and the close."""
        return self._established and self.close_code is None

    # -- open ------------------------------------------------------------------------

    async def open(
        self,
        url: str,
        *,
        token: str,
        tracking_id: str,
        timeout: float,
        log_level_token: str | None = None,
        proxy: str | None = None,
        headers: Mapping[str, str] | None = None,
        close_timeout: float = 2.0,
    ) -> dict[str, Any]:
        """Connect, authorize and wait for the buffer-state frame.

        Args:
            url: the prepared socket URL (see :func:`prepare_url`).
            token: the ``Authorization`` value, ``Bearer <access token>``.
            tracking_id: ``<sessionId>_<epoch ms>``.
            timeout: seconds for the whole handshake.
            log_level_token: optional ``logLevelToken`` of the auth frame.
            proxy: ``http://host:port`` of an HTTP CONNECT proxy.
            headers: extra handshake headers.
            close_timeout: seconds to wait for the server's close frame later.

        Returns:
            The buffer-state (or registration-status) frame.

        Raises:
            MercuryConnectionClosed: the server closed during the handshake.
            MercuryConnectTimeoutError: no buffer-state frame within ``timeout``.
            MercuryError: the connection could not be opened or the first frame was wrong.
        """
        self.url = url
        try:
            async with asyncio.timeout(timeout):
                self._ws = await self._connect(url, proxy, headers, close_timeout)
                frame: dict[str, Any] = {
                    "id": str(uuid.uuid4()),
                    "type": "authorization",
                    "data": {"token": token},
                    "trackingId": tracking_id,
                }
                if log_level_token is not None:
                    frame["logLevelToken"] = log_level_token
                await self._ws.send(json.dumps(frame))
                logger.debug("mercury: sent the authorization frame (trackingId %s)", tracking_id)
                first = await self._await_handshake_frame()
        except TimeoutError:
            await self._abort()
            raise MercuryConnectTimeoutError(
                f"Mercury did not send mercury.buffer_state within {timeout:g}s "
                "(config mercury.connectTimeout)"
            ) from None
        except ConnectionClosed as exc:
            code, reason = _close_of(exc)
            self.close_code, self.close_reason = code, reason
            raise MercuryConnectionClosed(code, reason) from None
        except (InvalidHandshake, OSError) as exc:
            await self._abort()
            # A proxy error names the proxy URL, which may carry a password.
            detail = redact_url_credentials(str(exc))
            raise MercuryError(f"could not open the Mercury websocket: {detail}") from exc
        except BaseException:
            await self._abort()
            raise
        self._established = True
        logger.info("mercury: connected (%s)", urlsplit(url).hostname)
        return first

    async def _connect(
        self,
        url: str,
        proxy: str | None,
        headers: Mapping[str, str] | None,
        close_timeout: float,
    ) -> ClientConnection:
        kwargs: dict[str, Any] = {
            "open_timeout": None,
            "ping_interval": None,  # Mercury pings are application frames (heartbeat.py)
            "close_timeout": close_timeout,
            "max_size": None,
            "additional_headers": dict(headers or {}),
        }
        if _SUPPORTS_PROXY:
            kwargs["proxy"] = proxy  # None: no proxy, not even from the environment
            return await connect(url, **kwargs)
        if proxy is not None:  # pragma: no cover - websockets < 15
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "wss" else 80)
            sock = await open_proxy_tunnel(
                proxy, parts.hostname or "", port, headers=_proxy_headers(proxy)
            )
            kwargs["sock"] = sock
            if parts.scheme == "wss":
                kwargs["server_hostname"] = parts.hostname
        return await connect(url, **kwargs)  # pragma: no cover - websockets < 15

    async def _await_handshake_frame(self) -> dict[str, Any]:
        assert self._ws is not None
        while True:
            frame = await self._next_frame()
            if frame is None:
                continue
            if frame.get("type") == "pong":
                continue
            data = frame.get("data")
            event_type = data.get("eventType") if isinstance(data, dict) else None
            if frame.get("type") is None and event_type in HANDSHAKE_EVENT_TYPES:
                return frame
            raise MercuryError(
                f"expected mercury.buffer_state as the first frame, got {event_type!r}"
            )

    # -- receive ---------------------------------------------------------------------

    async def _next_frame(self) -> dict[str, Any] | None:
        """Receive, decode, sequence-check and ack one frame; pongs go to ``on_pong``."""
        assert self._ws is not None
        raw = await self._ws.recv()
        try:
            frame = json.loads(raw)
        except ValueError:
            logger.warning("mercury: dropped a frame that is not JSON")
            return None
        if not isinstance(frame, dict):
            logger.warning("mercury: dropped a frame that is not a JSON object")
            return None
        self._check_sequence(frame.get("sequenceNumber"))
        frame_id = frame.get("id")
        if frame_id is not None:
            if self._established:
                self._ack(frame_id)
            else:  # the handshake's own frames: ack before open() returns
                await self._send_quietly({"messageId": frame_id, "type": "ack"})
        if frame.get("type") == "pong":
            if self.on_pong is not None:
                self.on_pong(frame)
            return None
        return frame

    def _ack(self, frame_id: Any) -> None:
        """Queue the ack of one frame; it is written before the loop next waits for I/O.

        Frames that arrived together are received without yielding to the event loop,
        so their acks pile up here and the flush task writes them with one transport
        write instead of one write (a syscall, a TLS record) per ack.
        """
        # Same bytes as json.dumps({"messageId": frame_id, "type": "ack"}).
        self._acks.append(f'{{"messageId": {json.dumps(frame_id)}, "type": "ack"}}'.encode())
        if self._ack_flush is None:
            self._ack_flush = asyncio.get_running_loop().create_task(self._flush_acks())

    async def _flush_acks(self) -> None:
        try:
            while self._acks:  # acks queued during a slow write go out in the next round
                batch, self._acks = self._acks, []
                await self._write_acks(batch)
        except ConnectionClosed:
            pass  # the next recv() reports the close
        except Exception:  # never expected; the receive loop carries on either way
            logger.exception("mercury: could not send acks")
        finally:
            self._acks = []
            self._ack_flush = None

    async def _write_acks(self, batch: list[bytes]) -> None:
        ws = self._ws
        assert ws is not None
        if _CAN_BATCH:
            await _send_texts(ws, batch)
        else:  # pragma: no cover - websockets without send_context
            for ack in batch:
                await ws.send(ack, text=True)

    def _check_sequence(self, number: Any) -> None:
        if not isinstance(number, int) or isinstance(number, bool):
            self._last_sequence = None
            return
        expected = None if self._last_sequence is None else self._last_sequence + 1
        self._last_sequence = number
        if expected is not None and number != expected:
            logger.warning("mercury: sequence mismatch: got %d, expected %d", number, expected)
            if self.on_sequence_mismatch is not None:
                self.on_sequence_mismatch(number, expected)

    async def frames(self) -> AsyncIterator[dict[str, Any]]:
        """Yield every event envelope until the connection closes.

        Raises:
            MercuryConnectionClosed: when the connection closes (always, eventually).
        """
        if self._ws is None:
            raise MercuryError("the socket is not open")
        while True:
            try:
                frame = await self._next_frame()
            except ConnectionClosed as exc:
                raise self._closed(exc) from None
            if frame is not None:
                yield frame

    def _closed(self, exc: ConnectionClosed) -> MercuryConnectionClosed:
        if self._local_close is not None:
            code, reason = self._local_close
        else:
            code, reason = _close_of(exc)
        code = fix_close_code(code, reason)
        self.close_code, self.close_reason = code, reason
        logger.info("mercury: closed %d %s", code, reason)
        return MercuryConnectionClosed(code, reason)

    # -- send / close ----------------------------------------------------------------

    async def send(self, message: Mapping[str, Any]) -> None:
        """Send one JSON frame.

        Raises:
            MercuryError: the socket is not open.
            websockets.exceptions.ConnectionClosed: it closed while sending.
        """
        if self._ws is None:
            raise MercuryError("the socket is not open")
        await self._ws.send(json.dumps(message))

    async def _send_quietly(self, message: Mapping[str, Any]) -> None:
        with contextlib.suppress(ConnectionClosed):  # the next recv() reports the close
            await self.send(message)

    async def close(self, code: int = 1000, reason: str = "Done") -> None:
        """Close with ``code``/``reason``; the receive loop reports that code.

        Only ``1000``, ``1050`` and ``3000``-``4999`` are accepted, as in JS.
        """
        if code not in (1000, 1050) and not 3000 <= code <= 4999:
            raise ValueError(f"invalid close code {code}: use 1000, 1050 or 3000-4999")
        if self._local_close is None:
            self._local_close = (code, reason)
        if self._ws is not None:
            if self._acks:  # acks still queued leave before the close frame
                batch, self._acks = self._acks, []
                with contextlib.suppress(ConnectionClosed):
                    await self._write_acks(batch)
            await self._ws.close(code, reason)

    async def _abort(self) -> None:
        if self._ws is not None:
            self._ws.transport.abort()
            await asyncio.gather(self._ws.wait_closed(), return_exceptions=True)


async def _send_texts(ws: ClientConnection, messages: list[bytes]) -> None:
    """Send text messages (UTF-8 bytes) in order with one transport write.

    Uses the connection's own send context, so closing/closed states and flow control
    behave exactly as for ``ws.send``; only the frames' write is coalesced.
    """
    async with ws.send_context():
        protocol = ws.protocol
        for message in messages:
            protocol.send_text(message)
        chunks = protocol.data_to_send()
        if all(chunks):
            ws.transport.writelines(chunks)
        else:  # an end-of-stream marker: let the connection handle it as usual
            for chunk in chunks:
                if chunk:
                    ws.transport.write(chunk)
                elif ws.transport.can_write_eof():
                    ws.transport.write_eof()
                else:  # pragma: no cover - TLS
                    ws.transport.close()


def _close_of(exc: ConnectionClosed) -> tuple[int, str]:
    if exc.rcvd is not None:
        return int(exc.rcvd.code), exc.rcvd.reason
    return 1006, ""


# Recorded so that a bug report can tell which code path opened the socket.
WEBSOCKETS_VERSION: Final = websockets.version.version
