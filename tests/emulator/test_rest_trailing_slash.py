"""Hydra paths with a trailing slash are served directly, never redirected."""

from __future__ import annotations

import httpx

from webex_meetings.emulator import ThreadedEmulator

from .emulator_helpers import assert_webex_error, bearer


def test_batched_people_lookup_with_a_trailing_slash_is_answered_directly(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    # The JS SDK's batched people.get(id) (JS REST plugins), which also sends
    # cisco-no-http-redirect: a 307 to /people would be a detour the real API never takes.
    response = sync_client.get(
        f"{emu.hydra_url}/people/",
        params={"id": emu.person_id, "showAllTypes": "false"},
        headers={**bearer(emu.access_token), "cisco-no-http-redirect": "true"},
    )
    assert response.status_code == 200, response.text
    assert [person["id"] for person in response.json()["items"]] == [emu.person_id]


def test_trailing_slash_on_an_item_path_and_unknown_paths(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu = webex_emulator
    me = sync_client.get(f"{emu.hydra_url}/people/me/", headers=bearer(emu.access_token))
    assert me.status_code == 200
    assert me.json()["id"] == emu.person_id
    unknown = sync_client.get(f"{emu.hydra_url}/nothing-here/", headers=bearer(emu.access_token))
    assert_webex_error(unknown, 404)
    root = sync_client.get(f"{emu.hydra_url}/", headers=bearer(emu.access_token))
    assert root.status_code == 404
