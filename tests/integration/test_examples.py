"""Every example runs to the end against the emulator, as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("whoami.py", "Emulated User <user@example.com>"),
        ("quickstart.py", "members: alice@example.com, bob@example.com"),
        ("mercury_bot.py", "bot replied: Echo: hello bot"),
        (["join_by_sip.py", "--seconds", "2"], "  Alice: left the meeting\nleft the meeting"),
        (["host_bot.py", "--seconds", "20"], "meeting locked\nhost role handed to Guest 1"),
    ],
)
def test_example_runs(script: str | list[str], expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WEBEX_ACCESS_TOKEN"}
    name, *args = [script] if isinstance(script, str) else script
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
