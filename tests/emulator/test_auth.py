"""Bearer authentication (401s) and the idbroker token endpoint (JS SDK HTTP pipeline)."""

from __future__ import annotations

import time

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator

from .emulator_helpers import TOKEN, assert_tracking, assert_webex_error, bearer

TOKEN_PATH = "/idbroker/idb/oauth2/v1/access_token"


def _me(http: httpx.Client, emu: ThreadedEmulator, headers: dict[str, str]) -> httpx.Response:
    return http.get(f"{emu.hydra_url}/people/me", headers=headers)


def _refresh(
    http: httpx.Client,
    emu: ThreadedEmulator,
    refresh_token: str,
    *,
    auth: tuple[str, str] | None = None,
    grant_type: str = "refresh_token",
) -> httpx.Response:
    return http.post(
        emu.base_url + TOKEN_PATH,
        data={"grant_type": grant_type, "refresh_token": refresh_token, "redirect_uri": "x"},
        auth=auth or (emu.client_id, emu.client_secret),
    )


def _oauth_error(response: httpx.Response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert isinstance(body["error_description"], str)
    assert body["error_description"]
    assert body["trackingId"] == assert_tracking(response)


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, "Missing"),
        ({"Authorization": "Bearer"}, "Bearer <access token>"),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, "Bearer <access token>"),
        ({"Authorization": "Bearer " + "f" * 64 + "_PF84_x"}, "not valid"),
    ],
)
def test_bad_credentials_get_a_webex_401(
    webex_emulator: ThreadedEmulator,
    sync_client: httpx.Client,
    headers: dict[str, str],
    reason: str,
) -> None:
    body = assert_webex_error(_me(sync_client, webex_emulator, headers), 401)
    assert body["message"] == (
        "The request requires a valid access token set in the Authorization request header."
    )
    assert reason in body["errors"][0]["description"]


def test_every_response_carries_a_fresh_tracking_id(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    first = _me(sync_client, webex_emulator, bearer(webex_emulator.access_token))
    second = _me(sync_client, webex_emulator, bearer(webex_emulator.access_token))
    assert first.status_code == 200
    assert assert_tracking(first) != assert_tracking(second)


def test_bearer_scheme_is_case_insensitive(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    response = _me(
        sync_client, webex_emulator, {"Authorization": f"bearer {webex_emulator.access_token}"}
    )
    assert response.status_code == 200


def test_expired_token_is_rejected(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    assert _me(sync_client, webex_emulator, bearer(webex_emulator.access_token)).status_code == 200
    webex_emulator.expire_token(webex_emulator.access_token)
    body = assert_webex_error(
        _me(sync_client, webex_emulator, bearer(webex_emulator.access_token)), 401
    )
    assert "expired" in body["errors"][0]["description"]


def test_token_expiry_is_checked_on_every_request(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    user = webex_emulator.create_user(token_expires_in=1)
    assert user["expiresIn"] == 1
    assert _me(sync_client, webex_emulator, bearer(user["accessToken"])).status_code == 200
    time.sleep(1.1)
    body = assert_webex_error(_me(sync_client, webex_emulator, bearer(user["accessToken"])), 401)
    assert "expired" in body["errors"][0]["description"]


def test_refresh_rotates_both_tokens(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    response = _refresh(sync_client, emu, emu.refresh_token)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert_tracking(response)
    grant = response.json()
    assert set(grant) == {
        "access_token",
        "token_type",
        "expires_in",
        "refresh_token",
        "refresh_token_expires_in",
        "scope",
    }
    assert grant["token_type"] == "Bearer"
    assert grant["expires_in"] == 14 * 24 * 3600
    assert grant["refresh_token_expires_in"] == 90 * 24 * 3600
    assert isinstance(grant["scope"], str)
    assert grant["scope"]
    assert grant["access_token"] not in (emu.access_token, emu.refresh_token)
    assert grant["refresh_token"] != emu.refresh_token
    for token in (grant["access_token"], grant["refresh_token"]):
        match = TOKEN.match(token)
        assert match is not None
        assert match["org"] == emu.org_uuid

    me = _me(sync_client, emu, bearer(grant["access_token"]))
    assert me.json()["id"] == emu.person_id
    old = assert_webex_error(_me(sync_client, emu, bearer(emu.access_token)), 401)
    assert "not valid" in old["errors"][0]["description"]
    _oauth_error(_refresh(sync_client, emu, emu.refresh_token), 400, "invalid_grant")
    chained = _refresh(sync_client, emu, grant["refresh_token"])
    assert chained.status_code == 200
    assert _me(sync_client, emu, bearer(grant["access_token"])).status_code == 401


def test_refresh_keeps_the_users_token_lifetime(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    user = webex_emulator.create_user(token_expires_in=60)
    grant = _refresh(sync_client, webex_emulator, user["refreshToken"])
    assert grant.json()["expires_in"] == 60
    me = _me(sync_client, webex_emulator, bearer(grant.json()["access_token"]))
    assert me.json()["id"] == user["person"]["id"]


def test_bad_client_credentials_are_invalid_client(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    wrong_secret = _refresh(sync_client, emu, emu.refresh_token, auth=(emu.client_id, "nope"))
    _oauth_error(wrong_secret, 401, "invalid_client")
    unknown = _refresh(sync_client, emu, emu.refresh_token, auth=("Cunknown", emu.client_secret))
    _oauth_error(unknown, 401, "invalid_client")
    no_auth = sync_client.post(
        emu.base_url + TOKEN_PATH,
        data={"grant_type": "refresh_token", "refresh_token": emu.refresh_token},
    )
    _oauth_error(no_auth, 401, "invalid_client")
    # A failed client check must not consume the refresh token.
    assert _refresh(sync_client, emu, emu.refresh_token).status_code == 200


def test_client_credentials_in_the_form_are_accepted(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    response = sync_client.post(
        emu.base_url + TOKEN_PATH,
        data={
            "grant_type": "refresh_token",
            "refresh_token": emu.refresh_token,
            "client_id": emu.client_id,
            "client_secret": emu.client_secret,
        },
    )
    assert response.status_code == 200


def test_unknown_refresh_token_and_grants(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    _oauth_error(_refresh(sync_client, emu, "nope"), 400, "invalid_grant")
    # An access token is not a refresh token.
    _oauth_error(_refresh(sync_client, emu, emu.access_token), 400, "invalid_grant")
    _oauth_error(
        _refresh(sync_client, emu, emu.refresh_token, grant_type="password"),
        400,
        "unsupported_grant_type",
    )
    missing = sync_client.post(
        emu.base_url + TOKEN_PATH, data={}, auth=(emu.client_id, emu.client_secret)
    )
    _oauth_error(missing, 400, "invalid_request")
    as_json = sync_client.post(
        emu.base_url + TOKEN_PATH,
        json={"grant_type": "refresh_token", "refresh_token": emu.refresh_token},
        auth=(emu.client_id, emu.client_secret),
    )
    _oauth_error(as_json, 400, "invalid_request")


def test_reset_restores_the_seeded_tokens(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    assert _refresh(sync_client, emu, emu.refresh_token).status_code == 200
    assert _me(sync_client, emu, bearer(emu.access_token)).status_code == 401
    emu.reset()
    assert _me(sync_client, emu, bearer(emu.access_token)).status_code == 200
    assert _refresh(sync_client, emu, emu.refresh_token).status_code == 200
