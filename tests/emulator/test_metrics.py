"""The metrics sink the catalog advertises (U2C service catalog), as the JS SDK posts to it."""

from __future__ import annotations

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator

from .emulator_helpers import assert_webex_error, bearer

BATCH = {"metrics": [{"eventPayload": {"event": {"name": "client.call.initiated"}}}]}


def _metrics_url(http: httpx.Client, emu: ThreadedEmulator) -> str:
    catalog = http.get(
        f"{emu.u2c_url}/catalog", params={"format": "hostmap"}, headers=bearer(emu.access_token)
    )
    return str(catalog.json()["serviceLinks"]["metrics"])


@pytest.mark.parametrize("resource", ["clientmetrics", "metrics"])
def test_signed_in_batches_are_accepted(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client, resource: str
) -> None:
    url = f"{_metrics_url(sync_client, webex_emulator)}/{resource}"
    ok = sync_client.post(url, json=BATCH, headers=bearer(webex_emulator.access_token))
    assert ok.status_code == 204
    assert ok.content == b""
    assert_webex_error(sync_client.post(url, json=BATCH), 401)
    bad = sync_client.post(url, json={"metric": []}, headers=bearer(webex_emulator.access_token))
    assert_webex_error(bad, 400)


def test_prelogin_batches_need_the_prelogin_user_id_not_a_token(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    url = f"{_metrics_url(sync_client, webex_emulator)}/clientmetrics-prelogin"
    ok = sync_client.post(url, json=BATCH, headers={"x-prelogin-userid": "3f1c0000-prelogin"})
    assert ok.status_code == 204
    assert_webex_error(sync_client.post(url, json=BATCH), 400)
    logged = webex_emulator.requests(method="POST", path="*/clientmetrics-prelogin")
    assert [entry["status"] for entry in logged] == [204, 400]
