"""Call control over real sockets: every request changes state, answers a delta and pushes it.

Each step checks the Locus protocol: the answer's ``baseSequence`` is the version before the
request, ``sequence`` the next one, and the same delta reaches every joined device as a
``locus.difference`` event.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator

from .locus_support import User, make_user, version


@pytest.fixture
def emu(webex_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return webex_emulator


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False) as client:
        yield client


@dataclass
class Meeting:
    """A running meeting: the seeded user as host and one guest, both with sockets."""

    room: dict[str, Any]
    url: str
    host: User
    guest: User
    host_id: str
    guest_id: str
    version: int

    def member(self, participant_id: str) -> str:
        return f"{self.url}/participant/{participant_id}"

    async def step(
        self, actor: User, method: str, url: str, body: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """Send a delta request; returns (answer delta, host's push, guest's push)."""
        before = self.version
        sequence = {"entries": [before], "rangeStart": 0, "rangeEnd": 0}
        response = await actor.request(method, url, json={**body, "sequence": sequence})
        assert response.status_code == 200, response.text
        delta = response.json()["locus"]
        assert version(delta["baseSequence"]) == before
        assert version(delta["sequence"]) == before + 1
        assert delta["url"] == self.url
        assert delta["syncUrl"].startswith(f"{self.url}/sync?since={before + 1}")
        pushes = []
        for user in (self.host, self.guest):
            event = await user.next_locus()
            assert event["eventType"] == "locus.difference"
            assert event["locusUrl"] == self.url
            assert event["locus"]["baseSequence"] == delta["baseSequence"]
            assert event["locus"]["sequence"] == delta["sequence"]
            pushes.append(event["locus"])
        self.version = before + 1
        return delta, pushes[0], pushes[1]


@pytest.fixture
async def meeting(emu: ThreadedEmulator, http: httpx.AsyncClient) -> AsyncIterator[Meeting]:
    host = await make_user(emu, http, seeded=True)
    guest = await make_user(emu, http, email="guest@example.com")
    room = emu.create_meeting_room(host_email=emu.person_email, host_key="424242")
    host_locus = await host.enter(emu, room["sipUrl"])
    guest_locus = await guest.enter(emu, room["sipUrl"])
    seen = await host.next_locus()
    assert seen["locus"]["sequence"] == guest_locus["sequence"]
    yield Meeting(
        room=room,
        url=host_locus["url"],
        host=host,
        guest=guest,
        host_id=host_locus["self"]["id"],
        guest_id=guest_locus["self"]["id"],
        version=version(guest_locus["sequence"]),
    )
    await host.close()
    await guest.close()


def _participant(delta: dict[str, Any], participant_id: str) -> dict[str, Any]:
    found = [p for p in delta["participants"] if p["id"] == participant_id]
    assert len(found) == 1, delta.get("participants")
    return dict(found[0])


async def test_locus_controls_each_push_a_delta(meeting: Meeting) -> None:
    m, controls = meeting, f"{meeting.url}/controls"
    delta, _, pushed_to_guest = await m.step(m.host, "PATCH", controls, {"lock": {"locked": True}})
    assert delta["controls"]["lock"]["locked"] is True
    assert delta["fullState"]["locked"] is True
    assert "LOCK_STATUS_LOCKED" in delta["info"]["displayHints"]["joined"]
    assert "LOCK_CONTROL_UNLOCK" in delta["info"]["displayHints"]["moderator"]
    assert "LOCK_CONTROL_LOCK" not in delta["info"]["displayHints"]["moderator"]
    assert "participants" not in delta
    assert "self" not in pushed_to_guest
    delta, _, _ = await m.step(m.host, "PATCH", controls, {"lock": {"locked": False}})
    assert "LOCK_STATUS_UNLOCKED" in delta["info"]["displayHints"]["joined"]
    assert "LOCK_CONTROL_LOCK" in delta["info"]["displayHints"]["moderator"]
    delta, _, _ = await m.step(
        m.host, "PATCH", controls, {"record": {"recording": True, "paused": False}}
    )
    assert delta["controls"]["record"]["recording"] is True
    assert delta["controls"]["record"]["meta"]["modifiedBy"] == m.host.uuid
    assert {"RECORDING_CONTROL_PAUSE", "RECORDING_CONTROL_STOP"} <= set(
        delta["info"]["displayHints"]["moderator"]
    )
    delta, _, _ = await m.step(
        m.host, "PATCH", controls, {"record": {"recording": True, "paused": True}}
    )
    assert delta["controls"]["record"]["paused"] is True
    assert "RECORDING_CONTROL_RESUME" in delta["info"]["displayHints"]["moderator"]
    delta, _, _ = await m.step(
        m.host, "PATCH", controls, {"record": {"recording": False, "paused": False}}
    )
    assert "RECORDING_CONTROL_START" in delta["info"]["displayHints"]["moderator"]
    delta, _, _ = await m.step(m.host, "PATCH", controls, {"muteOnEntry": {"enabled": True}})
    assert delta["controls"]["muteOnEntry"]["enabled"] is True
    assert "DISABLE_MUTE_ON_ENTRY" in delta["info"]["displayHints"]["moderator"]
    delta, _, pushed_to_guest = await m.step(
        m.host, "PATCH", controls, {"disallowUnmute": {"enabled": True}}
    )
    assert delta["controls"]["disallowUnmute"]["enabled"] is True
    assert pushed_to_guest["self"]["controls"]["audio"]["disallowUnmute"] is True
    delta, _, pushed_to_guest = await m.step(m.host, "PATCH", controls, {"audio": {"muted": True}})
    assert _participant(delta, m.guest_id)["controls"]["audio"]["muted"] is True
    assert pushed_to_guest["self"]["controls"]["audio"]["muted"] is True
    refused = await m.guest.request(
        "PATCH", f"{m.member(m.guest_id)}/controls", json={"audio": {"muted": False}}
    )
    assert refused.status_code == 403, "hard mute forbids unmuting oneself"
    for name in ("raiseHand", "video", "viewTheParticipantList"):
        delta, _, _ = await m.step(m.host, "PATCH", controls, {name: {"enabled": False}})
        assert delta["controls"][name]["enabled"] is False
    delta, _, _ = await m.step(
        m.host,
        "PATCH",
        controls,
        {"reactions": {"enabled": False, "showDisplayNameWithReactions": False}},
    )
    assert delta["controls"]["reactions"]["enabled"] is False
    delta, _, _ = await m.step(
        m.host, "PATCH", controls, {"shareControl": {"control": "MODERATOR_PRESENTER"}}
    )
    assert delta["controls"]["shareControl"]["control"] == "MODERATOR_PRESENTER"


async def test_participant_controls_each_push_a_delta(meeting: Meeting) -> None:
    m = meeting
    guest_controls = f"{m.member(m.guest_id)}/controls"
    delta, to_host, to_guest = await m.step(
        m.guest, "PATCH", guest_controls, {"hand": {"raised": True}}
    )
    assert delta["self"]["controls"]["hand"]["raised"] is True
    assert _participant(to_host, m.guest_id)["controls"]["hand"]["raised"] is True
    assert "self" not in to_host
    delta, _, to_guest = await m.step(
        m.host,
        "PATCH",
        f"{m.url}/controls",
        {"hand": {"raised": False}, "requestingParticipantId": m.host_id},
    )
    assert to_guest["self"]["controls"]["hand"]["raised"] is False
    delta, _, to_guest = await m.step(m.host, "PATCH", guest_controls, {"audio": {"muted": True}})
    assert to_guest["self"]["controls"]["audio"]["muted"] is True
    delta, _, to_guest = await m.step(m.host, "PATCH", guest_controls, {"video": {"muted": True}})
    assert to_guest["self"]["controls"]["video"]["muted"] is True
    delta, _, to_guest = await m.step(m.guest, "PATCH", guest_controls, {"audio": {"muted": False}})
    assert delta["self"]["controls"]["audio"]["muted"] is False
    delta, to_host, _ = await m.step(
        m.host,
        "POST",
        f"{m.member(m.guest_id)}/alias",
        {"aliasValue": "Renamed Guest", "requestingParticipantId": m.host_id},
    )
    assert _participant(to_host, m.guest_id)["person"]["name"] == "Renamed Guest"
    delta, _, _ = await m.step(
        m.host, "PATCH", guest_controls, {"role": {"roles": [{"type": "COHOST", "hasRole": True}]}}
    )
    roles = _participant(delta, m.guest_id)["controls"]["role"]["roles"]
    assert {"type": "COHOST", "hasRole": True} in roles
    delta, _, to_guest = await m.step(
        m.host, "PATCH", guest_controls, {"role": {"moderator": True}}
    )
    assert delta["host"]["id"] == m.guest.uuid
    assert to_guest["self"]["moderator"] is True
    assert delta["self"]["moderator"] is False


async def test_non_moderators_are_refused(meeting: Meeting) -> None:
    m = meeting
    cases = [
        ("PATCH", f"{m.url}/controls", {"lock": {"locked": True}}),
        ("PATCH", f"{m.member(m.host_id)}/controls", {"audio": {"muted": True}}),
        ("PATCH", f"{m.member(m.host_id)}/controls", {"hand": {"raised": False}}),
        ("PUT", f"{m.member(m.host_id)}/leave", {"reason": "FORCED"}),
        ("POST", f"{m.url}/end", {}),
        ("PUT", m.url, {"invitees": [{"address": "x@example.com"}], "alertIfActive": True}),
        ("POST", f"{m.member(m.host_id)}/alias", {"aliasValue": "x"}),
    ]
    for method, url, body in cases:
        response = await m.guest.request(method, url, json=body)
        assert response.status_code == 403, (method, url, response.text)
        assert response.json()["errorCode"] == 2423007
    typo = await m.host.request("PATCH", f"{m.url}/controls", json={"lokc": {"locked": True}})
    assert typo.status_code == 400
    assert "lokc" in typo.json()["message"]


async def test_reclaim_host_with_the_host_key(meeting: Meeting) -> None:
    m = meeting
    await m.step(m.host, "PATCH", f"{m.member(m.guest_id)}/controls", {"role": {"moderator": True}})
    url = f"{m.member(m.host_id)}/controls"

    def reclaim(key: str | None) -> dict[str, Any]:
        role: dict[str, Any] = {"type": "MODERATOR", "hasRole": True}
        if key is not None:
            role["hostKey"] = key
        return {"role": {"roles": [role]}}

    for key in (None, "000000"):
        wrong = await m.host.request("PATCH", url, json=reclaim(key))
        assert wrong.status_code == 403
        assert wrong.json()["errorCode"] == 2403136
    delta, _, to_guest = await m.step(m.host, "PATCH", url, reclaim("424242"))
    assert delta["host"]["id"] == m.host.uuid
    assert delta["self"]["moderator"] is True
    assert to_guest["self"]["moderator"] is False
    again = await m.host.request("PATCH", url, json=reclaim("424242"))
    assert again.status_code == 409
    assert again.json()["errorCode"] == 2409150


async def test_invite_and_cancel(meeting: Meeting) -> None:
    m = meeting
    delta, _, _ = await m.step(
        m.host, "PUT", m.url, {"invitees": [{"address": "+15551234567"}], "alertIfActive": True}
    )
    (phone,) = delta["participants"]
    assert phone["state"] == "NOTIFIED"
    assert phone["devices"][0]["deviceType"] == "SIP"
    assert phone["devices"][0]["state"] == "IDLE"
    delta, _, _ = await m.step(
        m.host,
        "PUT",
        m.url,
        {"invitees": [{"address": "friend@example.com"}], "alertIfActive": True},
    )
    (friend,) = delta["participants"]
    assert friend["state"] == "NOTIFIED"
    assert friend["type"] == "USER"
    assert friend["devices"] == []
    assert friend["person"]["email"] == "friend@example.com"
    delta, _, _ = await m.step(
        m.host, "PUT", m.url, {"actionType": "REMOVE", "invitees": [{"address": "+15551234567"}]}
    )
    (cancelled,) = delta["participants"]
    assert cancelled["id"] == phone["id"]
    assert cancelled["state"] == "LEFT"
    assert cancelled["removed"] is True
    unknown = await m.host.request(
        "PUT", m.url, json={"actionType": "REMOVE", "invitees": [{"address": "+15550000000"}]}
    )
    assert unknown.status_code == 404
    bad = await m.host.request("PUT", m.url, json={"invitees": [{"address": "+1555abc"}]})
    assert bad.status_code == 400
    assert bad.json()["errorCode"] == 2400008


async def test_remove_member_reaches_the_removed_device(meeting: Meeting) -> None:
    m = meeting
    delta, to_host, to_guest = await m.step(
        m.host, "PUT", f"{m.member(m.guest_id)}/leave", {"reason": "FORCED"}
    )
    assert _participant(to_host, m.guest_id)["state"] == "LEFT"
    assert to_guest["self"]["state"] == "LEFT"
    assert to_guest["self"]["removed"] is True
    assert delta["fullState"]["count"] == 1


async def test_end_for_all_pushes_inactive(meeting: Meeting, emu: ThreadedEmulator) -> None:
    m = meeting
    delta, to_host, to_guest = await m.step(m.host, "POST", f"{m.url}/end", {})
    for seen in (delta, to_host, to_guest):
        assert seen["fullState"]["state"] == "INACTIVE"
        assert seen["fullState"]["active"] is False
        assert seen["self"]["state"] == "LEFT"
    listed = await m.host.request("GET", f"{emu.base_url}/locus/api/v1/loci")
    assert listed.json()["loci"] == []
    gone = await m.host.request("PATCH", f"{m.url}/controls", json={"lock": {"locked": True}})
    assert gone.status_code == 403
    assert gone.json()["errorCode"] == 2403004


async def test_end_for_all_from_the_control_api(meeting: Meeting, emu: ThreadedEmulator) -> None:
    emu.end_meeting_for_all(meeting.room["meetingNumber"])
    for user in (meeting.host, meeting.guest):
        event = await user.next_locus()
        assert version(event["locus"]["baseSequence"]) == meeting.version
        assert event["locus"]["fullState"]["state"] == "INACTIVE"


async def test_simulated_participants(meeting: Meeting, emu: ThreadedEmulator) -> None:
    m, number = meeting, meeting.room["meetingNumber"]

    async def pushed() -> dict[str, Any]:
        event = await m.host.next_locus()
        assert version(event["locus"]["baseSequence"]) == m.version
        m.version = version(event["locus"]["sequence"])
        await m.guest.next_locus()
        return dict(event["locus"])

    sim = emu.add_participant(number, name="Sim Attendee", email="sim@example.com")
    added = _participant(await pushed(), sim)
    assert added["state"] == "JOINED"
    assert added["person"]["name"] == "Sim Attendee"
    emu.mute_participant(number, sim)
    assert _participant(await pushed(), sim)["controls"]["audio"]["muted"] is True
    emu.mute_participant(number, sim, True, video=True)
    assert _participant(await pushed(), sim)["controls"]["video"]["muted"] is True
    emu.raise_hand(number, sim)
    assert _participant(await pushed(), sim)["controls"]["hand"]["raised"] is True
    emu.make_host(number, sim)
    delta = await pushed()
    assert delta["host"]["id"] == _participant(delta, sim)["person"]["id"]
    lobby = emu.add_participant(number, name="Waiting", in_lobby=True)
    assert _participant(await pushed(), lobby)["state"] == "IDLE"
    emu.admit_participant(number, lobby)
    assert _participant(await pushed(), lobby)["state"] == "JOINED"
    emu.remove_participant(number, sim)
    assert _participant(await pushed(), sim)["state"] == "LEFT"
    full = emu.locus(number, email=emu.person_email)
    assert full["self"]["id"] == m.host_id
    assert version(full["sequence"]) == m.version


async def test_dtmf_layout_and_share_floor(meeting: Meeting) -> None:
    m = meeting
    dtmf = await m.host.request(
        "POST",
        f"{m.url}/sendDtmf",
        json={"deviceUrl": m.host.device_url, "dtmf": {"correlationId": "c1", "tones": "12#"}},
    )
    assert dtmf.status_code == 200
    delta, _, _ = await m.step(
        m.host,
        "PUT",
        f"{m.url}/controls",
        {"layout": {"deviceUrl": m.host.device_url, "type": "Equal"}},
    )
    assert delta["self"]["controls"]["layouts"][0]["type"] == "Equal"
    full = (await m.host.request("GET", m.url)).json()
    content = next(share for share in full["mediaShares"] if share["name"] == "content")
    self_url = m.member(m.host_id)
    grant = {
        "floor": {
            "disposition": "GRANTED",
            "beneficiary": {
                "url": self_url,
                "devices": [{"deviceType": "WEB", "url": m.host.device_url}],
            },
            "requester": {"url": self_url},
            "shareInstanceId": "share-1",
        },
        "resourceUrl": "",
    }
    delta, _, to_guest = await m.step(m.host, "PUT", content["url"], grant)
    floor = next(s for s in to_guest["mediaShares"] if s["name"] == "content")["floor"]
    assert floor["disposition"] == "GRANTED"
    assert floor["beneficiary"]["id"] == m.host_id
    release = {
        "floor": {"disposition": "RELEASED", "shareInstanceId": "share-1"},
        "resourceUrl": "",
    }
    delta, _, _ = await m.step(m.host, "PUT", content["url"], release)
    assert (
        next(s for s in delta["mediaShares"] if s["name"] == "content")["floor"]["disposition"]
        == "RELEASED"
    )


async def test_local_mute_and_the_media_seam(meeting: Meeting) -> None:
    m = meeting
    url = f"{m.member(m.guest_id)}/media"
    body = {
        "device": {"url": m.guest.device_url, "deviceType": "WEB"},
        "correlationId": "c",
        "localMedias": [{"localSdp": '{"audioMuted":true,"videoMuted":false}', "mediaId": "m"}],
        "respOnlySdp": True,
        "usingResource": None,
    }
    delta, to_host, _ = await m.step(m.guest, "PUT", url, body)
    assert delta["self"]["status"]["audioStatus"] == "RECVONLY"
    assert _participant(to_host, m.guest_id)["status"]["videoStatus"] == "SENDRECV"
    roap = {
        **body,
        "localMedias": [{"localSdp": '{"roapMessage":{"messageType":"OFFER"}}', "mediaId": "m"}],
    }
    refused = await m.guest.request("PUT", url, json=roap)
    # The media server refuses an OFFER without its SDP (the media tests cover the rest).
    assert refused.status_code == 400


async def test_invited_user_declines(
    meeting: Meeting, emu: ThreadedEmulator, http: httpx.AsyncClient
) -> None:
    m = meeting
    invitee = await make_user(emu, http, email="invitee@example.com", socket=False)
    delta, _, _ = await m.step(
        m.host, "PUT", m.url, {"invitees": [{"address": invitee.email}], "alertIfActive": True}
    )
    (invited,) = delta["participants"]
    assert invited["person"]["id"] == invitee.uuid
    assert invited["state"] == "NOTIFIED"
    listed = await invitee.request("GET", f"{emu.base_url}/locus/api/v1/loci")
    assert [locus["url"] for locus in listed.json()["loci"]] == [m.url]
    before = m.version
    declined = await invitee.request(
        "PUT",
        f"{m.url}/participant/decline",
        json={"device": {"deviceType": "WEB", "url": invitee.device_url}, "reason": "BUSY"},
    )
    assert declined.status_code == 200, declined.text
    assert declined.json()["locus"]["self"]["state"] == "DECLINED"
    pushed = await m.host.next_locus()
    assert version(pushed["locus"]["baseSequence"]) == before
    assert _participant(pushed["locus"], invited["id"])["state"] == "DECLINED"
