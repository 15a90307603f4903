"""meetings.register()/unregister() against the emulator's WDM and Mercury."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from webex_meetings import MemoryStoreAdapter, Webex
from webex_meetings.emulator import Emulator


def fast(emulator: Emulator) -> dict[str, Any]:
    """Quick reconnects; the emulator's loopback host as an allowed domain (U2C service catalog)."""
    return {
        "mercury": {"backoffTimeReset": 20, "backoffTimeMax": 100, "connectTimeout": 5},
        "services": {
            "discovery": {"u2c": emulator.u2c_url},
            "allowedDomains": ["127.0.0.1", "localhost"],
        },
    }


async def _shutdown(webex: Webex) -> None:
    await webex.internal.mercury.disconnect()
    await webex.internal.device.close()


async def test_register_unregister_round_trip(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = connect(config=fast(emulator))
    registered = asyncio.ensure_future(webex.meetings.wait_for("meetings:registered", timeout=10))
    await asyncio.sleep(0)
    await webex.meetings.register()
    await registered
    assert webex.meetings.registered
    assert webex.internal.mercury.connected
    devices = await emulator.devices()
    assert [d["url"] for d in devices] == [webex.internal.device.url]
    await webex.meetings.register()  # harmless
    assert len(await emulator.devices()) == 1

    await webex.meetings.unregister()
    assert not webex.meetings.registered
    assert not webex.internal.mercury.connected
    assert await emulator.devices() == []


async def test_restart_reuses_the_device(emulator: Emulator, connect: Callable[..., Webex]) -> None:
    store = MemoryStoreAdapter()
    first = connect(config=fast(emulator), storage=store)
    await first.meetings.register()
    url = first.internal.device.url
    await _shutdown(first)  # a crash: no unregister

    second = connect(config=fast(emulator), storage=store)
    await second.meetings.register()
    assert second.internal.device.url == url
    assert [d["url"] for d in await emulator.devices()] == [url]
    await second.meetings.unregister()


async def test_forced_drops_end_connected_with_events_once(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = connect(config=fast(emulator))
    await webex.meetings.register()
    mercury = webex.internal.mercury
    device_url = webex.internal.device.url
    received: list[str] = []
    mercury.on("event:locus.difference", lambda e: received.append(e["id"]))
    sent: list[str] = []
    for code in (1006, 1011, 1001):
        online = asyncio.ensure_future(mercury.wait_for("online", timeout=10))
        await asyncio.sleep(0)
        await emulator.drop_mercury(device_url=device_url, code=code)
        await online
        event: dict[str, Any] = {"eventType": "locus.difference", "locus": {"url": "l"}}
        sent.append(await emulator.publish_event(event, device_url=device_url))
    await mercury.wait_for("event", timeout=5, check=lambda e: e["id"] == sent[-1])
    await asyncio.sleep(0.1)
    assert received == sent
    assert mercury.connected
    await webex.meetings.unregister()
