"""Command line: ``python -m webex_meetings.emulator`` serves the emulator until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import Emulator

_MISSING_EXTRA = (
    "The Webex emulator needs starlette and uvicorn.\n"
    "Install them with: pip install 'webex-meetings[emulator]'"
)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the emulator command."""
    parser = argparse.ArgumentParser(
        prog="python -m webex_meetings.emulator",
        description="Run a local Webex cloud emulator until SIGINT or SIGTERM.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free)")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON line with URLs and credentials"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator command.

    Args:
        argv: Arguments without the program name; ``sys.argv[1:]`` by default.

    Returns:
        0 after a clean stop, 1 when the address cannot be bound, 2 when the
        ``[emulator]`` extra is missing.
    """
    args = build_parser().parse_args(argv)
    try:
        from .server import Emulator
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in ("starlette", "uvicorn"):
            print(_MISSING_EXTRA, file=sys.stderr)
            return 2
        raise
    try:
        emulator = Emulator(args.host, args.port)
        return asyncio.run(_serve(emulator, as_json=args.json))
    except OSError as exc:
        print(f"Cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1


def _describe(emulator: Emulator) -> dict[str, Any]:
    # These are the emulator's own throw-away credentials; printing them is the point.
    return {
        "base_url": emulator.base_url,
        "u2c_url": emulator.u2c_url,
        "hydra_url": emulator.hydra_url,
        "access_token": emulator.access_token,
        "refresh_token": emulator.refresh_token,
        "client_id": emulator.client_id,
        "client_secret": emulator.client_secret,
        "org_id": emulator.org_id,
        "org_uuid": emulator.org_uuid,
        "person_id": emulator.person_id,
        "person_email": emulator.person_email,
    }


def _summary(info: dict[str, Any]) -> str:
    config = {"services": {"discovery": {"u2c": info["u2c_url"]}}}
    return "\n".join(
        [
            f"Webex cloud emulator listening on {info['base_url']}",
            f"  U2C catalog:   {info['u2c_url']}",
            f"  Hydra REST:    {info['hydra_url']}",
            f"  Control API:   {info['base_url']}/_emulator/",
            f"  User:          {info['person_email']}",
            f"  Access token:  {info['access_token']}",
            f"  Refresh token: {info['refresh_token']}",
            f"  OAuth client:  {info['client_id']} / {info['client_secret']}",
            "Point the SDK at it:",
            f"  Webex.init(credentials={{'access_token': '{info['access_token']}'}},",
            f"             config={json.dumps(config)})",
            "Press Ctrl+C to stop.",
        ]
    )


async def _serve(emulator: Emulator, *, as_json: bool) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
            installed.append(sig)
        except NotImplementedError:  # Windows event loops
            signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
    try:
        async with emulator:
            info = _describe(emulator)
            print(json.dumps(info) if as_json else _summary(info), flush=True)
            await stop.wait()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
    return 0
