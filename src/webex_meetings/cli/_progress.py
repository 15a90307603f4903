"""Spinners and progress bars on stderr, drawn only when stderr is a terminal.

A step that ends within :data:`SHOW_AFTER` seconds draws nothing, so quick commands stay
quiet; a slower one shows a spinner (or a bar when its length is known) that is erased
when it ends. On a pipe or a file nothing is ever written, so scripts see clean output.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator
from typing import Final, TextIO

__all__ = ["SHOW_AFTER", "Progress", "Step"]

#: Seconds a step runs before anything is drawn.
SHOW_AFTER: Final = 0.5
_FRAMES: Final = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_INTERVAL: Final = 0.1
_BAR_WIDTH: Final = 24
_CLEAR_LINE: Final = "\r\x1b[K"


def is_terminal(stream: TextIO) -> bool:
    """True when ``stream`` is an interactive terminal that can redraw a line."""
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False
    return interactive and os.environ.get("TERM") != "dumb"


class Step:
    """One running step; ``label`` and ``done`` may change while it runs."""

    def __init__(self, label: str, total: float | None) -> None:
        self.label = label
        self.total = total
        self.done = 0.0
        self.started = time.monotonic()

    def render(self, frame: int) -> str:
        """The status line for animation frame ``frame``."""
        elapsed = time.monotonic() - self.started
        if self.total:
            share = min(max(self.done / self.total, 0.0), 1.0)
            filled = round(share * _BAR_WIDTH)
            bar = "█" * filled + "░" * (_BAR_WIDTH - filled)
            return f"{bar} {self.label} {int(self.done)}/{self.total:g} s"
        return f"{_FRAMES[frame % len(_FRAMES)]} {self.label} ({elapsed:.1f} s)"


class Progress:
    """Draws at most one step at a time on ``stream`` (stderr by default).

    Args:
        stream: where to draw; nothing is drawn unless it is a terminal.
        enabled: force drawing on or off (default: whether ``stream`` is a terminal).
        show_after: seconds before a step is drawn.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool | None = None,
        show_after: float = SHOW_AFTER,
    ) -> None:
        self.stream = stream
        self.enabled = is_terminal(stream) if enabled is None else enabled
        self.show_after = show_after
        self._step: Step | None = None
        self._drawn = False

    @contextlib.asynccontextmanager
    async def step(self, label: str, *, total: float | None = None) -> AsyncIterator[Step]:
        """Show ``label`` with a spinner (or a bar of ``total`` units) while the block runs."""
        step = Step(label, total)
        if not self.enabled:
            yield step
            return
        previous, self._step = self._step, step
        drawer = asyncio.create_task(self._draw(step), name="cli-progress")
        try:
            yield step
        finally:
            drawer.cancel()
            await asyncio.gather(drawer, return_exceptions=True)
            self.clear()
            self._step = previous

    def clear(self) -> None:
        """Erase the status line, so that a normal line can be printed in its place."""
        if self._drawn:
            self.stream.write(_CLEAR_LINE)
            self.stream.flush()
            self._drawn = False

    async def _draw(self, step: Step) -> None:
        await asyncio.sleep(self.show_after)
        frame = 0
        while True:
            self.stream.write(_CLEAR_LINE + step.render(frame))
            self.stream.flush()
            self._drawn = True
            frame += 1
            await asyncio.sleep(_INTERVAL)
