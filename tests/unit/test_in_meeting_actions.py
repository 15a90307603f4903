"""In-meeting actions computed from display hints, policies and meeting info."""

from __future__ import annotations

import pytest

from webex_meetings.meetings.in_meeting_actions import (
    ACTION_FLAGS,
    InMeetingActions,
    compute_meeting_actions,
)


def test_flags_start_unknown_and_get_uses_js_names() -> None:
    actions = InMeetingActions()
    snapshot = actions.get()
    assert list(snapshot) == list(ACTION_FLAGS)
    assert len(snapshot) == 74
    assert set(snapshot.values()) == {None}
    assert "canLock" in snapshot
    assert "supportHQV" in snapshot
    assert actions.can_lock is None
    assert actions.support_hqv is None


def test_set_reports_changes_and_accepts_both_spellings() -> None:
    actions = InMeetingActions()
    assert actions.set({"canLock": True}) is True
    assert actions.set({"can_lock": True}) is False
    assert actions.set({"can_unlock": False, "canLock": True}) is True
    assert actions.get()["canUnlock"] is False
    with pytest.raises(KeyError):
        actions.set({"canFly": True})


@pytest.mark.parametrize(
    ("hints", "flag", "expected"),
    [
        (["LOCK_CONTROL_LOCK", "LOCK_STATUS_UNLOCKED"], "canLock", True),
        (["LOCK_CONTROL_LOCK", "LOCK_STATUS_LOCKED"], "canLock", False),
        (["LOCK_CONTROL_UNLOCK", "LOCK_STATUS_LOCKED"], "canUnlock", True),
        (["ROSTER_WAITING_TO_JOIN"], "canAdmitParticipant", True),
        (["ADD_GUEST"], "canInviteNewParticipants", True),
        (["RECORDING_CONTROL_START"], "canStartRecording", True),
        (["RECORDING_CONTROL_PAUSE"], "canPauseRecording", True),
        (["RECORDING_CONTROL_RESUME"], "canResumeRecording", True),
        (["RECORDING_CONTROL_STOP"], "canStopRecording", True),
        (["RAISE_HAND"], "canRaiseHand", True),
        (["LOWER_ALL_HANDS"], "canLowerAllHands", True),
        (["LOWER_SOMEONE_ELSES_HAND"], "canLowerSomeoneElsesHand", True),
        (["MUTE_ALL"], "canMuteAll", True),
        (["UNMUTE_ALL"], "canUnmuteAll", True),
        (["MUTE_ALL"], "canSetMuted", True),
        (["ENABLE_HARD_MUTE"], "canEnableHardMute", True),
        (["LEAVE_END_MEETING"], "bothLeaveAndEndMeetingAvailable", True),
        (["DISABLE_LOBBY_TO_BREAKOUT"], "canAdmitLobbyToBreakout", False),
        ([], "canAdmitLobbyToBreakout", True),
        ([], "canRaiseHand", False),
        ([], "canUseVoip", True),  # no policies: no restrictions
    ],
)
def test_hint_flags(hints: list[str], flag: str, expected: bool) -> None:
    assert compute_meeting_actions(hints)[flag] is expected


def test_no_hints_yet_computes_only_policy_flags() -> None:
    actions = compute_meeting_actions(None)
    assert set(actions) == {
        "canUseVoip",
        "canDoVideo",
        "supportHDV",
        "enforceVirtualBackground",
        "supportHQV",
    }


def test_policies_restrict_recording_and_voip() -> None:
    policies = {"supportVoIP": False, "supportNetworkBasedRecord": False, "supportChat": True}
    info = {"supportVoIP": True, "video": {"supportHDV": True}}
    actions = compute_meeting_actions(
        ["RECORDING_CONTROL_START", "SHARE_CONTENT"], self_user_policies=policies, meeting_info=info
    )
    assert actions["canStartRecording"] is False
    assert actions["canUseVoip"] is False
    assert actions["canDoVideo"] is False
    assert actions["canChat"] is True
    assert actions["canShareContent"] is True
    allowed = compute_meeting_actions(
        ["RECORDING_CONTROL_START"],
        self_user_policies={"supportVoIP": True, "supportNetworkBasedRecord": True},
        meeting_info=info,
    )
    assert allowed["canStartRecording"] is True
    assert allowed["canUseVoip"] is True


def test_reactions_keep_their_value_unless_a_hint_says_otherwise() -> None:
    assert compute_meeting_actions(["REACTIONS_ACTIVE"])["canSendReactions"] is True
    assert (
        compute_meeting_actions(["REACTIONS_INACTIVE"], can_send_reactions=True)["canSendReactions"]
        is False
    )
    assert compute_meeting_actions([], can_send_reactions=True)["canSendReactions"] is True
