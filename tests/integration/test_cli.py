"""``webex-meetings`` whoami, rooms, messages and errors, against emulators on loopback."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from webex_meetings.cli import ExitCode, main
from webex_meetings.emulator import ThreadedEmulator

ADVICE_401 = (
    "the token was rejected (401): get a new one at "
    "https://developer.webex.com/docs/getting-started or pass --emulator"
)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The command configures the package logger, as a program may; other tests expect
    # it untouched.
    monkeypatch.delenv("WEBEX_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("WEBEX_LOG", raising=False)
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


def test_help_lists_commands_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    text = capsys.readouterr().out
    for command in ("emulator", "whoami", "rooms", "messages", "join"):
        assert command in text
    for line in ("0    ok", "3    authentication failure", "130  interrupted"):
        assert line in text
    with pytest.raises(SystemExit):
        main(["join", "--help"])
    join_help = capsys.readouterr().out
    assert "--record FILE.wav" in join_help
    assert "4    meeting not found, or its password is needed or wrong" in join_help


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys)
    assert code == ExitCode.USAGE == 2
    assert "usage: webex-meetings" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["whoami"], "no access token: pass --token or set WEBEX_ACCESS_TOKEN"),
        (["whoami", "--emulator", "--token", "abc"], "--emulator runs its own cloud"),
        (["rooms", "list", "--u2c", "ftp://x", "--token", "a"], "is not an http(s) URL"),
        (["join", "--token", "a"], "pass the meeting number, SIP address or link to join"),
        (["join", "123", "--emulator", "--seconds", "0"], "--seconds must be positive"),
        (["join", "123", "--emulator", "--record", "out.mp3"], "name the file *.wav"),
    ],
)
def test_usage_errors_exit_2_and_say_what_to_do(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert out == ""


def test_argparse_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["messages", "send", "hello"])  # neither --room nor --to
    assert exited.value.code == 2
    assert "one of the arguments --room --to is required" in capsys.readouterr().err


def test_whoami_on_a_fresh_emulator(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "whoami", "--emulator")
    assert code == 0, err
    assert out.startswith("Emulated User <user@example.com>\n")
    assert "using a fresh local emulator at http://127.0.0.1:" in err
    # Options may also come before the command.
    code, out, _ = run(capsys, "--emulator", "--json", "whoami")
    assert code == 0
    me = json.loads(out)
    assert me["displayName"] == "Emulated User"
    assert me["emails"] == ["user@example.com"]


def test_token_from_the_environment(
    emu: ThreadedEmulator, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEBEX_ACCESS_TOKEN", emu.access_token)
    code, out, err = run(capsys, "whoami", "--u2c", emu.u2c_url, "--json")
    assert code == 0, err
    assert json.loads(out)["id"] == emu.person_id


def test_rooms_and_messages_round_trip(
    emu: ThreadedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, *against(emu, "rooms", "create", "Standup", "--json"))
    assert code == 0, err
    room = json.loads(out)
    assert room["title"] == "Standup"

    code, out, _ = run(capsys, *against(emu, "rooms", "create", "Retro"))
    assert code == 0
    assert out.startswith("created room 'Retro': ")

    code, out, _ = run(capsys, *against(emu, "rooms", "list", "--json"))
    assert code == 0
    assert sorted(r["title"] for r in json.loads(out)) == ["Retro", "Standup"]
    code, out, _ = run(capsys, *against(emu, "rooms", "list", "--limit", "1", "--json"))
    assert len(json.loads(out)) == 1

    for text in ("first", "second **bold**"):
        flags = ["--markdown"] if "**" in text else []
        code, out, err = run(
            capsys, *against(emu, "messages", "send", "--room", room["id"], text, *flags)
        )
        assert code == 0, err
        assert f"to room {room['id']}" in out

    code, out, _ = run(capsys, *against(emu, "messages", "list", "--room", room["id"]))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].endswith("user@example.com: first")  # oldest first
    assert "second" in lines[1]
    code, out, _ = run(capsys, *against(emu, "messages", "list", "--room", room["id"], "--json"))
    listed = json.loads(out)
    assert [m["text"] for m in listed] == ["first", "second bold"]
    assert listed[1]["markdown"] == "second **bold**"


def test_direct_message_by_email(emu: ThreadedEmulator, capsys: pytest.CaptureFixture[str]) -> None:
    emu.create_user(display_name="Alice", email="alice@example.com")
    code, out, err = run(
        capsys, *against(emu, "messages", "send", "--to", "alice@example.com", "hi", "--json")
    )
    assert code == 0, err
    message: dict[str, Any] = json.loads(out)
    assert message["text"] == "hi"
    assert message["roomType"] == "direct"


def test_rejected_token_exits_3_with_advice(
    emu: ThreadedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    user = emu.create_user(display_name="Expired", email="expired@example.com")
    emu.expire_token(user["accessToken"])
    code, out, err = run(capsys, "whoami", "--u2c", emu.u2c_url, "--token", user["accessToken"])
    assert code == ExitCode.AUTH == 3
    assert ADVICE_401 in err
    assert user["accessToken"] not in err
    assert out == ""


def test_not_a_webex_token_exits_3(capsys: pytest.CaptureFixture[str]) -> None:
    # Decided before any request: the token does not even name an org.
    code, _, err = run(capsys, "whoami", "--token", "not-a-token")
    assert code == 3
    assert "it is not a Webex access token" in err


def test_api_error_exits_1_with_the_server_message(
    emu: ThreadedEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, *against(emu, "messages", "list", "--room", "no-such-room"))
    assert code == ExitCode.API_ERROR == 1
    assert "error: Webex answered 4" in err
    assert "/messages" in err


def test_unreachable_deployment_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "whoami",
        "--u2c",
        "http://127.0.0.1:9/u2c/api/v1",
        "--token",
        "aa_bb_7f1c9b2e-0000-4000-8000-000000000000",
    )
    assert code == 1
    assert "check the network or --u2c" in err
