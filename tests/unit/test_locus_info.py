"""LocusInfo: events and state derived from crafted Locus DTOs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from webex_meetings._events import EventEmitter
from webex_meetings.meetings.constants import MeetingRemovedReason
from webex_meetings.meetings.locus.info import LocusInfo, LocusInfoEvents
from webex_meetings.meetings.locus.parser import ParserState
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
    self_part,
)


class Recorder(EventEmitter):
    """An emitter that remembers every event it emits."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, Any]] = []

    def emit(self, event: str, *args: Any, **kwargs: Any) -> bool:
        self.events.append((event, args[0] if len(args) == 1 else args))
        return super().emit(event, *args, **kwargs)

    def named(self, name: str) -> list[Any]:
        return [payload for event, payload in self.events if event == name]

    def names(self) -> list[str]:
        return [event for event, _ in self.events]

    def clear(self) -> None:
        self.events.clear()


class World:
    def __init__(self, **kw: Any) -> None:
        self.meeting = Recorder()
        self.members = Members()
        self.member_events = Recorder()
        self.members.emit = self.member_events.emit  # type: ignore[method-assign]
        self.removed: list[MeetingRemovedReason] = []
        self.internal: list[tuple[str, Any]] = []
        self.info = LocusInfo(
            emitter=self.meeting,
            members=self.members,
            device_url=DEVICE_URL,
            on_removed=self.removed.append,
            **kw,
        )
        for name in vars(LocusInfoEvents).values():
            if isinstance(name, str) and name.startswith("locus_info:"):
                self.info.on(name, self._internal(name))

    def _internal(self, name: str) -> Any:
        def listener(*args: Any) -> None:
            self.internal.append((name, args))

        return listener

    def internal_named(self, name: str) -> list[Any]:
        return [args for event, args in self.internal if event == name]


async def test_first_dto_sets_state_and_emits_the_join_events() -> None:
    w = World()
    assert w.info.init(full_dto(1))
    names = w.meeting.names()
    assert w.meeting.named("meeting:stateChange") == [
        {"payload": {"previousState": None, "currentState": "ACTIVE"}}
    ]
    assert "meeting:meetingInfoUpdated" not in names
    assert w.meeting.named("meeting:locus:locusUrl:update") == [{"locusUrl": LOCUS_URL}]
    assert w.meeting.named("meeting:unlocked") == [{"payload": full_dto(1)["info"]}]
    assert w.meeting.named("meeting:self:rolesChanged") == [
        {"payload": {"oldRoles": None, "newRoles": []}}
    ]
    actions = w.meeting.named("meeting:actionsUpdate")[-1]
    assert actions["canRaiseHand"] is True
    assert actions["canLock"] is False  # LOCK_CONTROL_LOCK is a moderator hint
    update = w.member_events.named("members:update")[0]
    assert [m.id for m in update["delta"]["added"]] == [SELF_ID, "part-2"]
    assert update["isReplace"] is False
    assert w.member_events.named("members:self:update") == [
        {"activeSelfId": SELF_ID, "endedSelfId": None}
    ]
    assert w.member_events.named("members:host:update") == [
        {"activeHostId": SELF_PERSON, "endedHostId": None}
    ]
    assert w.members.members_collection.get(SELF_ID).is_self  # type: ignore[union-attr]
    assert w.members.members_collection.get(SELF_ID).is_host  # type: ignore[union-attr]
    assert w.info.url == LOCUS_URL
    assert w.info.locus_id == "loc-1"
    assert w.info.self_id == SELF_ID
    assert w.info.meeting_state == "ACTIVE"
    assert w.info.type == "MEETING"
    assert w.info.full_state is not None
    assert w.info.full_state.state == "ACTIVE"
    assert w.info.self is not None
    assert w.info.self.id == SELF_ID
    assert w.info.current_sequence() == {"entries": [1], "rangeStart": 0, "rangeEnd": 0}
    assert w.info.this_device() is not None
    assert w.removed == []


async def test_later_info_change_emits_meeting_info_updated() -> None:
    w = World()
    w.info.init(full_dto(1))
    w.meeting.clear()
    info = {**full_dto(1)["info"], "topic": "renamed"}
    w.info.handle_delta(delta_dto(1, 2, info=info))
    assert w.meeting.names().count("meeting:meetingInfoUpdated") == 1


