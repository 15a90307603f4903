"""Proxies against the emulator over real sockets, through a loopback HTTP proxy.

``defaultMercuryOptions.proxy`` is the websocket's proxy (the JS proxy agent is used for
the Mercury websocket only); REST requests use ``http.proxy`` when it is set.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from webex_meetings import Webex
from webex_meetings._config import WebexConfig
from webex_meetings._exceptions import ConfigError, MercuryError, WebexError
from webex_meetings._logging import get_logger
from webex_meetings.emulator import Emulator

from ._proxy import RecordingProxy

PASSWORD = "pr0xy-s3cret-pw"
BASIC = "Basic " + base64.b64encode(f"bot:{PASSWORD}".encode()).decode()


@pytest.fixture(autouse=True)
def _no_environment_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)


@pytest.fixture
async def proxy() -> AsyncIterator[RecordingProxy]:
    async with RecordingProxy() as server:
        yield server


def config(emulator: Emulator, *, mercury: str | None, rest: str | None) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "mercury": {"backoffTimeReset": 10, "backoffTimeMax": 50, "connectTimeout": 5},
        "services": {
            "discovery": {"u2c": emulator.u2c_url},
            "allowedDomains": ["127.0.0.1", "localhost"],
        },
        "http": {"maxRetries": 0},
    }
    if mercury is not None:
        cfg["defaultMercuryOptions"] = {"proxy": mercury}
    if rest is not None:
        cfg["http"]["proxy"] = rest
    return cfg


def emulator_authority(emulator: Emulator) -> str:
    return urlsplit(emulator.base_url).netloc


def with_credentials(url: str) -> str:
    return url.replace("http://", f"http://bot:{PASSWORD}@")


async def test_mercury_connects_through_the_proxy_and_rest_goes_direct(
    emulator: Emulator, connect: Callable[..., Webex], proxy: RecordingProxy
) -> None:
    webex = connect(config=config(emulator, mercury=proxy.url, rest=None))
    await webex.meetings.register()
    mercury = webex.internal.mercury
    assert mercury.connected
    assert proxy.targets == [emulator_authority(emulator)]
    assert proxy.forwarded == []  # the websocket proxy is not used for REST
    assert len(await emulator.requests(method="POST", path="*/devices")) == 1

    waiter = asyncio.ensure_future(mercury.wait_for("event:locus.difference", timeout=10))
    await asyncio.sleep(0)
    sent = await emulator.publish_event(
        {"eventType": "locus.difference", "locus": {}}, device_url=webex.internal.device.url
    )
    assert (await waiter)["id"] == sent  # events flow through the tunnel

    online = asyncio.ensure_future(mercury.wait_for("online", timeout=10))
    await asyncio.sleep(0)
    await emulator.drop_mercury(device_url=webex.internal.device.url, code=1006)
    await online
    assert proxy.targets == [emulator_authority(emulator)] * 2  # reconnects use it too
    await webex.meetings.unregister()


async def test_rest_goes_through_http_proxy_when_configured(
    emulator: Emulator, connect: Callable[..., Webex], proxy: RecordingProxy
) -> None:
    webex = connect(config=config(emulator, mercury=proxy.url, rest=proxy.url))
    await webex.meetings.register()
    base = emulator.base_url.rstrip("/")
    forwarded = list(proxy.forwarded)
    assert f"GET {base}/v1/people/me" in forwarded
    assert any(f.startswith(f"POST {base}/") and "/devices?" in f for f in forwarded)
    assert all(f.split(" ", 1)[1].startswith(base) for f in forwarded)
    assert proxy.targets == [emulator_authority(emulator)]
    logged = await emulator.requests(method="GET", path="*/people/me")
    assert len(logged) == 1  # served once, via the proxy
    await webex.meetings.unregister()
    assert proxy.forwarded[-1].startswith(f"DELETE {base}/")


async def test_rest_proxy_alone_leaves_the_websocket_direct(
    emulator: Emulator, connect: Callable[..., Webex], proxy: RecordingProxy
) -> None:
    webex = connect(config=config(emulator, mercury=None, rest=proxy.url))
    await webex.meetings.register()
    assert webex.internal.mercury.connected
    assert proxy.forwarded
    assert proxy.targets == []
    await webex.meetings.unregister()


async def test_proxy_credentials_are_sent_and_never_logged(
    emulator: Emulator, connect: Callable[..., Webex], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with RecordingProxy(require_auth=BASIC) as proxy:
        url = with_credentials(proxy.url)
        webex = connect(config=config(emulator, mercury=url, rest=url))
        await webex.meetings.register()
        assert webex.internal.mercury.connected
        assert proxy.rejected == 0
        assert proxy.targets == [emulator_authority(emulator)]
        assert proxy.forwarded
        assert set(proxy.auth_headers) == {BASIC}
        await webex.meetings.unregister()
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(webex.config)
    assert PASSWORD not in str(webex.config.to_js_dict())


async def test_rejected_proxy_credentials_fail_without_echoing_them(
    emulator: Emulator, connect: Callable[..., Webex], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with RecordingProxy(require_auth="Basic something-else") as proxy:
        url = with_credentials(proxy.url)
        cfg = config(emulator, mercury=url, rest=None)
        cfg["mercury"]["initialConnectionMaxRetries"] = 0
        webex = connect(config=cfg)
        await webex.internal.device.register()
        with pytest.raises(MercuryError) as mercury_error:
            await webex.internal.mercury.connect()
        assert "407" in str(mercury_error.value)
        assert PASSWORD not in str(mercury_error.value)

        rest = connect(config=config(emulator, mercury=None, rest=url))
        with pytest.raises(WebexError) as rest_error:
            await rest.people.me()
        assert PASSWORD not in str(rest_error.value)
        assert proxy.rejected == 2
        await webex.internal.device.unregister()
    assert PASSWORD not in caplog.text


def test_bad_proxy_urls_are_config_errors_that_hide_the_value() -> None:
    for key in ("http", "defaultMercuryOptions"):
        for bad in (f"bot:{PASSWORD}@proxy:3128", f"ftp://bot:{PASSWORD}@proxy", "http://"):
            with pytest.raises(ConfigError) as info:
                WebexConfig.load({key: {"proxy": bad}})
            assert info.value.key == f"{key}.proxy"
            assert "proxy URL" in str(info.value)
            assert PASSWORD not in str(info.value)
    loaded = WebexConfig.load({"defaultMercuryOptions": {"agent": f"http://bot:{PASSWORD}@p:1"}})
    assert loaded.default_mercury_options.proxy == f"http://bot:{PASSWORD}@p:1"


def test_log_lines_mask_proxy_passwords(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    get_logger("webex_meetings.test").warning("via %s", f"http://bot:{PASSWORD}@proxy:3128")
    assert "http://bot:<redacted>@proxy:3128" in caplog.text
    assert PASSWORD not in caplog.text
