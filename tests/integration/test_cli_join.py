"""``webex-meetings join``: lookups, passwords, and Ctrl-C leaving nothing behind."""

from __future__ import annotations

import array
import json
import logging
import math
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from webex_meetings.cli import main
from webex_meetings.emulator import ThreadedEmulator


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("WEBEX_ACCESS_TOKEN", raising=False)
    package = logging.getLogger("webex_meetings")
    level, handlers = package.level, list(package.handlers)
    yield
    package.setLevel(level)
    package.handlers[:] = handlers


@pytest.fixture
def emu() -> Iterator[ThreadedEmulator]:
    with ThreadedEmulator() as emulator:
        yield emulator


def against(emu: ThreadedEmulator, *args: str) -> list[str]:
    return [*args, "--u2c", emu.u2c_url, "--token", emu.access_token]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def joined_people(emu: ThreadedEmulator, meeting: str) -> set[str]:
    locus = emu.locus(meeting)
    return {p["id"] for p in locus.get("participants", []) if p.get("state") == "JOINED"}


def test_unknown_meeting_number_exits_4(
    emu: ThreadedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *against(emu, "join", "123"))
    assert code == 4
    assert "error: no meeting found for 123: check the number or pass --password" in err
    assert out == ""
    assert emu.devices() == []  # registered for the lookup, unregistered on the way out


