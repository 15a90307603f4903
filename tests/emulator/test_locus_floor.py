"""Share floors: the state machine on a bare locus, then over real sockets.

``PUT <mediaShares[].url>`` grants or releases a floor (Locus protocol); a new grant
takes the floor from the previous sharer, ``shareControl`` limits who may share, and
the control API makes a simulated participant share, with ``locus.floor_granted`` /
``locus.floor_released`` full DTOs pushed in full-event mode.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator
from webex_meetings.emulator.control_client import ControlAPIError
from webex_meetings.emulator.services.locus import floor
from webex_meetings.emulator.services.locus.deltas import VersionLog
from webex_meetings.emulator.services.locus.errors import LocusError
from webex_meetings.emulator.services.locus.model import (
    DeviceSession,
    Locus,
    Participant,
    Role,
)
from webex_meetings.emulator.services.meetinginfo.rooms import MeetingRoom

from .locus_support import User, make_user

URL = "https://locus.example/locus/api/v1/loci/l1"


def _locus() -> Locus:
    room = MeetingRoom(
        id="r1",
        number="123",
        title="Floor",
        host_uuid="h",
        sip_uri="123@example.com",
        join_url="https://example.com/j",
        host_key="111111",
    )
    locus = Locus(
        id="l1",
        url=URL,
        room=room,
        created=0.0,
        host_uuid="h",
        host_name="Host",
        host_org_uuid="o",
        log=VersionLog(version=1),
        share_ids={"content": "c1", "whiteboard": "w1"},
    )
    for pid in ("alice", "bob"):
        person = Participant(id=pid, person_uuid=f"{pid}-uuid", name=pid, email=None, org_uuid="o")
        person.devices.append(
            DeviceSession(url=f"https://wdm/{pid}", device_type="WEB", correlation_id=pid)
        )
        locus.participants[pid] = person
    return locus


def _grant_body(locus: Locus, pid: str, instance: str = "s1") -> dict[str, Any]:
    me = locus.participant_url(pid)
    return {
        "floor": {
            "disposition": "GRANTED",
            "beneficiary": {
                "url": me,
                "devices": [{"deviceType": "WEB", "url": f"https://wdm/{pid}"}],
            },
            "requester": {"url": me},
            "shareInstanceId": instance,
        },
    }


def _content(locus: Locus) -> dict[str, Any]:
    return floor.render_share(locus, "content")


def test_grant_takes_the_floor_and_release_keeps_the_last_beneficiary() -> None:
    locus = _locus()
    alice, bob = locus.participants["alice"], locus.participants["bob"]
    assert _content(locus) == {"name": "content", "url": f"{URL}/mediashares/c1"}

    assert floor.change_floor(locus, alice, "c1", _grant_body(locus, "alice")) == (
        "locus.floor_granted"
    )
    granted = _content(locus)["floor"]
    assert granted["disposition"] == "GRANTED"
    assert granted["beneficiary"] == {
        "id": "alice",
        "url": f"{URL}/participant/alice",
        "deviceUrl": "https://wdm/alice",
        "devices": [{"url": "https://wdm/alice", "deviceType": "WEB"}],
    }
    assert granted["shareInstanceId"] == "s1"
    assert floor.holder(locus) is alice

    # Bob takes it; Alice may not release it any more, Bob may.
    floor.change_floor(locus, bob, "c1", _grant_body(locus, "bob", "s2"))
    assert floor.holder(locus) is bob
    released = {"floor": {"disposition": "RELEASED", "shareInstanceId": "s1"}}
    with pytest.raises(LocusError) as refused:
        floor.change_floor(locus, alice, "c1", released)
    assert refused.value.status == 403
    assert floor.change_floor(locus, bob, "c1", released) == "locus.floor_released"
    after = _content(locus)["floor"]
    assert after["disposition"] == "RELEASED"
    assert after["beneficiary"]["id"] == "bob"
    assert floor.holder(locus) is None
    # Releasing a free floor changes nothing.
    floor.change_floor(locus, alice, "c1", released)
    assert _content(locus)["floor"] == after


def test_share_control_devices_and_bad_bodies() -> None:
    locus = _locus()
    alice, bob = locus.participants["alice"], locus.participants["bob"]
    locus.share_control = "MODERATOR_PRESENTER"
    with pytest.raises(LocusError) as refused:
        floor.change_floor(locus, alice, "c1", _grant_body(locus, "alice"))
    assert refused.value.status == 403
    alice.roles.add(Role.PRESENTER)
    floor.change_floor(locus, alice, "c1", _grant_body(locus, "alice"))
    assert floor.holder(locus) is alice

    # Bob may not share from Alice's device; unknown shares and bodies are refused.
    locus.share_control = "ANYONE"
    with pytest.raises(LocusError) as wrong_device:
        floor.change_floor(locus, bob, "c1", _grant_body(locus, "alice"))
    assert wrong_device.value.status == 404
    assert "No media session found for device" in wrong_device.value.message
    for share_id, body, status in (
        ("nope", _grant_body(locus, "alice"), 404),
        ("c1", {"floor": "GRANTED"}, 400),
        ("c1", {"floor": {"disposition": "ACCEPTED"}}, 400),
    ):
        with pytest.raises(LocusError) as bad:
            floor.change_floor(locus, alice, share_id, body)
        assert bad.value.status == status


def test_whiteboard_resource_and_simulated_sharer() -> None:
    locus = _locus()
    alice, bob = locus.participants["alice"], locus.participants["bob"]
    floor.grant(locus, "whiteboard", alice, resource_url="https://board/1")
    board = floor.render_share(locus, "whiteboard")
    assert board["resourceUrl"] == "https://board/1"
    assert board["floor"]["beneficiary"]["id"] == "alice"
    floor.release(locus, "whiteboard")
    assert "resourceUrl" not in floor.render_share(locus, "whiteboard")

    assert floor.simulated_sharer(locus) is None
    bob.simulated = True
    floor.grant(locus, "content", bob)
    assert floor.simulated_sharer(locus) is bob
    floor.grant(locus, "content", alice)  # a client takes over: no simulated content
    assert floor.simulated_sharer(locus) is None

    bob.devices[0].state = "LEFT"
    with pytest.raises(LocusError) as gone:
        floor.grant(locus, "content", bob)
    assert gone.value.status == 409


@pytest.fixture
def emu(webex_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return webex_emulator


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False) as client:
        yield client


def _share(locus: dict[str, Any], name: str = "content") -> dict[str, Any]:
    return dict(next(s for s in locus["mediaShares"] if s["name"] == name))


async def test_a_simulated_share_and_a_client_grant_push_full_floor_events(
    emu: ThreadedEmulator, http: httpx.AsyncClient
) -> None:
    user: User = await make_user(emu, http, seeded=True)
    room = emu.create_meeting_room(host_email=emu.person_email)
    try:
        joined = await user.enter(emu, room["sipUrl"])
        emu.locus_event_mode("full")
        presenter = emu.add_participant(room["sipUrl"], name="Presenter")
        assert (await user.next_locus())["eventType"] == "locus.participant_joined"

        entry = emu.start_share(room["sipUrl"], presenter)
        assert entry["floor"]["beneficiary"]["id"] == presenter
        assert entry["floor"]["shareInstanceId"]
        pushed = await user.next_locus()
        assert pushed["eventType"] == "locus.floor_granted"
        assert "baseSequence" not in pushed["locus"]  # a full DTO
        assert _share(pushed["locus"])["floor"] == entry["floor"]

        # The client takes the floor from the simulated presenter.
        self_url = joined["self"]["url"]
        body = {
            "floor": {
                "disposition": "GRANTED",
                "beneficiary": {
                    "url": self_url,
                    "devices": [{"deviceType": "WEB", "url": user.device_url}],
                },
                "requester": {"url": self_url},
                "shareInstanceId": "mine",
            }
        }
        answer = await user.request("PUT", entry["url"], json=body)
        assert answer.status_code == 200, answer.text
        pushed = await user.next_locus()
        assert pushed["eventType"] == "locus.floor_granted"
        taken = _share(pushed["locus"])["floor"]
        assert taken["beneficiary"]["id"] == joined["self"]["id"]
        assert taken["beneficiary"]["deviceUrl"] == user.device_url

        released = emu.stop_share(room["sipUrl"])
        assert released["floor"]["disposition"] == "RELEASED"
        pushed = await user.next_locus()
        assert pushed["eventType"] == "locus.floor_released"
        assert _share(pushed["locus"])["floor"]["disposition"] == "RELEASED"

        # Only joined participants can be given a floor.
        emu.remove_participant(room["sipUrl"], presenter)
        with pytest.raises(ControlAPIError) as refused:
            emu.start_share(room["sipUrl"], presenter)
        assert refused.value.status_code == 409
    finally:
        await user.close()
