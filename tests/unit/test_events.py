"""The emitter: JS event names, listener isolation, wait_for."""

from __future__ import annotations

import asyncio
import logging

import pytest

from webex_meetings import EVENTS, EventEmitter


async def test_raising_listener_does_not_break_emit(caplog: pytest.LogCaptureFixture) -> None:
    emitter = EventEmitter()
    seen: list[int] = []

    def bad(value: int) -> None:
        raise RuntimeError("listener bug")

    emitter.on("tick", bad)
    emitter.on("tick", seen.append)
    with caplog.at_level(logging.ERROR):
        emitter.emit("tick", 1)
        emitter.emit("tick", 2)
    assert seen == [1, 2]
    assert "listener bug" in caplog.text


async def test_listener_error_reemitted_as_error() -> None:
    emitter = EventEmitter()
    errors: list[BaseException] = []
    emitter.on("error", errors.append)

    async def bad() -> None:
        raise ValueError("async listener bug")

    emitter.on("tick", bad)
    emitter.emit("tick")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert [str(e) for e in errors] == ["async listener bug"]


async def test_once_and_off() -> None:
    emitter = EventEmitter()
    seen: list[str] = []
    emitter.once(EVENTS.READY, lambda: seen.append("once"))
    emitter.on("x", seen.append)
    emitter.emit(EVENTS.READY)
    emitter.emit(EVENTS.READY)
    emitter.emit("x", "a")
    emitter.off("x")
    emitter.emit("x", "b")
    assert seen == ["once", "a"]


async def test_wait_for_with_check_and_timeout() -> None:
    emitter = EventEmitter()
    loop = asyncio.get_running_loop()
    loop.call_soon(emitter.emit, "n", 1)
    loop.call_later(0.01, emitter.emit, "n", 2)
    assert await emitter.wait_for("n", timeout=1, check=lambda v: v == 2) == 2
    with pytest.raises(TimeoutError, match="'never'"):
        await emitter.wait_for("never", timeout=0.01)
    assert emitter.listeners("n") == []


def test_event_names_are_the_js_strings() -> None:
    assert EVENTS.MEETINGS_REGISTERED == "meetings:registered"
    assert EVENTS.MEETING_STATE_CHANGE == "meeting:stateChange"
    assert EVENTS.MEDIA_READY == "media:ready"
