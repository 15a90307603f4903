"""REST under 429 storms and 5xx bursts, judged by what the emulator received.

Every SDK request carries one ``trackingid`` for all of its attempts (the request is
built once), so the emulator's request log groups attempts per request: a 429 is
followed by exactly one retry no earlier than its ``Retry-After``, a GET is retried
through a 5xx burst, and a POST reaches the server once unless the server said when to
come back. Message texts read back from the emulator show which bodies were processed.
"""

from __future__ import annotations

import asyncio
import email.utils
import itertools
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest

from webex_meetings import APIStatusError, APITimeoutError, RateLimitError, ServerError, Webex
from webex_meetings.emulator import Emulator

from ._support import assert_no_secret, config

ME = "/v1/people/me"
MESSAGES = "/v1/messages"
#: Clock granularity allowed when comparing the emulator's arrival times.
EPSILON = 0.005


def by_request(log: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Logged attempts grouped by the client's tracking id, oldest first."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in log:
        grouped[entry["trackingid"]].append(entry)
    return grouped


async def texts_in(webex: Webex, room_id: str | None) -> list[str]:
    """Texts of every message of a room, as the emulator stored them."""
    page = await webex.messages.list(room_id=str(room_id), max=1000)
    return [str(m.text) for m in page.items]


async def ready_client(emulator: Emulator, connect: Callable[..., Webex], **http: Any) -> Webex:
    webex = connect(config=config(emulator, http=http or None))
    await webex.internal.services.initialize()
    return webex


def secrets(emulator: Emulator) -> list[str]:
    return [emulator.access_token, emulator.refresh_token, emulator.client_secret]


@pytest.mark.parametrize("hint", ["seconds", "http-date"])
async def test_429_storm_waits_for_retry_after_and_every_request_succeeds(
    emulator: Emulator, connect: Callable[..., Webex], hint: str
) -> None:
    webex = await ready_client(emulator, connect)
    room = await webex.rooms.create(title="Storm")
    await emulator.clear_requests()
    gets, posts = 60, 40
    if hint == "seconds":
        retry_after, not_before = "1", None
    else:  # an absolute date: every retry waits for the same instant
        not_before = int(time.time()) + 2
        retry_after = email.utils.formatdate(not_before, usegmt=True)
    await emulator.add_fault(ME, method="GET", status=429, count=gets, retry_after=retry_after)
    await emulator.add_fault(
        MESSAGES, method="POST", status=429, count=posts, retry_after=retry_after
    )

    results = await asyncio.gather(
        *(webex.people.me() for _ in range(gets)),
        *(webex.messages.create(room_id=room.id, text=f"storm {n}") for n in range(posts)),
    )

    assert {me.id for me in results[:gets]} == {emulator.person_id}
    assert await emulator.faults() == []  # every 429 was served
    log = await emulator.requests(path=ME) + await emulator.requests(method="POST", path=MESSAGES)
    attempts = by_request(log)
    assert len(attempts) == gets + posts
    assert [entry["status"] for entry in log].count(429) == gets + posts
    for tries in attempts.values():
        statuses = [t["status"] for t in tries]
        assert statuses[-1] == 200
        # On a loaded machine a retry may meet the storm again: only 429s before it.
        assert set(statuses[:-1]) <= {429}
        for earlier, later in itertools.pairwise(tries):
            if not_before is None:
                assert later["time"] - earlier["time"] >= 1 - EPSILON
            else:
                assert later["time"] >= not_before - EPSILON
    # A 429 was not processed: each message exists once, none twice, none lost.
    assert sorted(await texts_in(webex, room.id)) == sorted(f"storm {n}" for n in range(posts))


async def test_429_beyond_the_retry_budget_is_a_rate_limit_error(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await ready_client(emulator, connect, maxRetries=2)
    await emulator.add_fault(ME, status=429, count=None, retry_after="0")
    with pytest.raises(RateLimitError) as info:
        await webex.people.me()
    assert info.value.status_code == 429
    assert info.value.tracking_id
    assert_no_secret(f"{info.value} {info.value!r}", secrets(emulator))
    assert [r["status"] for r in await emulator.requests(path=ME)] == [429, 429, 429]


async def test_get_burst_of_gateway_errors_is_retried_to_success(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await ready_client(emulator, connect)
    await emulator.clear_requests()
    for status in (502, 503, 504):
        await emulator.add_fault(ME, method="GET", status=status, count=10)

    people = await asyncio.gather(*(webex.people.me() for _ in range(20)))

    assert {p.id for p in people} == {emulator.person_id}
    assert await emulator.faults() == []
    attempts = by_request(await emulator.requests(path=ME))
    assert len(attempts) == 20
    assert sum(len(tries) for tries in attempts.values()) == 20 + 30
    for tries in attempts.values():
        statuses = [t["status"] for t in tries]
        assert statuses[-1] == 200
        assert set(statuses[:-1]) <= {502, 503, 504}


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_post_burst_without_retry_after_is_never_sent_twice(
    emulator: Emulator, connect: Callable[..., Webex], status: int
) -> None:
    webex = await ready_client(emulator, connect)
    room = await webex.rooms.create(title="Burst")
    await emulator.clear_requests()
    await emulator.add_fault(MESSAGES, method="POST", status=status, count=8)

    results = await asyncio.gather(
        *(webex.messages.create(room_id=room.id, text=f"post {n}") for n in range(20)),
        return_exceptions=True,
    )

    failed = [n for n, r in enumerate(results) if isinstance(r, BaseException)]
    assert len(failed) == 8
    for n in failed:
        error = results[n]
        assert isinstance(error, ServerError)
        assert error.status_code == status
        assert error.tracking_id
        assert_no_secret(f"{error} {error!r}", secrets(emulator))
    log = await emulator.requests(method="POST", path=MESSAGES)
    attempts = by_request(log)
    assert len(log) == len(attempts) == 20  # one attempt per POST: none was replayed
    assert sorted(r["status"] for r in log) == [200] * 12 + [status] * 8
    # Exactly the successful bodies were processed, each once.
    wanted = sorted(f"post {n}" for n in range(20) if n not in failed)
    assert sorted(await texts_in(webex, room.id)) == wanted


async def test_post_burst_with_retry_after_is_resent_and_processed_once(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await ready_client(emulator, connect)
    room = await webex.rooms.create(title="Hinted")
    await emulator.clear_requests()
    await emulator.add_fault(MESSAGES, method="POST", status=503, count=10, retry_after="0")

    sent = await asyncio.gather(
        *(webex.messages.create(room_id=room.id, text=f"hinted {n}") for n in range(10))
    )

    log = await emulator.requests(method="POST", path=MESSAGES)
    attempts = by_request(log)
    assert len(attempts) == 10
    for tries in attempts.values():
        statuses = [t["status"] for t in tries]
        # Retries race the burst (one may meet it twice, another request never):
        # each ends in exactly one success either way.
        assert statuses[-1] == 200
        assert set(statuses[:-1]) <= {503}
    assert [r["status"] for r in log].count(503) == 10
    assert sorted(await texts_in(webex, room.id)) == sorted(f"hinted {n}" for n in range(10))
    assert len({m.id for m in sent}) == 10


async def test_post_that_timed_out_after_sending_is_not_replayed(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await ready_client(emulator, connect)
    room = await webex.rooms.create(title="Slow")
    await emulator.clear_requests()
    # The server is slower than the client's timeout: the request may or may not have
    # been processed, so it must not be sent again.
    await emulator.add_fault(MESSAGES, method="POST", latency_ms=1500)

    with pytest.raises(APITimeoutError) as info:
        await webex.request(
            "POST",
            service="hydra",
            resource="messages",
            json={"roomId": room.id, "text": "slow"},
            timeout=0.3,
        )
    assert_no_secret(f"{info.value} {info.value!r}", secrets(emulator))
    # The error is raised only once the retry policy gave up, so no attempt can follow.
    [attempt] = await emulator.requests(method="POST", path=MESSAGES)
    assert attempt["status"] is None  # the server never got to answer it
    assert await texts_in(webex, room.id) == []  # the body was never read: not processed


async def test_404_and_400_are_not_retried(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await ready_client(emulator, connect)
    await emulator.clear_requests()
    await emulator.add_fault(ME, status=400, count=1)
    with pytest.raises(APIStatusError) as info:
        await webex.people.me()
    assert info.value.status_code == 400
    assert [r["status"] for r in await emulator.requests(path=ME)] == [400]
