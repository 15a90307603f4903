"""WDM device: register body, refresh, 404 re-register, unregister, restart reuse, URL checks."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from webex_meetings import DomainNotAllowedError, MemoryStoreAdapter, Webex
from webex_meetings.internal.device import DeviceState, normalize_features

from .conftest import HYDRA, TOKEN, Recorder

WDM = "https://wdm-a.wbx2.com/wdm/api/v1"
WS = "wss://mercury-connection-a.wbx2.com/v1/apps/wx2/registrations/r1/messages"


class FakeWdm:
    """An in-memory WDM behind an ``httpx.MockTransport`` handler."""

    def __init__(self) -> None:
        self.devices: dict[str, dict[str, Any]] = {}
        self.web_socket_url = WS
        self.counter = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url.copy_with(query=None))
        if request.method == "POST" and url == f"{WDM}/devices":
            self.counter += 1
            device_url = f"{WDM}/devices/dev-{self.counter}"
            body = json.loads(request.content)
            record = {
                **body,
                "url": device_url,
                "webSocketUrl": self.web_socket_url,
                "userId": "u1",
                "orgId": "o1",
                "features": {
                    "developer": [{"key": "web-high-availability", "val": "false"}],
                    "entitlement": [],
                    "user": [{"key": "limit", "val": "42"}],
                },
                "services": {"ignored": "x"},
            }
            self.devices[device_url] = record
            return httpx.Response(200, json=record, headers={"etag": f"e{self.counter}"})
        if url in self.devices:
            if request.method == "PUT":
                record = {**self.devices[url], **json.loads(request.content)}
                self.devices[url] = record
                return httpx.Response(200, json=record, headers={"etag": "e-put"})
            if request.method == "DELETE":
                del self.devices[url]
                return httpx.Response(204)
        return httpx.Response(404, json={"message": "not found"})


def make(
    wdm: FakeWdm, store: MemoryStoreAdapter | None = None, config: dict[str, Any] | None = None
) -> tuple[Webex, Recorder]:
    recorder = Recorder(wdm)
    cfg: dict[str, Any] = {"services": {"override": {"hydra": HYDRA, "wdm": WDM}}}
    cfg.update(config or {})
    client = httpx.AsyncClient(transport=httpx.MockTransport(recorder))
    webex = Webex.init(credentials=TOKEN, config=cfg, storage=store, http_client=client)
    return webex, recorder


def calls(recorder: Recorder) -> list[tuple[str, str]]:
    return [(r.method, str(r.url)) for r in recorder.requests]


async def test_register_sends_the_js_body_and_stores_the_record() -> None:
    wdm = FakeWdm()
    webex, rec = make(wdm)
    seen: list[Any] = []
    device = webex.internal.device
    device.on("registration:success", seen.append)
    record = await device.register()
    request = rec.requests[0]
    assert request.method == "POST"
    assert str(request.url) == f"{WDM}/devices?includeUpstreamServices=all"
    assert json.loads(request.content) == {
        "name": "python",
        "deviceType": "WEB",
        "model": "web-js-sdk",
        "localizedModel": "webex-js-sdk",
        "systemName": "WEBEX_JS_SDK",
        "systemVersion": "1.0.0",
        "ttl": 1800,
    }
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert device.state is DeviceState.REGISTERED
    assert device.registered
    assert device.url == f"{WDM}/devices/dev-1"
    assert device.web_socket_url == WS
    assert "services" not in record
    assert device.feature("user", "limit") == 42
    assert device.feature("developer", "web-high-availability") is False
    assert seen
    assert seen[0]["url"] == device.url
    stored = await webex.bounded_storage.get("Device", "@")
    assert stored["device"]["url"] == device.url
    assert stored["etag"] == "e1"
    await device.close()
    await webex.close()


async def test_non_ephemeral_register_has_no_ttl_and_no_timer() -> None:
    webex, rec = make(FakeWdm(), config={"device": {"ephemeral": False}})
    await webex.internal.device.register()
    assert "ttl" not in json.loads(rec.requests[0].content)
    assert webex.internal.device._refresh_task is None
    await webex.close()


async def test_second_register_refreshes_with_etag_and_without_features() -> None:
    wdm = FakeWdm()
    webex, rec = make(wdm)
    device = webex.internal.device
    await device.register()
    await device.register()
    put = rec.requests[1]
    assert put.method == "PUT"
    assert str(put.url) == f"{WDM}/devices/dev-1?includeUpstreamServices=all"
    assert put.headers["if-none-match"] == "e1"
    body = json.loads(put.content)
    assert "features" not in body
    assert "etag" not in body
    assert body["deviceType"] == "WEB"
    assert body["ttl"] == 1800
    assert device.etag == "e-put"
    assert len(wdm.devices) == 1
    await device.close()
    await webex.close()


async def test_refresh_404_registers_anew() -> None:
    wdm = FakeWdm()
    webex, rec = make(wdm)
    device = webex.internal.device
    await device.register()
    wdm.devices.clear()  # the device expired on the server
    await device.refresh()
    assert [m for m, _ in calls(rec)] == ["POST", "PUT", "POST"]
    assert device.url == f"{WDM}/devices/dev-2"
    assert device.state is DeviceState.REGISTERED
    await device.close()
    await webex.close()


async def test_unregister_deletes_and_forgets() -> None:
    wdm = FakeWdm()
    webex, rec = make(wdm)
    device = webex.internal.device
    await device.register()
    await device.unregister()
    assert calls(rec)[-1] == ("DELETE", f"{WDM}/devices/dev-1")
    assert not device.registered
    assert device.state is DeviceState.UNREGISTERED
    assert wdm.devices == {}
    with pytest.raises(KeyError):
        await webex.bounded_storage.get("Device", "@")
    await device.unregister()  # no-op
    assert len(rec.requests) == 2
    await webex.close()


async def test_restart_reuses_the_stored_device() -> None:
    wdm = FakeWdm()
    store = MemoryStoreAdapter()
    first, _ = make(wdm, store)
    await first.internal.device.register()
    await first.internal.device.close()
    await first.close()

    second, rec = make(wdm, store)
    await second.internal.device.register()
    assert [m for m, _ in calls(rec)] == ["PUT"]
    assert second.internal.device.url == f"{WDM}/devices/dev-1"
    assert len(wdm.devices) == 1
    await second.internal.device.close()
    await second.close()


async def test_restart_registers_anew_when_the_stored_device_is_gone() -> None:
    wdm = FakeWdm()
    store = MemoryStoreAdapter()
    first, _ = make(wdm, store)
    await first.internal.device.register()
    await first.internal.device.close()
    await first.close()
    wdm.devices.clear()

    second, rec = make(wdm, store)
    await second.internal.device.register()
    assert [m for m, _ in calls(rec)] == ["PUT", "POST"]
    assert len(wdm.devices) == 1
    await second.internal.device.close()
    await second.close()


async def test_expired_stored_device_is_not_reused() -> None:
    wdm = FakeWdm()
    store = MemoryStoreAdapter()
    webex, rec = make(wdm, store)
    await webex.bounded_storage.put(
        "Device",
        "@",
        {"device": {"url": f"{WDM}/devices/old"}, "etag": None, "expiresAt": time.time() - 1},
    )
    await webex.internal.device.register()
    assert [m for m, _ in calls(rec)] == ["POST"]
    await webex.internal.device.close()
    await webex.close()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda w: setattr(w, "web_socket_url", "wss://evil.example.com/socket"),
    ],
)
async def test_foreign_web_socket_url_is_rejected(mutate: Callable[[FakeWdm], None]) -> None:
    wdm = FakeWdm()
    mutate(wdm)
    webex, _ = make(wdm)
    device = webex.internal.device
    with pytest.raises(DomainNotAllowedError, match=r"evil\.example\.com"):
        await device.register()
    assert not device.registered
    assert device.state is DeviceState.UNREGISTERED
    with pytest.raises(KeyError):
        await webex.bounded_storage.get("Device", "@")
    await webex.close()


def test_feature_values_are_derived_from_val() -> None:
    features = normalize_features(
        {
            "developer": [{"key": "a", "val": "TRUE"}, {"key": "b", "val": "1.5"}],
            "user": [{"key": "c", "val": "hello"}],
        }
    )
    assert features["developer"][0]["value"] is True
    assert features["developer"][0]["type"] == "boolean"
    assert features["developer"][1]["value"] == 1.5
    assert features["user"][0] == {"key": "c", "val": "hello", "value": "hello", "type": "string"}
    assert features["entitlement"] == []
