"""Small parts of the meetings plugin: keep-alive timer, lifecycle rule, collection, site."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from webex_meetings.meetings.collection import MeetingCollection, property_name
from webex_meetings.meetings.lifecycle import MeetingLifecycle, lifecycle_for_self
from webex_meetings.meetings.lobby import KeepAlive, keep_alive_interval
from webex_meetings.meetings.locus.sections import parse_self
from webex_meetings.meetings.plugin import _default_site

DEVICE = "https://wdm.example.com/devices/me"


@pytest.mark.parametrize(
    ("secs", "interval"),
    [(20, 14.25), (300, 224.25), (2, 0.75), (1, None), (0, None), (None, None), (True, None)],
)
def test_keep_alive_interval(secs: Any, interval: float | None) -> None:
    assert keep_alive_interval(secs) == interval


async def test_keep_alive_sends_until_stopped_and_stops_on_error() -> None:
    sent: list[str] = []
    third = asyncio.Event()

    async def send(url: str) -> None:
        sent.append(url)
        if len(sent) == 3:
            third.set()

    timer = KeepAlive(send)
    device = {"keepAliveUrl": "https://locus/keepAlive", "keepAliveSecs": 1.01}
    assert timer.start(device)
    assert timer.start(device)  # a second start is ignored
    await asyncio.wait_for(third.wait(), 5)
    await timer.aclose()
    assert not timer.running
    count = len(sent)
    await asyncio.sleep(0.05)
    assert len(sent) == count
    assert set(sent) == {"https://locus/keepAlive"}

    async def failing(url: str) -> None:
        raise RuntimeError("gone")

    broken = KeepAlive(failing)
    assert broken.start(device)
    task = broken._task
    assert task is not None
    await asyncio.wait_for(asyncio.gather(task), 5)
    assert not broken.running


def test_keep_alive_needs_url_and_seconds() -> None:
    timer = KeepAlive(lambda url: asyncio.sleep(0))
    assert not timer.start({"keepAliveSecs": 20})
    assert not timer.start({"keepAliveUrl": "https://locus/keepAlive", "keepAliveSecs": 1})
    assert not timer.start(None)
    assert not timer.running


def _self(state: str, intent: str | None = None, device_state: str = "JOINED") -> Any:
    device: dict[str, Any] = {"url": DEVICE, "state": device_state}
    if intent:
        device["intent"] = {"type": intent}
    return parse_self({"id": "p1", "state": state, "devices": [device]}, DEVICE)


@pytest.mark.parametrize(
    ("raw", "before", "after"),
    [
        (_self("IDLE", "WAIT"), MeetingLifecycle.JOINING, MeetingLifecycle.IN_LOBBY),
        (_self("JOINED"), MeetingLifecycle.JOINING, MeetingLifecycle.JOINED),
        (_self("JOINED"), MeetingLifecycle.IN_LOBBY, MeetingLifecycle.JOINED),
        (_self("JOINED"), MeetingLifecycle.LEAVING, None),
        (_self("LEFT", device_state="LEFT"), MeetingLifecycle.JOINED, MeetingLifecycle.LEFT),
        (_self("LEFT", device_state="LEFT"), MeetingLifecycle.NEW, None),
        (_self("JOINED"), MeetingLifecycle.REMOVED, None),
        # The same user joined on another device: not joined here.
        (
            parse_self(
                {"state": "JOINED", "devices": [{"url": "other", "state": "JOINED"}]}, DEVICE
            ),
            MeetingLifecycle.NEW,
            None,
        ),
        (
            parse_self({"state": "JOINED", "devices": []}, DEVICE),
            MeetingLifecycle.JOINED,
            MeetingLifecycle.LEFT,
        ),
    ],
)
def test_lifecycle_follows_this_device(
    raw: Any, before: MeetingLifecycle, after: MeetingLifecycle | None
) -> None:
    assert lifecycle_for_self(raw, before) is after


class _Fake:
    def __init__(self, id: str, sip_uri: str | None) -> None:
        self.id = id
        self.sip_uri = sip_uri


def test_collection_lookup_by_js_or_python_names() -> None:
    collection = MeetingCollection()
    first, second = _Fake("1", None), _Fake("2", "a@b.c")
    collection.set(first)  # type: ignore[arg-type]
    collection.set(second)  # type: ignore[arg-type]
    assert collection.get_by_key("sipUri", "a@b.c") is second
    assert collection.get_by_key("sip_uri", "a@b.c") is second
    assert collection.get_by_key("sip_uri", None) is None  # unset values never match
    assert collection.get_by_key("", "x") is None
    assert list(collection.get_all()) == ["1", "2"]
    assert collection.delete("1") is first
    assert "1" not in collection
    assert property_name("meetingNumber") == "meeting_number"
    assert property_name("locus_url") == "locus_url"


@pytest.mark.parametrize(
    ("body", "site"),
    [
        (
            {"sites": [{"siteUrl": "a.webex.com"}, {"siteUrl": "b.webex.com", "default": True}]},
            "b.webex.com",
        ),
        ({"sites": [{"siteUrl": "a.webex.com"}]}, "a.webex.com"),
        ({"sites": []}, None),
        ({}, None),
        ([], None),
    ],
)
def test_default_site(body: Any, site: str | None) -> None:
    assert _default_site(body) == site


async def test_preferred_site_is_skipped_for_guests_and_failures_are_ignored(
    make_webex: Any,
) -> None:
    answers = {"status": 500}

    def handler(request: httpx.Request) -> httpx.Response:
        if answers["status"] == 200:
            return httpx.Response(200, json={"sites": [{"siteUrl": "acme.webex.com"}]})
        return httpx.Response(answers["status"], json={"message": "broken"})

    webex, recorder, _ = make_webex(handler)
    meetings = webex.meetings
    meetings.me = SimpleNamespace(type="appuser")
    await meetings._fetch_preferred_site()
    assert recorder.requests == []

    meetings.me = SimpleNamespace(type="person")
    await meetings._fetch_preferred_site()  # a 500 is logged, not raised
    assert meetings.preferred_webex_site == ""
    assert recorder.requests[-1].url.path.endswith("/meetingPreferences")

    answers["status"] = 200
    await meetings._fetch_preferred_site()
    assert meetings.preferred_webex_site == "acme.webex.com"
    assert meetings.meeting_info.preferred_webex_site == "acme.webex.com"
