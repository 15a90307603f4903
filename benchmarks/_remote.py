"""The emulator in a child process, driven through its control API.

A benchmark that measures this process's CPU time must not share it with the server:
``python -m webex_meetings.emulator --json`` runs in its own interpreter (and, on a
multi-core machine, on another core) and prints one JSON line with its URLs and the
seeded user's credentials.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, TypeVar

import httpx

from webex_meetings.emulator import control_client as calls

T = TypeVar("T")

START_TIMEOUT = 60.0  # seconds for the emulator process to print its address


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime


class RemoteEmulator:
    """``async with RemoteEmulator() as emu``: start the emulator process, stop it after."""

    def __init__(self) -> None:
        self._process: asyncio.subprocess.Process | None = None
        self.info: dict[str, Any] = {}
        self._control: httpx.AsyncClient | None = None

    async def __aenter__(self) -> RemoteEmulator:
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "webex_meetings.emulator", "--json", stdout=subprocess.PIPE
        )
        assert self._process.stdout is not None
        line = await asyncio.wait_for(self._process.stdout.readline(), START_TIMEOUT)
        if not line:
            raise RuntimeError("the emulator process exited before printing its address")
        self.info = json.loads(line)
        self._control = httpx.AsyncClient(base_url=self.info["base_url"], trust_env=False)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._control is not None:
            await self._control.aclose()
        if self._process is not None and self._process.returncode is None:
            self._process.terminate()
            try:
                await asyncio.wait_for(self._process.wait(), 10)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()

    @property
    def pid(self) -> int:
        """The emulator process id."""
        assert self._process is not None
        return self._process.pid

    @property
    def base_url(self) -> str:
        return str(self.info["base_url"])

    @property
    def u2c_url(self) -> str:
        return str(self.info["u2c_url"])

    @property
    def hydra_url(self) -> str:
        return str(self.info["hydra_url"])

    @property
    def access_token(self) -> str:
        return str(self.info["access_token"])

    def sdk_config(self, **extra: Any) -> dict[str, Any]:
        """SDK config pointing at this emulator (its loopback socket host allowed)."""
        return {
            "services": {
                "discovery": {"u2c": self.u2c_url},
                "allowedDomains": ["127.0.0.1", "localhost"],
            },
            **extra,
        }

    async def call(self, call: calls.ControlCall[T]) -> T:
        """Send one control-API call and parse its answer."""
        assert self._control is not None
        response = await self._control.request(
            call.method, call.path, json=call.json, params=call.params
        )
        return call.result(response)

    async def seed(self, *, messages: int) -> dict[str, Any]:
        return await self.call(calls.seed(people=0, rooms=0, messages=messages, room_id=None))

    async def clear_requests(self) -> int:
        return await self.call(calls.clear_requests())

    async def requests(self, *, method: str, path: str) -> list[dict[str, Any]]:
        return await self.call(calls.requests(method=method, path=path))

    async def create_meeting_room(self, **settings: Any) -> dict[str, Any]:
        return await self.call(calls.create_meeting_room(**settings))

    async def drop_mercury(self, *, device_url: str, code: int = 1006, reason: str = "") -> int:
        """Close the device's Mercury sockets now; returns how many were dropped."""
        fault = calls.mercury_fault("drop", device_url=device_url, code=code, reason=reason)
        return int((await self.call(fault))["dropped"])

    async def devices(self) -> list[dict[str, Any]]:
        return await self.call(calls.devices())
