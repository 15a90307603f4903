"""Destination classification for ``meetings.create()`` (no real network: MockTransport)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webex_meetings import Webex
from webex_meetings import _hydra as hydra
from webex_meetings.internal.activity import hydra_id
from webex_meetings.meetings.constants import DestinationType
from webex_meetings.meetings.destination import (
    Destination,
    parse_hydra_id,
    resolve_destination,
)
from webex_meetings.meetings.errors import ParameterError, SpaceIDDeprecatedError

from .conftest import HYDRA, TOKEN

PERSON_UUID = "8c5fbd5e-1b9e-4c3f-9a2b-0123456789ab"
ORG_UUID = "1eb65fdf-9643-417f-9974-ad72cae0e10f"
ROOM_UUID = "c5e68180-0913-11ed-aff4-a79c605e50e1"
CONV = "https://conv-a.wbx2.com/conversation/api/v1"
CATALOG = {
    "serviceLinks": {
        "webex-appapi-service": "https://appapi-a.wbx2.com/wbxappapi/v1",
        "conversation": CONV,
        "locus": "https://locus-a.wbx2.com/locus/api/v1",
    },
    "hostCatalog": {
        "conv-a.wbx2.com": [
            {
                "host": "conv-a.wbx2.com",
                "priority": 5,
                "ttl": -1,
                "id": "urn:TEAM:us:identityLookup",
            }
        ],
        "locus-a.wbx2.com": [
            {"host": "locus-a.wbx2.com", "priority": 5, "ttl": -1, "id": "urn:TEAM:us:locus"}
        ],
    },
}


def _person(**fields: Any) -> dict[str, Any]:
    return {"id": hydra_id("PEOPLE", PERSON_UUID), "orgId": hydra_id("ORGANIZATION", ORG_UUID)} | (
        fields
    )


def _handler(people: dict[str, Any] | None = None) -> Callable[[httpx.Request], httpx.Response]:
    """Serves the U2C catalogs and ``people`` lookups from ``people`` (path → body)."""

    def handle(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if "/catalog" in path:
            return httpx.Response(200, json=CATALOG)
        for key, body in (people or {}).items():
            if path.endswith(key):
                if body is None:
                    return httpx.Response(404, json={"message": "not found"})
                return httpx.Response(200, json=body)
        return httpx.Response(404, json={"message": "no route"})

    return handle


@pytest.fixture
def webex(make_webex: Callable[..., Any]) -> Webex:
    client, _, _ = make_webex(_handler())
    return client


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("alice@example.webex.com", DestinationType.SIP_URI, "alice@example.webex.com"),
        ("sip:alice@acme.webex.com;transport=tls", DestinationType.SIP_URI, None),
        ("  bob@acme.webex.com  ", DestinationType.SIP_URI, "bob@acme.webex.com"),
        ("https://acme.webex.com/meet/alice", DestinationType.MEETING_LINK, None),
        ("acme.webex.com/join/alice", DestinationType.MEETING_LINK, None),
        # a 10-digit number is a meeting number here; JS would call it a phone number
        ("2555555555", DestinationType.MEETING_ID, "2555555555"),
        ("255 555 5555", DestinationType.MEETING_ID, "2555555555"),
        ("2555-555-555", DestinationType.MEETING_ID, "2555555555"),
        ("123456789", DestinationType.MEETING_ID, "123456789"),
        ("25512345678", DestinationType.MEETING_ID, "25512345678"),
        # phone numbers written as phone numbers stay SIP_URI
        ("+1 255 555 5555", DestinationType.SIP_URI, "+1 255 555 5555"),
        ("(255) 555-5555", DestinationType.SIP_URI, "(255) 555-5555"),
        ("255.555.5555", DestinationType.SIP_URI, "255.555.5555"),
        ("555-5555", DestinationType.SIP_URI, "555-5555"),
        ("tel:+12555555555", DestinationType.SIP_URI, "tel:+12555555555"),
        ("sip:2555555555", DestinationType.SIP_URI, "sip:2555555555"),
        (f"{CONV}/conversations/{ROOM_UUID}", DestinationType.CONVERSATION_URL, None),
    ],
)
async def test_auto_classification(
    webex: Webex, text: str, kind: DestinationType, value: str | None
) -> None:
    destination = await resolve_destination(webex, text)
    assert destination.type is kind
    assert destination.value == (value if value is not None else text.strip())
    assert destination.original == text
    assert not destination.was_hydra_person


@pytest.mark.parametrize(
    "text",
    [
        "hello world",
        "https://locus-a.wbx2.com/locus/api/v1/loci/1",  # a catalog host, not a conversation
        "12345678",  # 8 digits: neither a meeting number nor a phone number
        "+44 20 7946 0958",
    ],
)
async def test_unrecognised_names_input_and_lists_choices(webex: Webex, text: str) -> None:
    with pytest.raises(ParameterError) as info:
        await resolve_destination(webex, text)
    message = str(info.value)
    assert repr(text) in message
    assert "SIP address" in message
    assert "MEETING_ID" in message
    assert "PERSON_ID" in message


@pytest.mark.parametrize("value", [None, "", "   \t"])
async def test_empty_destination(webex: Webex, value: str | None) -> None:
    with pytest.raises(ParameterError, match="empty"):
        await resolve_destination(webex, value)


async def test_room_id_is_deprecated_with_guidance(make_webex: Callable[..., Any]) -> None:
    webex, recorder, _ = make_webex(_handler())
    with pytest.raises(SpaceIDDeprecatedError) as info:
        await resolve_destination(webex, hydra_id("ROOM", ROOM_UUID))
    assert info.value.code == 30105
    assert "meeting_number" in str(info.value)
    assert "sip_address" in str(info.value)
    assert not [r for r in recorder.requests if "/people" in r.url.path]


async def test_room_id_without_unified_meetings_is_a_conversation(
    make_webex: Callable[..., Any],
) -> None:
    webex, _, _ = make_webex(
        _handler(),
        config={
            "services": {"override": {"hydra": HYDRA}},
            "meetings": {"experimental": {"enableUnifiedMeetings": False}},
        },
    )
    destination = await resolve_destination(webex, hydra_id("ROOM", ROOM_UUID))
    assert destination == Destination(
        DestinationType.CONVERSATION_URL,
        f"{CONV}/conversations/{ROOM_UUID}",
        original=hydra_id("ROOM", ROOM_UUID),
    )


async def test_hydra_person_prefers_calling_sip_address(make_webex: Callable[..., Any]) -> None:
    person_id = hydra_id("PEOPLE", PERSON_UUID)
    body = _person(
        emails=["alice@example.com"],
        sipAddresses=[
            {"type": "personal-room", "value": "alice@acme.webex.com", "primary": True},
            {"type": "cloud-calling", "value": "alice@acme.calls.webex.com", "primary": False},
            {"type": "enterprise", "value": "alice@example.com", "primary": True},
        ],
    )
    webex, recorder, _ = make_webex(_handler({f"/people/{person_id}": body}))
    destination = await resolve_destination(webex, person_id)
    assert destination.type is DestinationType.SIP_URI
    assert destination.value == "alice@example.com"  # primary, and not the personal room
    assert destination.was_hydra_person
    assert [r.url.path for r in recorder.requests if "/people" in r.url.path] == [
        f"/v1/people/{person_id}"
    ]


async def test_hydra_person_falls_back_to_first_email(make_webex: Callable[..., Any]) -> None:
    person_id = hydra_id("PEOPLE", PERSON_UUID)
    body = _person(emails=["first@example.com", "second@example.com"])
    webex, _, _ = make_webex(_handler({f"/people/{person_id}": body}))
    destination = await resolve_destination(webex, person_id)
    assert destination.value == "first@example.com"


async def test_person_without_address_or_unknown(make_webex: Callable[..., Any]) -> None:
    person_id = hydra_id("PEOPLE", PERSON_UUID)
    webex, _, _ = make_webex(_handler({f"/people/{person_id}": _person(emails=[])}))
    with pytest.raises(ParameterError, match="no SIP address and no e-mail") as info:
        await resolve_destination(webex, person_id)
    assert person_id[:40] in str(info.value)
    webex, _, _ = make_webex(_handler({f"/people/{person_id}": None}))
    with pytest.raises(ParameterError, match="no person found"):
        await resolve_destination(webex, person_id, DestinationType.PERSON_ID)


async def test_explicit_person_id_with_email_and_uuid(make_webex: Callable[..., Any]) -> None:
    person_id = hydra_id("PEOPLE", PERSON_UUID)
    body = _person(sipAddresses=[{"type": "enterprise", "value": "al@corp.example"}])
    webex, recorder, _ = make_webex(
        _handler({"/people": {"items": [body]}, f"/people/{person_id}": body})
    )
    by_mail = await resolve_destination(webex, "al@example.com", "PERSON_ID")
    assert (by_mail.type, by_mail.value, by_mail.was_hydra_person) == (
        DestinationType.SIP_URI,
        "al@corp.example",
        True,
    )
    assert recorder.requests[-1].url.params["email"] == "al@example.com"
    by_uuid = await resolve_destination(webex, PERSON_UUID, DestinationType.PERSON_ID)
    assert by_uuid.value == "al@corp.example"
    assert recorder.requests[-1].url.path == f"/v1/people/{person_id}"
    with pytest.raises(ParameterError, match="not a person ID or e-mail"):
        await resolve_destination(webex, "not-a-person", DestinationType.PERSON_ID)


async def test_explicit_person_email_not_listed_is_called_as_given(
    make_webex: Callable[..., Any],
) -> None:
    webex, _, _ = make_webex(_handler({"/people": {"items": []}}))
    destination = await resolve_destination(webex, "guest@example.org", DestinationType.PERSON_ID)
    assert destination.value == "guest@example.org"
    assert destination.was_hydra_person


async def test_disable_hydra_id_skips_person_lookup(make_webex: Callable[..., Any]) -> None:
    webex, recorder, _ = make_webex(
        _handler(),
        config={"services": {"override": {"hydra": HYDRA}}, "meetings": {"disableHydraId": True}},
    )
    for value in (hydra_id("PEOPLE", PERSON_UUID), hydra_id("ROOM", ROOM_UUID)):
        with pytest.raises(ParameterError, match="cannot tell"):
            await resolve_destination(webex, value)
    assert not [r for r in recorder.requests if "/people" in r.url.path]


async def test_personal_room_lookups(make_webex: Callable[..., Any]) -> None:
    webex, recorder, _ = make_webex(
        _handler({"/people/me": _person(), "/people": {"items": [_person()]}})
    )
    expected = {"userId": PERSON_UUID, "orgId": ORG_UUID}
    own = await resolve_destination(webex, None, DestinationType.PERSONAL_ROOM)
    assert own.value == expected  # device not registered: people/me, Hydra ids decoded
    by_mail = await resolve_destination(webex, "alice@example.com", "PERSONAL_ROOM")
    assert by_mail.value == expected
    assert recorder.requests[-1].url.params["email"] == "alice@example.com"
    by_uuid = await resolve_destination(webex, PERSON_UUID, "PERSONAL_ROOM")
    assert by_uuid.value == expected
    assert recorder.requests[-1].url.params["id"] == hydra_id("PEOPLE", PERSON_UUID)
    given = await resolve_destination(
        webex, {"userId": hydra_id("PEOPLE", PERSON_UUID), "orgId": ORG_UUID}, "PERSONAL_ROOM"
    )
    assert given.value == expected


async def test_personal_room_unknown_person(make_webex: Callable[..., Any]) -> None:
    webex, _, _ = make_webex(_handler({"/people": {"items": []}}))
    with pytest.raises(ParameterError, match=r"nobody@example\.com"):
        await resolve_destination(webex, "nobody@example.com", DestinationType.PERSONAL_ROOM)


async def test_explicit_types(webex: Webex) -> None:
    locus = {"url": "https://locus-a.wbx2.com/locus/api/v1/loci/1", "info": {"webExSite": "a"}}
    by_locus = await resolve_destination(webex, locus, DestinationType.LOCUS_ID)
    assert by_locus.value == locus
    assert by_locus.type is DestinationType.LOCUS_ID
    with pytest.raises(ParameterError, match="Locus object"):
        await resolve_destination(webex, "abc", DestinationType.LOCUS_ID)
    with pytest.raises(ParameterError, match="mapping destination"):
        await resolve_destination(webex, locus)
    number = await resolve_destination(webex, " 2555 555 555 ", DestinationType.MEETING_ID)
    assert number.value == "2555555555"
    uuid = await resolve_destination(webex, ROOM_UUID, "meeting_uuid")
    assert (uuid.type, uuid.value) == (DestinationType.MEETING_UUID, ROOM_UUID)
    forced = await resolve_destination(webex, "2555555555", DestinationType.SIP_URI)
    assert forced.type is DestinationType.SIP_URI
    with pytest.raises(ParameterError, match="unknown destination type 'Others'") as info:
        await resolve_destination(webex, "x", "Others")
    assert "MEETING_ID" in str(info.value)


def test_parse_hydra_id() -> None:
    parsed = parse_hydra_id(hydra_id("ROOM", ROOM_UUID, "urn:TEAM:eu-central-1_k:x"))
    assert parsed is not None
    assert (parsed.kind, parsed.uuid) == ("ROOM", ROOM_UUID)
    for junk in ("", "not base64!", "aGVsbG8", "Y2lzY29zcGFyazovL3Vz", "=" * 8):
        assert parse_hydra_id(junk) is None


def test_one_hydra_decoder_with_both_behaviours() -> None:
    # The destination module re-exports the shared decoder rather than keeping its own.
    assert parse_hydra_id is hydra.parse_hydra_id
    value = hydra_id("PEOPLE", ROOM_UUID, "eu")
    assert hydra.decode_hydra_id(value) == hydra.parse_hydra_id(value)
    assert hydra.decode_hydra_id(value.replace("-", "+") + "==").uuid == ROOM_UUID
    with pytest.raises(ValueError, match="not a Hydra id") as info:
        hydra.decode_hydra_id("x" * 4000)
    assert len(str(info.value)) < 200  # a long input is not quoted whole


def test_destination_repr_is_short() -> None:
    big = Destination(DestinationType.LOCUS_ID, {"a": 1, "b": 2})
    assert repr(big) == "Destination(LOCUS_ID, <2 keys>)"


_HYDRA_LIKE = st.builds(
    hydra_id,
    st.sampled_from(["PEOPLE", "ROOM", "TEAM", "MESSAGE"]),
    st.one_of(st.uuids().map(str), st.text(max_size=12)),
)
_DIGITS = st.text(alphabet="0123456789 -+().", min_size=1, max_size=20)


async def _classify_with_failing_cloud(text: str) -> Destination | None:
    # Every request fails: the catalog, people lookups. Only the classifier's own
    # errors may come out.
    client = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(404, json={"message": "nope"}))
    )
    webex = Webex.init(
        credentials=TOKEN, config={"services": {"override": {"hydra": HYDRA}}}, http_client=client
    )
    try:
        async with asyncio.timeout(5):
            return await resolve_destination(webex, text)
    except (ParameterError, SpaceIDDeprecatedError):
        return None
    finally:
        await webex.close()
        await client.aclose()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), _HYDRA_LIKE, _DIGITS))
def test_any_string_classifies_or_raises_parameter_error(text: str) -> None:
    destination = asyncio.run(_classify_with_failing_cloud(text))
    if destination is not None:
        assert destination.type in DestinationType
        assert isinstance(destination.value, str)
        assert destination.value
        json.dumps(destination.value)


def test_catalog_cluster_ids() -> None:
    from webex_meetings.services import ServiceCatalog

    catalog = ServiceCatalog(discovery={"u2c": "https://u2c.wbx2.com/u2c/api/v1"})
    catalog._apply(
        "postauth",
        {
            "serviceLinks": {"conversation": "https://conv-default.wbx2.com/conversation/api/v1"},
            "hostCatalog": {
                "conv-default.wbx2.com": [
                    {"host": "conv-b.wbx2.com", "id": "urn:TEAM:eu:identityLookup"},
                    {"host": "conv-c.wbx2.com", "id": "urn:TEAM:eu2:identityLookup"},
                ]
            },
        },
    )
    # an exact host entry, then the default host of a service (its first entry)
    assert catalog.get_cluster_id("https://CONV-C.wbx2.com/x") == "urn:TEAM:eu2:identityLookup"
    assert catalog.get_cluster_id("https://conv-default.wbx2.com/x") == "urn:TEAM:eu:identityLookup"
    for foreign in ("https://elsewhere.example/x", "not a url", "http://[::1"):
        assert catalog.get_cluster_id(foreign) is None
