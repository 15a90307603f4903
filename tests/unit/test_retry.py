"""Retry-After parsing and the retry decisions of the transport."""

from __future__ import annotations

import email.utils
import time
from typing import Any

import httpx
import pytest

from webex_meetings import (
    APIConnectionError,
    BadGatewayError,
    BadRequestError,
    RateLimitError,
    ServiceUnavailableError,
)
from webex_meetings._http import parse_retry_after

ME = {"id": "p1", "emails": ["a@example.com"], "displayName": "A"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", 1.0), ("0", 0.0), ("2.5", 2.5), ("-3", 0.0), (" 7 ", 7.0)],
)
def test_retry_after_seconds(value: str, expected: float) -> None:
    assert parse_retry_after(value) == expected


def test_retry_after_http_date() -> None:
    now = time.time()
    header = email.utils.formatdate(now + 30, usegmt=True)
    parsed = parse_retry_after(header, now=now)
    assert parsed is not None
    assert 28.0 <= parsed <= 31.0


@pytest.mark.parametrize("value", [None, "", "soon", "1e999x", "nan", "Mon, 99 Foo"])
def test_retry_after_malformed_is_none(value: str | None) -> None:
    assert parse_retry_after(value) is None


async def test_429_honours_retry_after(make_webex: Any) -> None:
    replies = iter(
        [httpx.Response(429, headers={"Retry-After": "3"}, json={"message": "slow down"})]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        return next(replies, httpx.Response(200, json=ME))

    webex, rec, sleeps = make_webex(handler)
    me = await webex.people.me()
    assert me.display_name == "A"
    assert len(rec.requests) == 2
    assert sleeps == [3.0]


async def test_malformed_retry_after_falls_back_to_backoff(make_webex: Any) -> None:
    replies = iter([httpx.Response(429, headers={"Retry-After": "whenever"})])

    def handler(request: httpx.Request) -> httpx.Response:
        return next(replies, httpx.Response(200, json=ME))

    webex, rec, sleeps = make_webex(handler)
    await webex.people.me()
    assert len(rec.requests) == 2
    assert len(sleeps) == 1
    assert 0.25 <= sleeps[0] <= 0.5  # first backoff step, jittered within [step/2, step]


async def test_post_not_replayed_on_503_without_hint(make_webex: Any) -> None:
    webex, rec, sleeps = make_webex(lambda r: httpx.Response(503, json={"message": "busy"}))
    with pytest.raises(ServiceUnavailableError) as info:
        await webex.request("POST", service="hydra", resource="messages", json={"text": "hi"})
    assert len(rec.requests) == 1
    assert sleeps == []
    assert info.value.status_code == 503


async def test_post_retried_on_503_with_retry_after(make_webex: Any) -> None:
    replies = iter([httpx.Response(503, headers={"Retry-After": "1"})])

    def handler(request: httpx.Request) -> httpx.Response:
        return next(replies, httpx.Response(200, json={"id": "m1"}))

    webex, rec, sleeps = make_webex(handler)
    response = await webex.request("POST", service="hydra", resource="messages", json={})
    assert response.json() == {"id": "m1"}
    assert [r.method for r in rec.requests] == ["POST", "POST"]
    assert sleeps == [1.0]


async def test_get_retried_on_502_then_gives_up(make_webex: Any) -> None:
    webex, rec, sleeps = make_webex(lambda r: httpx.Response(502))
    with pytest.raises(BadGatewayError):
        await webex.people.me()
    assert len(rec.requests) == 4  # 1 + max_retries (3)
    assert len(sleeps) == 3


async def test_per_call_max_retries(make_webex: Any) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(504))
    with pytest.raises(Exception, match="504"):
        await webex.request("GET", service="hydra", resource="people/me", max_retries=0)
    assert len(rec.requests) == 1


async def test_retry_budget_bounds_the_wait(make_webex: Any) -> None:
    webex, rec, sleeps = make_webex(
        lambda r: httpx.Response(429, headers={"Retry-After": "120"}),
        config={"http": {"maxRetryWait": 60}},
    )
    with pytest.raises(RateLimitError) as info:
        await webex.people.me()
    assert len(rec.requests) == 1
    assert sleeps == []
    assert info.value.retry_after == 120.0


async def test_400_not_retried(make_webex: Any) -> None:
    body = {"message": "bad", "errors": [{"description": "title missing"}], "trackingId": "T1"}
    webex, rec, _sleeps = make_webex(lambda r: httpx.Response(400, json=body))
    with pytest.raises(BadRequestError) as info:
        await webex.people.me()
    assert len(rec.requests) == 1
    assert info.value.tracking_id == "T1"
    assert info.value.errors == [{"description": "title missing"}]
    assert "T1" in str(info.value)


async def test_connection_error_retried_for_get_only(make_webex: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    webex, rec, _ = make_webex(handler)
    with pytest.raises(APIConnectionError):
        await webex.people.me()
    assert len(rec.requests) == 4
    rec.requests.clear()
    with pytest.raises(APIConnectionError):
        await webex.request("POST", service="hydra", resource="rooms", json={})
    assert len(rec.requests) == 1


async def test_connect_error_retried_even_for_post(make_webex: Any) -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={"id": "r1"})

    webex, rec, _ = make_webex(handler)
    response = await webex.request("POST", service="hydra", resource="rooms", json={})
    assert response.json()["id"] == "r1"
    assert len(rec.requests) == 2
