"""The lobby keep-alive: ``GET <keepAliveUrl>`` while the meeting keeps us waiting.

Locus drops a lobby guest that stops calling its ``keepAliveUrl``. The timer follows the
JS ``Meeting.startKeepAlive``: one request every ``(keepAliveSecs - 1) * 750`` ms, not
started when ``keepAliveSecs <= 1`` or either value is missing, stopped on the first
error, on admission, on leave and when the meeting is removed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from webex_meetings._logging import get_logger

__all__ = ["KeepAlive", "keep_alive_interval"]

logger = get_logger(__name__)


def keep_alive_interval(keep_alive_secs: Any) -> float | None:
    """Seconds between keep-alives for ``keepAliveSecs`` (``None``: do not send any)."""
    if isinstance(keep_alive_secs, bool) or not isinstance(keep_alive_secs, int | float):
        return None
    if keep_alive_secs <= 1:
        return None
    return (keep_alive_secs - 1) * 0.75


class KeepAlive:
    """One meeting's keep-alive timer.

    Args:
        send: coroutine sending one keep-alive to the given URL.
    """

    def __init__(self, send: Callable[[str], Awaitable[Any]]) -> None:
        self._send = send
        self._task: asyncio.Task[None] | None = None
        self.url: str | None = None
        self.interval: float | None = None

    def __repr__(self) -> str:
        return f"KeepAlive(running={self.running}, interval={self.interval})"

    @property
    def running(self) -> bool:
        """True while the timer is scheduled."""
        return self._task is not None and not self._task.done()

    def start(self, device: Mapping[str, Any] | None) -> bool:
        """Start sending for this device entry (``keepAliveUrl``/``keepAliveSecs``).

        A second call while running is ignored, as in JS.

        Returns:
            True if the timer runs afterwards.
        """
        if self.running:
            return True
        device = device or {}
        url = device.get("keepAliveUrl")
        interval = keep_alive_interval(device.get("keepAliveSecs"))
        if not isinstance(url, str) or not url or interval is None:
            logger.warning(
                "meeting: keep-alive not started (url present: %s, keepAliveSecs: %r)",
                bool(url),
                device.get("keepAliveSecs"),
            )
            return False
        self.url, self.interval = url, interval
        self._task = asyncio.get_running_loop().create_task(
            self._run(url, interval), name="meeting-keep-alive"
        )
        logger.info("meeting: lobby keep-alive every %.2f s", interval)
        return True

    def stop(self) -> None:
        """Stop sending (idempotent)."""
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            logger.info("meeting: lobby keep-alive stopped")

    async def aclose(self) -> None:
        """Stop and wait until the timer task has finished."""
        task = self._task
        self.stop()
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    async def _run(self, url: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await self._send(url)
            except Exception as exc:
                logger.warning("meeting: stopping lobby keep-alives after an error: %s", exc)
                self._task = None
                return
