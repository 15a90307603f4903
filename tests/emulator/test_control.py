"""Control API: users, tokens, expiry, reset and the state summary."""

from __future__ import annotations

import httpx
import pytest

from webex_meetings.emulator import Emulator, ThreadedEmulator

from .emulator_helpers import TOKEN, assert_webex_error, bearer, decode_hydra

# Later services add their own counts to the summary; these are the skeleton's.
_CORE_KEYS = ("baseUrl", "users", "tokens", "faults", "requests")


def _me(http: httpx.Client, emu: ThreadedEmulator, token: str) -> httpx.Response:
    return http.get(f"{emu.hydra_url}/people/me", headers=bearer(token))


def test_create_user_returns_person_and_credentials(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    user = emu.create_user(display_name="Grace Hopper", email="grace@example.com")
    assert set(user) >= {"person", "accessToken", "refreshToken", "expiresIn"}
    assert user["clientId"] == emu.client_id
    assert user["clientSecret"] == emu.client_secret
    assert user["expiresIn"] == 14 * 24 * 3600
    match = TOKEN.match(user["accessToken"])
    assert match is not None
    assert match["org"] == emu.org_uuid
    person = user["person"]
    assert person["displayName"] == "Grace Hopper"
    assert person["emails"] == ["grace@example.com"]
    assert decode_hydra(person["id"]).startswith("ciscospark://us/PEOPLE/")
    assert _me(sync_client, emu, user["accessToken"]).json() == person
    assert emu.state()["users"] == 2


def test_create_user_defaults_and_validation(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    first = emu.create_user()["person"]
    second = emu.create_user()["person"]
    assert first["emails"] != second["emails"]
    assert first["id"] != second["id"]
    assert first["displayName"]
    url = f"{emu.base_url}/_emulator/users"
    duplicate = sync_client.post(url, json={"email": "USER@example.com"})
    assert_webex_error(duplicate, 409)
    assert_webex_error(sync_client.post(url, json={"email": "not-an-address"}), 400)
    typo = assert_webex_error(sync_client.post(url, json={"display_name": "x"}), 400)
    assert "display_name" in typo["errors"][0]["description"]
    assert_webex_error(sync_client.post(url, content=b"{not json"), 400)
    assert_webex_error(sync_client.post(url, json={"tokenExpiresIn": -1}), 400)


def test_issue_tokens_by_email_or_person_id(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    by_email = emu.issue_token(email=emu.person_email)
    by_id = emu.issue_token(person_id=emu.person_id, expires_in=120)
    assert by_email["personId"] == emu.person_id
    assert by_id["expiresIn"] == 120
    assert len({by_email["accessToken"], by_id["accessToken"], emu.access_token}) == 3
    for grant in (by_email, by_id):
        assert _me(sync_client, emu, grant["accessToken"]).json()["id"] == emu.person_id
    url = f"{emu.base_url}/_emulator/tokens"
    assert_webex_error(sync_client.post(url, json={"email": "ghost@example.com"}), 404)
    assert_webex_error(sync_client.post(url, json={"personId": "bogus"}), 404)
    assert_webex_error(sync_client.post(url, json={}), 400)


def test_zero_lifetime_gives_an_already_expired_token(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    grant = webex_emulator.issue_token(email=webex_emulator.person_email, expires_in=0)
    assert grant["expiresIn"] == 0
    body = assert_webex_error(_me(sync_client, webex_emulator, grant["accessToken"]), 401)
    assert "expired" in body["errors"][0]["description"]


def test_expire_one_or_all_tokens(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    other = emu.create_user()["accessToken"]
    emu.expire_token(other)
    assert _me(sync_client, emu, other).status_code == 401
    assert _me(sync_client, emu, emu.access_token).status_code == 200
    assert emu.state()["tokens"] == 1
    assert emu.expire_all_tokens() == 1
    assert _me(sync_client, emu, emu.access_token).status_code == 401
    url = f"{emu.base_url}/_emulator/tokens/expire"
    assert_webex_error(sync_client.post(url, json={"accessToken": "unknown"}), 404)
    assert_webex_error(sync_client.post(url, json={}), 400)


def test_reset_restores_exactly_the_seeded_state(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    seeded_me = _me(sync_client, emu, emu.access_token).json()
    extra = emu.create_user(email="temp@example.com")
    emu.add_fault("/v1/rooms", status=500)
    emu.expire_token(emu.access_token)
    sync_client.get(f"{emu.hydra_url}/people/me")
    before = emu.state()
    assert {key: before[key] for key in _CORE_KEYS} == {
        "baseUrl": emu.base_url,
        "users": 2,
        "tokens": 1,
        "faults": 1,
        "requests": 2,
    }

    emu.reset()
    summary = emu.state()
    assert {key: summary[key] for key in _CORE_KEYS} == {
        "baseUrl": emu.base_url,
        "users": 1,
        "tokens": 1,
        "faults": 0,
        "requests": 0,
    }
    assert _me(sync_client, emu, emu.access_token).json() == seeded_me
    assert _me(sync_client, emu, extra["accessToken"]).status_code == 401
    url = f"{emu.hydra_url}/people/{extra['person']['id']}"
    assert_webex_error(sync_client.get(url, headers=bearer(emu.access_token)), 404)
    # The address is free again.
    assert emu.create_user(email="temp@example.com")["person"]["emails"] == ["temp@example.com"]


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/_emulator/nothing"), ("GET", "/_emulator/reset"), ("PUT", "/_emulator/faults")],
)
def test_unknown_control_calls_are_webex_errors(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client, method: str, path: str
) -> None:
    response = sync_client.request(method, webex_emulator.base_url + path)
    assert response.status_code in (404, 405)
    assert_webex_error(response, response.status_code)


async def test_async_emulator_control_helpers(
    emulator: Emulator, client: httpx.AsyncClient
) -> None:
    user = await emulator.create_user(email="async@example.com", token_expires_in=30)
    assert user["expiresIn"] == 30
    grant = await emulator.issue_token(email="async@example.com")
    await emulator.expire_token(grant["accessToken"])
    me = await client.get(f"{emulator.hydra_url}/people/me", headers=bearer(grant["accessToken"]))
    assert me.status_code == 401
    assert (await emulator.state())["users"] == 2
    await emulator.reset()
    assert (await emulator.state())["users"] == 1
    assert await emulator.expire_all_tokens() == 1
