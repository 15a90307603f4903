"""The CLI's spinner and bar: drawn on a terminal after a short delay, never on a pipe."""

from __future__ import annotations

import asyncio
import io

from webex_meetings.cli._output import Output
from webex_meetings.cli._progress import Progress, is_terminal


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def _run_step(progress: Progress, *, total: float | None = None) -> None:
    async with progress.step("joining the meeting", total=total) as step:
        for _ in range(4):
            step.done += 1
            await asyncio.sleep(0.05)


def test_terminal_detection() -> None:
    assert is_terminal(_Terminal()) is True
    assert is_terminal(io.StringIO()) is False


async def test_spinner_draws_on_a_terminal_and_erases_itself() -> None:
    stream = _Terminal()
    progress = Progress(stream, show_after=0)
    await _run_step(progress)
    text = stream.getvalue()
    assert "joining the meeting (" in text
    assert any(frame in text for frame in "⠋⠙⠹⠸")
    assert text.endswith("\r\x1b[K")  # the line is gone when the step ends


async def test_bar_shows_the_share_done() -> None:
    stream = _Terminal()
    await _run_step(Progress(stream, show_after=0), total=4)
    assert "█" in stream.getvalue()
    assert "/4 s" in stream.getvalue()


async def test_nothing_on_a_pipe_and_nothing_for_quick_steps() -> None:
    pipe = io.StringIO()
    await _run_step(Progress(pipe, show_after=0))
    assert pipe.getvalue() == ""
    terminal = _Terminal()
    await _run_step(Progress(terminal, show_after=60))
    assert terminal.getvalue() == ""


async def test_a_printed_line_replaces_the_status_line() -> None:
    terminal = _Terminal()
    output = Output(out=terminal, err=terminal, progress=Progress(terminal, show_after=0))
    async with output.progress.step("waiting"):
        await asyncio.sleep(0.05)
        output.line("Alice joined")
        assert terminal.getvalue().endswith("\r\x1b[KAlice joined\n")
