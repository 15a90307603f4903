"""WDM device registration against the emulator, over real HTTP (WDM device protocol)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator
from webex_meetings.emulator.core.ids import parse_hydra_id

BODY = {
    "name": "node",
    "deviceType": "WEB",
    "model": "web-js-sdk",
    "localizedModel": "webex-js-sdk",
    "systemName": "WEBEX_JS_SDK",
    "systemVersion": "1.0.0",
}


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _register(emu: ThreadedEmulator, token: str | None = None, **extra: Any) -> httpx.Response:
    return httpx.post(
        f"{emu.base_url}/wdm/api/v1/devices",
        params={"includeUpstreamServices": "all"},
        json={**BODY, **extra},
        headers=_auth(token or emu.access_token),
        trust_env=False,
    )


def test_register_returns_the_device_dto(webex_emulator: ThreadedEmulator) -> None:
    response = _register(webex_emulator, ttl=1800)
    assert response.status_code == 200
    device = response.json()
    prefix = f"{webex_emulator.base_url}/wdm/api/v1/devices/"
    assert device["url"].startswith(prefix)
    device_uuid = device["url"][len(prefix) :]
    host = webex_emulator.base_url.removeprefix("http://")
    assert device["webSocketUrl"] == (
        f"ws://{host}/mercury/api/v1/apps/wx2/registrations/{device_uuid}/messages"
    )
    assert "?" not in device["webSocketUrl"]  # the WDM device protocol
    person = parse_hydra_id(webex_emulator.person_id)
    assert person is not None
    assert device["userId"] == person.uuid
    assert device["orgId"] == webex_emulator.org_uuid
    assert set(device["features"]) == {"developer", "entitlement", "user"}
    assert all(isinstance(items, list) for items in device["features"].values())
    assert {"key", "val", "mutable", "lastModified"} <= set(device["features"]["developer"][0])
    for name, value in BODY.items():
        assert device[name] == value
    assert device["services"]["wdmServiceUrl"] == f"{webex_emulator.base_url}/wdm/api/v1"
    assert device["intranetInactivityCheckUrl"].startswith(webex_emulator.base_url)
    assert {"creationTime", "modificationTime"} <= set(device)
    assert response.headers["etag"]
    # A second registration is a different device.
    assert _register(webex_emulator).json()["url"] != device["url"]


def test_get_refresh_delete_round_trip(webex_emulator: ThreadedEmulator) -> None:
    device = _register(webex_emulator, ttl=1800).json()
    headers = _auth(webex_emulator.access_token)
    with httpx.Client(headers=headers, trust_env=False) as client:
        assert client.get(device["url"]).json()["url"] == device["url"]
        listed = client.get(f"{webex_emulator.base_url}/wdm/api/v1/devices").json()
        assert [d["url"] for d in listed["devices"]] == [device["url"]]

        # The SDK sends the whole DTO back, minus features, plus the ttl (WDM device protocol).
        body = {k: v for k, v in device.items() if k != "features"} | {"name": "renamed"}
        refreshed = client.put(device["url"], json={**body, "ttl": 60})
        assert refreshed.status_code == 200
        assert refreshed.json()["url"] == device["url"]
        assert refreshed.json()["name"] == "renamed"
        (row,) = webex_emulator.devices()
        assert row["ttl"] == 60
        assert 55 < row["expiresIn"] <= 60

        assert client.delete(device["url"]).status_code == 204
        assert client.get(device["url"]).status_code == 404
        assert client.put(device["url"], json=body).status_code == 404
        assert client.delete(device["url"]).status_code == 404
    assert webex_emulator.devices() == []


def test_refresh_with_matching_etag_omits_developer_features(
    webex_emulator: ThreadedEmulator,
) -> None:
    registered = _register(webex_emulator)
    etag = registered.headers["etag"]
    refreshed = httpx.put(
        registered.json()["url"],
        json=BODY,
        headers={**_auth(webex_emulator.access_token), "If-None-Match": etag},
        trust_env=False,
    )
    assert refreshed.status_code == 200
    assert refreshed.headers["etag"] == etag
    assert set(refreshed.json()["features"]) == {"entitlement", "user"}


def test_devices_need_a_token_and_belong_to_its_user(webex_emulator: ThreadedEmulator) -> None:
    response = httpx.post(f"{webex_emulator.base_url}/wdm/api/v1/devices", json=BODY)
    assert response.status_code == 401
    assert response.json()["trackingId"]
    device = _register(webex_emulator).json()
    other = webex_emulator.create_user()
    response = httpx.get(device["url"], headers=_auth(other["accessToken"]), trust_env=False)
    assert response.status_code == 404
    theirs = _register(webex_emulator, other["accessToken"]).json()
    assert theirs["userId"] != device["userId"]


@pytest.mark.parametrize("ttl", [0, -5, "10", True, 10**9])
def test_bad_ttl_is_rejected(webex_emulator: ThreadedEmulator, ttl: object) -> None:
    assert _register(webex_emulator, ttl=ttl).status_code == 400


def test_ephemeral_device_expires_after_its_ttl(webex_emulator: ThreadedEmulator) -> None:
    ephemeral = _register(webex_emulator, ttl=1).json()
    durable = _register(webex_emulator).json()
    time.sleep(1.1)
    headers = _auth(webex_emulator.access_token)
    assert httpx.put(ephemeral["url"], json=BODY, headers=headers).status_code == 404
    assert httpx.put(durable["url"], json=BODY, headers=headers).status_code == 200
    assert [d["url"] for d in webex_emulator.devices()] == [durable["url"]]


def test_control_expire_device(webex_emulator: ThreadedEmulator) -> None:
    first = _register(webex_emulator).json()
    second = _register(webex_emulator, ttl=1800).json()
    assert webex_emulator.expire_device(first["url"]) == 1
    headers = _auth(webex_emulator.access_token)
    assert httpx.get(first["url"], headers=headers).status_code == 404
    assert httpx.get(second["url"], headers=headers).status_code == 200
    assert webex_emulator.expire_device() == 1
    assert webex_emulator.devices() == []


def test_reset_forgets_devices(webex_emulator: ThreadedEmulator) -> None:
    _register(webex_emulator)
    webex_emulator.reset()
    assert webex_emulator.devices() == []