async def test_lobby_then_admitted() -> None:
    w = World()
    lobby_self = self_part(state="IDLE", intent="WAIT")
    w.info.init(full_dto(1, self=lobby_self, participants=[lobby_self]))
    assert w.meeting.named("meeting:self:lobbyWaiting") == [{"payload": lobby_self}]
    assert w.internal_named(LocusInfoEvents.SELF_UNADMITTED) == [(lobby_self,)]
    assert w.info.self_state is not None
    assert w.info.self_state.is_user_unadmitted
    # before joining only VOIP_IS_ENABLED applies
    assert w.info.user_display_hints == ["VOIP_IS_ENABLED"]
    member = w.members.members_collection.get(SELF_ID)
    assert member is not None
    assert member.is_in_lobby
    w.meeting.clear()
    admitted = self_part(state="JOINED")
    w.info.handle_delta(delta_dto(1, 2, self=admitted, participants=[admitted]))
    assert w.meeting.named("meeting:self:guestAdmitted") == [{"payload": admitted}]
    assert "meeting:self:lobbyWaiting" not in w.meeting.names()
    assert w.internal_named(LocusInfoEvents.SELF_ADMITTED) == [(admitted,)]
    assert "RAISE_HAND" in w.info.user_display_hints
    member = w.members.members_collection.get(SELF_ID)
    assert member is not None
    assert member.is_in_meeting


async def test_only_this_devices_intent_counts_for_the_lobby() -> None:
    w = World()
    other = device(url="https://wdm/other-device", state="IDLE", intent="WAIT")
    mine = device(state="IDLE")
    lobby_elsewhere = {**self_part(state="IDLE"), "devices": [other, mine]}
    w.info.init(full_dto(1, self=lobby_elsewhere))
    assert w.meeting.named("meeting:self:lobbyWaiting") == []


async def test_muted_and_unmuted_by_others() -> None:
    w = World()
    w.info.init(full_dto(1))
    assert w.meeting.named("meeting:self:mutedByOthers") == []
    muted = self_part(audio={"muted": True, "disallowUnmute": True})
    w.info.handle_delta(delta_dto(1, 2, self=muted))
    assert w.meeting.named("meeting:self:mutedByOthers") == [
        {"payload": {"muted": True, "unmuteAllowed": False}}
    ]
    w.info.handle_delta(delta_dto(2, 3, self=self_part(audio={"muted": False})))
    assert w.meeting.named("meeting:self:unmutedByOthers") == [
        {"payload": {"muted": False, "unmuteAllowed": True}}
    ]


async def test_unmuted_by_others_is_silent_while_locally_muted() -> None:
    w = World(local_audio_muted=lambda: True)
    w.info.init(full_dto(1, self=self_part(audio={"muted": True})))
    assert w.meeting.named("meeting:self:mutedByOthers") != []  # mute on entry
    w.info.handle_delta(delta_dto(1, 2, self=self_part(audio={"muted": False})))
    assert w.meeting.named("meeting:self:unmutedByOthers") == []


async def test_server_required_local_unmute() -> None:
    w = World(local_audio_muted=lambda: True)
    w.info.init(full_dto(1))
    w.info.handle_delta(
        delta_dto(1, 2, self=self_part(audio={"muted": False, "localAudioUnmuteRequired": True}))
    )
    assert w.meeting.named("meeting:self:unmutedByOthers") == [
        {"payload": {"muted": False, "unmuteAllowed": True}}
    ]


async def test_video_muted_by_others_and_requested_to_unmute() -> None:
    w = World()
    w.info.init(full_dto(1))
    w.info.handle_delta(delta_dto(1, 2, self=self_part(video={"muted": True})))
    assert w.meeting.named("meeting:self:videoMutedByOthers")[-1]["payload"]["muted"] is True
    ask = {"requestedToUnmute": True, "lastModifiedRequestedToUnmute": "2024-05-01T10:00:00Z"}
    w.info.handle_delta(delta_dto(2, 3, self=self_part(video={"muted": True}, audio=ask)))
    assert w.meeting.named("meeting:self:requestedToUnmute") == [{"payload": {}}]
    # the same request again is not news
    w.info.handle_delta(
        delta_dto(3, 4, self=self_part(video={"muted": True}, audio={**ask, "muted": False}))
    )
    assert len(w.meeting.named("meeting:self:requestedToUnmute")) == 1


