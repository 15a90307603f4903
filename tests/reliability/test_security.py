"""Secrets stay secret, tokens go only where they belong, and TLS is verified.

* A whole bot session (token refresh, register, messages, a meeting with a password,
  errors of several kinds) with every SDK, httpx, httpcore and websockets-client logger
  at DEBUG: no access token, refresh token, client secret, permission token, meeting
  password or host key appears in a log record, a ``repr()`` or an error's text.
* The storage adapter's files are the only files holding a token, and they are 0600.
* A device record pointing at a foreign host is refused; a URL that is neither a catalog
  URL nor on an allowed domain gets no ``Authorization`` header; with
  ``validateDomains`` off the allowed domains get none either.
* TLS certificates are verified by default, for REST and for the Mercury websocket.
"""

from __future__ import annotations

import asyncio
import logging
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.server import ServerConnection, serve

from webex_meetings import (
    APIConnectionError,
    APIStatusError,
    AuthenticationError,
    DomainNotAllowedError,
    JsonFileStoreAdapter,
    PasswordError,
    RateLimitError,
    ServiceCatalogError,
    SqliteStoreAdapter,
    StorageAdapter,
    Webex,
)
from webex_meetings.emulator import Emulator
from webex_meetings.internal.mercury.socket import MercurySocket
from webex_meetings.meetings import MeetingLifecycle

from ..integration.conftest import refreshable
from ._hosts import ForeignHost, RewritingTransport, tls_context
from ._support import WAIT, Inbox, assert_nothing_left, bot, config, shared_room, user_client

#: Loggers whose every record is checked; the emulator's own (server-side) loggers are not
#: the SDK's and see tokens by design.
CHECKED = ("webex_meetings", "httpx", "httpcore", "websockets.client")


