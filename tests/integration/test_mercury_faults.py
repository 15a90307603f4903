"""Mercury and the WDM device under forced faults, against the emulator over real sockets.

Keep-alive, close codes, reconnect and the device refresh: socket drops with every
reconnectable close code, pong timeouts, fatal and re-auth close codes, device expiry
and refused connection attempts. Backoff and keep-alive timings are shrunk through
config so each test takes well under a few seconds; waits are bounded by timeouts,
never asserted as durations.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from webex_meetings import Webex
from webex_meetings._exceptions import MercuryConnectionClosed, MercuryError
from webex_meetings.emulator import Emulator
from webex_meetings.internal.mercury import MercuryState

from .conftest import refreshable

WAIT = 10.0
"""Upper bound of any single wait; generous for a loaded 2-core machine."""

# Close codes after which an established client must reconnect, with reasons.
RECONNECTABLE: list[tuple[int, str]] = [
    (1006, ""),
    (1001, "going away"),
    (1011, "server error"),
    (1005, ""),
    (1000, "idle"),
    (1000, "Pong mismatch"),
]


def fast(emulator: Emulator, **mercury: Any) -> dict[str, Any]:
    """Config with a tiny backoff and the emulator's loopback host allowed."""
    return {
        "mercury": {
            "backoffTimeReset": 10,
            "backoffTimeMax": 50,
            "connectTimeout": 5,
            "forceCloseDelay": 500,
            **mercury,
        },
        "services": {
            "discovery": {"u2c": emulator.u2c_url},
            "allowedDomains": ["127.0.0.1", "localhost"],
        },
    }


def locus_event(n: int) -> dict[str, Any]:
    return {"eventType": "locus.difference", "locus": {"url": f"https://locus/{n}"}}


class Recorder:
    """Collects the ids of envelopes a listener saw, and Mercury lifecycle events."""

    def __init__(self, webex: Webex) -> None:
        self.ids: list[str] = []
        self.lifecycle: list[str] = []
        self.errors: list[BaseException] = []
        mercury = webex.internal.mercury
        mercury.on("event:locus.difference", lambda envelope: self.ids.append(envelope["id"]))
        for name in ("online", "offline.transient", "offline.permanent", "offline.replaced"):
            mercury.on(name, self._lifecycle(name))
        mercury.on("error", self.errors.append)

    def _lifecycle(self, name: str) -> Callable[..., None]:
        def listener(*_: Any) -> None:
            self.lifecycle.append(name)

        return listener


async def publish_and_wait(emulator: Emulator, webex: Webex, n: int) -> str:
    """Publish one event to the client's device and wait until its listener had it."""
    mercury = webex.internal.mercury
    device_url = webex.internal.device.url
    waiter = asyncio.ensure_future(
        mercury.wait_for("event:locus.difference", timeout=WAIT, check=lambda e: e["id"] == sent)
    )
    await asyncio.sleep(0)  # the listener is installed before the frame can arrive
    sent = await emulator.publish_event(locus_event(n), device_url=device_url)
    await waiter
    return sent


async def drop_and_wait_online(emulator: Emulator, webex: Webex, code: int, reason: str) -> None:
    online = asyncio.ensure_future(webex.internal.mercury.wait_for("online", timeout=WAIT))
    await asyncio.sleep(0)
    dropped = await emulator.drop_mercury(
        device_url=webex.internal.device.url, code=code, reason=reason
    )
    assert dropped == 1
    await online


async def registered(connect: Callable[..., Webex], emulator: Emulator, **kw: Any) -> Webex:
    config = kw.pop("config", None) or fast(emulator)
    webex = connect(config=config, **kw)
    await webex.meetings.register()
    assert webex.internal.mercury.connected
    return webex


