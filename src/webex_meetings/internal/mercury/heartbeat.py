"""The Mercury keep-alive: ping, wait for the matching pong, close when it does not come.

Per the Mercury protocol: the first ping goes out right after the buffer-state frame, the next
one ``pingInterval`` after each pong. Each ping carries a fresh uuid ``id`` that the
pong must echo. No pong within ``pongTimeout`` closes the socket with ``1000`` /
``Pong not received``, a wrong id with ``1000`` / ``Pong mismatch``; both are normal
reconnect reasons, so the outer loop reconnects.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any, Final

from webex_meetings._logging import get_logger
from webex_meetings.internal.mercury.socket import MercurySocket

__all__ = ["PONG_MISMATCH", "PONG_NOT_RECEIVED", "Heartbeat"]

logger = get_logger(__name__)

PONG_NOT_RECEIVED: Final = "Pong not received"
PONG_MISMATCH: Final = "Pong mismatch"


class Heartbeat:
    """Runs as one task per connection; stop it with :meth:`stop`.

    Args:
        socket: the open connection; the heartbeat installs itself as its pong hook.
        interval: seconds to wait after a pong before the next ping.
        timeout: seconds to wait for each pong.
        on_latency: called with the round trip in milliseconds (``ping-pong-latency``).
    """

    def __init__(
        self,
        socket: MercurySocket,
        *,
        interval: float,
        timeout: float,
        on_latency: Callable[[float], None] | None = None,
    ) -> None:
        self._socket = socket
        self._interval = interval
        self._timeout = timeout
        self._on_latency = on_latency
        self._pending: asyncio.Future[dict[str, Any]] | None = None
        self._task: asyncio.Task[None] | None = None
        socket.on_pong = self._on_pong

    def start(self) -> None:
        """Start pinging now."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="mercury-ping")

    async def stop(self) -> None:
        """Stop the task (idempotent)."""
        task = self._task
        if task is not None and not task.done() and task is not asyncio.current_task():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _on_pong(self, frame: dict[str, Any]) -> None:
        pending = self._pending
        if pending is not None and not pending.done():
            pending.set_result(frame)
        else:
            logger.debug("mercury: unsolicited pong")

    async def _run(self) -> None:
        try:
            while True:
                if not await self._ping_once():
                    return
                await asyncio.sleep(self._interval)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the receive loop notices the close
            logger.debug("mercury: heartbeat stopped: %r", exc)

    async def _ping_once(self) -> bool:
        ping_id = str(uuid.uuid4())
        self._pending = asyncio.get_running_loop().create_future()
        started = time.monotonic()
        await self._socket.send({"id": ping_id, "type": "ping"})
        try:
            async with asyncio.timeout(self._timeout):
                pong = await self._pending
        except TimeoutError:
            logger.warning("mercury: no pong within %.1fs; closing to reconnect", self._timeout)
            await self._socket.close(1000, PONG_NOT_RECEIVED)
            return False
        finally:
            self._pending = None
        if pong.get("id") != ping_id:
            logger.warning("mercury: pong id does not match the ping; closing to reconnect")
            await self._socket.close(1000, PONG_MISMATCH)
            return False
        latency = (time.monotonic() - started) * 1000
        if self._on_latency is not None:
            self._on_latency(latency)
        return True
