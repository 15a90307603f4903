"""``webex-meetings demo``: the SDK against the built-in emulator, step by step.

The demo walks what a bot does in a real meeting, all offline on loopback: init and
``ready``, the messaging quickstart, ``meetings.register()`` (device and Mercury),
scheduling a meeting with the Meetings REST API, a guest creating that meeting by SIP
address and passing its password gate, the host and the guest joining, host controls
seen by both sides, leaving and unregistering.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

if TYPE_CHECKING:
    from webex_meetings import Webex
    from webex_meetings.emulator import Emulator
    from webex_meetings.meetings import Meeting

__all__ = ["run_demo"]

T = TypeVar("T")

#: Seconds any wait for an event may take before the demo reports a failure.
WAIT = 15.0

#: Password of the demo meeting; the guest types it to pass the gate.
DEMO_PASSWORD = "Demo-Pass-123"  # noqa: S105 - a throwaway value on the local emulator


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

    def section(self, title: str) -> None:
        self.out.write(f"\n{title}\n")


def _config(emulator: Emulator) -> dict[str, Any]:
    return {
        "appName": "webex-meetings-demo",
        "services": {
            "discovery": {"u2c": emulator.u2c_url},
            # Locus and meeting-info URLs of the emulator live on the loopback host.
            "allowedDomains": ["127.0.0.1", "localhost"],
        },
    }


async def _act_and_wait(emitter: Any, event: str, action: Awaitable[Any]) -> Any:
    """Run ``action`` and return the next ``event`` payload, listening before it starts.

    Locus answers a control request with the change itself, so the event can fire
    before the request returns.
    """
    waiter = asyncio.ensure_future(emitter.wait_for(event, timeout=WAIT))
    await asyncio.sleep(0)
    try:
        await action
        return await waiter
    finally:
        waiter.cancel()


class _Demo:
    def __init__(self, out: TextIO, emulator: Emulator) -> None:
        self.progress = _Progress(out)
        self.emulator = emulator

    async def core(self, host: Webex) -> None:
        progress = self.progress
        progress.section("Core")
        ready_seen = asyncio.Event()
        host.once("ready", ready_seen.set)
        await progress.step("Webex.init and wait for 'ready'", host.wait_until_ready)
        progress.note(f"'ready' event received: {ready_seen.is_set()}")
        services = host.internal.services
        await progress.step("load the U2C service catalog", services.initialize)
        for name in ("hydra", "wdm", "locus", "webex-appapi-service"):
            progress.note(f"{name:<22} → {services.get(name)}")
        me = await progress.step("fetch people/me", host.people.me)
        progress.note(f"signed in as {me.display_name} <{me.emails[0] if me.emails else '?'}>")

    async def messaging(self, host: Webex, guest_email: str) -> None:
        progress = self.progress
        progress.section("Messaging quickstart")
        room = await progress.step(
            "rooms.create(title='Demo Room')", lambda: host.rooms.create(title="Demo Room")
        )
        room_id = str(room.id)
        await progress.step(
            f"memberships.create(person_email='{guest_email}')",
            lambda: host.memberships.create(room_id=room_id, person_email=guest_email),
        )
        message = await progress.step(
            "messages.create(markdown='**Hello** from Python')",
            lambda: host.messages.create(room_id=room_id, markdown="**Hello** from Python"),
        )
        progress.note(f"message {str(message.id)[:24]}… posted in {room.title!r}")

    async def register(self, who: str, webex: Webex) -> None:
        registered = asyncio.ensure_future(
            webex.meetings.wait_for("meetings:registered", timeout=WAIT)
        )
        await asyncio.sleep(0)
        await self.progress.step(
            f"{who}: meetings.register() → 'meetings:registered'", webex.meetings.register
        )
        await registered
        device = webex.internal.device
        self.progress.note(f"device {device.url}")
        self.progress.note(f"Mercury connected: {webex.internal.mercury.connected}")

    async def schedule(self, host: Webex) -> Any:
        start = datetime.now(UTC) + timedelta(minutes=5)
        meeting = await self.progress.step(
            "Meetings REST: schedule 'Demo Meeting' with a password",
            lambda: host.meetings_api.meetings.create_meeting(
                title="Demo Meeting",
                start=start,
                end=start + timedelta(minutes=30),
                password=DEMO_PASSWORD,
            ),
        )
        self.progress.note(f"meeting number {meeting.meeting_number}, SIP {meeting.sip_address}")
        return meeting

    async def guest_joins(self, guest: Webex, sip: str) -> Meeting:
        progress = self.progress
        meeting = await progress.step(
            "guest: meetings.create(<SIP address>)", lambda: guest.meetings.create(sip)
        )
        progress.note(f"password status: {meeting.password_status.value}")
        result = await progress.step(
            "guest: meeting.verify_password(...)",
            lambda: meeting.verify_password(DEMO_PASSWORD),
        )
        progress.note(f"password valid: {result.is_password_valid}")
        await progress.step("guest: meeting.join()", meeting.join)
        progress.note(f"guest lifecycle: {meeting.lifecycle.value}")
        return meeting

    async def host_controls(self, hosted: Meeting, attended: Meeting) -> None:
        progress = self.progress
        progress.section("Host controls")
        guest_id = attended.self_id
        assert guest_id is not None
        payload = await progress.step(
            "host: mute the guest → guest sees 'meeting:self:mutedByOthers'",
            lambda: _act_and_wait(
                attended, "meeting:self:mutedByOthers", hosted.mute(guest_id, True)
            ),
        )
        progress.note(f"payload: {payload}")
        await progress.step(
            "host: lock_meeting() → 'meeting:locked'",
            lambda: _act_and_wait(hosted, "meeting:locked", hosted.lock_meeting()),
        )
        members = hosted.members.members_collection.get_all()
        progress.note(
            "roster: "
            + ", ".join(
                f"{m.name} ({m.status.value}{', host' if m.is_host else ''})"
                for m in members.values()
            )
        )

    async def run(self, host: Webex, guest: Webex, guest_email: str) -> None:
        progress = self.progress
        await self.core(host)
        await self.messaging(host, guest_email)
        progress.section("Meetings")
        await self.register("host", host)
        await self.register("guest", guest)
        scheduled = await self.schedule(host)
        hosted = await progress.step(
            "host: meetings.create(<meeting number>) and join()",
            lambda: self._host_joins(host, scheduled.meeting_number),
        )
        progress.note(f"host lifecycle: {hosted.lifecycle.value}")
        attended = await self.guest_joins(guest, scheduled.sip_address)
        host_members = hosted.members
        await progress.step(
            "host sees the guest in 'members:update'",
            lambda: _until(
                host_members,
                "members:update",
                lambda: attended.self_id in host_members.members_collection.get_all(),
            ),
        )
        await self.host_controls(hosted, attended)
        progress.section("Wrap up")
        await progress.step(
            "guest: leave() → 'meeting:removed'",
            lambda: _act_and_wait(guest.meetings, "meeting:removed", attended.leave()),
        )
        await progress.step(
            "host: end_meeting_for_all() → 'meeting:removed'",
            lambda: _act_and_wait(host.meetings, "meeting:removed", hosted.end_meeting_for_all()),
        )
        for who, webex in (("guest", guest), ("host", host)):
            await progress.step(f"{who}: meetings.unregister()", webex.meetings.unregister)
        devices = await self.emulator.devices()
        progress.note(f"devices left on the emulator: {len(devices)}")

    @staticmethod
    async def _host_joins(host: Webex, number: str) -> Meeting:
        meeting = await host.meetings.create(number, "MEETING_ID")
        await meeting.join()
        return meeting


async def _until(emitter: Any, event: str, predicate: Callable[[], bool]) -> None:
    async with asyncio.timeout(WAIT):
        while not predicate():
            await emitter.wait_for(event, timeout=WAIT)


async def _demo(out: TextIO) -> None:
    from webex_meetings import Webex
    from webex_meetings.emulator import Emulator

    started = time.perf_counter()
    out.write("webex-meetings demo: the SDK against the built-in Webex cloud emulator\n")
    emulator = Emulator()
    demo = _Demo(out, emulator)
    await demo.progress.step("start the emulator on loopback", emulator.__aenter__)
    try:
        demo.progress.note(f"emulator at {emulator.base_url}")
        guest_user = await emulator.create_user(
            display_name="Guest Bot", email="guest.bot@example.com"
        )
        host = Webex.init(
            credentials={"access_token": emulator.access_token}, config=_config(emulator)
        )
        guest = Webex.init(
            credentials={"access_token": guest_user["accessToken"]}, config=_config(emulator)
        )
        async with host, guest:
            await demo.run(host, guest, "guest.bot@example.com")
    finally:
        await emulator.__aexit__(None, None, None)
    total = time.perf_counter() - started
    out.write(f"\nDone: {len(demo.progress.steps)} steps in {total:.2f} s.\n")


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
