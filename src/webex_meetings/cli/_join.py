"""``join``: join a meeting, follow its roster, optionally record its audio, leave cleanly.

Steps that create something in the cloud (registering the device, the Locus join) are
never cut short: a join interrupted half-way would leave a participant behind that this
client cannot remove. Ctrl-C during such a step lets it finish, then leaves and
unregisters; Ctrl-C anywhere else stops at once and cleans up the same way.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

from webex_meetings.cli._errors import CliError, ExitCode, explain
from webex_meetings.cli._output import Output
from webex_meetings.cli._recording import AudioRecording
from webex_meetings.cli._roster import follow
from webex_meetings.cli._session import Session
from webex_meetings.meetings import (
    IntentToJoinError,
    MeetingLifecycle,
    NoMeetingInfoError,
    ParameterError,
    PasswordStatus,
    SpaceIDDeprecatedError,
)
from webex_meetings.meetings.errors import MeetingNotActiveError, UserNotJoinedError

if TYPE_CHECKING:
    from webex_meetings.meetings import Meeting

__all__ = ["check_join_args", "join"]

T = TypeVar("T")

#: Seconds cleanup may spend on each of: an unfinished join, the leave, the unregister.
CLEANUP_TIMEOUT: Final = 20.0

_MEETING_NUMBER: Final = re.compile(r"^[0-9][0-9 -]*[0-9]$")
_GONE: Final = (MeetingLifecycle.LEFT, MeetingLifecycle.REMOVED)


def check_join_args(args: argparse.Namespace) -> None:
    """Reject argument combinations before anything is started.

    Raises:
        CliError: exit code 2, saying what to pass instead.
    """
    if args.destination is None and not args.emulator:
        raise CliError(
            ExitCode.USAGE,
            "pass the meeting number, SIP address or link to join "
            "(or --emulator alone to join a demo meeting on a local emulator)",
        )
    if args.seconds is not None and args.seconds <= 0:
        raise CliError(ExitCode.USAGE, f"--seconds must be positive, not {args.seconds:g}")
    if args.record is not None:
        target = Path(args.record)
        if target.suffix.lower() != ".wav":
            raise CliError(
                ExitCode.USAGE,
                f"--record writes WAV audio: name the file *.wav, not {target.name!r}",
            )
        if not target.resolve().parent.is_dir():
            raise CliError(
                ExitCode.USAGE, f"--record: the folder of {str(target)!r} does not exist"
            )


class _Join:
    def __init__(self, session: Session, args: argparse.Namespace, output: Output) -> None:
        self.webex = session.webex
        self.emulator = session.emulator
        self.args = args
        self.output = output
        self.destination: str = args.destination or ""
        self.meeting: Meeting | None = None
        self.recording = AudioRecording(args.record) if args.record else None
        self.ended = asyncio.Event()
        self._committed: list[asyncio.Task[Any]] = []

    # -- steps that must not be cut short ---------------------------------------------

    async def committed(self, step: Coroutine[Any, Any, T]) -> T:
        """Run ``step`` to its end even if the command is cancelled meanwhile."""
        task = asyncio.ensure_future(step)
        # If we were cancelled meanwhile, nobody awaits the result: mark it retrieved.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        self._committed.append(task)
        return await asyncio.shield(task)

    # -- the command --------------------------------------------------------------------

    async def run(self) -> ExitCode:
        try:
            if self.emulator is not None and not self.destination:
                self.destination = await self._demo_meeting()
            async with self.output.progress.step("registering the device"):
                await self.committed(self.webex.meetings.register())
            meeting = await self._create()
            await self._check_password(meeting)
            await self._join(meeting)
            await self._stay(meeting)
        finally:
            await self._cleanup()
        return ExitCode.OK

    async def _demo_meeting(self) -> str:
        assert self.emulator is not None
        room = await self.emulator.create_meeting_room(
            title="webex-meetings join demo", password=self.args.password, start=True
        )
        await self.emulator.add_participant(room["meetingId"], name="Alice")
        if self.recording is not None:  # something to hear: Alice hums an A
            await self.emulator.set_speaker_audio(room["meetingId"], 440.0)
        self.output.note(f"the emulator hosts a demo meeting: {room['meetingNumber']}")
        return str(room["meetingNumber"])

    async def _create(self) -> Meeting:
        destination = self.destination.strip()
        kind = None
        if _MEETING_NUMBER.match(destination):
            destination, kind = re.sub(r"[ -]", "", destination), "MEETING_ID"
        try:
            async with self.output.progress.step(f"looking up {self.destination}"):
                meeting = await self.webex.meetings.create(
                    destination, kind, fail_on_missing_meeting_info=True
                )
        except NoMeetingInfoError:
            raise CliError(
                ExitCode.MEETING,
                f"no meeting found for {self.destination}: check the number or pass --password",
            ) from None
        except (SpaceIDDeprecatedError, ParameterError) as exc:
            raise CliError(ExitCode.USAGE, f"cannot join {self.destination!r}: {exc}") from None
        self.meeting = meeting
        return meeting

    async def _check_password(self, meeting: Meeting) -> None:
        password = self.args.password
        if meeting.required_captcha:
            raise self._captcha_error()
        if meeting.password_status is not PasswordStatus.REQUIRED:
            return
        if not password:
            raise CliError(
                ExitCode.MEETING, f"meeting {self.destination} needs a password: pass --password"
            )
        async with self.output.progress.step("checking the password"):
            result = await meeting.verify_password(password)
        if result.required_captcha:
            raise self._captcha_error()
        if not result.is_password_valid:
            raise CliError(
                ExitCode.MEETING,
                f"the password for {self.destination} was rejected: check it "
                "(a host key works too)",
            )

    def _captcha_error(self) -> CliError:
        return CliError(
            ExitCode.MEETING,
            f"Webex wants a captcha for {self.destination} after wrong passwords; this "
            "command cannot show one: join once from a browser, then try again",
        )

    async def _join(self, meeting: Meeting) -> None:
        follow(meeting, self.output, self.ended)
        self.output.event(
            "joining", {"destination": self.destination}, text=f"joining {self.destination}"
        )
        host_key = self.args.host_key
        try:
            async with self.output.progress.step("joining the meeting"):
                await self.committed(
                    self._join_call(meeting, pin=host_key, moderator=True if host_key else None)
                )
        except IntentToJoinError:
            if host_key:
                raise CliError(
                    ExitCode.MEETING, f"the host key was not accepted for {self.destination}"
                ) from None
            # Locus asks whether to start the meeting as its host: wait as a guest instead.
            async with self.output.progress.step("joining as a guest"):
                await self.committed(self._join_call(meeting, moderator=False))
        fields = {
            "meetingNumber": meeting.meeting_number,
            "sipUri": meeting.sip_uri,
            "lifecycle": meeting.lifecycle.value,
        }
        self.output.event(
            "joined",
            fields,
            text=f"joined {meeting.sip_uri} (meeting number {meeting.meeting_number})",
        )
        if meeting.lifecycle is MeetingLifecycle.IN_LOBBY:
            self.output.event("lobby", text="waiting in the lobby for the host to admit you")
        if self.recording is not None:
            await self.recording.start(meeting)
            path = self.recording.path
            self.output.event("recording", {"path": path}, text=f"recording to {path}")

    def _join_call(self, meeting: Meeting, **options: Any) -> Coroutine[Any, Any, Any]:
        if self.recording is None:
            return meeting.join(**options)
        # Hear the meeting, send nothing, no video.
        return meeting.join_with_media(audio="recvonly", video=False, share=False, **options)

    async def _stay(self, meeting: Meeting) -> None:
        seconds = self.args.seconds
        hint = "in the meeting, Ctrl-C to leave"
        async with self.output.progress.step(hint, total=seconds) as step:
            started = time.monotonic()
            while not self.ended.is_set():
                step.done = time.monotonic() - started
                if seconds is not None and step.done >= seconds:
                    break
                wait = 0.25 if seconds is None else min(0.25, seconds - step.done)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.ended.wait(), max(wait, 0.01))
        if self.ended.is_set():
            self.output.event("ended", text="the meeting is over")

    # -- leaving ----------------------------------------------------------------------------

    async def _cleanup(self) -> None:
        async with self.output.progress.step("leaving"):
            pending = [task for task in self._committed if not task.done()]
            if pending:
                await self._bounded(asyncio.wait(pending), "finish joining")
            await self._finish_recording()
            await self._leave()
            device = self.webex.internal.device
            if self.webex.meetings.registered:
                await self._bounded(self.webex.meetings.unregister(), "unregister the device")
            elif device.registered:  # register() failed after WDM had made the device
                await self._bounded(device.unregister(), "unregister the device")

    async def _finish_recording(self) -> None:
        if self.recording is None or not self.recording.started:
            return
        try:
            seconds = await asyncio.wait_for(self.recording.stop(), CLEANUP_TIMEOUT)
        except Exception as exc:  # a broken file must not keep us in the meeting
            self.output.note(f"could not finish {self.recording.path}: {exc}")
            return
        self.output.event(
            "recorded",
            {"path": self.recording.path, "seconds": round(seconds or 0.0, 2)},
            text=f"recorded {seconds or 0.0:.1f} s of audio to {self.recording.path}",
        )

    async def _bounded(self, step: Awaitable[Any], what: str) -> None:
        try:
            await asyncio.wait_for(step, CLEANUP_TIMEOUT)
        except TimeoutError:
            self.output.note(f"could not {what} within {CLEANUP_TIMEOUT:g} s")
        except Exception as exc:
            self.output.note(f"could not {what}: {explain(exc).message}")

    async def _leave(self) -> None:
        meeting = self.meeting
        if meeting is None or meeting.lifecycle in (*_GONE, MeetingLifecycle.NEW):
            return
        try:
            await asyncio.wait_for(meeting.leave(), CLEANUP_TIMEOUT)
        except (MeetingNotActiveError, UserNotJoinedError):
            return
        except TimeoutError:
            self.output.note(f"could not leave the meeting within {CLEANUP_TIMEOUT:g} s")
            return
        except Exception as exc:
            self.output.note(f"could not leave the meeting: {explain(exc).message}")
            return
        self.output.event("left", text="left the meeting")


async def join(session: Session, args: argparse.Namespace, output: Output) -> ExitCode:
    """Join a meeting and stay until ``--seconds`` pass, the meeting ends or Ctrl-C."""
    return await _Join(session, args, output).run()
