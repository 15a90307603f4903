"""The pytest plugin: fixtures, reset between tests, and loading without the extra."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator

from .emulator_helpers import bearer


def test_fixture_resets_the_session_server(
    webex_emulator_server: ThreadedEmulator, request: pytest.FixtureRequest
) -> None:
    assert isinstance(webex_emulator_server, ThreadedEmulator)
    webex_emulator_server.add_fault("/v1/*", status=500)
    webex_emulator_server.create_user()
    emu = request.getfixturevalue("webex_emulator")
    assert emu is webex_emulator_server
    assert emu.faults() == []
    assert emu.state()["users"] == 1
    with httpx.Client(trust_env=False) as http:
        me = http.get(f"{emu.hydra_url}/people/me", headers=bearer(emu.access_token))
    assert me.status_code == 200


def test_plugin_loads_without_the_emulator_extra(tmp_path: Path) -> None:
    # With starlette and uvicorn blocked, this also proves the plugin imports neither.
    code = (
        "import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None\n"
        "import webex_meetings.emulator.pytest_plugin as plugin\n"
        "assert callable(plugin.webex_emulator)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=30
    )
    assert result.returncode == 0, result.stderr


def test_fixtures_work_in_a_foreign_project(tmp_path: Path) -> None:
    # The pytest11 entry point must make the fixtures available with no conftest at all.
    (tmp_path / "test_bot.py").write_text(
        textwrap.dedent(
            """
            import httpx

            def _me(emu):
                headers = {"Authorization": f"Bearer {emu.access_token}"}
                with httpx.Client(trust_env=False) as http:
                    return http.get(f"{emu.hydra_url}/people/me", headers=headers)

            def test_one(webex_emulator):
                webex_emulator.add_fault("/v1/people/me", status=503)
                assert _me(webex_emulator).status_code == 503

            def test_two(webex_emulator, webex_emulator_server):
                assert webex_emulator is webex_emulator_server
                assert webex_emulator.faults() == []
                assert _me(webex_emulator).status_code == 200
            """
        )
    )
    # hypothesis is unrelated and slow to load; the entry point under test stays on.
    args = ["-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "test_bot.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
