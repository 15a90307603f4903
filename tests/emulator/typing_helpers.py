"""Static check of the helpers' types: ``mypy tests/emulator/typing_helpers.py``.

Not collected by pytest; mypy must accept it without errors.
"""

from __future__ import annotations

from typing import Any, assert_type

from webex_meetings.emulator import Emulator, ThreadedEmulator


async def async_helpers(emu: Emulator) -> None:
    assert_type(await emu.add_fault("/v1/people/me", status=429, retry_after="1"), str)
    assert_type(await emu.clear_faults(), int)
    assert_type(await emu.reset(), None)
    assert_type(await emu.create_meeting_room(start=True), dict[str, Any])
    assert_type(await emu.requests(method="GET"), list[dict[str, Any]])
    assert_type(await emu.drop_mercury(code=1005), int)


def sync_helpers(emu: ThreadedEmulator) -> None:
    assert_type(emu.add_fault("/v1/people/me", status=503), str)
    assert_type(emu.clear_faults(), int)
    assert_type(emu.reset(), None)
    assert_type(emu.mute_participant("m", "p", False, video=True), None)
    assert_type(emu.publish_event({"eventType": "x"}, email="a@b.c"), str)
