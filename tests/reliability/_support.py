"""Shared helpers of the reliability suite: fast configs, bots, inboxes and leak checks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import Meeting

#: Upper bound of any single wait; generous for a loaded 2-core machine.
WAIT = 15.0


def config(
    emulator: Emulator, *, http: dict[str, Any] | None = None, **mercury: Any
) -> dict[str, Any]:
    """Tiny Mercury and HTTP backoffs, and the emulator's loopback host as an allowed domain."""
    return {
        "mercury": {
            "backoffTimeReset": 10,
            "backoffTimeMax": 50,
            "connectTimeout": 5,
            "forceCloseDelay": 500,
            **mercury,
        },
        "http": {"backoffInitial": 0.01, "backoffMax": 0.05, **(http or {})},
        "services": {
            "discovery": {"u2c": emulator.u2c_url},
            "allowedDomains": ["127.0.0.1", "localhost"],
        },
    }


async def bot(
    emulator: Emulator,
    connect: Callable[..., Webex],
    *,
    credentials: Any = None,
    listen: bool = True,
    **kw: Any,
) -> Webex:
    """A client with ``meetings.register()`` done and, by default, ``messages.listen()``."""
    cfg = kw.pop("config", None) or config(emulator)
    webex = connect(credentials=credentials, config=cfg, **kw)
    await webex.meetings.register()
    if listen:
        await webex.messages.listen()
    return webex


async def user_client(
    emulator: Emulator, connect: Callable[..., Webex], name: str
) -> tuple[Webex, dict[str, Any]]:
    """A new emulator user and a (not registered) client of it."""
    user = await emulator.create_user(display_name=name, email=f"{name.lower()}@example.com")
    webex = connect(credentials={"access_token": user["accessToken"]}, config=config(emulator))
    return webex, user


async def shared_room(sender: Webex, *member_ids: str, title: str = "Reliability") -> str:
    """A space of ``sender`` with the given people as members; returns its id."""
    room = await sender.rooms.create(title=title)
    for person_id in member_ids:
        await sender.memberships.create(room_id=str(room.id), person_id=person_id)
    return str(room.id)


class Inbox:
    """Ids of the ``messages`` ``created`` events one client received, in order."""

    def __init__(self, webex: Webex) -> None:
        self.ids: list[str] = []
        self._changed = asyncio.Event()
        webex.messages.on("created", self._record)

    def _record(self, payload: dict[str, Any]) -> None:
        self.ids.append(str(payload["data"]["id"]))
        self._changed.set()

    async def until(self, message_id: str | None, timeout: float = WAIT) -> None:
        """Wait until the event of ``message_id`` arrived."""
        assert message_id is not None
        async with asyncio.timeout(timeout):
            while message_id not in self.ids:
                self._changed.clear()
                await self._changed.wait()


def snapshot(meeting: Meeting) -> dict[str, Any]:
    """The parts of the client's Locus state that must match the emulator's."""
    raw = meeting.locus_info.raw
    return {
        "participants": {
            pid: (p.get("state"), p.get("controls"))
            for pid, p in meeting.locus_info.raw_participants.items()
        },
        "controls": raw.get("controls"),
        "fullState": raw.get("fullState"),
    }


def expected(locus: dict[str, Any]) -> dict[str, Any]:
    """The same parts of the emulator's full DTO."""
    return {
        "participants": {
            p["id"]: (p.get("state"), p.get("controls")) for p in locus["participants"]
        },
        "controls": locus.get("controls"),
        "fullState": locus.get("fullState"),
    }


async def converged(emulator: Emulator, meeting: Meeting, room: str, email: str) -> None:
    """Wait until the client's Locus state equals the emulator's (both settled)."""
    async with asyncio.timeout(WAIT * 2):
        while True:
            await meeting.locus_info.wait_settled()
            want = expected(await emulator.locus(room, email=email))
            if snapshot(meeting) == want:
                return
            await asyncio.sleep(0.05)


def quick_resync(meeting: Meeting, seconds: float = 0.2) -> None:
    """Shrink the wait for a missing Locus delta (10-15 s by default) before a resync.

    Lost deltas are only noticed by that timer when nothing follows them; tests that
    lose the last delta of a burst would otherwise wait the full production delay.
    """
    parser = meeting.locus_info.parser
    parser._ooo_wait = seconds
    parser._ooo_random_delay = seconds / 2


async def assert_nothing_left(
    emulator: Emulator, meeting_ids: Iterable[str] = (), *, emails: Iterable[str] = ()
) -> None:
    """No live device or Mercury socket, and none of ``emails`` still in a meeting."""
    assert await emulator.devices() == []
    assert await emulator.mercury_connections() == []
    wanted = {email.lower() for email in emails}
    for meeting_id in meeting_ids:
        locus = await emulator.locus(meeting_id)
        joined = [
            p["person"].get("email")
            for p in locus["participants"]
            if p["state"] == "JOINED" and str(p["person"].get("email", "")).lower() in wanted
        ]
        assert joined == [], f"still in {meeting_id}: {joined}"


#: Statuses that say a request was not processed, so that sending it again is no replay.
NOT_PROCESSED = frozenset({401, 423, 429})


async def assert_no_replayed_writes(emulator: Emulator) -> None:
    """No POST, PUT, PATCH or DELETE reached the emulator twice after being processed.

    Attempts of one request share its ``trackingid``; every attempt but the last must
    have been turned away unprocessed (401 before a token refresh, 423, 429).
    """
    attempts: dict[str, list[int | None]] = {}
    for entry in await emulator.requests():
        if entry["method"] in ("POST", "PUT", "PATCH", "DELETE") and entry["trackingid"]:
            attempts.setdefault(entry["trackingid"], []).append(entry["status"])
    replayed = {
        tid: statuses
        for tid, statuses in attempts.items()
        if any(status not in NOT_PROCESSED for status in statuses[:-1])
    }
    assert replayed == {}


def assert_no_secret(text: str, secrets: Iterable[str | None]) -> None:
    """None of ``secrets`` (tokens, client secret, passwords) occurs in ``text``."""
    for secret in secrets:
        if secret:
            assert secret not in text, "a secret leaked"