async def test_roles_change_updates_hints_and_actions() -> None:
    w = World()
    w.info.init(full_dto(1))
    w.meeting.clear()
    host_self = self_part(roles=("MODERATOR",), moderator=True)
    w.info.handle_delta(delta_dto(1, 2, self=host_self))
    assert w.meeting.named("meeting:self:rolesChanged") == [
        {"payload": {"oldRoles": [], "newRoles": ["MODERATOR"]}}
    ]
    assert "LOCK_CONTROL_LOCK" in w.info.user_display_hints
    assert "LOWER_SOMEONE_ELSES_HAND" in w.info.user_display_hints
    assert w.info.in_meeting_actions.can_lock is True
    assert w.info.in_meeting_actions.can_invite_new_participants is True
    assert w.info.in_meeting_actions.can_assign_host is True  # moderator and the host
    assert w.meeting.named("meeting:actionsUpdate")[-1]["canLock"] is True


async def test_cohost_gets_cohost_hints() -> None:
    w = World()
    w.info.init(full_dto(1, self=self_part(roles=("COHOST",))))
    assert "MUTE_ALL" in w.info.user_display_hints
    assert "LOCK_CONTROL_LOCK" not in w.info.user_display_hints
    assert w.info.in_meeting_actions.can_mute_all is True


async def test_locked_and_unlocked_from_display_hints() -> None:
    w = World()
    w.info.init(full_dto(1))
    w.meeting.clear()
    locked_info = {
        **full_dto(1)["info"],
        "displayHints": {"joined": ["LOCK_STATUS_LOCKED"], "moderator": [], "coHost": []},
    }
    w.info.handle_delta(delta_dto(1, 2, info=locked_info))
    assert w.meeting.named("meeting:locked") == [{"payload": locked_info}]
    assert w.info.is_locked
    w.info.handle_delta(delta_dto(2, 3, info=full_dto(1)["info"]))
    assert w.meeting.named("meeting:unlocked") == [{"payload": full_dto(1)["info"]}]
    assert not w.info.is_locked


def _record(recording: bool, paused: bool = False) -> dict[str, Any]:
    return {
        "lock": {"locked": False},
        "record": {
            "recording": recording,
            "paused": paused,
            "meta": {"modifiedBy": "person-rec", "lastModified": "2024-05-01T10:00:00Z"},
        },
    }


async def test_recording_events() -> None:
    w = World()
    w.info.init(full_dto(1))
    assert not [n for n in w.meeting.names() if n.startswith("meeting:recording")]
    w.info.handle_delta(delta_dto(1, 2, controls=_record(True)))
    w.info.handle_delta(delta_dto(2, 3, controls=_record(True, paused=True)))
    w.info.handle_delta(delta_dto(3, 4, controls=_record(True, paused=False)))
    w.info.handle_delta(delta_dto(4, 5, controls=_record(False)))
    got = [(n, p["state"]) for n, p in w.meeting.events if n.startswith("meeting:recording")]
    assert got == [
        ("meeting:recording:started", "recording"),
        ("meeting:recording:paused", "paused"),
        ("meeting:recording:resumed", "recording"),
        ("meeting:recording:stopped", "idle"),
    ]
    started = w.meeting.named("meeting:recording:started")[0]
    assert started["modifiedBy"] == "person-rec"
    assert started["lastModified"] == "2024-05-01T10:00:00Z"


async def test_state_change_to_inactive_removes_the_meeting() -> None:
    w = World()
    w.info.init(full_dto(1))
    w.info.handle_delta(delta_dto(1, 2, fullState={"state": "INACTIVE", "type": "MEETING"}))
    assert w.meeting.named("meeting:stateChange")[-1] == {
        "payload": {"previousState": "ACTIVE", "currentState": "INACTIVE"}
    }
    assert w.removed == [MeetingRemovedReason.MEETING_INACTIVE_TERMINATING]
    assert w.info.parser.state is ParserState.CLOSED
    w.info.handle_delta(delta_dto(2, 3, fullState={"state": "ACTIVE", "type": "MEETING"}))
    assert w.removed == [MeetingRemovedReason.MEETING_INACTIVE_TERMINATING]


