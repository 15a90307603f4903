"""People routes: the Person shape of the messaging OpenAPI spec and Hydra ids."""

from __future__ import annotations

import base64
import re

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator

from .emulator_helpers import UUID, assert_webex_error, bearer, decode_hydra


# The session server (reset per test) keeps these many small tests fast; the async
# Emulator has its own tests in test_server.py.
@pytest.fixture
def emulator(webex_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return webex_emulator


@pytest.fixture
def client(sync_client: httpx.Client) -> httpx.Client:
    return sync_client


# Properties of components.schemas.Person in the Webex messaging OpenAPI spec.
SPEC_PERSON_FIELDS = {
    "id",
    "emails",
    "phoneNumbers",
    "extension",
    "locationId",
    "displayName",
    "nickName",
    "firstName",
    "lastName",
    "avatar",
    "orgId",
    "roles",
    "licenses",
    "department",
    "manager",
    "managerId",
    "title",
    "addresses",
    "created",
    "lastModified",
    "timezone",
    "lastActivity",
    "siteUrls",
    "sipAddresses",
    "xmppFederationJid",
    "status",
    "invitePending",
    "loginEnabled",
    "type",
}
STATUS_ENUM = {
    "active",
    "call",
    "DoNotDisturb",
    "inactive",
    "meeting",
    "OutOfOffice",
    "pending",
    "presenting",
    "unknown",
}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _get(client: httpx.Client, url: str, token: str) -> httpx.Response:
    return client.get(url, headers=bearer(token))


def test_me_has_the_spec_person_shape(emulator: ThreadedEmulator, client: httpx.Client) -> None:
    response = _get(client, f"{emulator.hydra_url}/people/me", emulator.access_token)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    person = response.json()
    assert set(person) <= SPEC_PERSON_FIELDS, set(person) - SPEC_PERSON_FIELDS
    required = {"id", "emails", "displayName", "firstName", "lastName", "orgId", "type"}
    assert required | {"nickName", "avatar", "created", "lastModified", "status"} <= set(person)
    assert person["emails"] == ["user@example.com"]
    assert person["displayName"] == "Emulated User"
    assert person["firstName"] == "Emulated"
    assert person["lastName"] == "User"
    assert person["type"] == "person"
    assert person["status"] in STATUS_ENUM
    assert person["invitePending"] in {"true", "false"}
    assert person["loginEnabled"] in {"true", "false"}
    assert isinstance(person["phoneNumbers"], list)
    assert TIMESTAMP.match(person["created"])
    assert TIMESTAMP.match(person["lastModified"])


def test_me_ids_are_unpadded_hydra_ids(emulator: ThreadedEmulator, client: httpx.Client) -> None:
    person = _get(client, f"{emulator.hydra_url}/people/me", emulator.access_token).json()
    assert person["id"] == emulator.person_id
    assert person["id"].startswith("Y2lzY29zcGFyazovL")
    assert "=" not in person["id"]
    assert "=" not in person["orgId"]
    prefix, _, person_uuid = decode_hydra(person["id"]).rpartition("/")
    assert prefix == "ciscospark://us/PEOPLE"
    assert UUID.match(person_uuid)
    assert decode_hydra(person["orgId"]) == f"ciscospark://us/ORGANIZATION/{emulator.org_uuid}"
    assert person["orgId"] == emulator.org_id


def test_get_person_by_id(emulator: ThreadedEmulator, client: httpx.Client) -> None:
    me = _get(client, f"{emulator.hydra_url}/people/me", emulator.access_token).json()
    by_id = _get(client, f"{emulator.hydra_url}/people/{me['id']}", emulator.access_token)
    assert by_id.status_code == 200
    assert by_id.json() == me
    padded = me["id"] + "=" * (-len(me["id"]) % 4)
    assert padded != me["id"]  # the seeded uuid always needs padding
    again = _get(client, f"{emulator.hydra_url}/people/{padded}", emulator.access_token)
    assert again.json()["id"] == me["id"]


def test_unknown_people_are_404(emulator: ThreadedEmulator, client: httpx.Client) -> None:
    person_uuid = decode_hydra(emulator.person_id).rpartition("/")[2]
    unknown = base64.b64encode(b"ciscospark://us/PEOPLE/00000000-0000-4000-8000-000000000000")
    room = base64.b64encode(f"ciscospark://us/ROOM/{person_uuid}".encode())
    for person_id in (unknown.decode(), room.decode(), "not-a-hydra-id", person_uuid):
        url = f"{emulator.hydra_url}/people/{person_id}"
        assert_webex_error(_get(client, url, emulator.access_token), 404)


def test_people_routes_need_a_token(emulator: ThreadedEmulator, client: httpx.Client) -> None:
    assert_webex_error(client.get(f"{emulator.hydra_url}/people/me"), 401)
    assert_webex_error(client.get(f"{emulator.hydra_url}/people/{emulator.person_id}"), 401)


def test_me_follows_the_token_owner(emulator: ThreadedEmulator, client: httpx.Client) -> None:
    created = emulator.create_user(display_name="Ada Lovelace", email="ada@example.com")
    me = _get(client, f"{emulator.hydra_url}/people/me", created["accessToken"]).json()
    assert me == created["person"]
    assert me["emails"] == ["ada@example.com"]
    assert me["firstName"] == "Ada"
    assert me["lastName"] == "Lovelace"
    assert me["orgId"] == emulator.org_id
    assert me["id"] != emulator.person_id
    other = _get(client, f"{emulator.hydra_url}/people/{me['id']}", emulator.access_token)
    assert other.json()["displayName"] == "Ada Lovelace"


def test_avatar_link_serves_a_png(emulator: ThreadedEmulator, client: httpx.Client) -> None:
    person = _get(client, f"{emulator.hydra_url}/people/me", emulator.access_token).json()
    assert person["avatar"].startswith(emulator.base_url + "/")
    avatar = client.get(person["avatar"])
    assert avatar.status_code == 200
    assert avatar.headers["content-type"] == "image/png"
    assert avatar.content.startswith(b"\x89PNG\r\n\x1a\n")
