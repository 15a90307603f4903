"""The README's main job, ``webex-meetings demo``, runs to the end against the emulator."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from webex_meetings.demo import SPEAKER_TONE_HZ, _summarize_wav


def _recording(out: str) -> Path:
    found = re.search(r"The guest bot's recording: (.+\.wav)$", out, re.MULTILINE)
    assert found, out
    return Path(found.group(1))


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
    recording = _recording(out)
    try:
        assert "✗" not in out
        for expected in (
            "'ready' event received: True",
            "password status: REQUIRED",
            "password valid: True",
            "guest lifecycle: joined",
            "media connected, remote remoteAudio from a 'linus' media server",
            f"recording written to {recording}",
            "(not silent)",
            "payload: {'payload': {'muted': True, 'unmuteAllowed': True}}",
            "roster: Emulated User (IN_MEETING, host), Guest Bot (IN_MEETING)",
            "media:stopped {'type': 'remoteAudio'}, media closed",
            "devices left on the emulator: 0",
        ):
            assert expected in out
        assert "Done: 23 steps" in out
        # The file is a real recording of the emulator's speaker, not just a claim.
        with wave.open(str(recording), "rb") as wav:
            assert wav.getnframes() / wav.getframerate() > 0.5
        summary = _summarize_wav(recording)
        assert not summary.silent
        assert summary.tone_hz == pytest.approx(SPEAKER_TONE_HZ, rel=0.1)
    finally:
        shutil.rmtree(recording.parent, ignore_errors=True)


def test_demo_writes_the_recording_where_asked(tmp_path: Path) -> None:
    from io import StringIO

    from webex_meetings.demo import run_demo

    out = StringIO()
    # A plain (not async) test: run_demo starts its own event loop.
    assert run_demo(out, recording_dir=tmp_path) == 0, out.getvalue()
    assert _recording(out.getvalue()) == tmp_path / "guest-hears.wav"
    assert (tmp_path / "guest-hears.wav").stat().st_size > 44  # more than a WAV header
