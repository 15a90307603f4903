"""The argument parser of ``webex-meetings``: subcommands, shared options, help texts."""

from __future__ import annotations

import argparse
from typing import Any, Final

from webex_meetings._version import __version__
from webex_meetings.cli._errors import EXIT_CODES_HELP

__all__ = ["build_parser"]

_ENVIRONMENT: Final = """\
environment:
  WEBEX_ACCESS_TOKEN  the access token, when --token is not given (safer: a token on
                      the command line shows up in the process list)
"""

_EPILOG: Final = EXIT_CODES_HELP + "\n" + _ENVIRONMENT


def _connection_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """Add the options every Webex subcommand shares.

    They are accepted before and after the subcommand name. Below the top level their
    default is SUPPRESS, so a subcommand that does not repeat an option keeps the value
    given before it.
    """

    def default(value: Any) -> Any:
        return value if top else argparse.SUPPRESS

    group = parser.add_argument_group("connection and output")
    group.add_argument(
        "--token", default=default(None), help="access token (default: $WEBEX_ACCESS_TOKEN)"
    )
    group.add_argument(
        "--emulator",
        action="store_true",
        default=default(False),
        help="run against a fresh in-process Webex emulator (offline, no token needed)",
    )
    group.add_argument(
        "--u2c",
        metavar="URL",
        default=default(None),
        help="U2C catalog URL of another deployment (e.g. a running `webex-meetings emulator`)",
    )
    group.add_argument(
        "--json", action="store_true", default=default(False), help="print JSON for scripts"
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default(0),
        help="log SDK activity on stderr (-vv for debug)",
    )


def _subcommand(commands: Any, name: str, help: str, description: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help,
        description=description,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _connection_options(parser, top=False)
    return parser


def _rooms(commands: Any) -> None:
    rooms = _subcommand(
        commands, "rooms", "list or create rooms (spaces)", "List or create Webex rooms."
    )
    actions = rooms.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = _subcommand(
        actions, "list", "list your rooms", "List your rooms, most recently active first."
    )
    listing.add_argument("--limit", type=int, default=100, help="at most this many (100)")
    listing.add_argument("--type", choices=["group", "direct"], help="only this kind of room")
    create = _subcommand(actions, "create", "create a room", "Create a room; prints its id.")
    create.add_argument("title", help="the room's title")


def _messages(commands: Any) -> None:
    messages = _subcommand(
        commands, "messages", "list or send messages", "List or send Webex messages."
    )
    actions = messages.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = _subcommand(
        actions, "list", "list a room's messages", "Print a room's latest messages, oldest first."
    )
    listing.add_argument("--room", required=True, metavar="ROOM_ID", help="the room's id")
    listing.add_argument("--limit", type=int, default=50, help="at most this many (50)")
    send = _subcommand(
        actions, "send", "send a message", "Send a message to a room or to a person."
    )
    where = send.add_mutually_exclusive_group(required=True)
    where.add_argument("--room", metavar="ROOM_ID", help="post in this room")
    where.add_argument("--to", metavar="EMAIL", help="send a 1:1 message to this person")
    send.add_argument("--markdown", action="store_true", help="the text is Markdown")
    send.add_argument("text", help="the message")


def _join(commands: Any) -> None:
    join = _subcommand(
        commands,
        "join",
        "join a meeting (optionally recording its audio)",
        "Join a meeting by number, SIP address or link; print who comes and goes; "
        "leave after --seconds, when the meeting ends, or on Ctrl-C (which leaves the "
        "meeting and unregisters the device first).",
    )
    join.add_argument(
        "destination",
        nargs="?",
        help="meeting number, SIP address or meeting link (with --emulator alone: a demo "
        "meeting on the emulator)",
    )
    join.add_argument("--password", help="the meeting password (or host key), if it needs one")
    join.add_argument("--host-key", help="join as the host with this host key")
    join.add_argument(
        "--record", metavar="FILE.wav", help="record the meeting's audio to this WAV file"
    )
    join.add_argument("--seconds", type=float, help="leave after this many seconds (default: stay)")


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``webex-meetings`` command."""
    parser = argparse.ArgumentParser(
        prog="webex-meetings",
        description=(
            "Webex meetings and messaging from the command line, against the Webex cloud "
            "or a local emulator."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _connection_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "demo",
        help="walk through the SDK against a built-in emulator (offline)",
        description="Start the emulator in-process and run the SDK against it, step by step.",
    )
    emulator = commands.add_parser(
        "emulator",
        help="run the local Webex cloud emulator until interrupted",
        description=(
            "Serve the Webex cloud emulator on loopback with a seeded org and user, and print "
            "its URLs and tokens. Point the SDK at it with "
            "config={'services': {'discovery': {'u2c': U2C_URL}}}, or another "
            "webex-meetings command with --u2c U2C_URL --token ACCESS_TOKEN."
        ),
    )
    emulator.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    emulator.add_argument("--port", type=int, default=0, help="port to bind (default: any free)")
    emulator.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print one JSON line with the URLs and tokens",
    )
    _subcommand(commands, "whoami", "show who the token belongs to", "Print the token's user.")
    _rooms(commands)
    _messages(commands)
    _join(commands)
    return parser
