"""Members and Member: derived flags, events, and member actions over MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from webex_meetings._events import EventEmitter
from webex_meetings._exceptions import APIStatusError
from webex_meetings.meetings.constants import MemberStatus
from webex_meetings.meetings.errors import (
    ParameterError,
    ReclaimHostEmptyWrongKeyError,
    ReclaimHostIsHostAlreadyError,
    ReclaimHostNotAllowedError,
    ReclaimHostNotSupportedError,
)
from webex_meetings.meetings.locus.info import LocusInfo
from webex_meetings.meetings.locus.requests import LocusRequests
from webex_meetings.meetings.member import Member, extract_status, is_muted
from webex_meetings.meetings.members import Members

from ._locus_dtos import (
    DEVICE_URL,
    LOCUS_URL,
    SELF_ID,
    SELF_PERSON,
    delta_dto,
    device,
    full_dto,
    participant,
)
from .conftest import HYDRA

# -- Member flags ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "devices", "expected"),
    [
        ("JOINED", [device()], MemberStatus.IN_MEETING),
        ("JOINED", [], MemberStatus.NOT_IN_MEETING),
        ("IDLE", [device(intent="WAIT")], MemberStatus.IN_LOBBY),
        ("IDLE", [device(), device(url="u2", intent="OBSERVE")], MemberStatus.IN_LOBBY),
        ("IDLE", [device(intent="MOVE_MEDIA")], MemberStatus.NOT_IN_MEETING),
        ("LEFT", [device()], MemberStatus.NOT_IN_MEETING),
        ("NOTIFIED", [device()], MemberStatus.NOT_IN_MEETING),
    ],
)
def test_status(state: str, devices: list[dict[str, Any]], expected: MemberStatus) -> None:
    assert extract_status({"state": state, "devices": devices}) is expected


@pytest.mark.parametrize(
    ("controls_muted", "local", "expected"),
    [
        (True, "SENDRECV", True),  # remote mute wins
        (False, "RECVONLY", True),
        (False, "SENDRECV", False),
        (None, "SENDRECV", False),
        (False, "INACTIVE", False),  # falls back to the remote value
        (None, None, None),
    ],
)
def test_mute_rules(controls_muted: Any, local: Any, expected: Any) -> None:
    p: dict[str, Any] = {"controls": {}, "status": {}}
    if controls_muted is not None:
        p["controls"]["audio"] = {"muted": controls_muted}
    if local is not None:
        p["status"]["audioStatus"] = local
    assert is_muted(p, "audio") is expected


def test_member_flags() -> None:
    host = participant(
        "p-host",
        person="person-host",
        roles=("MODERATOR", "PRESENTER"),
        moderator=True,
        canReclaimHostRole=True,
        controls={"hand": {"raised": True}, "localRecord": {"recording": True}},
    )
    member = Member(
        host,
        self_id=SELF_ID,
        host_id="person-host",
        content_sharing_id="p-host",
        recording_id="person-host",
        locus_type="MEETING",
    )
    assert member.id == "p-host"
    assert member.name == "Someone"
    assert member.is_host
    assert not member.is_self
    assert member.is_user
    assert member.is_moderator
    assert member.can_reclaim_host
    assert member.roles.moderator
    assert member.roles.presenter
    assert not member.roles.cohost
    assert member.is_hand_raised
    assert member.is_content_sharing
    assert member.is_recording
    assert member.is_removable
    assert not member.is_mutable
    assert member.media_status == {"audio": "SENDRECV", "video": "SENDRECV"}
    assert member.participant.person is not None
    assert member.participant.person.id == "person-host"
    assert member.raw_participant is host


def test_self_device_and_guest_flags() -> None:
    me = Member(participant(SELF_ID, person=SELF_PERSON), self_id=SELF_ID, locus_type="MEETING")
    assert me.is_self
    assert me.is_mutable
    assert not me.is_removable
    room = participant(
        "p-room", ptype="RESOURCE_ROOM", associatedUsers=[{"id": SELF_PERSON}], devices=[device()]
    )
    room_member = Member(room, self_id=SELF_PERSON, host_id=SELF_PERSON)
    assert room_member.is_device
    assert room_member.is_self
    assert room_member.is_host
    assert room_member.associated_user == SELF_PERSON
    guest = participant("p-guest", state="IDLE", devices=[device(intent="WAIT")], guest=True)
    g = Member(guest, locus_type="MEETING")
    assert g.is_in_lobby
    assert g.is_not_admitted
    assert g.is_guest
    assert not g.is_removable
    call_member = Member(participant("p-call"), locus_type="CALL")
    assert not call_member.is_removable


# -- Members wired to LocusInfo and the request layer --------------------------------


class FakeLocus:
    """Records requests; answers delta requests with the next delta."""

    def __init__(self) -> None:
        self.next_locus: dict[str, Any] | None = None
        self.error: tuple[int, dict[str, Any]] | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.error is not None:
            status, body = self.error
            return httpx.Response(status, json=body)
        body = {"locus": self.next_locus} if self.next_locus else {}
        return httpx.Response(200, json=body)


@pytest.fixture
def wired(make_webex: Callable[..., Any]) -> Any:
    fake = FakeLocus()
    webex, recorder, _ = make_webex(fake, config={"services": {"override": {"hydra": HYDRA}}})
    members_box: dict[str, Any] = {}
    requests = LocusRequests(webex)
    members = Members(requests=requests)
    info = LocusInfo(emitter=EventEmitter(), members=members, device_url=DEVICE_URL)
    requests.on_locus = info.handle_delta
    requests.sequence = info.current_sequence
    info.init(full_dto(1))
    members_box.update(fake=fake, recorder=recorder, members=members, info=info)
    return members_box


def _sent(recorder: Any) -> tuple[str, str, Any]:
    request = recorder.requests[-1]
    return request.method, str(request.url), json.loads(request.content)


async def test_mute_member_sends_the_sequence_and_applies_the_answer(wired: Any) -> None:
    members: Members = wired["members"]
    bob = participant("part-2", name="Bob", controls={"audio": {"muted": True}})
    wired["fake"].next_locus = delta_dto(1, 2, participants=[bob])
    updates: list[Any] = []
    members.on("members:update", updates.append)
    await members.mute_member("part-2")
    assert _sent(wired["recorder"]) == (
        "PATCH",
        f"{LOCUS_URL}/participant/part-2/controls",
        {"audio": {"muted": True}, "sequence": {"entries": [1], "rangeStart": 0, "rangeEnd": 0}},
    )
    member = members.members_collection.get("part-2")
    assert member is not None
    assert member.is_audio_muted
    assert [m.id for m in updates[-1]["delta"]["updated"]] == ["part-2"]
    # the next request carries the sequence of the applied answer
    await members.mute_member("part-2", mute=False, is_audio=False)
    assert _sent(wired["recorder"])[2] == {
        "video": {"muted": False},
        "sequence": {"entries": [2], "rangeStart": 0, "rangeEnd": 0},
    }


MEMBER_CALLS: list[tuple[str, Any, str, str, dict[str, Any]]] = [
    (
        "admit",
        lambda m: m.admit_members(["p1"]),
        "PUT",
        f"{LOCUS_URL}/controls",
        {"admit": {"participantIds": ["p1"]}},
    ),
    (
        "remove",
        lambda m: m.remove_member("p1"),
        "PUT",
        f"{LOCUS_URL}/participant/p1/leave",
        {"reason": "FORCED"},
    ),
    (
        "hand",
        lambda m: m.raise_or_lower_hand("p1", raise_hand=False),
        "PATCH",
        f"{LOCUS_URL}/participant/p1/controls",
        {"hand": {"raised": False}},
    ),
    (
        "lower_all",
        lambda m: m.lower_all_hands(SELF_ID),
        "PATCH",
        f"{LOCUS_URL}/controls",
        {"hand": {"raised": False}, "requestingParticipantId": SELF_ID},
    ),
    (
        "transfer",
        lambda m: m.transfer_host_to_member("p1"),
        "PATCH",
        f"{LOCUS_URL}/participant/p1/controls",
        {"role": {"moderator": True}},
    ),
    (
        "reclaim_host",
        lambda m: m.assign_roles(
            SELF_ID, [{"type": "MODERATOR", "hasRole": True, "hostKey": "123456"}]
        ),
        "PATCH",
        f"{LOCUS_URL}/participant/{SELF_ID}/controls",
        {"role": {"roles": [{"type": "MODERATOR", "hasRole": True, "hostKey": "123456"}]}},
    ),
    (
        "cohost",
        lambda m: m.assign_roles("p1", [{"type": "COHOST", "hasRole": False, "hostKey": ""}]),
        "PATCH",
        f"{LOCUS_URL}/participant/p1/controls",
        {"role": {"roles": [{"type": "COHOST", "hasRole": False}]}},
    ),
    (
        "invite_email",
        lambda m: m.add_member(email_address="alice@example.com"),
        "PUT",
        LOCUS_URL,
        {"invitees": [{"address": "alice@example.com"}], "alertIfActive": True},
    ),
    (
        "invite_phone",
        lambda m: m.add_member(phone_number="+15551234567", alert_if_active=False),
        "PUT",
        LOCUS_URL,
        {"invitees": [{"address": "+15551234567"}], "alertIfActive": False},
    ),
    (
        "cancel_phone",
        lambda m: m.cancel_phone_invite(phone_number="+15551234567"),
        "PUT",
        LOCUS_URL,
        {"actionType": "REMOVE", "invitees": [{"address": "+15551234567"}]},
    ),
    (
        "rename",
        lambda m: m.edit_display_name("p1", SELF_ID, "Robert"),
        "POST",
        f"{LOCUS_URL}/participant/p1/alias",
        {"aliasValue": "Robert", "requestingParticipantId": SELF_ID},
    ),
]


@pytest.mark.parametrize("case", MEMBER_CALLS, ids=[c[0] for c in MEMBER_CALLS])
async def test_member_actions(wired: Any, case: tuple[str, Any, str, str, dict[str, Any]]) -> None:
    _, call, method, url, body = case
    await call(wired["members"])
    assert _sent(wired["recorder"]) == (
        method,
        url,
        {**body, "sequence": {"entries": [1], "rangeStart": 0, "rangeEnd": 0}},
    )


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (2400127, ReclaimHostNotSupportedError),
        (2403135, ReclaimHostNotAllowedError),
        (2403136, ReclaimHostEmptyWrongKeyError),
        (2409150, ReclaimHostIsHostAlreadyError),
    ],
)
async def test_reclaim_host_errors(wired: Any, code: int, error: type[Exception]) -> None:
    wired["fake"].error = (403, {"errorCode": code, "message": "no"})
    with pytest.raises(error) as info:
        await wired["members"].assign_roles(
            SELF_ID, [{"type": "MODERATOR", "hasRole": True, "hostKey": "bad"}]
        )
    assert isinstance(info.value.error, APIStatusError)


async def test_other_role_errors_pass_through(wired: Any) -> None:
    wired["fake"].error = (403, {"errorCode": 2403999, "message": "no"})
    with pytest.raises(APIStatusError):
        await wired["members"].assign_roles("p1", [{"type": "COHOST", "hasRole": True}])


async def test_parameter_errors(wired: Any) -> None:
    members: Members = wired["members"]
    before = len(wired["recorder"].requests)
    with pytest.raises(
        ParameterError, match=r"^ParameterError 0: No member ids provided to admit\."
    ):
        await members.admit_members([])
    with pytest.raises(ParameterError, match="member id"):
        await members.remove_member("")
    with pytest.raises(ParameterError, match=r"E\.164"):
        await members.add_member(phone_number="5551234567")
    with pytest.raises(ParameterError, match="email"):
        await members.add_member(email_address="not-an-email")
    with pytest.raises(ParameterError):
        await members.cancel_phone_invite(phone_number="+0123")
    with pytest.raises(ParameterError, match="locus url"):
        await Members(requests=members._requests).mute_member("p1")
    with pytest.raises(ParameterError):
        await Members(locus_url=LOCUS_URL).mute_member("p1")
    assert len(wired["recorder"].requests) == before


async def test_send_dial_pad_key_uses_the_members_device(wired: Any) -> None:
    members: Members = wired["members"]
    await members.send_dial_pad_key("7", "part-2")
    method, url, body = _sent(wired["recorder"])
    assert (method, url) == ("POST", f"{LOCUS_URL}/participant/part-2/sendDtmf")
    assert body["device"] == {"url": "https://wdm/part-2"}
    with pytest.raises(ParameterError):
        await members.send_dial_pad_key("7", "unknown")


def test_self_and_host_moves() -> None:
    members = Members(locus_url=LOCUS_URL)
    events: list[tuple[str, Any]] = []
    for name in ("members:self:update", "members:host:update", "members:clear"):
        members.on(name, lambda payload, name=name: events.append((name, payload)))
    members.locus_participants_update(
        [participant("a", person="pa"), participant("b", person="pb")], self_id="a", host_id="pa"
    )
    a, b = members.members_collection.get("a"), members.members_collection.get("b")
    assert a is not None
    assert b is not None
    assert a.is_self
    assert a.is_host
    assert not b.is_host
    members.locus_host_update("pa", "pb")
    members.locus_self_update("a", "b")
    assert b.is_host
    assert not a.is_host
    assert b.is_self
    assert not a.is_self
    assert events == [
        ("members:host:update", {"activeHostId": "pb", "endedHostId": "pa"}),
        ("members:self:update", {"activeSelfId": "b", "endedSelfId": "a"}),
    ]
    members.locus_participants_update([participant("c")], is_replace=True)
    assert set(members.members_collection.get_all()) == {"c"}
    assert events[-1] == ("members:clear", {})


@pytest.mark.parametrize("bad", [7, {"0": 1}, "123", None])
def test_find_member_by_csi_skips_malformed_csis(bad: Any) -> None:
    members = Members()
    info = LocusInfo(emitter=EventEmitter(), members=members, device_url=DEVICE_URL)
    odd = participant("p-odd", devices=[device(url="u-odd", csis=bad)], status={"csis": bad})
    good = participant("p-good", devices=[device(url="u-good", csis=[11, 12])])
    info.init(full_dto(1, participants=[odd, good]))
    assert members.find_member_by_csi(12) is members.members_collection.get("p-good")
    assert members.find_member_by_csi(7) is None
