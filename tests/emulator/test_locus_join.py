"""Joining a Locus over real sockets: shapes, admission, lobby, reads, sync (Locus protocol)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator

from .locus_support import User, make_user, self_device, version


@pytest.fixture
def emu(webex_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return webex_emulator


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False) as client:
        yield client


@pytest.fixture
async def host(emu: ThreadedEmulator, http: httpx.AsyncClient) -> AsyncIterator[User]:
    user = await make_user(emu, http, seeded=True)
    yield user
    await user.close()


@pytest.fixture
async def guest(emu: ThreadedEmulator, http: httpx.AsyncClient) -> AsyncIterator[User]:
    user = await make_user(emu, http, email="guest@example.com")
    yield user
    await user.close()


def _room(emu: ThreadedEmulator, **settings: Any) -> dict[str, Any]:
    return emu.create_meeting_room(host_email=emu.person_email, **settings)


async def test_join_response_shape(emu: ThreadedEmulator, guest: User) -> None:
    room = _room(emu, title="Daily")
    body = guest.join_body(invitee={"address": room["sipUrl"]})
    response = await guest.request(
        "POST", f"{emu.base_url}/locus/api/v1/loci/call?alternateRedirect=true", json=body
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert isinstance(answer["mediaConnections"], list)
    assert answer["mediaConnections"][0]["type"] == "SDP"
    assert answer["mediaConnections"][0]["mediaId"]
    locus = answer["locus"]
    assert locus["url"].startswith(f"{emu.base_url}/locus/api/v1/loci/")
    me = locus["self"]
    assert me["url"] == f"{locus['url']}/participant/{me['id']}"
    assert me["state"] == "JOINED"
    assert me["person"]["id"] == guest.uuid
    device = self_device(locus, guest.device_url)
    assert device["correlationId"] == body["correlationId"]
    assert device["deviceType"] == "WEB"
    assert device["state"] == "JOINED"
    assert device["mediaConnections"][0]["mediaId"] == answer["mediaConnections"][0]["mediaId"]
    assert "intent" not in device
    sequence = locus["sequence"]
    assert sequence["rangeStart"] == 0
    assert sequence["rangeEnd"] == 0
    assert locus["syncUrl"].startswith(
        f"{locus['url']}/sync?since={version(sequence)}&sequenceHash="
    )
    assert locus["fullState"]["state"] == "ACTIVE"
    assert locus["fullState"]["type"] == "MEETING"
    assert locus["fullState"]["count"] == 1
    assert locus["host"]["id"] == room["hostId"]
    assert locus["info"]["sipUri"] == room["sipUrl"]
    assert locus["info"]["webExMeetingId"] == room["meetingNumber"]
    assert locus["info"]["topic"] == "Daily"
    assert "webExSite" not in locus["info"], "no direct https lookup on a plain-HTTP emulator"
    assert [share["name"] for share in locus["mediaShares"]] == ["content", "whiteboard"]
    assert [p["id"] for p in locus["participants"]] == [me["id"]]
    assert me["moderator"] is False
    info = (await guest.lookup(emu, meetingKey=room["meetingNumber"])).json()
    assert info["locusUrl"] == locus["url"]


async def test_every_invitee_form_reaches_the_same_locus(
    emu: ThreadedEmulator, host: User, guest: User, http: httpx.AsyncClient
) -> None:
    room = _room(emu)
    first = (await host.join(emu, room["meetingJoinUrl"])).json()["locus"]["url"]
    second = await guest.join(emu, f"wbxmn:{room['meetingNumber']}")
    assert second.status_code == 200, second.text
    assert second.json()["locus"]["url"] == first
    third_user = await make_user(emu, http, email="third@example.com", socket=False)
    third = await third_user.join(emu, room["sipUrl"])
    assert third.json()["locus"]["url"] == first
    assert third.json()["locus"]["fullState"]["count"] == 3
    unknown = await guest.join(emu, "wbxmn:1")
    assert unknown.status_code == 403
    assert unknown.json()["errorCode"] == 2403014


async def test_join_through_the_participant_url(emu: ThreadedEmulator, guest: User) -> None:
    room = _room(emu, start=True)
    url = f"{room['locusUrl']}/participant?alternateRedirect=true"
    response = await guest.request("POST", url, json=guest.join_body())
    assert response.status_code == 200, response.text
    assert response.json()["locus"]["url"] == room["locusUrl"]
    emu.end_meeting_for_all(room["meetingNumber"])
    ended = await guest.request("POST", url, json=guest.join_body())
    assert ended.status_code == 403
    assert ended.json()["errorCode"] == 2403004


async def test_password_meeting_needs_the_permission_token(
    emu: ThreadedEmulator, guest: User
) -> None:
    room = _room(emu, password="Secret1")
    refused = await guest.join(emu, room["sipUrl"])
    assert refused.status_code == 403
    assert refused.json()["errorCode"] == 2403032
    info = (await guest.lookup(emu, sipUrl=room["sipUrl"], password="Secret1")).json()
    joined = await guest.join(emu, room["sipUrl"], permissionToken=info["permissionToken"])
    assert joined.status_code == 200, joined.text


async def test_locked_meeting_admits_only_the_host(
    emu: ThreadedEmulator, host: User, guest: User
) -> None:
    room = _room(emu, locked=True)
    refused = await guest.join(emu, room["sipUrl"])
    assert refused.status_code == 403
    assert refused.json()["errorCode"] == 2423003
    joined = await host.join(emu, room["sipUrl"])
    assert joined.status_code == 200
    locus = joined.json()["locus"]
    assert locus["fullState"]["locked"] is True
    assert "LOCK_STATUS_LOCKED" in locus["info"]["displayHints"]["joined"]
    assert locus["self"]["moderator"] is True


async def test_host_pin_intent(emu: ThreadedEmulator, guest: User, http: httpx.AsyncClient) -> None:
    room = _room(emu, host_pin_required=True, host_key="112233")
    no_intent = await guest.join(emu, room["sipUrl"])
    assert no_intent.status_code == 403
    assert no_intent.json()["errorCode"] == 2423005
    wrong_pin = await guest.join(emu, room["sipUrl"], moderator=True, pin="000000")
    assert wrong_pin.json()["errorCode"] == 2423006
    as_host = await guest.join(emu, room["sipUrl"], moderator=True, pin="112233")
    assert as_host.status_code == 200, as_host.text
    me = as_host.json()["locus"]["self"]
    assert me["moderator"] is True
    assert {"type": "MODERATOR", "hasRole": True} in me["controls"]["role"]["roles"]
    # With a moderator present, nobody is asked for an intent any more.
    other = await make_user(emu, http, email="other@example.com", socket=False)
    assert (await other.join(emu, room["sipUrl"])).status_code == 200


async def test_guest_of_an_unclaimed_meeting_waits_for_the_host(
    emu: ThreadedEmulator, host: User, guest: User
) -> None:
    room = _room(emu, host_pin_required=True)
    waiting = await guest.enter(emu, room["sipUrl"], moderator=False)
    assert waiting["self"]["state"] == "IDLE"
    await host.enter(emu, room["sipUrl"])
    admitted = await guest.next_locus()
    assert admitted["locus"]["self"]["state"] == "JOINED"


async def test_lobby_keep_alive_and_admit(emu: ThreadedEmulator, host: User, guest: User) -> None:
    room = _room(emu, lobby=True)
    host_join = await host.enter(emu, room["sipUrl"])
    assert host_join["self"]["state"] == "JOINED", "the host skips the lobby"
    waiting = await guest.enter(emu, room["sipUrl"])
    me = waiting["self"]
    assert me["state"] == "IDLE"
    device = self_device(waiting, guest.device_url)
    assert device["intent"]["type"] == "WAIT"
    assert device["keepAliveSecs"] > 1
    keep_alive = await guest.request("GET", device["keepAliveUrl"])
    assert keep_alive.status_code == 200
    seen_by_host = await host.next_locus()
    assert seen_by_host["eventType"] == "locus.difference"
    lobby = [p for p in seen_by_host["locus"]["participants"] if p["id"] == me["id"]]
    assert lobby[0]["state"] == "IDLE"
    assert "ROSTER_WAITING_TO_JOIN" in host_join["info"]["displayHints"]["moderator"]
    # A waiting guest cannot admit anybody.
    refused = await guest.request(
        "PUT", f"{waiting['url']}/controls", json={"admit": {"participantIds": [me["id"]]}}
    )
    assert refused.status_code == 403
    before = version(seen_by_host["locus"]["sequence"])
    admitted = await host.request(
        "PUT",
        f"{waiting['url']}/controls",
        json={
            "admit": {"participantIds": [me["id"]]},
            "sequence": seen_by_host["locus"]["sequence"],
        },
    )
    assert admitted.status_code == 200, admitted.text
    assert version(admitted.json()["locus"]["baseSequence"]) == before
    event = await guest.next_locus()
    assert event["locus"]["self"]["state"] == "JOINED"
    admitted_device = self_device(event["locus"], guest.device_url)
    assert "intent" not in admitted_device
    assert "keepAliveUrl" not in admitted_device


async def test_wait_for_host(emu: ThreadedEmulator, host: User, guest: User) -> None:
    room = _room(emu, wait_for_host=True)
    waiting = await guest.enter(emu, room["sipUrl"])
    assert waiting["self"]["state"] == "IDLE"
    await host.enter(emu, room["sipUrl"])
    event = await guest.next_locus()
    assert event["locus"]["self"]["state"] == "JOINED"


async def test_get_loci_and_get_locus(emu: ThreadedEmulator, host: User, guest: User) -> None:
    room = _room(emu)
    locus = (await host.join(emu, room["sipUrl"])).json()["locus"]
    listed = await host.request("GET", f"{emu.base_url}/locus/api/v1/loci")
    assert listed.status_code == 200
    loci = listed.json()["loci"]
    assert [entry["url"] for entry in loci] == [locus["url"]]
    assert loci[0]["self"]["id"] == locus["self"]["id"]
    assert "rangeStart" in loci[0]["sequence"]
    assert "rangeEnd" in loci[0]["sequence"]
    none = await guest.request("GET", f"{emu.base_url}/locus/api/v1/loci")
    assert none.json()["loci"] == []
    full = (await host.request("GET", locus["url"])).json()
    assert full["sequence"] == locus["sequence"]
    assert full["self"]["id"] == locus["self"]["id"]
    assert "baseSequence" not in full


async def test_sync_returns_the_missing_delta_or_nothing(
    emu: ThreadedEmulator, host: User, guest: User
) -> None:
    room = _room(emu)
    locus = (await host.join(emu, room["sipUrl"])).json()["locus"]
    old = version(locus["sequence"])
    joined = (await guest.join(emu, room["sipUrl"])).json()["locus"]
    delta = await host.request("GET", locus["syncUrl"])
    assert delta.status_code == 200
    body = delta.json()
    assert version(body["baseSequence"]) == old
    assert body["sequence"] == joined["sequence"]
    assert [p["id"] for p in body["participants"]] == [joined["self"]["id"]]
    assert "self" not in body, "the host's own participant did not change"
    current = await host.request("GET", joined["syncUrl"])
    assert current.status_code == 200
    assert current.content == b""
    bad = await host.request("GET", f"{locus['url']}/sync?since={old}&sequenceHash=1")
    assert bad.status_code == 400
    assert bad.json()["errorCode"] == 2400014


async def test_rejoin_on_the_same_device_replaces_its_session(
    emu: ThreadedEmulator, guest: User
) -> None:
    room = _room(emu)
    await guest.join(emu, room["sipUrl"])
    again = (await guest.join(emu, room["sipUrl"], correlationId="second-join")).json()["locus"]
    assert [d["correlationId"] for d in again["self"]["devices"]] == ["second-join"]


async def test_leave_ends_an_empty_meeting(emu: ThreadedEmulator, guest: User) -> None:
    room = _room(emu)
    locus = (await guest.join(emu, room["sipUrl"])).json()["locus"]
    body = {
        "device": {"deviceType": "WEB", "url": guest.device_url},
        "usingResource": None,
        "correlationId": self_device(locus, guest.device_url)["correlationId"],
        "sequence": locus["sequence"],
    }
    left = await guest.request("PUT", f"{locus['self']['url']}/leave", json=body)
    assert left.status_code == 200, left.text
    delta = left.json()["locus"]
    assert delta["baseSequence"] == locus["sequence"]
    assert delta["self"]["state"] == "LEFT"
    assert delta["self"]["removed"] is True
    assert delta["fullState"]["state"] == "INACTIVE"
    info = (await guest.lookup(emu, sipUrl=room["sipUrl"])).json()
    assert "locusUrl" not in info
    rejoined = (await guest.join(emu, room["sipUrl"])).json()["locus"]
    assert rejoined["url"] != locus["url"]


async def test_rest_meeting_without_join_before_host_waits_for_the_host(
    emu: ThreadedEmulator, host: User, guest: User
) -> None:
    created = await host.request(
        "POST",
        f"{emu.hydra_url}/meetings",
        json={
            "title": "Review",
            "start": "2099-01-01T10:00:00Z",
            "end": "2099-01-01T11:00:00Z",
            "enabledJoinBeforeHost": False,
        },
    )
    assert created.status_code == 200, created.text
    meeting = created.json()
    info = await guest.lookup(
        emu, meetingKey=meeting["meetingNumber"], password=meeting["password"]
    )
    assert info.status_code == 200, info.text
    token = info.json()["permissionToken"]
    waiting = await guest.enter(emu, meeting["sipAddress"], permissionToken=token)
    assert waiting["self"]["state"] == "IDLE"
    assert waiting["info"]["webExMeetingId"] == meeting["meetingNumber"]
    own = (await host.lookup(emu, meetingKey=meeting["meetingNumber"])).json()
    started = await host.enter(emu, meeting["webLink"], permissionToken=own["permissionToken"])
    assert started["self"]["moderator"] is True
    admitted = await guest.next_locus()
    assert admitted["locus"]["self"]["state"] == "JOINED"