@pytest.mark.parametrize(
    ("sections", "reason"),
    [
        ({"self": self_part(removed=True)}, MeetingRemovedReason.SELF_REMOVED),
        (
            {"fullState": {"state": "ACTIVE", "type": "MEETING", "removed": True}},
            MeetingRemovedReason.FULLSTATE_REMOVED,
        ),
        (
            {"fullState": {"state": "TERMINATING", "type": "MEETING"}},
            MeetingRemovedReason.MEETING_INACTIVE_TERMINATING,
        ),
    ],
)
async def test_meeting_removal_reasons(sections: dict[str, Any], reason: Any) -> None:
    w = World()
    w.info.init(full_dto(1))
    assert w.info.is_meeting_active() is None
    w.info.handle_delta(delta_dto(1, 2, **sections))
    assert w.removed == [reason]


def _call(self_state: str, partner_state: str, state: str = "ACTIVE") -> dict[str, Any]:
    me = self_part(state=self_state)
    partner = participant("part-2", state=partner_state)
    return full_dto(
        1,
        fullState={"state": state, "type": "CALL"},
        self=me,
        participants=[me, partner],
    )


@pytest.mark.parametrize(
    ("dto", "reason"),
    [
        (_call("JOINED", "JOINED", state="INACTIVE"), MeetingRemovedReason.CALL_INACTIVE),
        (_call("JOINED", "LEFT"), MeetingRemovedReason.PARTNER_LEFT),
        (_call("LEFT", "IDLE"), MeetingRemovedReason.SELF_LEFT),
        (_call("JOINED", "JOINED"), None),
    ],
)
async def test_call_removal_reasons(dto: dict[str, Any], reason: Any) -> None:
    w = World()
    w.info.init(dto)
    assert w.removed == ([reason] if reason else [])
    assert w.info.partner is not None
    assert w.info.partner["id"] == "part-2"


async def test_one_on_one_remote_answer_from_event_type() -> None:
    w = World()
    w.info.parse({"eventType": "locus.participant_joined", "locus": _call("JOINED", "JOINED")})
    assert w.internal_named(LocusInfoEvents.REMOTE_RESPONSE) == [
        ({"remoteDeclined": False, "remoteAnswered": True},)
    ]


async def test_participants_merge_by_id_and_left_members_stay() -> None:
    w = World()
    w.info.init(full_dto(1))
    w.member_events.clear()
    bob_left = participant("part-2", name="Bob", state="LEFT", devices=[])
    carol = participant("part-3", name="Carol")
    w.info.handle_delta(delta_dto(1, 2, participants=[bob_left, carol]))
    update = w.member_events.named("members:update")[0]
    assert [m.id for m in update["delta"]["updated"]] == ["part-2"]
    assert [m.id for m in update["delta"]["added"]] == ["part-3"]
    assert set(update["full"]) == {SELF_ID, "part-2", "part-3"}
    assert update["full"]["part-2"].status == "NOT_IN_MEETING"
    assert set(w.info.participants) == {SELF_ID, "part-2", "part-3"}
    # a delta without participants still yields an (empty) update
    w.info.handle_delta(delta_dto(2, 3, controls={"lock": {"locked": True}}))
    last = w.member_events.named("members:update")[-1]
    assert last["delta"] == {"added": [], "updated": []}


async def test_hidden_participants_are_not_members() -> None:
    w = World()
    hidden = participant("part-h", hideInRoster=True)
    w.info.init(full_dto(1, participants=[self_part(), hidden]))
    assert w.members.members_collection.get("part-h") is None
    assert "part-h" in w.info.raw_participants


async def test_locus_url_change_is_reported() -> None:
    other = "https://locus-a.wbx2.com/locus/api/v1/loci/loc-2"
    fetched: list[str] = []

    async def get_locus(url: str) -> Mapping[str, Any] | None:
        fetched.append(url)
        return {**full_dto(5), "url": other}

    w = World(get_locus=get_locus)
    w.info.init(full_dto(1))
    w.info.handle_delta({**delta_dto(1, 2), "url": other})
    await w.info.wait_settled(timeout=5)
    assert fetched == [other]
    assert w.meeting.named("meeting:locus:locusUrl:update")[-1] == {"locusUrl": other}
    assert w.members.locus_url == other


