"""What the user may do in the meeting now (JS ``meeting.inMeetingActions``).

The flags are derived from the user display hints (Locus ``info.displayHints`` filtered
by self's state and roles, see :func:`~webex_meetings.meetings.locus.info.user_display_hints`),
the permission-token user policies and the meeting info, with the JS SDK's rules
(``Meeting.updateMeetingActions``). Each flag is ``None`` until first computed.
:meth:`InMeetingActions.get` returns the JS camelCase mapping, which is also the payload
of ``meeting:actionsUpdate``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any, Final

from webex_meetings.meetings.constants import DisplayHints as H
from webex_meetings.meetings.constants import SelfPolicy as P

__all__ = ["ACTION_FLAGS", "InMeetingActions", "compute_meeting_actions"]

#: Every flag, camelCase, in the JS order of ``get()``.
ACTION_FLAGS: Final[tuple[str, ...]] = (
    "canInviteNewParticipants",
    "canAdmitParticipant",
    "canLock",
    "canUnlock",
    "canAssignHost",
    "canSetMuteOnEntry",
    "canUnsetMuteOnEntry",
    "canSetDisallowUnmute",
    "canSetMuted",
    "canUnsetMuted",
    "canSetPresenter",
    "canUnsetPresenter",
    "canUnsetDisallowUnmute",
    "canStartRecording",
    "canPauseRecording",
    "canResumeRecording",
    "canStopRecording",
    "canRaiseHand",
    "canLowerAllHands",
    "canLowerSomeoneElsesHand",
    "bothLeaveAndEndMeetingAvailable",
    "canEnableClosedCaption",
    "canStartTranscribing",
    "canStopTranscribing",
    "isClosedCaptionActive",
    "canStartManualCaption",
    "canStopManualCaption",
    "isManualCaptionActive",
    "isSaveTranscriptsEnabled",
    "isWebexAssistantActive",
    "canViewCaptionPanel",
    "isRealTimeTranslationEnabled",
    "canSelectSpokenLanguages",
    "waitingForOthersToJoin",
    "canSendReactions",
    "canManageBreakout",
    "canBroadcastMessageToBreakout",
    "canAdmitLobbyToBreakout",
    "isBreakoutPreassignmentsEnabled",
    "canUserAskForHelp",
    "canUserRenameSelfAndObserved",
    "canUserRenameOthers",
    "canMuteAll",
    "canUnmuteAll",
    "canEnableHardMute",
    "canDisableHardMute",
    "canEnableMuteOnEntry",
    "canDisableMuteOnEntry",
    "canEnableReactions",
    "canDisableReactions",
    "canEnableReactionDisplayNames",
    "canDisableReactionDisplayNames",
    "canUpdateShareControl",
    "canEnableViewTheParticipantsList",
    "canDisableViewTheParticipantsList",
    "canEnableRaiseHand",
    "canDisableRaiseHand",
    "canEnableVideo",
    "canDisableVideo",
    "canShareFile",
    "canShareApplication",
    "canShareCamera",
    "canShareDesktop",
    "canShareContent",
    "canTransferFile",
    "canChat",
    "canDoVideo",
    "canAnnotate",
    "canUseVoip",
    "enforceVirtualBackground",
    "supportHQV",
    "supportHDV",
    "canShareWhiteBoard",
    "canPollingAndQA",
)


def _snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


_SNAKE: Final[dict[str, str]] = {flag: _snake(flag) for flag in ACTION_FLAGS}
_CAMEL: Final[dict[str, str]] = {snake: camel for camel, snake in _SNAKE.items()}


class InMeetingActions:
    """The boolean capability flags of the current user (``None`` = not known yet).

    Attributes are the JS flag names in snake_case (``can_lock`` for ``canLock``,
    ``support_hqv`` for ``supportHQV``).
    """

    can_invite_new_participants: bool | None
    can_admit_participant: bool | None
    can_lock: bool | None
    can_unlock: bool | None
    can_assign_host: bool | None
    can_set_mute_on_entry: bool | None
    can_unset_mute_on_entry: bool | None
    can_set_disallow_unmute: bool | None
    can_set_muted: bool | None
    can_unset_muted: bool | None
    can_set_presenter: bool | None
    can_unset_presenter: bool | None
    can_unset_disallow_unmute: bool | None
    can_start_recording: bool | None
    can_pause_recording: bool | None
    can_resume_recording: bool | None
    can_stop_recording: bool | None
    can_raise_hand: bool | None
    can_lower_all_hands: bool | None
    can_lower_someone_elses_hand: bool | None
    both_leave_and_end_meeting_available: bool | None
    can_enable_closed_caption: bool | None
    can_start_transcribing: bool | None
    can_stop_transcribing: bool | None
    is_closed_caption_active: bool | None
    can_start_manual_caption: bool | None
    can_stop_manual_caption: bool | None
    is_manual_caption_active: bool | None
    is_save_transcripts_enabled: bool | None
    is_webex_assistant_active: bool | None
    can_view_caption_panel: bool | None
    is_real_time_translation_enabled: bool | None
    can_select_spoken_languages: bool | None
    waiting_for_others_to_join: bool | None
    can_send_reactions: bool | None
    can_manage_breakout: bool | None
    can_broadcast_message_to_breakout: bool | None
    can_admit_lobby_to_breakout: bool | None
    is_breakout_preassignments_enabled: bool | None
    can_user_ask_for_help: bool | None
    can_user_rename_self_and_observed: bool | None
    can_user_rename_others: bool | None
    can_mute_all: bool | None
    can_unmute_all: bool | None
    can_enable_hard_mute: bool | None
    can_disable_hard_mute: bool | None
    can_enable_mute_on_entry: bool | None
    can_disable_mute_on_entry: bool | None
    can_enable_reactions: bool | None
    can_disable_reactions: bool | None
    can_enable_reaction_display_names: bool | None
    can_disable_reaction_display_names: bool | None
    can_update_share_control: bool | None
    can_enable_view_the_participants_list: bool | None
    can_disable_view_the_participants_list: bool | None
    can_enable_raise_hand: bool | None
    can_disable_raise_hand: bool | None
    can_enable_video: bool | None
    can_disable_video: bool | None
    can_share_file: bool | None
    can_share_application: bool | None
    can_share_camera: bool | None
    can_share_desktop: bool | None
    can_share_content: bool | None
    can_transfer_file: bool | None
    can_chat: bool | None
    can_do_video: bool | None
    can_annotate: bool | None
    can_use_voip: bool | None
    enforce_virtual_background: bool | None
    support_hqv: bool | None
    support_hdv: bool | None
    can_share_white_board: bool | None
    can_polling_and_qa: bool | None

    def __init__(self) -> None:
        for snake in _CAMEL:
            setattr(self, snake, None)

    def __repr__(self) -> str:
        enabled = [name for name in _CAMEL if getattr(self, name)]
        return f"InMeetingActions(true={enabled})"

    def get(self) -> dict[str, bool | None]:
        """All flags by JS camelCase name (the ``meeting:actionsUpdate`` payload)."""
        return {camel: getattr(self, snake) for camel, snake in _SNAKE.items()}

    def set(self, changes: Mapping[str, bool | None]) -> bool:
        """Update some flags; keys may be camelCase (JS) or snake_case.

        Returns:
            True if any flag changed value.

        Raises:
            KeyError: a key is not a known flag.
        """
        changed = False
        for key, value in changes.items():
            snake = _SNAKE.get(key) or (key if key in _CAMEL else None)
            if snake is None:
                raise KeyError(f"unknown in-meeting action {key!r}")
            if getattr(self, snake) != value:
                setattr(self, snake, value)
                changed = True
        return changed


def _has_policy(policies: Mapping[str, Any] | None, policy: str) -> bool:
    return policies is not None and bool(policies.get(policy))


def _self_supports(policies: Mapping[str, Any] | None, policy: str) -> bool:
    # JS ``selfSupportsFeature``: without policies everything is supported.
    return True if policies is None else bool(policies.get(policy))


def compute_meeting_actions(
    user_display_hints: Collection[str] | None,
    *,
    self_user_policies: Mapping[str, Any] | None = None,
    meeting_info: Mapping[str, Any] | None = None,
    can_send_reactions: bool | None = None,
) -> dict[str, bool | None]:
    """Compute the flags like JS ``Meeting.updateMeetingActions``.

    Args:
        user_display_hints: the user's display hints; ``None`` (not known yet) computes
            only the policy-based flags.
        self_user_policies: the permission token's ``permission.userPolicies``.
        meeting_info: the meeting-info body (``supportVoIP``, ``video``...).
        can_send_reactions: the current ``canSendReactions`` value, kept when the hints
            say neither ``REACTIONS_ACTIVE`` nor ``REACTIONS_INACTIVE``.

    Returns:
        camelCase flag → value, for :meth:`InMeetingActions.set`.
    """
    policies = self_user_policies
    info = meeting_info or {}
    # Policy restrictions apply only with policies and meeting info (1:1 and SIP calls
    # have no meeting info).
    restricted = bool(policies) and bool(info)
    raw_video = info.get("video")
    video: Mapping[str, Any] = raw_video if isinstance(raw_video, Mapping) else {}
    actions: dict[str, bool | None] = {
        "canUseVoip": (info.get("supportVoIP") is True and _has_policy(policies, P.SUPPORT_VOIP))
        or not restricted,
        "canDoVideo": (_has_policy(policies, P.SUPPORT_VIDEO) and bool(info.get("video")))
        or not restricted,
        "supportHDV": (_has_policy(policies, P.SUPPORT_HDV) and bool(video.get("supportHDV")))
        or not restricted,
        "enforceVirtualBackground": _has_policy(policies, P.ENFORCE_VIRTUAL_BACKGROUND)
        and restricted,
        "supportHQV": (_has_policy(policies, P.SUPPORT_HQV) and bool(video.get("supportHQV")))
        or not restricted,
    }
    if user_display_hints is None:
        return actions
    hints = frozenset(user_display_hints)

    def has(*required: str) -> bool:
        return all(hint in hints for hint in required)

    record = _self_supports(policies, P.SUPPORT_NETWORK_BASED_RECORD)
    if has(H.REACTIONS_ACTIVE):
        reactions: bool | None = True
    elif has(H.REACTIONS_INACTIVE):
        reactions = False
    else:
        reactions = can_send_reactions
    actions.update(
        {
            "canInviteNewParticipants": has(H.ADD_GUEST),
            "canAdmitParticipant": has(H.ROSTER_WAITING_TO_JOIN),
            "canLock": has(H.LOCK_CONTROL_LOCK, H.LOCK_STATUS_UNLOCKED),
            "canUnlock": has(H.LOCK_CONTROL_UNLOCK, H.LOCK_STATUS_LOCKED),
            "canShareWhiteBoard": has(H.SHARE_WHITEBOARD),
            "canSetDisallowUnmute": has(H.ENABLE_HARD_MUTE),
            "canUnsetDisallowUnmute": has(H.DISABLE_HARD_MUTE),
            "canSetMuteOnEntry": has(H.ENABLE_MUTE_ON_ENTRY),
            "canUnsetMuteOnEntry": has(H.DISABLE_MUTE_ON_ENTRY),
            "canSetMuted": has(H.MUTE_ALL),
            "canUnsetMuted": has(H.UNMUTE_ALL),
            "canStartRecording": has(H.RECORDING_CONTROL_START) and record,
            "canStopRecording": has(H.RECORDING_CONTROL_STOP) and record,
            "canPauseRecording": has(H.RECORDING_CONTROL_PAUSE) and record,
            "canResumeRecording": has(H.RECORDING_CONTROL_RESUME) and record,
            "canRaiseHand": has(H.RAISE_HAND),
            "canLowerAllHands": has(H.LOWER_ALL_HANDS),
            "canLowerSomeoneElsesHand": has(H.LOWER_SOMEONE_ELSES_HAND),
            "bothLeaveAndEndMeetingAvailable": has(H.LEAVE_TRANSFER_HOST_END_MEETING)
            or has(H.LEAVE_END_MEETING),
            "canEnableClosedCaption": has(H.CAPTION_START),
            "canStartTranscribing": has(H.TRANSCRIPTION_CONTROL_START),
            "canStopTranscribing": has(H.TRANSCRIPTION_CONTROL_STOP),
            "isClosedCaptionActive": has(H.CAPTION_STATUS_ACTIVE),
            "canStartManualCaption": has(H.MANUAL_CAPTION_START),
            "canStopManualCaption": has(H.MANUAL_CAPTION_STOP),
            "isManualCaptionActive": has(H.MANUAL_CAPTION_STATUS_ACTIVE),
            "isSaveTranscriptsEnabled": has(H.SAVE_TRANSCRIPTS_ENABLED),
            "isWebexAssistantActive": has(H.WEBEX_ASSISTANT_STATUS_ACTIVE),
            "canViewCaptionPanel": has(H.ENABLE_CAPTION_PANEL),
            "isRealTimeTranslationEnabled": has(H.DISPLAY_REAL_TIME_TRANSLATION),
            "canSelectSpokenLanguages": has(H.DISPLAY_NON_ENGLISH_ASR),
            "waitingForOthersToJoin": has(H.WAITING_FOR_OTHERS),
            "canSendReactions": reactions,
            "canManageBreakout": has(H.BREAKOUT_MANAGEMENT),
            "canBroadcastMessageToBreakout": has(H.BROADCAST_MESSAGE_TO_BREAKOUT)
            and _has_policy(policies, P.SUPPORT_BROADCAST_MESSAGE),
            "canAdmitLobbyToBreakout": not has(H.DISABLE_LOBBY_TO_BREAKOUT),
            "isBreakoutPreassignmentsEnabled": not has(H.DISABLE_BREAKOUT_PREASSIGNMENTS),
            "canUserAskForHelp": not has(H.DISABLE_ASK_FOR_HELP),
            "canUserRenameSelfAndObserved": has(H.CAN_RENAME_SELF_AND_OBSERVED),
            "canUserRenameOthers": has(H.CAN_RENAME_OTHERS),
            "canMuteAll": has(H.MUTE_ALL),
            "canUnmuteAll": has(H.UNMUTE_ALL),
            "canEnableHardMute": has(H.ENABLE_HARD_MUTE),
            "canDisableHardMute": has(H.DISABLE_HARD_MUTE),
            "canEnableMuteOnEntry": has(H.ENABLE_MUTE_ON_ENTRY),
            "canDisableMuteOnEntry": has(H.DISABLE_MUTE_ON_ENTRY),
            "canEnableReactions": has(H.ENABLE_REACTIONS),
            "canDisableReactions": has(H.DISABLE_REACTIONS),
            "canEnableReactionDisplayNames": has(H.ENABLE_SHOW_DISPLAY_NAME),
            "canDisableReactionDisplayNames": has(H.DISABLE_SHOW_DISPLAY_NAME),
            "canUpdateShareControl": has(H.SHARE_CONTROL),
            "canEnableViewTheParticipantsList": has(H.ENABLE_VIEW_THE_PARTICIPANT_LIST),
            "canDisableViewTheParticipantsList": has(H.DISABLE_VIEW_THE_PARTICIPANT_LIST),
            "canEnableRaiseHand": has(H.ENABLE_RAISE_HAND),
            "canDisableRaiseHand": has(H.DISABLE_RAISE_HAND),
            "canEnableVideo": has(H.ENABLE_VIDEO),
            "canDisableVideo": has(H.DISABLE_VIDEO),
            # The JS code means "hint and policy, or no policy restrictions" here (its
            # canShareFile has a missing call that makes the last part always false).
            "canShareFile": (has(H.SHARE_FILE) and _has_policy(policies, P.SUPPORT_FILE_SHARE))
            or not restricted,
            "canTransferFile": _has_policy(policies, P.SUPPORT_FILE_TRANSFER),
            "canChat": _has_policy(policies, P.SUPPORT_CHAT),
            "canPollingAndQA": _has_policy(policies, P.SUPPORT_POLLING_AND_QA),
            "canShareApplication": (
                has(H.SHARE_APPLICATION) and _has_policy(policies, P.SUPPORT_APP_SHARE)
            )
            or not restricted,
            "canShareCamera": has(H.SHARE_CAMERA) and _has_policy(policies, P.SUPPORT_CAMERA_SHARE),
            "canShareDesktop": (
                has(H.SHARE_DESKTOP) and _has_policy(policies, P.SUPPORT_DESKTOP_SHARE)
            )
            or not restricted,
            "canShareContent": has(H.SHARE_CONTENT) or not restricted,
            "canAnnotate": _has_policy(policies, P.SUPPORT_ANNOTATION),
        }
    )
    return actions
