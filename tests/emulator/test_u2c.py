"""U2C catalogs (U2C service catalog): limited without auth, full with auth, hostmap shape."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator

from .emulator_helpers import assert_webex_error, bearer


# The session server (reset per test) keeps these many small tests fast; the async
# Emulator has its own tests in test_server.py.
@pytest.fixture
def emulator(webex_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return webex_emulator


@pytest.fixture
def client(sync_client: httpx.Client) -> httpx.Client:
    return sync_client


FULL_SERVICES = {
    "u2c",
    "hydra",
    "wdm",
    "locus",
    "webex-appapi-service",
    "calliopeDiscovery",
    "conversation",
    "metrics",
    "clientLogs",
    "hecate",
    "feature",
    "idbroker",
    "identity",
}


def _assert_hostmap(body: dict[str, object], emu: ThreadedEmulator) -> dict[str, str]:
    assert set(body) == {"serviceLinks", "hostCatalog"}
    links = body["serviceLinks"]
    assert isinstance(links, dict)
    authority = urlsplit(emu.base_url).netloc
    for name, url in links.items():
        parts = urlsplit(url)
        assert parts.scheme == "http", name
        assert parts.netloc == authority, name
        assert not url.endswith("/"), name
    catalog = body["hostCatalog"]
    assert isinstance(catalog, dict)
    assert list(catalog) == [authority]
    [entry] = catalog[authority]
    assert set(entry) == {"host", "ttl", "priority", "id"}
    assert entry["host"] == "127.0.0.1"  # host name only, never the port
    assert isinstance(entry["priority"], int)
    assert entry["ttl"] == -1
    segments = entry["id"].split(":")
    assert len(segments) == 4
    assert segments[:2] == ["urn", "TEAM"]
    return links


def test_limited_catalog_needs_no_token(emulator: ThreadedEmulator, client: httpx.Client) -> None:
    response = client.get(
        f"{emulator.u2c_url}/limited/catalog",
        params={"orgId": emulator.org_uuid, "format": "hostmap"},
    )
    assert response.status_code == 200
    links = _assert_hostmap(response.json(), emulator)
    assert links == {
        "u2c": emulator.u2c_url,
        "hydra": emulator.hydra_url,
        "idbroker": f"{emulator.base_url}/idbroker",
        "identity": f"{emulator.base_url}/identity",
    }


@pytest.mark.parametrize(
    "query",
    [
        {"orgId": "0f1e2d3c-0000-4000-8000-000000000000"},
        {"userId": "u"},
        {"emailhash": "ab" * 32},
        {"email": "user@example.com"},
        {"mode": "DEFAULT_BY_PROXIMITY"},
    ],
)
def test_limited_catalog_accepts_each_preauth_key(
    emulator: ThreadedEmulator, client: httpx.Client, query: dict[str, str]
) -> None:
    response = client.get(
        f"{emulator.u2c_url}/limited/catalog", params={**query, "format": "hostmap"}
    )
    assert response.status_code == 200
    assert response.json()["serviceLinks"]["u2c"] == emulator.u2c_url


def test_limited_catalog_rejects_bad_queries(
    emulator: ThreadedEmulator, client: httpx.Client
) -> None:
    url = f"{emulator.u2c_url}/limited/catalog"
    no_key = assert_webex_error(client.get(url, params={"format": "hostmap"}), 400)
    assert "orgId" in no_key["errors"][0]["description"]
    assert_webex_error(client.get(url, params={"foo": "bar", "format": "hostmap"}), 400)
    no_format = assert_webex_error(client.get(url, params={"mode": "X"}), 400)
    assert "hostmap" in no_format["errors"][0]["description"]


def test_full_catalog_needs_a_token(emulator: ThreadedEmulator, client: httpx.Client) -> None:
    url = f"{emulator.u2c_url}/catalog"
    assert_webex_error(client.get(url, params={"format": "hostmap"}), 401)
    unknown = bearer("0" * 64 + "_PF84_" + emulator.org_uuid)
    assert_webex_error(client.get(url, params={"format": "hostmap"}, headers=unknown), 401)


def test_full_catalog_lists_every_service_at_the_emulator(
    emulator: ThreadedEmulator, client: httpx.Client
) -> None:
    response = client.get(
        f"{emulator.u2c_url}/catalog",
        params={"format": "hostmap", "timestamp": "1700000000000"},
        headers=bearer(emulator.access_token),
    )
    assert response.status_code == 200
    links = _assert_hostmap(response.json(), emulator)
    assert set(links) == FULL_SERVICES
    assert links["u2c"] == emulator.u2c_url
    assert links["hydra"] == emulator.hydra_url
    assert links["wdm"] == f"{emulator.base_url}/wdm/api/v1"
    assert links["locus"] == f"{emulator.base_url}/locus/api/v1"
    assert links["webex-appapi-service"] == f"{emulator.base_url}/wbxappapi/v1"
    assert links["idbroker"] == f"{emulator.base_url}/idbroker"
    assert len(set(links.values())) == len(links)  # no two services share a URL


def test_catalog_links_lead_to_working_services(
    emulator: ThreadedEmulator, client: httpx.Client
) -> None:
    # Follow the catalog the way the SDK does: hydra for people/me, idbroker for refresh.
    catalog = client.get(
        f"{emulator.u2c_url}/catalog",
        params={"format": "hostmap"},
        headers=bearer(emulator.access_token),
    )
    links = catalog.json()["serviceLinks"]
    me = client.get(f"{links['hydra']}/people/me", headers=bearer(emulator.access_token))
    assert me.json()["id"] == emulator.person_id
    refreshed = client.post(
        f"{links['idbroker']}/idb/oauth2/v1/access_token",
        data={"grant_type": "refresh_token", "refresh_token": emulator.refresh_token},
        auth=(emulator.client_id, emulator.client_secret),
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["token_type"] == "Bearer"
