"""The README's main job, ``webex-meetings demo``, runs to the end against the emulator."""

from __future__ import annotations

import subprocess
import sys


def test_demo_runs_every_step_offline() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "webex_meetings.cli", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "✗" not in out
    for expected in (
        "'ready' event received: True",
        "password status: REQUIRED",
        "password valid: True",
        "payload: {'payload': {'muted': True, 'unmuteAllowed': True}}",
        "roster: Emulated User (IN_MEETING, host), Guest Bot (IN_MEETING)",
        "devices left on the emulator: 0",
    ):
        assert expected in out
    assert "Done: 21 steps" in out
