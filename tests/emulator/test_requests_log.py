"""The request log: arrival order, filters, statuses, and tokens never stored."""

from __future__ import annotations

import json

import httpx

from webex_meetings.emulator import Emulator, ThreadedEmulator

from .emulator_helpers import bearer


def test_records_requests_in_arrival_order(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    catalog = sync_client.get(
        f"{emu.u2c_url}/limited/catalog",
        params={"orgId": emu.org_uuid, "format": "hostmap"},
        headers={"trackingid": "webex-js-sdk_1234_1"},
    )
    me = sync_client.get(
        f"{emu.hydra_url}/people/me",
        headers={**bearer(emu.access_token), "TrackingID": "webex-js-sdk_1234_2"},
    )
    sync_client.get(f"{emu.hydra_url}/people/me")
    emu.state()  # control calls are not logged

    items = emu.requests()
    assert [(item["method"], item["path"], item["status"]) for item in items] == [
        ("GET", "/u2c/api/v1/limited/catalog", 200),
        ("GET", "/v1/people/me", 200),
        ("GET", "/v1/people/me", 401),
    ]
    first, second, third = items
    assert first["query"] == f"orgId={emu.org_uuid}&format=hostmap"
    assert first["trackingid"] == "webex-js-sdk_1234_1"
    assert second["trackingid"] == "webex-js-sdk_1234_2"
    assert third["trackingid"] is None
    assert first["responseTrackingId"] == catalog.headers["TrackingID"]
    assert second["responseTrackingId"] == me.headers["TrackingID"]
    assert first["time"] <= second["time"] <= third["time"]
    assert all(name == name.lower() for name in second["headers"])
    assert second["headers"]["host"] == emu.base_url.removeprefix("http://")


def test_authorization_is_redacted_and_tokens_never_stored(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    sync_client.get(f"{emu.hydra_url}/people/me", headers=bearer(emu.access_token))
    refreshed = sync_client.post(
        f"{emu.base_url}/idbroker/idb/oauth2/v1/access_token",
        data={"grant_type": "refresh_token", "refresh_token": emu.refresh_token},
        auth=(emu.client_id, emu.client_secret),
    )
    new_access = refreshed.json()["access_token"]
    sync_client.get(f"{emu.hydra_url}/people/me", headers=bearer(new_access))

    items = emu.requests()
    assert len(items) == 3
    assert items[0]["headers"]["authorization"] == "Bearer <redacted>"
    assert items[1]["headers"]["authorization"] == "Basic <redacted>"
    assert items[2]["headers"]["authorization"] == "Bearer <redacted>"
    dumped = sync_client.get(f"{emu.base_url}/_emulator/requests").text
    assert json.loads(dumped)["items"] == items
    for secret in (
        emu.access_token,
        emu.refresh_token,
        emu.client_secret,
        new_access,
        refreshed.json()["refresh_token"],
    ):
        assert secret not in dumped


def test_filters_by_method_and_path_glob(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    sync_client.get(f"{emu.hydra_url}/people/me", headers=bearer(emu.access_token))
    sync_client.get(f"{emu.hydra_url}/people/{emu.person_id}", headers=bearer(emu.access_token))
    sync_client.post(
        f"{emu.base_url}/idbroker/idb/oauth2/v1/access_token", data={"grant_type": "x"}
    )

    assert [item["path"] for item in emu.requests(method="POST")] == [
        "/idbroker/idb/oauth2/v1/access_token"
    ]
    assert [item["path"] for item in emu.requests(method="get", path="/v1/*")] == [
        "/v1/people/me",
        f"/v1/people/{emu.person_id}",
    ]
    assert emu.requests(path="/v1/people/me") == emu.requests()[:1]
    assert emu.requests(method="DELETE") == []


def test_faulted_requests_are_logged_with_their_status(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    emu.add_fault("/v1/people/me", status=429, retry_after="1")
    limited = sync_client.get(f"{emu.hydra_url}/people/me", headers=bearer(emu.access_token))
    [item] = emu.requests()
    assert item["status"] == 429
    assert item["responseTrackingId"] == limited.headers["TrackingID"]


def test_clear_and_reset_empty_the_log(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    for _ in range(2):
        sync_client.get(f"{emu.hydra_url}/people/me")
    assert emu.state()["requests"] == 2
    assert emu.clear_requests() == 2
    assert emu.requests() == []
    sync_client.get(f"{emu.hydra_url}/people/me")
    emu.reset()
    assert emu.requests() == []


async def test_async_emulator_request_helpers(
    emulator: Emulator, client: httpx.AsyncClient
) -> None:
    await client.get(f"{emulator.hydra_url}/people/me", headers=bearer(emulator.access_token))
    [item] = await emulator.requests(path="/v1/*")
    assert item["status"] == 200
    assert await emulator.clear_requests() == 1