async def test_fifty_drops_deliver_every_event_exactly_once(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await registered(connect, emulator)
    seen = Recorder(webex)
    device_url = webex.internal.device.url
    sent: list[str] = [await publish_and_wait(emulator, webex, 0)]
    codes = itertools.islice(itertools.cycle(RECONNECTABLE), 50)
    for n, (code, reason) in enumerate(codes, start=1):
        await drop_and_wait_online(emulator, webex, code, reason)
        sent.append(await publish_and_wait(emulator, webex, 2 * n))
        sent.append(await publish_and_wait(emulator, webex, 2 * n + 1))
    await asyncio.sleep(0.05)  # room for a late duplicate to show up

    assert seen.ids == sent  # each exactly once, in order
    assert len(set(sent)) == 101
    assert seen.lifecycle == ["offline.transient", "online"] * 50
    assert seen.errors == []
    mercury = webex.internal.mercury
    assert mercury.connected
    assert [d["url"] for d in await emulator.devices()] == [device_url]
    live = await emulator.mercury_connections()
    assert len(live) == 1
    assert live[0]["deviceUrl"] == device_url
    history = await emulator.mercury_connections(include_closed=True)
    assert len(history) == 51  # one socket per drop, plus the first one
    acked = {ack for connection in history for ack in connection["acks"]}
    assert set(sent) <= acked  # every delivered event was acked on its socket
    await webex.meetings.unregister()
    assert await emulator.devices() == []


async def test_missing_pongs_close_the_socket_and_it_reconnects(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    config = fast(emulator, pingInterval=50, pongTimeout=300)
    webex = await registered(connect, emulator, config=config)
    seen = Recorder(webex)
    mercury = webex.internal.mercury
    device_url = webex.internal.device.url
    offline = asyncio.ensure_future(mercury.wait_for("offline", timeout=WAIT))
    await asyncio.sleep(0)
    await emulator.stop_mercury_pongs(device_url=device_url)
    close = await offline
    assert isinstance(close, MercuryConnectionClosed)
    assert (close.code, close.reason) == (1000, "Pong not received")
    online = asyncio.ensure_future(mercury.wait_for("online", timeout=WAIT))
    await asyncio.sleep(0)
    await emulator.clear_mercury_faults()
    await online
    assert seen.lifecycle[:2] == ["offline.transient", "online"]
    assert mercury.connected
    await mercury.wait_for("ping-pong-latency", timeout=WAIT)  # pongs flow again
    await publish_and_wait(emulator, webex, 1)
    assert [d["url"] for d in await emulator.devices()] == [device_url]
    closed = [c for c in await emulator.mercury_connections(include_closed=True) if not c["open"]]
    assert len(closed) == 1
    assert closed[0]["closedBy"] == "client"
    assert closed[0]["closeCode"] == 1000
    assert closed[0]["pingsIgnored"] == 1  # one unanswered ping was enough
    await webex.meetings.unregister()


@pytest.mark.parametrize("code", [4400, 4403])
async def test_fatal_code_while_reconnecting_stops_with_an_error(
    emulator: Emulator, connect: Callable[..., Webex], code: int
) -> None:
    webex = await registered(connect, emulator)
    seen = Recorder(webex)
    mercury = webex.internal.mercury
    await emulator.refuse_mercury(5, code=code, reason="not entitled")
    error = asyncio.ensure_future(mercury.wait_for("error", timeout=WAIT))
    await asyncio.sleep(0)
    await emulator.drop_mercury(device_url=webex.internal.device.url, code=1006)
    failure = await error
    assert isinstance(failure, MercuryConnectionClosed)
    assert failure.code == code
    assert mercury.error is failure
    assert mercury.state is MercuryState.DISCONNECTED
    await asyncio.sleep(0.2)  # a client that kept retrying would consume more refusals
    faults = await emulator.mercury_faults()
    assert [f["count"] for f in faults] == [4]  # exactly one attempt was refused
    assert seen.lifecycle == ["offline.transient"]
    assert not mercury.connected


async def test_fatal_code_on_the_first_connect_raises(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = connect(config=fast(emulator))
    await webex.internal.device.register()
    await emulator.refuse_mercury(3, code=4403, reason="Forbidden")
    errors: list[BaseException] = []
    webex.internal.mercury.on("error", errors.append)
    with pytest.raises(MercuryConnectionClosed) as info:
        await webex.internal.mercury.connect()
    assert info.value.code == 4403
    assert errors == [info.value]
    assert [f["count"] for f in await emulator.mercury_faults()] == [2]
    await webex.internal.device.unregister()


async def test_replaced_close_stops_without_an_error(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await registered(connect, emulator)
    seen = Recorder(webex)
    mercury = webex.internal.mercury
    replaced = asyncio.ensure_future(mercury.wait_for("offline.replaced", timeout=WAIT))
    await asyncio.sleep(0)
    await emulator.drop_mercury(device_url=webex.internal.device.url, code=4000, reason="replaced")
    await replaced
    await asyncio.sleep(0.2)
    assert mercury.state is MercuryState.DISCONNECTED
    assert seen.errors == []
    assert await emulator.mercury_connections() == []


async def test_4401_refreshes_the_token_and_reconnects(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await registered(connect, emulator, credentials=refreshable(emulator))
    mercury = webex.internal.mercury
    old = (await webex.credentials.get_user_token()).access_token
    await emulator.expire_token(old)
    await drop_and_wait_online(emulator, webex, 1006, "")
    new = await webex.credentials.get_user_token()
    assert new.access_token != old
    assert webex.credentials.refresh_count == 1
    assert mercury.connected
    # The emulator accepted the socket with the refreshed token (a 4401 would not reach
    # this point) and the device is still the one registered before.
    assert len(await emulator.devices()) == 1
    await publish_and_wait(emulator, webex, 1)
    await webex.meetings.unregister()


async def test_4401_without_a_refresh_token_stops_with_an_error(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await registered(connect, emulator)
    mercury = webex.internal.mercury
    await emulator.expire_token(emulator.access_token)
    error = asyncio.ensure_future(mercury.wait_for("error", timeout=WAIT))
    await asyncio.sleep(0)
    await emulator.drop_mercury(device_url=webex.internal.device.url, code=1006)
    failure = await error
    assert "cannot be refreshed" in str(failure)
    assert mercury.state is MercuryState.DISCONNECTED


async def test_device_expiry_reregisters_and_reconnects_with_one_device(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await registered(connect, emulator)
    seen = Recorder(webex)
    mercury = webex.internal.mercury
    old_url = webex.internal.device.url
    reregistered = asyncio.ensure_future(
        webex.internal.device.wait_for("registration:success", timeout=WAIT)
    )
    online = asyncio.ensure_future(mercury.wait_for("online", timeout=WAIT))
    await asyncio.sleep(0)
    assert await emulator.expire_device(old_url) == 1
    record = await reregistered
    await online
    assert record["url"] != old_url
    assert webex.internal.device.url == record["url"]
    assert mercury.connected
    assert [d["url"] for d in await emulator.devices()] == [record["url"]]
    live = await emulator.mercury_connections()
    assert [c["deviceUrl"] for c in live] == [record["url"]]
    # The old socket's close (1005, no status) was transient; the attempt on the dead
    # device's socket URL was closed 1005 again, which made the client refresh → 404 →
    # register anew.
    assert seen.lifecycle == ["offline.transient", "online"]
    refreshes = await emulator.requests(method="PUT")
    assert [r["status"] for r in refreshes] == [404]
    await publish_and_wait(emulator, webex, 1)
    await webex.meetings.unregister()
    assert await emulator.devices() == []


@pytest.mark.parametrize(
    ("refusal", "attempts"),
    [({"code": 1011, "reason": "busy"}, 3), ({"status": 503}, 4), ({"code": 4500}, 2)],
)
async def test_refused_attempts_then_connected_on_the_next(
    emulator: Emulator,
    connect: Callable[..., Webex],
    refusal: dict[str, Any],
    attempts: int,
) -> None:
    webex = connect(config=fast(emulator))
    await webex.internal.device.register()
    mercury = webex.internal.mercury
    backoffs: list[float] = []

    async def counting_sleep(delay: float) -> None:
        backoffs.append(delay)
        await asyncio.sleep(delay)

    mercury.sleep = counting_sleep
    failed: list[dict[str, int]] = []
    mercury.on("connection_failed", lambda _exc, info: failed.append(info))
    await emulator.refuse_mercury(attempts, **refusal)
    await mercury.connect()
    assert mercury.connected
    assert len(backoffs) == attempts  # one wait after each refused attempt
    assert all(0 < delay <= 0.05 for delay in backoffs)  # within backoffTimeMax
    assert [f["retries"] for f in failed] == list(range(2, attempts + 1))
    assert await emulator.mercury_faults() == []  # every refusal was consumed
    assert len(await emulator.mercury_connections(include_closed=True)) == 1
    await mercury.disconnect()
    await webex.internal.device.unregister()


async def test_refusals_beyond_the_retry_limit_give_up(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    config = fast(emulator, initialConnectionMaxRetries=2)
    webex = connect(config=config)
    await webex.internal.device.register()
    await emulator.refuse_mercury(5, code=1011)
    with pytest.raises(MercuryError, match="gave up after 2 retries"):
        await webex.internal.mercury.connect()
    assert [f["count"] for f in await emulator.mercury_faults()] == [2]  # 3 attempts
    await webex.internal.device.unregister()


async def test_a_burst_of_events_is_dispatched_and_acked_in_order(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await registered(connect, emulator)
    seen = Recorder(webex)
    device_url = webex.internal.device.url
    # Held back by a delay fault, the frames fall due together and leave as one burst.
    await emulator.delay_mercury(300, device_url=device_url)
    sent = [await emulator.publish_event(locus_event(n), device_url=device_url) for n in range(60)]
    await webex.internal.mercury.wait_for(
        "event:locus.difference", timeout=WAIT, check=lambda e: e["id"] == sent[-1]
    )
    assert seen.ids == sent
    wanted = set(sent)
    acked: list[str] = []
    for _ in range(100):  # the last acks may still be on the wire; give them a moment
        (live,) = await emulator.mercury_connections()
        acked = [ack for ack in live["acks"] if ack in wanted]  # not buffer state, pongs
        if len(acked) >= len(sent):
            break
        await asyncio.sleep(0.02)
    assert acked == sent  # one ack per event, in order
    await webex.meetings.unregister()
