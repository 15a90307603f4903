"""The clientLogs upload the JS SDK runs after meetings."""

from __future__ import annotations

import httpx

from webex_meetings.emulator import ThreadedEmulator

from .emulator_helpers import UUID, assert_webex_error, bearer


def _service(http: httpx.Client, emu: ThreadedEmulator) -> str:
    catalog = http.get(
        f"{emu.u2c_url}/catalog", params={"format": "hostmap"}, headers=bearer(emu.access_token)
    )
    return str(catalog.json()["serviceLinks"]["clientLogs"])


def test_three_phase_upload(webex_emulator: ThreadedEmulator, sync_client: httpx.Client) -> None:
    emu, http = webex_emulator, sync_client
    base = _service(http, emu)
    auth = bearer(emu.access_token)
    opened = http.post(f"{base}/logs/urls", json={"file": "locus_1.txt"}, headers=auth)
    assert opened.status_code == 200, opened.text
    session = opened.json()
    assert session["tempURL"].startswith(emu.base_url)
    assert session["logFilename"].endswith("locus_1.txt")
    assert UUID.match(session["userId"])
    # The SDK sends the file without a token (its upload phase drops the header).
    put = http.put(session["tempURL"], content=b"log line 1\nlog line 2\n")
    assert put.status_code == 200
    meta = {
        "filename": session["logFilename"],
        "data": [{"key": "locusId", "value": "abc"}],
        "userId": session["userId"],
    }
    done = http.post(f"{base}/logs/meta", json=meta, headers=auth)
    assert done.status_code == 200, done.text
    assert done.json()["filename"] == session["logFilename"]


def test_finalizing_needs_the_file_and_a_known_name(
    webex_emulator: ThreadedEmulator, sync_client: httpx.Client
) -> None:
    emu, http = webex_emulator, sync_client
    base = _service(http, emu)
    auth = bearer(emu.access_token)
    session = http.post(f"{base}/logs/urls", json={"file": "a.txt"}, headers=auth).json()
    early = http.post(f"{base}/logs/meta", json={"filename": session["logFilename"]}, headers=auth)
    assert_webex_error(early, 400)
    unknown = http.post(f"{base}/logs/meta", json={"filename": "nope.txt"}, headers=auth)
    assert_webex_error(unknown, 404)
    assert_webex_error(http.post(f"{base}/logs/urls", json={}, headers=auth), 400)
    assert_webex_error(http.post(f"{base}/logs/urls", json={"file": "a.txt"}), 401)
    assert_webex_error(
        http.put(f"{emu.base_url}/clientlogs/api/v1/uploads/nope", content=b"x"), 404
    )
