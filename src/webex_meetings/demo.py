"""``webex-meetings demo``: the SDK against the built-in emulator, step by step."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

__all__ = ["run_demo"]

T = TypeVar("T")


@dataclass
class _Progress:
    """Prints one line per step with its duration, and a summary at the end."""

    out: TextIO
    steps: list[tuple[str, float]] = field(default_factory=list)

    async def step(self, title: str, action: Callable[[], Awaitable[T]]) -> T:
        # On a terminal, show the running step and overwrite it when it ends.
        live = self.out.isatty()
        if live:
            self.out.write(f"  … {title}")
            self.out.flush()
        started = time.perf_counter()
        try:
            result = await action()
        except BaseException:
            self.out.write(f"{chr(13) if live else ''}  ✗ {title}\n")
            raise
        elapsed = time.perf_counter() - started
        self.steps.append((title, elapsed))
        self.out.write(f"{chr(13) if live else ''}  ✓ {title} ({elapsed * 1000:.0f} ms)\n")
        return result

    def note(self, text: str) -> None:
        self.out.write(f"      {text}\n")


async def _demo(out: TextIO) -> None:
    from webex_meetings import Webex
    from webex_meetings.emulator import Emulator

    progress = _Progress(out)
    started = time.perf_counter()
    out.write("webex-meetings demo: the SDK against the built-in Webex cloud emulator\n\n")
    emulator = Emulator()
    await progress.step("start the emulator on loopback", emulator.__aenter__)
    try:
        progress.note(f"emulator at {emulator.base_url}")
        config: dict[str, Any] = {
            "appName": "webex-meetings-demo",
            "services": {"discovery": {"u2c": emulator.u2c_url}},
        }
        webex = Webex.init(credentials={"access_token": emulator.access_token}, config=config)
        async with webex:
            ready_seen = asyncio.Event()
            webex.once("ready", ready_seen.set)
            await progress.step("Webex.init and wait for 'ready'", webex.wait_until_ready)
            progress.note(f"'ready' event received: {ready_seen.is_set()}")
            progress.note(f"org id from the token: {webex.credentials.org_id}")
            services = webex.internal.services
            await progress.step("load the U2C service catalog", services.initialize)
            for name in ("hydra", "wdm", "locus", "webex-appapi-service"):
                progress.note(f"{name:<22} → {services.get(name)}")
            me = await progress.step("fetch people/me", webex.people.me)
            progress.note(f"signed in as {me.display_name} <{me.emails[0] if me.emails else '?'}>")
    finally:
        await emulator.__aexit__(None, None, None)
    total = time.perf_counter() - started
    out.write(f"\nDone: {len(progress.steps)} steps in {total:.2f} s.\n")


def run_demo(out: TextIO | None = None) -> int:
    """Run the demo; return the process exit code."""
    stream = out or sys.stdout
    try:
        asyncio.run(_demo(stream))
    except ImportError as exc:
        stream.write(
            f"\nThe demo needs the emulator extra: pip install 'webex-meetings[emulator]' ({exc})\n"
        )
        return 2
    except KeyboardInterrupt:
        stream.write("\ninterrupted\n")
        return 130
    return 0
