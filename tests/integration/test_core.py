"""The core against the emulator over real loopback sockets: catalog, auth, retries."""

from __future__ import annotations

import asyncio
import logging
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from webex_meetings import (
    AuthenticationError,
    JsonFileStoreAdapter,
    ServiceUnavailableError,
    Webex,
)
from webex_meetings.emulator import Emulator

from .conftest import refreshable

TOKEN_PATH = "/idbroker/idb/oauth2/v1/access_token"


async def test_ready_catalog_and_people_me(emulator: Emulator, connect: Any) -> None:
    webex: Webex = connect()
    seen: list[str] = []
    webex.once("ready", lambda: seen.append("ready"))
    await webex.wait_until_ready(timeout=5)
    assert seen == ["ready"]
    assert webex.credentials.org_id == emulator.org_uuid
    await webex.internal.services.initialize()
    assert webex.internal.services.get("hydra") == emulator.hydra_url
    for name in ("wdm", "locus", "webex-appapi-service", "idbroker"):
        assert (webex.internal.services.get(name) or "").startswith(emulator.base_url)
    me = await webex.people.me()
    assert me.id == emulator.person_id
    assert me.emails == [emulator.person_email]
    limited = await emulator.requests(path="/u2c/api/v1/limited/catalog")
    assert len(limited) == 1
    assert f"orgId={emulator.org_uuid}" in limited[0]["query"]
    assert "authorization" not in limited[0]["headers"]
    me_requests = await emulator.requests(path="/v1/people/me")
    assert me_requests[0]["headers"]["authorization"] == "Bearer <redacted>"
    assert me_requests[0]["trackingid"].startswith(webex.session_id)


async def test_refresh_once_for_20_concurrent_requests(emulator: Emulator, connect: Any) -> None:
    webex: Webex = connect(credentials=refreshable(emulator))
    await webex.people.me()
    await emulator.expire_token(emulator.access_token)
    await emulator.clear_requests()
    people = await asyncio.gather(*(webex.people.me() for _ in range(20)))
    assert {p.id for p in people} == {emulator.person_id}
    refreshes = await emulator.requests(method="POST", path=TOKEN_PATH)
    assert len(refreshes) == 1
    assert webex.credentials.refresh_count == 1
    assert webex.credentials.supertoken is not None
    assert webex.credentials.supertoken.access_token != emulator.access_token


async def test_expired_token_without_refresh_is_401(emulator: Emulator, connect: Any) -> None:
    webex: Webex = connect()
    await webex.internal.services.initialize()
    await emulator.expire_token(emulator.access_token)
    with pytest.raises(AuthenticationError) as info:
        await webex.people.me()
    assert info.value.status_code == 401
    assert info.value.tracking_id
    logged = await emulator.requests(path="/v1/people/me")
    assert len(logged) == 1


async def test_429_retry_after_is_honoured(emulator: Emulator, connect: Any) -> None:
    webex: Webex = connect()
    await webex.internal.services.initialize()
    await emulator.add_fault("/v1/people/me", method="GET", status=429, retry_after="1")
    started = time.monotonic()
    me = await webex.people.me()
    elapsed = time.monotonic() - started
    assert me.id == emulator.person_id
    logged = await emulator.requests(path="/v1/people/me")
    assert [r["status"] for r in logged] == [429, 200]
    # The retry waited for the server's hint (about one second), not a backoff step.
    assert elapsed >= 0.95


async def test_malformed_retry_after_does_not_crash(emulator: Emulator, connect: Any) -> None:
    webex: Webex = connect()
    await webex.internal.services.initialize()
    await emulator.add_fault("/v1/people/me", status=429, retry_after="in a moment")
    me = await webex.people.me()
    assert me.id == emulator.person_id
    logged = await emulator.requests(path="/v1/people/me")
    assert [r["status"] for r in logged] == [429, 200]


async def test_post_not_replayed_on_503_without_hint(emulator: Emulator, connect: Any) -> None:
    webex: Webex = connect()
    await webex.internal.services.initialize()
    await emulator.add_fault("/v1/messages", method="POST", status=503, count=5)
    with pytest.raises(ServiceUnavailableError) as info:
        await webex.request("POST", service="hydra", resource="messages", json={"text": "hi"})
    assert info.value.tracking_id
    posts = await emulator.requests(method="POST", path="/v1/messages")
    assert len(posts) == 1


async def test_get_retried_on_503(emulator: Emulator, connect: Any) -> None:
    webex: Webex = connect(config={"http": {"backoffInitial": 0.01, "backoffMax": 0.02}})
    await webex.internal.services.initialize()
    await emulator.add_fault("/v1/people/me", status=503, count=2)
    me = await webex.people.me()
    assert me.id == emulator.person_id
    logged = await emulator.requests(path="/v1/people/me")
    assert [r["status"] for r in logged] == [503, 503, 200]


async def test_no_token_in_debug_logs(
    emulator: Emulator, connect: Any, caplog: pytest.LogCaptureFixture
) -> None:
    creds = refreshable(emulator)
    with caplog.at_level(logging.DEBUG):
        webex: Webex = connect(credentials=creds)
        await webex.people.me()
        await emulator.expire_token(emulator.access_token)
        await emulator.add_fault("/v1/people/me", status=429, retry_after="0")
        await webex.people.me()
        assert webex.credentials.supertoken is not None
        secrets = [*creds.values(), webex.credentials.supertoken.access_token]
        await webex.close()
    assert webex.credentials.refresh_count == 1
    assert len(caplog.records) > 5
    text = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    for secret in secrets:
        if secret != creds["client_id"]:
            assert secret not in text


async def test_json_file_storage_keeps_refreshed_token(
    emulator: Emulator, connect: Any, tmp_path: Path
) -> None:
    path = tmp_path / "state" / "webex.json"
    creds = refreshable(emulator)
    webex: Webex = connect(credentials=creds, storage=JsonFileStoreAdapter(path))
    await emulator.expire_token(emulator.access_token)
    await webex.people.me()
    await webex.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # A restarted bot with the same (expired) init token resumes with the refreshed one.
    again: Webex = connect(credentials=creds, storage=JsonFileStoreAdapter(path))
    await again.people.me()
    assert again.credentials.refresh_count == 0
    refreshes = await emulator.requests(method="POST", path=TOKEN_PATH)
    assert len(refreshes) == 1
