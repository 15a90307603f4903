"""The ``webex-meetings`` command line: ``demo`` and ``emulator``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from webex_meetings._version import __version__

__all__ = ["main"]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="webex-meetings",
        description="Webex meetings from Python: run the demo or the local Webex cloud emulator.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
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
            "Serve the Webex cloud emulator on loopback with a seeded org and user. "
            "Point the SDK at it with config={'services': {'discovery': {'u2c': U2C_URL}}}."
        ),
    )
    emulator.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    emulator.add_argument("--port", type=int, default=0, help="port to bind (default: any free)")
    emulator.add_argument(
        "--json", action="store_true", help="print one JSON line with the URLs and tokens"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``webex-meetings`` command; returns the exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from webex_meetings.demo import run_demo

        return run_demo()
    if args.command == "emulator":
        from webex_meetings.emulator.cli import main as emulator_main

        forwarded = ["--host", args.host, "--port", str(args.port)]
        if args.json:
            forwarded.append("--json")
        return emulator_main(forwarded)
    parser.print_help()
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
