"""``webex-meetings demo``: the SDK against the built-in emulator, step by step.

The demo walks what a bot does in a real meeting, all offline on loopback: init and
``ready``, the messaging quickstart, ``meetings.register()`` (device and Mercury),
scheduling a meeting with the Meetings REST API, a guest creating that meeting by SIP
address and passing its password gate, the host joining, the guest's bot joining with
media and recording what the meeting's (simulated) speaker says to a WAV file, host
controls seen by both sides, leaving and unregistering.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import itertools
import math
import sys
import tempfile
import time
import wave
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
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

#: What the emulator's simulated speaker plays, and how long the guest's bot records it.
SPEAKER_TONE_HZ = 660.0
RECORD_SECONDS = 1.5


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


@dataclass(frozen=True)
class _WavSummary:
    duration: float
    rms_dbfs: float
    tone_hz: float

    @property
    def silent(self) -> bool:
        return self.rms_dbfs < -50.0


def _summarize_wav(path: Path) -> _WavSummary:
    """Length, loudness and (by zero crossings) pitch of the first channel of a WAV file."""
    with wave.open(str(path), "rb") as wav:
        channels, rate, frames = wav.getnchannels(), wav.getframerate(), wav.getnframes()
        samples = array.array("h", wav.readframes(frames))[::channels]
    duration = frames / rate if rate else 0.0
    if not samples:
        return _WavSummary(duration, -math.inf, 0.0)
    rms = math.sqrt(sum(x * x for x in samples) / len(samples))
    crossings = sum(1 for a, b in itertools.pairwise(samples) if (a < 0) != (b < 0))
    return _WavSummary(
        duration,
        20 * math.log10(rms / 32768) if rms else -math.inf,
        crossings / 2 / (len(samples) / rate),
    )


class _Demo:
    def __init__(self, out: TextIO, emulator: Emulator, recording_dir: Path) -> None:
        self.progress = _Progress(out)
        self.emulator = emulator
        self.recording = recording_dir / "guest-hears.wav"

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
        return meeting

    async def media(self, attended: Meeting, sip: str) -> None:
        progress = self.progress
        progress.section("Media")
        await progress.step(
            f"emulator: the meeting's simulated speaker plays a {SPEAKER_TONE_HZ:g} Hz tone",
            lambda: self.emulator.set_speaker_audio(sip, SPEAKER_TONE_HZ),
        )
        ready = await progress.step(
            "guest bot: join_with_media(audio='recvonly', video=False, share=False) "
            "→ 'media:ready'",
            lambda: _act_and_wait(
                attended,
                "media:ready",
                attended.join_with_media(audio="recvonly", video=False, share=False),
            ),
        )
        progress.note(f"guest lifecycle: {attended.lifecycle.value}")
        progress.note(
            f"media {attended.media.state.value}, remote {ready['type']} from a "
            f"{attended.media.media_server!r} media server"
        )
        await progress.step(
            f"guest bot: record {RECORD_SECONDS:g} s of the meeting's audio to WAV",
            lambda: self._record(attended),
        )
        summary = _summarize_wav(self.recording)
        progress.note(f"recording written to {self.recording}")
        verdict = "silent!" if summary.silent else "not silent"
        progress.note(
            f"{summary.duration:.2f} s, {summary.rms_dbfs:.1f} dBFS RMS ({verdict}), "
            f"pitch ≈ {summary.tone_hz:.0f} Hz"
        )

    async def _record(self, attended: Meeting) -> None:
        from webex_meetings.meetings.media.sinks import record

        # A reader of its own: it gets the audio from now on, not what was buffered.
        recording = await record(str(self.recording), attended.media.subscribe("remoteAudio"))
        try:
            await asyncio.sleep(RECORD_SECONDS)
        finally:
            await recording.stop()

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
        await self.media(attended, scheduled.sip_address)
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
        stopped = asyncio.ensure_future(attended.wait_for("media:stopped", timeout=WAIT))
        await progress.step(
            "guest: leave() → 'media:stopped' and 'meeting:removed'",
            lambda: _act_and_wait(guest.meetings, "meeting:removed", attended.leave()),
        )
        progress.note(f"media:stopped {await stopped}, media {attended.media.state.value}")
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


async def _demo(out: TextIO, recording_dir: Path | None) -> None:
    from webex_meetings.emulator import Emulator

    started = time.perf_counter()
    out.write("webex-meetings demo: the SDK against the built-in Webex cloud emulator\n")
    emulator = Emulator()
    # The recording outlives the demo so that it can be played.
    folder = recording_dir or Path(tempfile.mkdtemp(prefix="webex-meetings-demo-"))
    demo = _Demo(out, emulator, folder)
    with _loopback_media():
        await _run(demo, emulator)
    total = time.perf_counter() - started
    out.write(
        f"\nDone: {len(demo.progress.steps)} steps in {total:.2f} s. "
        f"The guest bot's recording: {demo.recording}\n"
    )


@contextlib.contextmanager
def _loopback_media() -> Iterator[None]:
    """Gather ICE candidates on 127.0.0.1 only, for the demo's duration.

    aioice leaves loopback out of its host candidates; without this the demo's media
    would need a network interface. Restored afterwards (``run_demo`` may run in-process).
    """
    import aioice.ice

    original = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]
    try:
        yield
    finally:
        aioice.ice.get_host_addresses = original


async def _run(demo: _Demo, emulator: Emulator) -> None:
    from webex_meetings import Webex

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


def run_demo(out: TextIO | None = None, *, recording_dir: str | Path | None = None) -> int:
    """Run the demo; return the process exit code.

    Args:
        out: where to write (stdout by default).
        recording_dir: where the guest bot's WAV recording goes (a new temporary
            directory by default; it is left in place to be played).
    """
    stream = out or sys.stdout
    folder = Path(recording_dir) if recording_dir is not None else None
    try:
        asyncio.run(_demo(stream, folder))
    except ImportError as exc:
        stream.write(
            f"\nThe demo needs the emulator extra: pip install 'webex-meetings[emulator]' ({exc})\n"
        )
        return 2
    except KeyboardInterrupt:
        stream.write("\ninterrupted\n")
        return 130
    return 0
