"""Mercury plugin: connect, dispatch, heartbeat, reconnect with backoff, fatal closes, queue,
proxy, and meetings.register()/unregister() on top of it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from webex_meetings import Webex
from webex_meetings._exceptions import MercuryConnectionClosed, MercuryError, MercuryQueueFullError
from webex_meetings.internal.mercury import CloseAction, MercuryState, SendQueue

from ._mercury_server import ConnectProxy, FakeMercury
from .conftest import HYDRA, TOKEN, Recorder
from .test_device import WDM, FakeWdm

Env = tuple[Webex, FakeMercury, Recorder]


def mercury_config(**mercury: Any) -> dict[str, Any]:
    return {
        "services": {"override": {"hydra": HYDRA, "wdm": WDM}, "allowedDomains": ["127.0.0.1"]},
        "mercury": {
            "backoffTimeReset": 10,
            "backoffTimeMax": 40,
            "connectTimeout": 2,
            "forceCloseDelay": 200,
            **mercury,
        },
    }


@pytest.fixture
async def env() -> AsyncIterator[Callable[..., Any]]:
    made: list[tuple[Webex, FakeMercury]] = []

    async def factory(config: dict[str, Any] | None = None, **mercury: Any) -> Env:
        server = FakeMercury()
        await server.__aenter__()
        wdm = FakeWdm()
        wdm.web_socket_url = server.url

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/people/me"):
                return httpx.Response(200, json={"id": "me-id", "displayName": "Bot"})
            return wdm(request)

        recorder = Recorder(handler)
        cfg = mercury_config(**mercury)
        cfg.update(config or {})
        client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
        webex = Webex.init(credentials=TOKEN, config=cfg, http_client=client)
        made.append((webex, server))
        return webex, server, recorder

    yield factory
    for webex, server in made:
        await webex.internal.mercury.disconnect()
        await webex.internal.device.close()
        await webex.close()
        await server.__aexit__()


class Collector:
    def __init__(self, emitter: Any, *events: str) -> None:
        self.seen: list[tuple[str, tuple[Any, ...]]] = []
        for event in events:
            emitter.on(event, self._make(event))

    def _make(self, event: str) -> Callable[..., None]:
        def listener(*args: Any) -> None:
            self.seen.append((event, args))

        return listener

    def names(self) -> list[str]:
        return [name for name, _ in self.seen]


async def test_connect_registers_the_device_and_uses_the_js_query(env: Any) -> None:
    webex, server, rec = await env()
    mercury = webex.internal.mercury
    events = Collector(mercury, "online")
    await mercury.connect()
    assert mercury.connected
    assert mercury.listening
    assert mercury.state is MercuryState.CONNECTED
    assert events.names() == ["online"]
    assert rec.requests[0].method == "POST"  # the device came first
    query = parse_qs(urlsplit(server.paths[0]).query)
    assert query == {
        "outboundWireFormat": ["text"],
        "bufferStates": ["true"],
        "aliasHttpStatus": ["true"],
        "multipleConnections": ["true"],
    }
    auth = server.frames[0][0]
    assert auth["data"]["token"] == f"Bearer {TOKEN}"
    assert auth["trackingId"].startswith(webex.session_id + "_")
    await mercury.connect()  # harmless when connected
    assert len(server.paths) == 1


async def test_dispatch_event_names_and_listener_isolation(env: Any) -> None:
    webex, server, _ = await env()
    mercury = webex.internal.mercury
    await mercury.connect()
    events = Collector(mercury, "event", "event:locus", "event:locus.difference")

    def broken(envelope: dict[str, Any]) -> None:
        raise RuntimeError("listener bug")

    mercury.on("event:locus.difference", broken)
    errors = Collector(mercury, "error")
    first = await server.push("locus.difference", locus={"url": "l1"})
    second = await server.push("locus.difference", locus={"url": "l2"})
    await server.push("locus.difference", envelope_id=second)  # redelivery: ignored
    got = await mercury.wait_for(
        "event:locus.difference", timeout=2, check=lambda e: e["id"] == second
    )
    assert got["data"]["locus"] == {"url": "l2"}
    await asyncio.sleep(0.05)
    assert events.names().count("event:locus.difference") == 2
    assert events.names().count("event") == 2
    assert events.names().count("event:locus") == 2
    assert [args[0]["id"] for name, args in events.seen if name == "event"] == [first, second]
    assert len(errors.seen) == 2  # the broken listener, twice, and the loop survived
    assert mercury.connected


async def test_event_without_a_dot_emits_the_namespace_only(env: Any) -> None:
    webex, server, _ = await env()
    mercury = webex.internal.mercury
    await mercury.connect()
    events = Collector(mercury, "event:featureToggle_update")
    await server.push("featureToggle_update", featureToggle={"key": "k"})
    await mercury.wait_for("event", timeout=2)
    assert events.names() == ["event:featureToggle_update"]


async def test_ping_pong_latency(env: Any) -> None:
    webex, server, _ = await env(pingInterval=20)
    mercury = webex.internal.mercury
    await mercury.connect()
    latency = await mercury.wait_for("ping-pong-latency", timeout=2)
    assert latency >= 0
    await asyncio.sleep(0.1)
    pings = server.all_frames("ping")
    assert len(pings) >= 2
    assert len({p["id"] for p in pings}) == len(pings)


async def test_pong_timeout_closes_and_reconnects(env: Any) -> None:
    webex, server, _ = await env(pingInterval=1000, pongTimeout=100)
    mercury = webex.internal.mercury
    server.answer_pings = False
    events = Collector(mercury, "online", "offline", "offline.transient")
    await mercury.connect()
    server.answer_pings = True
    close = await mercury.wait_for("offline", timeout=3)
    assert isinstance(close, MercuryConnectionClosed)
    assert (close.code, close.reason) == (1000, "Pong not received")
    await mercury.wait_for("online", timeout=3)
    assert events.names() == ["online", "offline", "offline.transient", "online"]
    assert len(server.paths) == 2


async def test_server_drops_reconnect_and_events_flow_again(env: Any) -> None:
    webex, server, _ = await env()
    mercury = webex.internal.mercury
    await mercury.connect()
    received: list[str] = []
    mercury.on("event:conversation.activity", lambda e: received.append(e["id"]))
    sent: list[str] = []
    for code in (1001, 1006, 1011):
        online = asyncio.ensure_future(mercury.wait_for("online", timeout=3))
        await asyncio.sleep(0)
        await server.drop(code)
        await online
        sent.append(await server.push("conversation.activity", activity={"verb": "post"}))
    await mercury.wait_for("event", timeout=2, check=lambda e: e["id"] == sent[-1])
    assert received == sent
    assert mercury.connected
    assert len(server.paths) == 4


async def test_failed_attempts_back_off_exponentially_with_jitter(env: Any) -> None:
    webex, server, _ = await env(backoffTimeReset=1000, backoffTimeMax=4000)
    mercury = webex.internal.mercury
    sleeps: list[float] = []

    async def fake_sleep(delay: float) -> None:
        sleeps.append(delay)

    mercury.sleep = fake_sleep
    failed = Collector(mercury, "connection_failed")
    server.reject = [(4500, "nope")] * 5
    await mercury.connect()
    steps = [1, 2, 4, 4, 4]
    assert len(sleeps) == 5
    for delay, step in zip(sleeps, steps, strict=True):
        assert step / 2 <= delay <= step
    assert len(failed.seen) == 4  # not on the first failure
    assert failed.seen[-1][1][1] == {"retries": 5}


async def test_initial_connection_max_retries_gives_up(env: Any) -> None:
    webex, server, _ = await env(initialConnectionMaxRetries=2)
    mercury = webex.internal.mercury
    server.reject = [(4500, "nope")] * 10
    with pytest.raises(MercuryError, match="gave up after 2 retries"):
        await mercury.connect()
    assert len(server.paths) == 3
    assert mercury.state is MercuryState.DISCONNECTED


async def test_fatal_code_in_open_stops_and_emits_error(env: Any) -> None:
    webex, server, _ = await env()
    mercury = webex.internal.mercury
    errors = Collector(mercury, "error")
    server.reject = [(4403, "Forbidden")]
    with pytest.raises(MercuryConnectionClosed) as info:
        await mercury.connect()
    assert info.value.code == 4403
    assert len(server.paths) == 1
    assert errors.seen
    assert errors.seen[0][1][0] is info.value
    assert mercury.error is info.value


async def test_4401_refreshes_the_token_then_retries(env: Any) -> None:
    webex, server, _ = await env()
    refreshed: list[bool] = []
    credentials = webex.credentials

    async def fake_refresh(failed: Any = None) -> Any:
        refreshed.append(True)
        return await credentials.get_user_token()

    credentials.refresh = fake_refresh  # type: ignore[method-assign]
    server.reject = [(4401, "Unauthorized")]
    await webex.internal.mercury.connect()
    assert refreshed == [True]
    assert len(server.paths) == 2


async def test_refresh_device_action_refreshes_the_wdm_device(env: Any) -> None:
    # websockets cannot send a close frame without a code (1005); the classification is
    # covered in test_mercury_socket, the recovery step here.
    webex, _, rec = await env()
    await webex.internal.device.register()
    await webex.internal.mercury._recover(CloseAction.REFRESH_DEVICE)
    assert [r.method for r in rec.requests] == ["POST", "PUT"]


async def test_replaced_and_permanent_closes_stop(env: Any) -> None:
    webex, server, _ = await env()
    mercury = webex.internal.mercury
    events = Collector(mercury, "offline", "offline.replaced", "offline.permanent", "error")
    await mercury.connect()
    await server.drop(4000, "replaced")
    await mercury.wait_for("offline.replaced", timeout=2)
    await asyncio.sleep(0.05)
    assert mercury.state is MercuryState.DISCONNECTED
    assert "error" not in events.names()

    await mercury.connect()
    await server.drop(1008, "policy")
    error = await mercury.wait_for("error", timeout=2)
    assert isinstance(error, MercuryConnectionClosed)
    assert error.code == 1008
    assert "offline.permanent" in events.names()
    assert len(server.paths) == 2


async def test_disconnect_closes_1000_and_goes_offline_permanent(env: Any) -> None:
    webex, server, _ = await env()
    mercury = webex.internal.mercury
    events = Collector(mercury, "offline", "offline.permanent", "offline.transient")
    await mercury.connect()
    await mercury.disconnect()
    assert mercury.state is MercuryState.DISCONNECTED
    assert events.names() == ["offline", "offline.permanent"]
    await asyncio.sleep(0.05)
    assert server.close_codes == [1000]
    await mercury.disconnect()  # idempotent


async def test_send_queue_is_bounded_and_flushed_after_reconnect(env: Any) -> None:
    webex, server, _ = await env(backoffTimeReset=200, backoffTimeMax=200)
    mercury = webex.internal.mercury
    await mercury.connect()
    server.reject = [(4500, "busy")]
    offline = asyncio.ensure_future(mercury.wait_for("offline", timeout=2))
    await asyncio.sleep(0)
    await server.drop(1011)
    await offline
    await mercury.send({"type": "custom", "n": 1})
    await mercury.send({"type": "custom", "n": 2})
    assert len(mercury.queue) == 2
    await mercury.wait_for("online", timeout=3)
    await asyncio.sleep(0.05)
    assert [f["n"] for f in server.all_frames("custom")] == [1, 2]
    assert len(mercury.queue) == 0

    queue = SendQueue(max_bytes=30)
    queue.put({"a": 1})
    with pytest.raises(MercuryQueueFullError):
        queue.put({"b": "x" * 40})


async def test_send_when_never_connected_raises(env: Any) -> None:
    webex, _, _ = await env()
    with pytest.raises(MercuryError, match="not connected"):
        await webex.internal.mercury.send({"type": "custom"})


async def test_connect_through_an_http_connect_proxy(env: Any) -> None:
    async with ConnectProxy() as proxy:
        webex, server, _ = await env(config={"defaultMercuryOptions": {"proxy": proxy.url}})
        await webex.internal.mercury.connect()
        assert proxy.targets == [f"127.0.0.1:{server.port}"]
        sent = await server.push("locus.difference", locus={})
        got = await webex.internal.mercury.wait_for("event", timeout=2)
        assert got["id"] == sent
        await webex.internal.mercury.disconnect()


# -- meetings.register() / unregister() --------------------------------------------------


async def test_meetings_register_and_unregister(env: Any) -> None:
    webex, server, rec = await env()
    meetings = webex.meetings
    events = Collector(meetings, "meetings:ready", "meetings:registered", "meetings:unregistered")

    # The preferred-site lookup and the resync after a reconnect are not what this tests.
    def core() -> list[Any]:
        skip = ("meetingPreferences", "catalog")
        return [r for r in rec.requests if r.url.path.rsplit("/", 1)[-1] not in skip]

    await meetings.register()
    assert meetings.registered
    assert [r.url.path.rsplit("/", 1)[-1] for r in core()] == ["me", "devices"]
    assert webex.internal.mercury.connected
    await meetings.register()  # harmless
    assert len(core()) == 2
    assert len(server.paths) == 1

    disconnected = Collector(meetings, "network:disconnected")
    online = asyncio.ensure_future(webex.internal.mercury.wait_for("online", timeout=3))
    await asyncio.sleep(0)
    await server.drop(1011)
    await online
    assert disconnected.names() == ["network:disconnected"]

    await meetings.unregister()
    assert not meetings.registered
    assert core()[-1].method == "DELETE"
    assert not webex.internal.mercury.connected
    assert events.names() == ["meetings:ready", "meetings:registered", "meetings:unregistered"]
    await meetings.unregister()  # harmless
    assert core()[-1].method == "DELETE"
    assert len(core()) == 3