async def test_sync_falls_back_to_the_full_dto_then_removes_on_failure() -> None:
    fetched: list[str] = []

    async def get_locus(url: str) -> Mapping[str, Any] | None:
        fetched.append(url)
        if "sync" in url:
            raise RuntimeError("sync endpoint down")
        return full_dto(9)

    w = World(get_locus=get_locus, ooo_wait=0.0, ooo_random_delay=0.0)
    w.info.init(full_dto(1))
    w.info.handle_delta(delta_dto(5, 6))
    await w.info.wait_settled(timeout=5)
    assert fetched == [f"{LOCUS_URL}/sync?since=1", LOCUS_URL]
    assert w.info.current_sequence() == {"entries": [9], "rangeStart": 0, "rangeEnd": 0}
    assert w.removed == []

    async def broken(url: str) -> Mapping[str, Any] | None:
        raise RuntimeError("all down")

    w2 = World(get_locus=broken, ooo_wait=0.0, ooo_random_delay=0.0)
    w2.info.init(full_dto(1))
    w2.info.handle_delta(delta_dto(5, 6))
    await w2.info.wait_settled(timeout=5)
    assert w2.removed == [MeetingRemovedReason.LOCUS_DTO_SYNC_FAILED]


async def test_moved_self_is_not_read_as_left() -> None:
    w = World()
    w.info.init(full_dto(1))
    moved = self_part(state="LEFT", reason="MOVED")
    w.info.handle_delta(delta_dto(1, 2, self=moved, fullState={"state": "INACTIVE"}))
    assert w.info.self_state is not None
    assert w.info.self_state.state == "JOINED"
    assert w.removed == []


async def test_mercury_events_are_routed_by_type() -> None:
    w = World()
    w.info.parse({"eventType": "locus.self_changed", "locus": full_dto(3)})
    assert w.info.current_sequence() == {"entries": [3], "rangeStart": 0, "rangeEnd": 0}
    w.info.parse({"eventType": "locus.difference", "locus": delta_dto(3, 4)})
    assert w.info.current_sequence() == {"entries": [4], "rangeStart": 0, "rangeEnd": 0}
    w.info.parse({"eventType": "locus.difference"})  # no locus: ignored
    assert w.info.current_sequence() == {"entries": [4], "rangeStart": 0, "rangeEnd": 0}


async def test_meeting_update_and_controls_events() -> None:
    w = World()
    updates: list[dict[str, Any]] = []
    w.info.on(LocusInfoEvents.MEETING_UPDATE, updates.append)
    controls = {
        "muteOnEntry": {"enabled": True},
        "entryExitTone": {"enabled": True, "mode": "beep"},
        "video": {"enabled": False},
    }
    w.info.init(full_dto(1, controls=controls))
    merged: dict[str, Any] = {}
    for update in updates:
        merged.update(update)
    assert merged["locus_url"] == LOCUS_URL
    assert merged["meeting_state"] == "ACTIVE"
    assert merged["self_id"] == SELF_ID
    assert merged["entry_exit_tone"] == "beep"
    assert merged["unmute_video_allowed"] is False
    assert w.meeting.named("meeting:controls:mute-on-entry:updated") == [
        {"state": {"enabled": True}}
    ]
    assert w.meeting.named("meeting:entryExitTone:update") == [{"entryExitTone": "beep"}]
    assert w.meeting.named("meeting:self:videoUnmutedByOthers") == [
        {"payload": {"muted": False, "unmuteAllowed": False}}
    ]


async def test_floor_changes_reach_members() -> None:
    w = World()
    w.info.init(full_dto(1))
    shares = [
        {
            "name": "content",
            "url": f"{LOCUS_URL}/mediashares/c1",
            "floor": {"disposition": "GRANTED", "beneficiary": {"id": "part-2"}},
        }
    ]
    w.info.handle_delta(delta_dto(1, 2, mediaShares=shares))
    assert w.member_events.named("members:content:update")[-1] == {
        "activeSharingId": "part-2",
        "endedSharingId": None,
    }
    bob = w.members.members_collection.get("part-2")
    assert bob is not None
    assert bob.is_content_sharing
    released = [
        {**shares[0], "floor": {"disposition": "RELEASED", "beneficiary": {"id": "part-2"}}}
    ]
    w.info.handle_delta(delta_dto(2, 3, mediaShares=released))
    assert w.member_events.named("members:content:update")[-1] == {
        "activeSharingId": None,
        "endedSharingId": "part-2",
    }
    assert w.internal_named(LocusInfoEvents.MEDIA_SHARES_UPDATED)
