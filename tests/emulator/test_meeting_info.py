"""Meeting-info lookups over real sockets: destinations, password, captcha, tokens."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator
from webex_meetings.emulator.services.meetinginfo.rooms import https_host

from .locus_support import User, make_user


@pytest.fixture
def emu(webex_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return webex_emulator


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False) as client:
        yield client


@pytest.fixture
async def guest(emu: ThreadedEmulator, http: httpx.AsyncClient) -> User:
    """A signed-in user who hosts nothing."""
    return await make_user(emu, http, email="guest@example.com", socket=False)


def _claims(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _signature = token.split(".")

    def decode(part: str) -> dict[str, Any]:
        return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))

    return decode(header), decode(payload)


async def test_every_destination_type_resolves(
    emu: ThreadedEmulator, guest: User, http: httpx.AsyncClient
) -> None:
    room = emu.create_meeting_room(title="Standup", conversation_url="https://conv.example/c/1")
    sip_upper = "SIP:" + room["sipUrl"].upper()
    for body in (
        {"meetingKey": room["meetingNumber"]},
        {"sipUrl": room["sipUrl"]},
        {"sipUrl": sip_upper},
        {"meetingUrl": room["meetingJoinUrl"]},
        {"meetingUUID": room["meetingId"]},
        {"conversationUrl": "https://conv.example/c/1"},
    ):
        response = await guest.lookup(emu, **body)
        assert response.status_code == 200, (body, response.text)
        info = response.json()
        assert info["meetingNumber"] == room["meetingNumber"]
        assert info["sipUrl"] == room["sipUrl"]
        assert info["meetingJoinUrl"] == room["meetingJoinUrl"]
        assert info["meetingName"] == "Standup"
        assert info["owner"] == info["hostId"] == room["hostId"]
        # A plain-HTTP emulator cannot be reached at https://<locusClusterUrl>.
        assert "locusClusterUrl" not in info
        assert info["supportVoIP"] is True
        assert info["video"] == {"supportHDV": True, "supportHQV": True}
        assert info["confIdStr"] == str(info["confID"])
        assert info["conversationUrl"] == "https://conv.example/c/1"
        assert "locusUrl" not in info


def test_cluster_host_is_only_advertised_over_https() -> None:
    assert https_host("https://emu.example:8443") == "emu.example:8443"
    assert https_host("http://127.0.0.1:8080") is None


async def test_personal_room_by_user_and_org(emu: ThreadedEmulator, guest: User) -> None:
    owner = emu.create_user(email="pmr.owner@example.com")
    owner_uuid = base64.b64decode(owner["person"]["id"] + "==").decode().rsplit("/", 1)[-1]
    response = await guest.lookup(emu, userId=owner_uuid, orgId=emu.org_uuid)
    assert response.status_code == 200, response.text
    info = response.json()
    assert info["owner"] == owner_uuid
    assert info["sipUrl"] == "pmr.owner@meetings.emulator.webex.com"
    again = await guest.lookup(emu, sipUrl="pmr.owner@meetings.emulator.webex.com")
    assert again.json()["meetingNumber"] == info["meetingNumber"]
    wrong_org = await guest.lookup(
        emu, userId=owner_uuid, orgId="00000000-0000-0000-0000-000000000000"
    )
    assert wrong_org.status_code == 404
    assert wrong_org.json()["code"] == 404006


async def test_permission_token_is_an_unsigned_jwt_in_milliseconds(
    emu: ThreadedEmulator, guest: User
) -> None:
    room = emu.create_meeting_room(token_ttl=600)
    info = (await guest.lookup(emu, meetingKey=room["meetingNumber"])).json()
    header, claims = _claims(info["permissionToken"])
    assert header["typ"] == "JWT"
    assert claims["iat"] > 10**12  # milliseconds, not seconds
    assert claims["exp"] - claims["iat"] == 600_000
    assert claims["permission"]["userPolicies"]["supportVoIP"] is True
    assert claims["permission"]["userPolicies"]["supportVideo"] is True


async def test_locus_url_is_given_once_the_meeting_runs(emu: ThreadedEmulator, guest: User) -> None:
    room = emu.create_meeting_room(start=True)
    info = (await guest.lookup(emu, sipUrl=room["sipUrl"])).json()
    assert info["locusUrl"] == room["locusUrl"]


async def test_scheduled_rest_meeting_is_looked_up_with_its_password(
    emu: ThreadedEmulator, guest: User, http: httpx.AsyncClient
) -> None:
    host = await make_user(emu, http, seeded=True, socket=False)
    created = await host.request(
        "POST",
        f"{emu.hydra_url}/meetings",
        json={
            "title": "Planning",
            "start": "2099-01-01T10:00:00Z",
            "end": "2099-01-01T11:00:00Z",
            "password": "Plan2099",
        },
    )
    assert created.status_code == 200, created.text
    meeting = created.json()
    refused = await guest.lookup(emu, meetingKey=meeting["meetingNumber"])
    assert refused.status_code == 403
    assert refused.json()["code"] == 403004
    assert refused.json()["data"]["meetingInfo"]["meetingNumber"] == meeting["meetingNumber"]
    for body in (
        {"sipUrl": meeting["sipAddress"], "password": "Plan2099"},
        {"meetingUrl": meeting["webLink"], "password": "Plan2099"},
        {"meetingKey": meeting["meetingNumber"], "password": meeting["hostKey"]},
    ):
        ok = await guest.lookup(emu, **body)
        assert ok.status_code == 200, (body, ok.text)
        assert ok.json()["meetingName"] == "Planning"
        assert ok.json()["owner"] == host.uuid
    own = await host.lookup(emu, meetingKey=meeting["meetingNumber"])
    assert own.status_code == 200, "the host needs no password"


async def test_password_then_captcha_then_success(
    emu: ThreadedEmulator, guest: User, http: httpx.AsyncClient
) -> None:
    room = emu.create_meeting_room(password="Secret1")
    key = room["meetingNumber"]
    missing = await guest.lookup(emu, meetingKey=key)
    assert missing.status_code == 403
    assert missing.json()["code"] == 403004
    assert missing.json()["data"]["meetingInfo"]["meetingNumber"] == key
    for _ in range(2):
        wrong = await guest.lookup(emu, meetingKey=key, password="nope")
        assert wrong.status_code == 403
        assert wrong.json()["code"] == 403028
    third = await guest.lookup(emu, meetingKey=key, password="nope")
    assert third.status_code == 423
    challenge = third.json()
    assert challenge["code"] == 423005
    assert {"captchaID", "verificationImageURL", "verificationAudioURL", "refreshURL"} <= set(
        challenge
    )
    assert "?" in challenge["refreshURL"]
    # Without the captcha even the right password is refused.
    still = await guest.lookup(emu, meetingKey=key, password="Secret1")
    assert still.status_code == 423
    assert still.json()["captchaID"] == challenge["captchaID"]
    # Refresh as the SDK does: refreshURL + "&siteFullName=<host>", body {captchaId}.
    host_name = urlsplit(challenge["refreshURL"]).hostname
    refreshed = await guest.request(
        "POST",
        f"{challenge['refreshURL']}&siteFullName={host_name}",
        json={"captchaId": challenge["captchaID"]},
    )
    assert refreshed.status_code == 200, refreshed.text
    fresh = refreshed.json()
    assert set(fresh) == {"captchaID", "verificationImageURL", "verificationAudioURL"}
    assert fresh["captchaID"] != challenge["captchaID"]
    code = emu.captcha_code(key)
    image = await http.get(fresh["verificationImageURL"])
    assert image.status_code == 200
    assert code in image.text
    right_captcha_wrong_password = await guest.lookup(
        emu, meetingKey=key, password="nope", captchaID=fresh["captchaID"], captchaVerifyCode=code
    )
    assert right_captcha_wrong_password.status_code == 423
    assert right_captcha_wrong_password.json()["code"] == 423010
    newest = right_captcha_wrong_password.json()["captchaID"]
    assert newest != fresh["captchaID"]
    ok = await guest.lookup(
        emu,
        meetingKey=key,
        password="Secret1",
        captchaID=newest,
        captchaVerifyCode=emu.captcha_code(key).upper(),
    )
    assert ok.status_code == 200, ok.text
    _, claims = _claims(ok.json()["permissionToken"])
    assert claims["exp"] > claims["iat"] > 10**12
    # Success resets the count: the next wrong password is a plain 403 again.
    again = await guest.lookup(emu, meetingKey=key, password="nope")
    assert again.json()["code"] == 403028


async def test_wrong_captcha_code_gets_a_new_captcha(emu: ThreadedEmulator, guest: User) -> None:
    room = emu.create_meeting_room(password="Secret1")
    for _ in range(3):
        last = await guest.lookup(emu, meetingKey=room["meetingNumber"], password="x")
    first_id = last.json()["captchaID"]
    wrong = await guest.lookup(
        emu,
        meetingKey=room["meetingNumber"],
        password="Secret1",
        captchaID=first_id,
        captchaVerifyCode="not-it",
    )
    assert wrong.status_code == 423
    assert wrong.json()["code"] == 423005
    assert wrong.json()["captchaID"] != first_id


async def test_captcha_is_per_caller(
    emu: ThreadedEmulator, guest: User, http: httpx.AsyncClient
) -> None:
    room = emu.create_meeting_room(password="Secret1")
    for _ in range(3):
        await guest.lookup(emu, meetingKey=room["meetingNumber"], password="x")
    other = await make_user(emu, http, email="other@example.com", socket=False)
    response = await other.lookup(emu, meetingKey=room["meetingNumber"], password="Secret1")
    assert response.status_code == 200


async def test_host_key_shaped_guess_and_host_key(emu: ThreadedEmulator, guest: User) -> None:
    room = emu.create_meeting_room(password="Secret1", host_key="654321")
    wrong = await guest.lookup(emu, meetingKey=room["meetingNumber"], password="123456")
    assert wrong.json()["code"] == 403038
    right = await guest.lookup(emu, meetingKey=room["meetingNumber"], password="654321")
    assert right.status_code == 200


async def test_policy_error_from_the_control_api(emu: ThreadedEmulator, guest: User) -> None:
    room = emu.create_meeting_room(policy_error=403049)
    refused = await guest.lookup(emu, meetingKey=room["meetingNumber"])
    assert refused.status_code == 403
    assert refused.json()["code"] == 403049
    assert refused.json()["data"]["meetingInfo"]["meetingNumber"] == room["meetingNumber"]
    emu.update_meeting_room(room["meetingNumber"], policy_error=0)
    assert (await guest.lookup(emu, meetingKey=room["meetingNumber"])).status_code == 200


async def test_unknown_meeting_and_empty_destination(emu: ThreadedEmulator, guest: User) -> None:
    unknown = await guest.lookup(emu, sipUrl="999@nowhere.webex.com")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == 404006
    empty = await guest.lookup(emu)
    assert empty.status_code == 400
    assert empty.json()["code"] == 400001


async def test_permission_token_refresh(
    emu: ThreadedEmulator, guest: User, http: httpx.AsyncClient
) -> None:
    room = emu.create_meeting_room(password="Secret1")
    first = (await guest.lookup(emu, meetingKey=room["meetingNumber"], password="Secret1")).json()
    refreshed = await guest.lookup(
        emu, meetingUrl=room["meetingJoinUrl"], permissionToken=first["permissionToken"]
    )
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["permissionToken"] != first["permissionToken"]
    other = await make_user(emu, http, email="thief@example.com", socket=False)
    stolen = await other.lookup(
        emu, meetingKey=room["meetingNumber"], permissionToken=first["permissionToken"]
    )
    assert stolen.status_code == 403
    assert stolen.json()["code"] == 403032


async def test_space_instant_meeting(emu: ThreadedEmulator, guest: User) -> None:
    url = f"{emu.base_url}/wbxappapi/v2/meetings/spaceInstant"
    body = {
        "title": "Team space",
        "spaceUrl": "https://conv.example/conversations/abc",
        "keyUrl": "kms://key",
        "kroUrl": "kms://kro",
        "invitees": [{"email": "a@example.com", "ciUserUuid": "u1"}],
    }
    first = await guest.request("POST", url, json=body)
    assert first.status_code == 200, first.text
    info = first.json()
    assert info["conversationUrl"] == body["spaceUrl"]
    assert info["owner"] == guest.uuid
    assert info["meetingName"] == "Team space"
    second = await guest.request("POST", url, json=body)
    assert second.json()["meetingNumber"] == info["meetingNumber"]
    found = await guest.lookup(emu, conversationUrl=body["spaceUrl"])
    assert found.json()["meetingNumber"] == info["meetingNumber"]


async def test_lookup_requires_a_token(emu: ThreadedEmulator, http: httpx.AsyncClient) -> None:
    room = emu.create_meeting_room()
    response = await http.post(
        f"{emu.base_url}/wbxappapi/v1/meetingInfo", json={"meetingKey": room["meetingNumber"]}
    )
    assert response.status_code == 401


async def test_async_emulator_helpers_match_the_threaded_ones(emulator: Any) -> None:
    room = await emulator.create_meeting_room(password="Secret1", host_key="135790", start=True)
    assert room["hostKey"] == "135790"
    updated = await emulator.update_meeting_room(room["meetingNumber"], lobby=True)
    assert updated["lobby"] is True
    participant = await emulator.add_participant(room["meetingNumber"], name="Async")
    await emulator.mute_participant(room["meetingNumber"], participant)
    locus = await emulator.locus(room["locusUrl"])
    (sim,) = locus["participants"]
    assert sim["controls"]["audio"]["muted"] is True
    state = await emulator.locus_faults(duplicate=2)
    assert state["faults"]["duplicate"] == 2
    assert await emulator.clear_locus_faults() == 2
    await emulator.end_meeting_for_all(room["meetingNumber"])
    ended = await emulator.locus(room["meetingNumber"])
    assert ended["fullState"]["state"] == "INACTIVE"
