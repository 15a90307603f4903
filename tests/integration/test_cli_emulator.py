"""``webex-meetings emulator`` in a process, driven by the other commands through --u2c."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "webex_meetings.cli", *args]


@pytest.mark.parametrize("json_first", [False, True])
def test_emulator_json_then_commands_against_it(tmp_path: Path, json_first: bool) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WEBEX_ACCESS_TOKEN"}
    args = ["--json", "emulator"] if json_first else ["emulator", "--json"]
    server = subprocess.Popen(
        _cli(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path
    )
    try:
        assert server.stdout is not None
        info = json.loads(server.stdout.readline())
        assert info["u2c_url"] == info["base_url"] + "/u2c/api/v1"
        env["WEBEX_ACCESS_TOKEN"] = info["access_token"]
        whoami = subprocess.run(
            _cli("whoami", "--u2c", info["u2c_url"], "--json"),
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert whoami.returncode == 0, whoami.stderr
        assert json.loads(whoami.stdout)["emails"] == [info["person_email"]]
        assert whoami.stderr == ""  # no spinner and no notes on a pipe
    finally:
        server.send_signal(signal.SIGINT)
        code = server.wait(timeout=30)
    assert code == 0
