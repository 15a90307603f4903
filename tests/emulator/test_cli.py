"""``python -m webex_meetings.emulator``: JSON line, human summary, signals, missing extra."""

from __future__ import annotations

import json
import queue
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest

from webex_meetings.emulator.cli import main

from .emulator_helpers import bearer

_BLOCK_EXTRA = "import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None; "


class _Lines:
    """Reads a process's stdout on a thread, so a test can wait for a line with a timeout."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self._queue: queue.Queue[str] = queue.Queue()
        assert proc.stdout is not None
        stream = proc.stdout
        threading.Thread(target=lambda: [self._queue.put(x) for x in stream], daemon=True).start()

    def next(self, timeout: float = 20) -> str:
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            pytest.fail("the emulator printed nothing")


def _spawn(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "webex_meetings.emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )


def _stop(proc: subprocess.Popen[str], sig: signal.Signals) -> tuple[int, str]:
    proc.send_signal(sig)
    try:
        code = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.stderr is not None
    return code, proc.stderr.read()


def test_json_line_then_clean_exit_on_sigint(tmp_path: Path) -> None:
    proc = _spawn(tmp_path, "--json")
    try:
        info = json.loads(_Lines(proc).next())
        assert {
            "base_url",
            "u2c_url",
            "hydra_url",
            "access_token",
            "refresh_token",
            "client_id",
            "client_secret",
            "org_id",
            "person_email",
        } <= set(info)
        assert info["u2c_url"] == info["base_url"] + "/u2c/api/v1"
        assert info["hydra_url"] == info["base_url"] + "/v1"
        assert info["person_email"] == "user@example.com"
        with httpx.Client(trust_env=False) as http:
            catalog = http.get(
                info["u2c_url"] + "/catalog",
                params={"format": "hostmap"},
                headers=bearer(info["access_token"]),
            )
            assert catalog.status_code == 200
            assert catalog.json()["serviceLinks"]["hydra"] == info["hydra_url"]
            me = http.get(info["hydra_url"] + "/people/me", headers=bearer(info["access_token"]))
            assert me.json()["orgId"] == info["org_id"]
    finally:
        code, stderr = _stop(proc, signal.SIGINT)
    assert code == 0, stderr
    assert "Traceback" not in stderr


def test_human_summary_then_clean_exit_on_sigterm(tmp_path: Path) -> None:
    proc = _spawn(tmp_path, "--host", "127.0.0.1", "--port", "0")
    lines = _Lines(proc)
    try:
        seen = [lines.next()]
        while not seen[-1].startswith("Press Ctrl+C"):
            seen.append(lines.next())
        text = "".join(seen)
        base_url = seen[0].split()[-1]
        assert base_url.startswith("http://127.0.0.1:")
        expected = json.dumps({"services": {"discovery": {"u2c": f"{base_url}/u2c/api/v1"}}})
        assert expected in text
        assert "Access token:" in text
    finally:
        code, stderr = _stop(proc, signal.SIGTERM)
    assert code == 0, stderr


def test_missing_extra_is_explained(tmp_path: Path) -> None:
    code = _BLOCK_EXTRA + "from webex_meetings.emulator.cli import main; sys.exit(main([]))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=30
    )
    assert result.returncode == 2
    assert "pip install 'webex-meetings[emulator]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_busy_port_returns_1(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["--port", str(port)]) == 1
    assert f"127.0.0.1:{port}" in capsys.readouterr().err