class Capture(logging.Handler):
    """Every record of the checked loggers, rendered as a handler would (with tracebacks)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self._format = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(CHECKED):
            self.lines.append(self._format.format(record))


@pytest.fixture
def debug_logs() -> Iterator[Capture]:
    capture = Capture()
    loggers = [
        logging.getLogger(name) for name in ("webex_meetings", "httpx", "httpcore", "websockets")
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(capture)
    yield capture
    root.removeHandler(capture)
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def files_holding(root: Path, secrets: list[str]) -> set[Path]:
    """Every file under ``root`` that contains one of ``secrets``."""
    return {
        path
        for path in root.rglob("*")
        if path.is_file() and any(s.encode() in path.read_bytes() for s in secrets)
    }


def modes(paths: set[Path]) -> dict[Path, int]:
    """Permission bits of those of ``paths`` that exist."""
    return {path: stat.S_IMODE(path.stat().st_mode) for path in paths if path.exists()}


def storage_files(adapter: StorageAdapter) -> set[Path]:
    path = Path(adapter.path)  # type: ignore[attr-defined]
    return {path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}


@pytest.mark.parametrize("kind", ["json", "sqlite"])
async def test_a_whole_session_leaks_no_secret(
    emulator: Emulator,
    connect: Callable[..., Webex],
    debug_logs: Capture,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    # Anything the SDK might write lands under tmp_path: home, cache, working directory.
    for name, sub in (("HOME", "home"), ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "cfg")):
        (tmp_path / sub).mkdir()
        monkeypatch.setenv(name, str(tmp_path / sub))
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")
    state = tmp_path / "state"
    adapter: StorageAdapter = (
        JsonFileStoreAdapter(state / "webex.json")
        if kind == "json"
        else SqliteStoreAdapter(state / "webex.db")
    )
    password = "Pa55-w0rd-for-the-room"
    room = await emulator.create_meeting_room(title="Secret", password=password)
    creds = refreshable(emulator)
    shown: list[str] = []  # repr()s and error texts
    errors: list[BaseException] = []

    webex = await bot(emulator, connect, credentials=creds, storage=adapter)
    inbox = Inbox(webex)
    await emulator.expire_token(emulator.access_token)
    await webex.people.me()  # refreshed on the way
    token = webex.credentials.supertoken
    assert token is not None
    assert token.refresh_token
    assert webex.credentials.refresh_count == 1
    sender, _ = await user_client(emulator, connect, "Sender")
    space = await shared_room(sender, emulator.person_id)
    message = await sender.messages.create(room_id=space, text="hello")
    await inbox.until(message.id)

    meeting = await webex.meetings.create(room["sipUrl"])
    with pytest.raises(PasswordError) as wrong:
        await meeting.join()
    errors.append(wrong.value)
    assert (await meeting.verify_password(password)).is_password_valid
    permission_token = meeting.permission_token
    assert permission_token
    await meeting.join()
    assert meeting.lifecycle is MeetingLifecycle.JOINED
    await emulator.add_fault("/v1/people/me", status=429, count=None, retry_after="0")
    with pytest.raises(RateLimitError) as limited:
        await webex.people.me()
    errors.append(limited.value)
    await emulator.clear_faults()
    shown += [repr(o) for o in (webex, webex.credentials, webex.config, token, meeting)]
    shown += [repr(webex.internal.device), repr(webex.internal.mercury), str(token)]
    shown += [repr(webex.config.credentials), str(webex.config.to_js_dict())]
    await meeting.leave()
    await webex.meetings.unregister()
    await webex.close()

    stale = connect(credentials={"access_token": emulator.access_token}, config=config(emulator))
    with pytest.raises(ServiceCatalogError) as denied:  # the dead token fails at the catalog
        await stale.people.me()
    assert isinstance(denied.value.__cause__, AuthenticationError)
    errors += [denied.value, denied.value.__cause__]
    shown += [f"{e} {e!r}" for e in errors]

    secrets = [
        emulator.access_token,
        emulator.refresh_token,
        emulator.client_secret,
        token.access_token,
        token.refresh_token,
        permission_token,
        password,
        room["hostKey"],
    ]
    assert len(debug_logs.lines) > 50
    assert any(line.startswith("websockets.client") for line in debug_logs.lines)
    assert any(line.startswith("httpcore") for line in debug_logs.lines)
    for text in [*debug_logs.lines, *shown]:
        for secret in secrets:
            assert secret not in text, f"a secret leaked into: {text[:120]}"

    tokens = [emulator.refresh_token, token.access_token, token.refresh_token]
    holding = files_holding(tmp_path, tokens)
    assert holding, "the refreshed token was stored"
    assert holding <= storage_files(adapter)
    assert all(mode == 0o600 for mode in modes(storage_files(adapter)).values())
    await assert_nothing_left(emulator, [room["meetingId"]], emails=[emulator.person_email])


@pytest.mark.parametrize("field", ["url", "webSocketUrl"])
async def test_device_record_pointing_at_a_foreign_host_is_refused(
    emulator: Emulator, connect: Callable[..., Webex], field: str
) -> None:
    async with ForeignHost() as foreign:

        def rewrite(method: str, path: str, body: Any) -> Any:
            if method == "POST" and path.endswith("/wdm/api/v1/devices") and body:
                scheme = "ws" if field == "webSocketUrl" else "http"
                body[field] = f"{scheme}://{foreign.base_url.split('://')[1]}/devices/x"
            return body

        client = httpx.AsyncClient(transport=RewritingTransport(rewrite))
        try:
            webex = connect(config=config(emulator), http_client=client)
            with pytest.raises(DomainNotAllowedError) as info:
                await webex.meetings.register()
            assert "allowedDomains" in str(info.value)
            assert not webex.internal.device.registered
            assert not webex.internal.mercury.connected
            with pytest.raises(KeyError):
                await webex.bounded_storage.get("Device", "device")
        finally:
            await client.aclose()
        assert foreign.requests == []  # never contacted


async def test_locus_url_on_a_foreign_host_gets_no_token(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = await bot(emulator, connect, listen=False)
    async with ForeignHost() as foreign:
        url = f"{foreign.base_url}/locus/api/v1/loci/elsewhere"
        locus = {
            "url": url,
            "sequence": {"entries": [2], "rangeStart": 0, "rangeEnd": 0},
            "baseSequence": {"entries": [1], "rangeStart": 0, "rangeEnd": 0},
        }
        # A delta of an unknown locus: the bot fetches the locus to create the meeting.
        await emulator.publish_event(
            {"eventType": "locus.difference", "locusUrl": url, "locus": locus},
            device_url=webex.internal.device.url,
        )
        await asyncio.wait_for(foreign.arrived.wait(), WAIT)
        assert foreign.requests[0]["line"].startswith("GET /locus/api/v1/loci/elsewhere")
        assert all("authorization" not in r["headers"] for r in foreign.requests)
    assert webex.meetings.get_all_meetings() == {}


@pytest.mark.parametrize("validate", [True, False])
async def test_allowed_domains_get_the_token_only_while_domains_are_validated(
    emulator: Emulator, connect: Callable[..., Webex], validate: bool
) -> None:
    cfg = config(emulator)
    cfg["services"] = {**cfg["services"], "validateDomains": validate}
    webex = connect(config=cfg)
    await webex.internal.services.initialize()
    # The catalog names 127.0.0.1; "localhost" is the same server under a name that is
    # only an allowed domain, not a catalog host.
    port = emulator.base_url.rsplit(":", 1)[1]
    uri = f"http://localhost:{port}/v1/people/me"
    if validate:
        response = await webex.request("GET", uri=uri)
        assert response.json()["id"] == emulator.person_id
    else:
        with pytest.raises(AuthenticationError):
            await webex.request("GET", uri=uri, max_retries=0)
    [seen] = await emulator.requests(path="/v1/people/me")
    assert ("authorization" in seen["headers"]) is validate


async def test_tls_certificates_are_verified_by_default(tmp_path: Path) -> None:
    async def answer(ws: ServerConnection) -> None:
        await ws.close()

    async with serve(answer, "127.0.0.1", 0, ssl=tls_context(tmp_path)) as server:
        port = server.sockets[0].getsockname()[1]
        uri = f"https://127.0.0.1:{port}/"
        strict = Webex.init(credentials={"access_token": "a_b_org-1"})
        lax = Webex.init(
            credentials={"access_token": "a_b_org-1"}, config={"http": {"verify": False}}
        )
        try:
            with pytest.raises(APIConnectionError) as info:
                await strict.request("GET", uri=uri, max_retries=0)
            assert "CERTIFICATE_VERIFY_FAILED" in str(info.value.__cause__)
            # The same server answers once verification is turned off on purpose: the
            # failure above was the certificate check, nothing else.
            with pytest.raises(APIStatusError):
                await lax.request("GET", uri=uri, max_retries=0)
        finally:
            await strict.close()
            await lax.close()
        socket = MercurySocket()
        with pytest.raises(Exception, match="CERTIFICATE_VERIFY_FAILED"):
            await socket.open(
                f"wss://127.0.0.1:{port}/", token="Bearer x", tracking_id="t", timeout=5
            )
        assert not socket.connected
