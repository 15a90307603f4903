"""Every example runs to the end against the emulator, as a user would run it."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
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
        (
            ["join_with_password.py", "--seconds", "0.5"],
            "password 'guess' refused: WRONG_PASSWORD\npassword accepted\n",
        ),
        ("scheduler.py", "or longer than 24 hours\ndeleted; still listed: 0"),
        (
            "webhook_receiver.py",
            "signature valid)\nmessage id matches: True\nforged delivery: rejected with 401",
        ),
        (["echo_bot.py", "--seconds", "2"], "audio frames back\nleft the meeting"),
        (["transcription_bot.py", "--seconds", "2.5"], "second 1: "),
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


def test_recorder_bot_writes_one_wav_per_meeting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WEBEX_ACCESS_TOKEN"}
    result = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "recorder_bot.py"),
            "--out",
            str(tmp_path),
            "--seconds",
            "2",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    files = sorted(tmp_path.glob("*.wav"))
    assert len(files) == 2
    for path in files:
        with wave.open(str(path)) as audio:
            assert audio.getnframes() / audio.getframerate() > 0.5
        assert f"{path.name}: " in result.stdout
