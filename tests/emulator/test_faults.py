"""Fault injection through the control API (429 + Retry-After, 5xx, latency, filters)."""

from __future__ import annotations

import time

import httpx
import pytest

from webex_meetings.emulator import Emulator, ThreadedEmulator

from .emulator_helpers import assert_tracking, assert_webex_error, bearer


def _me(http: httpx.Client, emu: ThreadedEmulator, token: str | None = None) -> httpx.Response:
    return http.get(f"{emu.hydra_url}/people/me", headers=bearer(token or emu.access_token))


def test_429_with_retry_after_then_normal(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    fault_id = webex_emulator.add_fault("/v1/people/me", status=429, retry_after="1")
    limited = _me(sync_client, webex_emulator)
    body = assert_webex_error(limited, 429)
    assert limited.headers["Retry-After"] == "1"
    assert fault_id in body["errors"][0]["description"]
    after = _me(sync_client, webex_emulator)
    assert after.status_code == 200
    assert "Retry-After" not in after.headers


def test_count_is_consumed(webex_emulator: ThreadedEmulator, sync_client: httpx.Client) -> None:
    webex_emulator.add_fault("/v1/people/me", status=503, count=2)
    [rule] = webex_emulator.faults()
    assert rule["count"] == 2
    assert rule["status"] == 503
    assert_webex_error(_me(sync_client, webex_emulator), 503)
    assert webex_emulator.faults()[0]["count"] == 1
    assert_webex_error(_me(sync_client, webex_emulator), 503)
    assert webex_emulator.faults() == []
    assert _me(sync_client, webex_emulator).status_code == 200


def test_unlimited_fault_until_cleared(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    webex_emulator.add_fault("/v1/*", status=500, count=None)
    for _ in range(3):
        assert_webex_error(_me(sync_client, webex_emulator), 500)
    assert webex_emulator.clear_faults() == 1
    assert _me(sync_client, webex_emulator).status_code == 200


def test_method_filter(webex_emulator: ThreadedEmulator, sync_client: httpx.Client) -> None:
    webex_emulator.add_fault("/v1/people/me", method="post", status=500)
    assert _me(sync_client, webex_emulator).status_code == 200
    [rule] = webex_emulator.faults()
    assert rule["method"] == "POST"
    assert rule["count"] == 1  # a GET did not consume it
    webex_emulator.clear_faults()
    webex_emulator.add_fault("/v1/people/me", method="GET", status=502)
    assert_webex_error(_me(sync_client, webex_emulator), 502)


def test_path_glob_matches_only_its_paths(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    webex_emulator.add_fault("/u2c/*", status=503)
    assert _me(sync_client, webex_emulator).status_code == 200
    catalog = sync_client.get(
        f"{webex_emulator.u2c_url}/limited/catalog", params={"mode": "X", "format": "hostmap"}
    )
    assert_webex_error(catalog, 503)


def test_faults_apply_before_auth(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    webex_emulator.add_fault("/v1/people/me", status=429, retry_after="2")
    response = sync_client.get(f"{webex_emulator.hydra_url}/people/me")  # no token at all
    assert_webex_error(response, 429)
    assert response.headers["Retry-After"] == "2"


def test_rules_apply_in_insertion_order(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    first = webex_emulator.add_fault("/v1/*", status=503)
    second = webex_emulator.add_fault("/v1/people/me", status=429)
    assert first != second
    assert_webex_error(_me(sync_client, webex_emulator), 503)
    assert_webex_error(_me(sync_client, webex_emulator), 429)
    assert _me(sync_client, webex_emulator).status_code == 200


def test_raw_retry_after_and_body_override(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    webex_emulator.add_fault(
        "/v1/people/me", status=429, retry_after="soon", body={"message": "Slow down"}
    )
    response = _me(sync_client, webex_emulator)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "soon"
    assert response.json() == {"message": "Slow down", "trackingId": assert_tracking(response)}


def test_latency_only_fault_delays_then_proceeds(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    webex_emulator.add_fault("/v1/people/me", latency_ms=300)
    started = time.monotonic()
    response = _me(sync_client, webex_emulator)
    assert time.monotonic() - started >= 0.3
    assert response.status_code == 200
    assert response.json()["id"] == webex_emulator.person_id


def test_control_api_is_never_faulted(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    webex_emulator.add_fault("*", status=500, count=None)
    assert webex_emulator.state()["faults"] == 1
    assert_webex_error(_me(sync_client, webex_emulator), 500)
    webex_emulator.reset()
    assert _me(sync_client, webex_emulator).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"path": "/v1/*", "status": 200},
        {"path": "/v1/*", "status": 600},
        {"path": "/v1/*"},
        {"path": "/v1/*", "status": 429, "count": 0},
        {"path": "/v1/*", "status": 429, "retry_after": "1"},
        {"path": "/v1/*", "status": 429, "retryAfter": "1\r\nX-Injected: 1"},
        {"status": 429},
    ],
)
def test_invalid_fault_rules_are_rejected(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client, body: dict[str, object]
) -> None:
    response = sync_client.post(f"{webex_emulator.base_url}/_emulator/faults", json=body)
    assert_webex_error(response, 400)
    assert webex_emulator.faults() == []


async def test_async_emulator_fault_helpers(emulator: Emulator, client: httpx.AsyncClient) -> None:
    await emulator.add_fault("/v1/people/me", status=429, retry_after=3)
    response = await client.get(
        f"{emulator.hydra_url}/people/me", headers=bearer(emulator.access_token)
    )
    assert_webex_error(response, 429)
    assert response.headers["Retry-After"] == "3"
    await emulator.add_fault("/v1/people/me", status=500)
    assert len(await emulator.faults()) == 1
    assert await emulator.clear_faults() == 1