def test_password_needed_wrong_and_right(
    emu: ThreadedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    room = emu.create_meeting_room(title="Board", password="Board-2024", start=True)
    number = room["meetingNumber"]

    code, _, err = run(capsys, *against(emu, "join", number))
    assert code == 4
    assert f"meeting {number} needs a password: pass --password" in err

    code, _, err = run(capsys, *against(emu, "join", number, "--password", "nope"))
    assert code == 4
    assert f"the password for {number} was rejected" in err

    spaced = f"{number[:3]} {number[3:6]} {number[6:]}"  # as people copy it
    args = against(emu, "join", spaced, "--password", "Board-2024", "--seconds", "0.5")
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    names = [event["event"] for event in events]
    assert names[0] == "joining"
    assert names[-2:] == ["joined", "left"] or names[-1] == "left"
    joined = next(event for event in events if event["event"] == "joined")
    assert joined["meetingNumber"] == number
    assert joined["lifecycle"] == "joined"
    assert emu.devices() == []
    assert joined_people(emu, room["meetingId"]) == set()


def test_join_by_sip_prints_the_roster(
    emu: ThreadedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    room = emu.create_meeting_room(title="Roster", start=True)
    emu.add_participant(room["meetingId"], name="Alice")
    code, out, err = run(capsys, *against(emu, "join", room["sipUrl"], "--seconds", "0.5"))
    assert code == 0, err
    assert f"joined {room['sipUrl']} (meeting number {room['meetingNumber']})" in out
    assert "  Alice: is in the meeting" in out
    assert out.endswith("left the meeting\n")


def test_lobby_is_reported(emu: ThreadedEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    room = emu.create_meeting_room(title="Lobby", lobby=True, start=True)
    code, out, err = run(capsys, *against(emu, "join", room["sipUrl"], "--seconds", "0.5"))
    assert code == 0, err
    assert "waiting in the lobby for the host to admit you" in out


def test_demo_meeting_on_a_fresh_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "join", "--emulator", "--seconds", "0.5")
    assert code == 0, err
    assert "the emulator hosts a demo meeting" in err
    assert "  Alice: is in the meeting" in out


# -- Ctrl-C, in a real process --------------------------------------------------------


class _Process:
    """``webex-meetings`` in a subprocess whose JSON lines can be awaited."""

    def __init__(self, *args: str, prefix: list[str] | None = None) -> None:
        env = {k: v for k, v in os.environ.items() if k != "WEBEX_ACCESS_TOKEN"}
        self.proc = subprocess.Popen(
            [sys.executable, *(prefix or ["-m", "webex_meetings.cli"]), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self._lines: queue.Queue[str] = queue.Queue()
        stream = self.proc.stdout
        assert stream is not None
        threading.Thread(target=lambda: [self._lines.put(x) for x in stream], daemon=True).start()

    def wait_event(self, name: str, timeout: float = 60) -> dict[str, Any]:
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                self.proc.kill()
                pytest.fail(f"no {name!r} event; stderr: {self.stderr()}")
            event: dict[str, Any] = json.loads(line)
            if event["event"] == name:
                return event

    def interrupt(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()

    def stderr(self) -> str:
        assert self.proc.stderr is not None
        return self.proc.stderr.read()


def test_ctrl_c_in_the_meeting_leaves_and_unregisters(emu: ThreadedEmulator) -> None:
    room = emu.create_meeting_room(title="Ctrl-C", start=True)
    alice = emu.add_participant(room["meetingId"], name="Alice")
    cli = _Process(*against(emu, "join", room["sipUrl"], "--json"))
    cli.wait_event("joined")
    # Inside the meeting: one device, and us next to Alice.
    assert len(emu.devices()) == 1
    assert len(joined_people(emu, room["meetingId"])) == 2

    code = cli.interrupt()
    stderr = cli.stderr()
    assert code == 130, stderr
    assert "interrupted: cleaning up" in stderr
    assert "Traceback" not in stderr
    assert emu.devices() == []
    assert joined_people(emu, room["meetingId"]) == {alice}


def test_ctrl_c_during_the_join_request_still_leaves(emu: ThreadedEmulator) -> None:
    room = emu.create_meeting_room(title="Slow join", start=True)
    # Hold the Locus join for a while, so that Ctrl-C lands while it is in flight.
    for path in ("*/participant", "*/loci/call"):
        emu.add_fault(path, method="POST", latency_ms=2500)
    cli = _Process(*against(emu, "join", room["meetingNumber"], "--json"))
    cli.wait_event("joining")

    code = cli.interrupt()
    stderr = cli.stderr()
    assert code == 130, stderr
    joins = emu.requests(method="POST", path="*/participant") + emu.requests(
        method="POST", path="*/loci/call"
    )
    assert len(joins) == 1  # the join did reach Locus...
    assert emu.requests(method="PUT", path="*/leave")  # ...and was undone
    assert emu.devices() == []
    assert joined_people(emu, room["meetingId"]) == set()


# -- --record -------------------------------------------------------------------------

_LOOPBACK_ICE = (
    "import aioice.ice, sys; "
    "aioice.ice.get_host_addresses = lambda *a, **k: ['127.0.0.1']; "
    "from webex_meetings.cli import main; sys.exit(main(sys.argv[1:]))"
)


@pytest.fixture
def loopback_ice(monkeypatch: pytest.MonkeyPatch) -> None:
    # aioice never offers 127.0.0.1 itself; keep both ends of the media on loopback.
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda *_, **__: ["127.0.0.1"])


def wav_level(path: Path) -> tuple[float, float]:
    """Seconds of audio in a 16-bit WAV file, and its RMS level (0..1)."""
    with wave.open(str(path), "rb") as audio:
        assert audio.getsampwidth() == 2
        frames = audio.readframes(audio.getnframes())
        seconds = audio.getnframes() / audio.getframerate()
    samples = array.array("h", frames)
    if not samples:
        return seconds, 0.0
    return seconds, math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768


@pytest.mark.slow
def test_record_writes_the_meetings_audio(
    emu: ThreadedEmulator,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    loopback_ice: None,
) -> None:
    room = emu.create_meeting_room(title="Recorded", start=True)
    emu.set_speaker_audio(room["meetingId"], 440.0)
    target = tmp_path / "meeting.wav"
    args = ["join", room["sipUrl"], "--record", str(target), "--seconds", "1.5", "--json"]
    code, out, err = run(capsys, *against(emu, *args))
    assert code == 0, err
    events = {event["event"]: event for event in map(json.loads, out.splitlines())}
    assert events["recording"]["path"] == str(target)
    seconds, level = wav_level(target)
    assert events["recorded"]["seconds"] == pytest.approx(seconds, abs=0.01)
    assert seconds > 0.5
    assert level > 0.01  # the speaker's tone, not silence
    assert emu.devices() == []


@pytest.mark.slow
def test_ctrl_c_while_recording_finishes_the_file(
    emu: ThreadedEmulator, tmp_path: Path, loopback_ice: None
) -> None:
    room = emu.create_meeting_room(title="Recorded, interrupted", start=True)
    emu.set_speaker_audio(room["meetingId"], 440.0)
    target = tmp_path / "interrupted.wav"
    cli = _Process(
        *against(emu, "join", room["sipUrl"], "--record", str(target), "--json"),
        prefix=["-c", _LOOPBACK_ICE],
    )
    cli.wait_event("recording")
    assert len(joined_people(emu, room["meetingId"])) == 1
    deadline = time.monotonic() + 30
    while not (target.exists() and target.stat().st_size > 8000):  # some audio is in
        assert time.monotonic() < deadline, "nothing was recorded"
        time.sleep(0.05)
    code = cli.interrupt()
    assert code == 130, cli.stderr()
    # The WAV header gets its sizes when the file is finished: an unfinished one reads
    # as empty.
    seconds, level = wav_level(target)
    assert seconds > 0
    assert level > 0.01
    assert emu.devices() == []
    assert joined_people(emu, room["meetingId"]) == set()
