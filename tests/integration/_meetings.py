"""Shared helpers for the meetings integration tests: registered clients, event waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import Meeting

#: Seconds any single wait in these tests may take; generous for a loaded 2-core box.
WAIT = 10.0


def config(emulator: Emulator) -> dict[str, Any]:
    """Quick Mercury reconnects and the loopback host as an allowed domain."""
    return {
        "mercury": {"backoffTimeReset": 20, "backoffTimeMax": 100, "connectTimeout": 5},
        "services": {
            "discovery": {"u2c": emulator.u2c_url},
            "allowedDomains": ["127.0.0.1", "localhost"],
        },
    }


async def registered(
    emulator: Emulator, connect: Callable[..., Webex], token: str | None = None
) -> Webex:
    """A client of the seeded user (or of ``token``) with ``meetings.register()`` done."""
    credentials = {"access_token": token} if token else None
    webex = connect(credentials=credentials, config=config(emulator))
    await webex.meetings.register()
    return webex


async def host_of(emulator: Emulator, connect: Callable[..., Webex], room: dict[str, Any]) -> Webex:
    """A registered client of the room's host."""
    pair = await emulator.issue_token(email=room["hostEmail"])
    return await registered(emulator, connect, pair["accessToken"])


class Recorder:
    """Records the payloads of some events of one emitter, and waits for them."""

    def __init__(self, emitter: Any, *events: str) -> None:
        self.seen: list[tuple[str, Any]] = []
        self._changed = asyncio.Event()
        for event in events:
            emitter.on(event, self._listener(event))

    def _listener(self, event: str) -> Callable[..., None]:
        def record(*args: Any) -> None:
            self.seen.append((event, args[0] if len(args) == 1 else args))
            self._changed.set()

        return record

    def names(self) -> list[str]:
        """Event names in the order they came."""
        return [name for name, _ in self.seen]

    def payloads(self, event: str) -> list[Any]:
        """Payloads of ``event``, oldest first."""
        return [payload for name, payload in self.seen if name == event]

    async def until(self, predicate: Callable[[], bool], timeout: float = WAIT) -> None:
        """Wait until ``predicate()`` holds (checked after every recorded event)."""
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()


def statuses(meeting: Meeting) -> dict[str, str]:
    """Member name → status value."""
    return {
        str(member.name): member.status.value
        for member in meeting.members.members_collection.get_all().values()
    }
