"""Local Webex cloud emulator: real HTTP on loopback, written from the protocol documents.

Run it in-process with ``async with Emulator() as emu:`` (same event loop), from sync code
or pytest with ``with ThreadedEmulator() as emu:`` (own thread), or from a shell with
``python -m webex_meetings.emulator``. Point the SDK at it with
``config={"services": {"discovery": {"u2c": emu.u2c_url}}}``.

The server classes need the ``[emulator]`` extra (starlette, uvicorn). They are imported
lazily so that importing this package (which the pytest plugin does) never needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import Emulator, ThreadedEmulator

__all__ = ["Emulator", "ThreadedEmulator"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
