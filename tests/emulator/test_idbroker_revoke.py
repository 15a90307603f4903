"""idbroker token revocation (JS SDK HTTP pipeline), as the JS SDK calls it after a refresh."""

from __future__ import annotations

import httpx

from webex_meetings.emulator import ThreadedEmulator
from webex_meetings.emulator.core.auth import OAuthClient, TokenStore
from webex_meetings.emulator.core.state import EmulatorState

from .emulator_helpers import assert_webex_error, bearer

REVOKE_PATH = "/idbroker/idb/oauth2/v1/revoke"
TOKEN_PATH = "/idbroker/idb/oauth2/v1/access_token"


def _revoke(
    http: httpx.Client,
    emu: ThreadedEmulator,
    token: str,
    *,
    hint: str = "access_token",
    auth: tuple[str, str] | None = None,
) -> httpx.Response:
    # The SDK's body: form token + token_type_hint, client in HTTP Basic.
    return http.post(
        emu.base_url + REVOKE_PATH,
        data={"token": token, "token_type_hint": hint},
        auth=auth or (emu.client_id, emu.client_secret),
    )


def _me_status(http: httpx.Client, emu: ThreadedEmulator, token: str) -> int:
    return http.get(f"{emu.hydra_url}/people/me", headers=bearer(token)).status_code


def test_revoked_access_token_is_rejected(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    assert _me_status(sync_client, emu, emu.access_token) == 200
    response = _revoke(sync_client, emu, emu.access_token)
    assert response.status_code == 200
    assert response.content == b""
    body = assert_webex_error(
        sync_client.get(f"{emu.hydra_url}/people/me", headers=bearer(emu.access_token)), 401
    )
    assert "not valid" in body["errors"][0]["description"]


def test_revoking_a_refresh_token_also_revokes_its_access_token(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    # The hint is wrong on purpose: RFC 7009 makes the server look up both kinds.
    assert _revoke(sync_client, emu, emu.refresh_token, hint="access_token").status_code == 200
    assert _me_status(sync_client, emu, emu.access_token) == 401
    refreshed = sync_client.post(
        emu.base_url + TOKEN_PATH,
        data={"grant_type": "refresh_token", "refresh_token": emu.refresh_token},
        auth=(emu.client_id, emu.client_secret),
    )
    assert refreshed.status_code == 400
    assert refreshed.json()["error"] == "invalid_grant"


def test_unknown_or_already_replaced_tokens_answer_200(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    # After a refresh the SDK revokes the access token the refresh replaced, which the
    # emulator already invalidated: that must not be an error.
    refreshed = sync_client.post(
        emu.base_url + TOKEN_PATH,
        data={"grant_type": "refresh_token", "refresh_token": emu.refresh_token},
        auth=(emu.client_id, emu.client_secret),
    )
    assert refreshed.status_code == 200
    assert _revoke(sync_client, emu, emu.access_token).status_code == 200
    assert _revoke(sync_client, emu, "f" * 64 + "_PF84_unknown").status_code == 200
    assert _me_status(sync_client, emu, refreshed.json()["access_token"]) == 200


def test_revoke_needs_a_valid_client_and_a_token(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    wrong = _revoke(sync_client, emu, emu.access_token, auth=(emu.client_id, "nope"))
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "invalid_client"
    assert _me_status(sync_client, emu, emu.access_token) == 200
    missing = sync_client.post(
        emu.base_url + REVOKE_PATH,
        data={"token_type_hint": "access_token"},
        auth=(emu.client_id, emu.client_secret),
    )
    assert missing.status_code == 400
    assert missing.json()["error"] == "invalid_request"


def test_tokens_of_another_client_are_left_alone() -> None:
    # Every control-API user shares the seeded client, so check the rule on the store.
    state = EmulatorState()
    store = state.backend(TokenStore)
    seeded = store.default_client
    other = OAuthClient("Cother", "secret")
    store.clients[other.client_id] = other
    assert store.revoke(other, state.seed.access_token) is False
    assert store.revoke(other, state.seed.refresh_token) is False
    assert store.authenticate(f"Bearer {state.seed.access_token}").client_id == seeded.client_id
    assert store.revoke(seeded, state.seed.access_token) is True
    assert store.revoke(seeded, state.seed.access_token) is False
