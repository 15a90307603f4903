"""What a command prints: human lines or JSON on stdout, notes on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from webex_meetings.cli._progress import Progress

__all__ = ["Output"]


class Output:
    """Prints a command's results in the mode the user asked for.

    Args:
        as_json: print JSON documents (one per :meth:`data`, one line per :meth:`event`)
            instead of human lines.
        out: where results go (stdout by default).
        err: where notes and progress go (stderr by default).
        progress: the progress drawer; by default one on ``err``.
    """

    def __init__(
        self,
        *,
        as_json: bool = False,
        out: TextIO | None = None,
        err: TextIO | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.as_json = as_json
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.progress = progress or Progress(self.err)

    def line(self, text: str) -> None:
        """Print a human line (nothing in JSON mode)."""
        if not self.as_json:
            self._write(self.out, text)

    def note(self, text: str) -> None:
        """Print a line for the person at the terminal on stderr, in every mode."""
        self._write(self.err, text)

    def data(self, value: Any) -> None:
        """Print one JSON document (JSON mode only)."""
        if self.as_json:
            self._write(self.out, json.dumps(value, default=str))

    def event(self, name: str, fields: Mapping[str, Any] | None = None, *, text: str) -> None:
        """Print ``text`` for people, or ``{"event": name, **fields}`` as one JSON line."""
        if self.as_json:
            self._write(self.out, json.dumps({"event": name, **(fields or {})}, default=str))
        else:
            self._write(self.out, text)

    def _write(self, stream: TextIO, text: str) -> None:
        # A status line may be on the same terminal: erase it first, it is redrawn.
        self.progress.clear()
        stream.write(text + "\n")
        stream.flush()
