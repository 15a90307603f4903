"""Tokens, org ids, the auth flow and refresh-once-on-401 (MockTransport)."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import httpx
import pytest

from webex_meetings import (
    AuthenticationError,
    CredentialsError,
    InvalidGrantError,
    MemoryStoreAdapter,
    Token,
    Webex,
)
from webex_meetings.credentials import org_id_from_token

from .conftest import HYDRA, TOKEN

ORG = "11111111-2222-3333-4444-555555555555"
ME = {"id": "p1", "emails": ["a@example.com"], "displayName": "A"}
OAUTH = {"client_id": "cid", "client_secret": "csecret-value-123"}
TOKEN_URL = "https://idbroker.webex.com/idb/oauth2/v1/access_token"


def _jwt(claims: dict[str, Any]) -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none'})}.{part(claims)}.sig"


def test_org_id_from_three_part_token() -> None:
    assert org_id_from_token(TOKEN) == ORG


def test_org_id_from_jwt_realm() -> None:
    assert org_id_from_token(_jwt({"realm": "org-42", "user_type": "guest"})) == "org-42"
    assert Token.parse(_jwt({"realm": "x", "user_type": "guest"})).is_unverified_guest


@pytest.mark.parametrize("token", ["abc", "a_b", "a_b_c_d", _jwt({"sub": "no realm"})])
def test_no_org_id(token: str) -> None:
    assert org_id_from_token(token) is None


def test_token_parse_shapes() -> None:
    assert Token.parse("Bearer xyz").access_token == "xyz"
    token = Token.parse(
        {"access_token": "abc", "expires_in": 3600, "refresh_token": "r", "scope": "b a"},
        now=1000.0,
    )
    assert token.expires == 4600.0
    assert token.scope == "a b"
    assert Token.parse({"supertoken": {"access_token": "s"}}).access_token == "s"
    assert Token.parse({"access_token": "x", "expires": 5_000_000}).expires == 5000.0


def test_token_repr_hides_secrets() -> None:
    token = Token.parse({"access_token": "secret-access-1", "refresh_token": "secret-refresh-1"})
    assert "secret-access-1" not in repr(token)
    assert "secret-refresh-1" not in str(token)


@pytest.mark.parametrize("bad", ["", "a b c", {"refresh_token": "r"}])
def test_token_parse_rejects(bad: Any) -> None:
    with pytest.raises(CredentialsError):
        Token.parse(bad)


async def test_authorization_only_on_trusted_hosts(make_webex: Any) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json=ME))
    await webex.people.me()
    await webex.request("GET", uri="https://evil.example.net/steal")
    await webex.request("GET", uri="https://api.webex.com/v1/anything")
    auth = [r.headers.get("authorization") for r in rec.requests]
    assert auth == [f"Bearer {TOKEN}", None, f"Bearer {TOKEN}"]


async def test_request_headers(make_webex: Any) -> None:
    webex, rec, _ = make_webex(
        lambda r: httpx.Response(200, json=ME),
        config={"appName": "bot", "appVersion": "2.0", "appPlatform": "linux"},
    )
    await webex.people.me()
    await webex.people.me()
    first, second = rec.requests
    assert first.headers["trackingid"] == f"{webex.session_id}_1"
    assert second.headers["trackingid"] == f"{webex.session_id}_2"
    assert webex.session_id.startswith("webex-meetings_")
    assert first.headers["spark-user-agent"].endswith(" bot/2.0 linux")
    assert first.headers["user-agent"] == "bot/2.0"


async def test_no_token_fails_before_io(make_webex: Any) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json=ME), credentials=None)
    with pytest.raises(CredentialsError, match="no access token"):
        await webex.people.me()
    assert rec.requests == []


def _refreshing_handler(state: dict[str, Any]) -> Any:
    """Hydra accepts only state['valid']; the token endpoint issues the next token."""

    async def handler(request: httpx.Request) -> httpx.Response:
        # Yield to the loop so that concurrent requests really overlap.
        await asyncio.sleep(0.01)
        if str(request.url) == TOKEN_URL:
            state["refreshes"] += 1
            form = dict(x.split("=") for x in request.content.decode().split("&"))
            assert form["grant_type"] == "refresh_token"
            assert request.headers["authorization"].startswith("Basic ")
            if form["refresh_token"] != "refresh-1":
                return httpx.Response(400, json={"error": "invalid_grant"})
            state["valid"] = f"new-token-{state['refreshes']}"
            return httpx.Response(200, json={"access_token": state["valid"], "expires_in": 3600})
        if request.headers.get("authorization") != f"Bearer {state['valid']}":
            return httpx.Response(401, json={"message": "expired", "trackingId": "T401"})
        return httpx.Response(200, json=ME)

    return handler


async def test_refresh_once_for_concurrent_401s(make_webex: Any) -> None:
    state = {"valid": "other", "refreshes": 0}
    webex, rec, _ = make_webex(
        _refreshing_handler(state),
        credentials={"access_token": TOKEN, "refresh_token": "refresh-1", **OAUTH},
    )
    results = await asyncio.gather(*(webex.people.me() for _ in range(20)))
    assert len(results) == 20
    assert state["refreshes"] == 1
    assert webex.credentials.supertoken is not None
    assert webex.credentials.supertoken.access_token == "new-token-1"
    # the refresh token survives a response that did not include one
    assert webex.credentials.supertoken.refresh_token == "refresh-1"
    hydra = [r for r in rec.requests if str(r.url).startswith(HYDRA)]
    assert len(hydra) == 40  # each request: one 401, one replay


async def test_401_without_refresh_is_authentication_error(make_webex: Any) -> None:
    state = {"valid": "other", "refreshes": 0}
    webex, rec, _ = make_webex(_refreshing_handler(state))
    with pytest.raises(AuthenticationError) as info:
        await webex.people.me()
    assert info.value.tracking_id == "T401"
    assert len(rec.requests) == 1


async def test_rejected_refresh_token_raises_oauth_error(make_webex: Any) -> None:
    state = {"valid": "other", "refreshes": 0}
    webex, _, _ = make_webex(
        _refreshing_handler(state),
        credentials={"access_token": TOKEN, "refresh_token": "revoked", **OAUTH},
    )
    with pytest.raises(InvalidGrantError):
        await webex.people.me()


async def test_refreshed_token_persisted_and_restored() -> None:
    state = {"valid": "other", "refreshes": 0}
    adapter = MemoryStoreAdapter()
    creds = {"access_token": TOKEN, "refresh_token": "refresh-1", **OAUTH}
    cfg = {"services": {"override": {"hydra": HYDRA}}}

    def client() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(_refreshing_handler(state)))

    async with Webex.init(
        credentials=creds, config=cfg, storage=adapter, http_client=client()
    ) as w:
        await w.people.me()
    assert state["refreshes"] == 1
    # A restart with the same (now stale) init token picks up the refreshed one.
    async with Webex.init(
        credentials=creds, config=cfg, storage=adapter, http_client=client()
    ) as w:
        await w.wait_until_ready()
        assert w.credentials.supertoken is not None
        assert w.credentials.supertoken.access_token == "new-token-1"
        await w.people.me()
    assert state["refreshes"] == 1


async def test_expiring_token_refreshed_before_use(make_webex: Any) -> None:
    state = {"valid": "other", "refreshes": 0}
    webex, rec, _ = make_webex(
        _refreshing_handler(state),
        credentials={"access_token": TOKEN, "refresh_token": "refresh-1", "expires_in": 5, **OAUTH},
    )
    await webex.people.me()
    assert state["refreshes"] == 1
    assert [str(r.url) for r in rec.requests] == [TOKEN_URL, f"{HYDRA}/people/me"]


def test_credentials_repr_has_no_token(make_webex: Any) -> None:
    webex, _, _ = make_webex(lambda r: httpx.Response(200))
    assert TOKEN not in repr(webex.credentials)
    assert TOKEN not in repr(webex)
