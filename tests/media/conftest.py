"""Fixtures for media tests: ICE on loopback only, a fake meeting host, a ROAP answerer."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from webex_meetings import Webex
from webex_meetings._events import EventEmitter
from webex_meetings.meetings.locus.requests import LocusRequests

SELF_URL = "https://locus-a.example.com/locus/api/v1/loci/L1/participant/P1"
DEVICE_URL = "https://wdm-a.example.com/wdm/api/v1/devices/D1"
LOCUS_URL = "https://locus-a.example.com/locus/api/v1/loci/L1"
CORRELATION_ID = "b05b4263-8fe3-427e-9995-e6f0a13302aa"
TOKEN = "a" * 64 + "_PF84_11111111-2222-3333-4444-555555555555"


@pytest.fixture(autouse=True)
def _loopback_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    """aioice skips 127.0.0.1 when gathering; offer only loopback so media stays local."""
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda *_, **__: ["127.0.0.1"])


class FakeHost(EventEmitter):
    """The meeting side the media layer reads (a joined, active meeting)."""

    def __init__(self, webex: Webex) -> None:
        super().__init__()
        self.correlation_id = CORRELATION_ID
        self.device_url: str | None = DEVICE_URL
        self.self_url: str | None = SELF_URL
        self.media_id: str | None = "media-1"
        self.state: str | None = "JOINED"
        self.meeting_state: str | None = "ACTIVE"
        self.is_user_unadmitted = False
        self.remote_muted: bool | None = False
        self.unmute_allowed: bool | None = True
        self.remote_video_muted: bool | None = False
        self.unmute_video_allowed: bool | None = True
        self.locus_url: str | None = LOCUS_URL
        self.self_id: str | None = "P1"
        self.deltas: list[dict[str, Any]] = []
        self.requests = LocusRequests(
            webex,
            sequence=lambda: {"entries": [101], "rangeStart": 0, "rangeEnd": 0},
            on_locus=self.deltas.append,
        )


Handler = Callable[[httpx.Request], Any]


async def until(check: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll ``check`` until it is true (media progress has no event to wait on)."""
    async with asyncio.timeout(timeout):
        for _ in itertools.count():
            if check():
                return
            await asyncio.sleep(0.01)


@pytest.fixture
async def webex_for() -> AsyncIterator[Callable[[Handler], Webex]]:
    """A Webex core whose HTTP goes to an (async or sync) handler."""
    made: list[Webex] = []

    def factory(handler: Handler, config: dict[str, Any] | None = None) -> Webex:
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        cfg: dict[str, Any] = {"services": {"override": {"hydra": "https://webexapis.com/v1"}}}
        cfg.update(config or {})
        webex = Webex.init(credentials=TOKEN, config=cfg, http_client=client)

        async def no_sleep(delay: float) -> None:
            await asyncio.sleep(0)

        webex.transport.sleep = no_sleep
        made.append(webex)
        return webex

    yield factory
    for webex in made:
        await webex.close()


def media_body(request: httpx.Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``/media`` body and its decoded ``localSdp``."""
    body = json.loads(request.content)
    return body, json.loads(body["localMedias"][0]["localSdp"])


def remote_sdp(roap: dict[str, Any] | None, media_id: str = "media-1") -> dict[str, Any]:
    """A ``/media`` response carrying ``roap`` in ``mediaConnections[0].remoteSdp``."""
    remote: dict[str, Any] = {"audioMuted": False, "videoMuted": False, "type": "SDP"}
    if roap is not None:
        remote["roapMessage"] = roap
    return {
        "locus": {"url": LOCUS_URL},
        "mediaConnections": [{"mediaId": media_id, "remoteSdp": json.dumps(remote)}],
    }
