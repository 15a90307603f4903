"""Enumerations and event names of the meetings plugin (JS ``src/constants.ts``).

String enums compare equal to the JS strings, so ``meeting.password_status == "REQUIRED"``
works as well as ``PasswordStatus.REQUIRED``.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = [
    "DestinationType",
    "DisplayHints",
    "LocusFullState",
    "LocusSelfState",
    "MeetingAddedType",
    "MeetingEvents",
    "MeetingInfoFailureReason",
    "MeetingRemovedReason",
    "MemberStatus",
    "MembersEvents",
    "PasswordStatus",
    "SelfPolicy",
    "SelfRole",
]


class DestinationType(enum.StrEnum):
    """What a ``meetings.create()`` destination is (JS ``DESTINATION_TYPE``).

    ``PERSON_ID`` is not a JS type: it is accepted as an alias that looks the person up
    and joins their SIP address, which is what the JS seed documentation promises.
    """

    CONVERSATION_URL = "CONVERSATION_URL"
    MEETING_LINK = "MEETING_LINK"
    SIP_URI = "SIP_URI"
    PERSONAL_ROOM = "PERSONAL_ROOM"
    ONE_ON_ONE_CALL = "ONE_ON_ONE_CALL"
    LOCUS_ID = "LOCUS_ID"
    MEETING_ID = "MEETING_ID"
    MEETING_UUID = "MEETING_UUID"
    PERSON_ID = "PERSON_ID"


class PasswordStatus(enum.StrEnum):
    """Whether the meeting needs a password (JS ``PASSWORD_STATUS``)."""

    NOT_REQUIRED = "NOT_REQUIRED"
    REQUIRED = "REQUIRED"
    UNKNOWN = "UNKNOWN"
    VERIFIED = "VERIFIED"


class MeetingInfoFailureReason(enum.StrEnum):
    """Why the last meeting-info lookup failed (JS ``MEETING_INFO_FAILURE_REASON``)."""

    NONE = "NONE"
    WRONG_PASSWORD = "WRONG_PASSWORD"  # noqa: S105 - a reason name, not a secret
    WRONG_CAPTCHA = "WRONG_CAPTCHA"
    POLICY = "POLICY"
    OTHER = "OTHER"


class LocusFullState(enum.StrEnum):
    """Locus ``fullState.state`` values (``meeting.meeting_state``)."""

    INITIALIZING = "INITIALIZING"
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    TERMINATING = "TERMINATING"
    ENDED = "ENDED"


class LocusSelfState(enum.StrEnum):
    """Locus participant ``state`` values (``meeting.state`` for self)."""

    IDLE = "IDLE"
    NOTIFIED = "NOTIFIED"
    JOINED = "JOINED"
    LEFT = "LEFT"
    DECLINED = "DECLINED"


class MemberStatus(enum.StrEnum):
    """A member's presence (JS ``_IN_MEETING_`` etc., without the underscores)."""

    IN_MEETING = "IN_MEETING"
    IN_LOBBY = "IN_LOBBY"
    NOT_IN_MEETING = "NOT_IN_MEETING"


class MeetingAddedType(enum.StrEnum):
    """The ``type`` of a ``meeting:added`` payload."""

    CREATED = "CREATED"
    JOIN = "JOIN"
    INCOMING = "INCOMING"


class MeetingRemovedReason(enum.StrEnum):
    """The ``reason`` of a ``meeting:removed`` payload.

    JS ``MEETING_REMOVED_REASON`` and ``CALL_REMOVED_REASON`` merged.
    """

    SELF_REMOVED = "SELF_REMOVED"
    FULLSTATE_REMOVED = "FULLSTATE_REMOVED"
    MEETING_INACTIVE_TERMINATING = "MEETING_INACTIVE_TERMINATING"
    CLIENT_LEAVE_REQUEST = "CLIENT_LEAVE_REQUEST"
    NO_MEETINGS_TO_SYNC = "NO_MEETINGS_TO_SYNC"
    MEETING_CONNECTION_FAILED = "MEETING_CONNECTION_FAILED"
    LOCUS_DTO_SYNC_FAILED = "LOCUS_DTO_SYNC_FAILED"
    MISSING_MEETING_INFO = "MISSING_MEETING_INFO"
    CALL_INACTIVE = "CALL_INACTIVE"
    PARTNER_LEFT = "PARTNER_LEFT"
    SELF_LEFT = "SELF_LEFT"


class MeetingEvents:
    """Event names emitted by ``webex.meetings`` and by a ``Meeting`` (JS SDK events)."""

    MEETING_ADDED: Final = "meeting:added"
    MEETING_REMOVED: Final = "meeting:removed"
    STATE_CHANGE: Final = "meeting:stateChange"
    MEETING_INFO_AVAILABLE: Final = "meeting:meetingInfoAvailable"
    MEETING_INFO_UPDATED: Final = "meeting:meetingInfoUpdated"
    ACTIONS_UPDATE: Final = "meeting:actionsUpdate"
    LOCKED: Final = "meeting:locked"
    UNLOCKED: Final = "meeting:unlocked"
    RINGING: Final = "meeting:ringing"
    LOCUS_URL_UPDATE: Final = "meeting:locus:locusUrl:update"
    SELF_LOBBY_WAITING: Final = "meeting:self:lobbyWaiting"
    SELF_GUEST_ADMITTED: Final = "meeting:self:guestAdmitted"
    SELF_MUTED_BY_OTHERS: Final = "meeting:self:mutedByOthers"
    SELF_UNMUTED_BY_OTHERS: Final = "meeting:self:unmutedByOthers"
    SELF_VIDEO_MUTED_BY_OTHERS: Final = "meeting:self:videoMutedByOthers"
    SELF_VIDEO_UNMUTED_BY_OTHERS: Final = "meeting:self:videoUnmutedByOthers"
    SELF_REQUESTED_TO_UNMUTE: Final = "meeting:self:requestedToUnmute"
    SELF_ROLES_CHANGED: Final = "meeting:self:rolesChanged"
    SELF_CANNOT_VIEW_PARTICIPANT_LIST: Final = "meeting:self:cannotViewParticipantList"
    SELF_IS_SHARING_BLOCKED: Final = "meeting:self:isSharingBlocked"
    SELF_LEFT: Final = "meeting:self:left"
    RECORDING_STARTED: Final = "meeting:recording:started"
    RECORDING_STOPPED: Final = "meeting:recording:stopped"
    RECORDING_PAUSED: Final = "meeting:recording:paused"
    RECORDING_RESUMED: Final = "meeting:recording:resumed"
    CONTROLS_MUTE_ON_ENTRY_UPDATED: Final = "meeting:controls:mute-on-entry:updated"
    CONTROLS_SHARE_CONTROL_UPDATED: Final = "meeting:controls:share-control:updated"
    CONTROLS_DISALLOW_UNMUTE_UPDATED: Final = "meeting:controls:disallow-unmute:updated"
    CONTROLS_REACTIONS_UPDATED: Final = "meeting:controls:reactions:updated"
    CONTROLS_VIEW_THE_PARTICIPANTS_LIST_UPDATED: Final = (
        "meeting:controls:view-the-participants-list:updated"
    )
    CONTROLS_RAISE_HAND_UPDATED: Final = "meeting:controls:raise-hand:updated"
    CONTROLS_VIDEO_UPDATED: Final = "meeting:controls:video:updated"
    LAYOUT_UPDATE: Final = "meeting:layout:update"
    ENTRY_EXIT_TONE_UPDATE: Final = "meeting:entryExitTone:update"
    MEETING_CONTAINER_UPDATE: Final = "meeting:meetingContainer:update"
    RECONNECTION_STARTING: Final = "meeting:reconnectionStarting"
    RECONNECTION_SUCCESS: Final = "meeting:reconnectionSuccess"
    RECONNECTION_FAILURE: Final = "meeting:reconnectionFailure"
    MEDIA_READY: Final = "media:ready"
    MEDIA_STOPPED: Final = "media:stopped"
    MEDIA_ACTIVE_SPEAKER_CHANGED: Final = "media:activeSpeakerChanged"
    NETWORK_DISCONNECTED: Final = "network:disconnected"
    NETWORK_CONNECTED: Final = "network:connected"
    STARTED_SHARING_REMOTE: Final = "meeting:startedSharingRemote"
    STOPPED_SHARING_REMOTE: Final = "meeting:stoppedSharingRemote"
    STARTED_SHARING_LOCAL: Final = "meeting:startedSharingLocal"
    STOPPED_SHARING_LOCAL: Final = "meeting:stoppedSharingLocal"
    STARTED_SHARING_WHITEBOARD: Final = "meeting:startedSharingWhiteboard"
    STOPPED_SHARING_WHITEBOARD: Final = "meeting:stoppedSharingWhiteboard"


class MembersEvents:
    """Event names emitted by ``meeting.members`` (JS SDK events)."""

    UPDATE: Final = "members:update"
    SELF_UPDATE: Final = "members:self:update"
    HOST_UPDATE: Final = "members:host:update"
    CONTENT_UPDATE: Final = "members:content:update"
    CLEAR: Final = "members:clear"


class SelfRole(enum.StrEnum):
    """Role types in ``controls.role.roles`` (JS ``SELF_ROLES``)."""

    MODERATOR = "MODERATOR"
    COHOST = "COHOST"
    PRESENTER = "PRESENTER"
    ATTENDEE = "ATTENDEE"
    PANELIST = "PANELIST"


class SelfPolicy(enum.StrEnum):
    """User policy keys of the permission token (JS ``SELF_POLICY``)."""

    ENFORCE_VIRTUAL_BACKGROUND = "enforceVirtualBackground"
    SUPPORT_LOCAL_RECORD = "supportLocalRecord"
    SUPPORT_NETWORK_BASED_RECORD = "supportNetworkBasedRecord"
    SUPPORT_REALTIME_CLOSE_CAPTION = "supportRealtimeCloseCaption"
    SUPPORT_CHAT = "supportChat"
    SUPPORT_DESKTOP_SHARE_REMOTE = "supportDesktopShareRemote"
    SUPPORT_DESKTOP_SHARE = "supportDesktopShare"
    SUPPORT_WHITEBOARD = "supportWhiteboard"
    SUPPORT_FILE_TRANSFER = "supportFileTransfer"
    SUPPORT_APP_SHARE = "supportAppShare"
    SUPPORT_CAMERA_SHARE = "supportCameraShare"
    SUPPORT_FILE_SHARE = "supportFileShare"
    SUPPORT_ANNOTATION = "supportAnnotation"
    SUPPORT_BROADCAST_MESSAGE = "supportBroadcastMessage"
    SUPPORT_VIDEO = "supportVideo"
    SUPPORT_HQV = "supportHQV"
    SUPPORT_HDV = "supportHDV"
    SUPPORT_PARTICIPANT_LIST = "supportParticipantList"
    SUPPORT_VOIP = "supportVoIP"
    SUPPORT_POLLING_AND_QA = "supportPollingAndQA"


class DisplayHints:
    """Capability strings of Locus ``info.displayHints`` the SDK checks (JS ``DISPLAY_HINTS``)."""

    ADD_GUEST: Final = "ADD_GUEST"
    ROSTER_WAITING_TO_JOIN: Final = "ROSTER_WAITING_TO_JOIN"
    RECORDING_CONTROL_START: Final = "RECORDING_CONTROL_START"
    RECORDING_CONTROL_PAUSE: Final = "RECORDING_CONTROL_PAUSE"
    RECORDING_CONTROL_STOP: Final = "RECORDING_CONTROL_STOP"
    RECORDING_CONTROL_RESUME: Final = "RECORDING_CONTROL_RESUME"
    LOCK_CONTROL_UNLOCK: Final = "LOCK_CONTROL_UNLOCK"
    LOCK_CONTROL_LOCK: Final = "LOCK_CONTROL_LOCK"
    LOCK_STATUS_LOCKED: Final = "LOCK_STATUS_LOCKED"
    LOCK_STATUS_UNLOCKED: Final = "LOCK_STATUS_UNLOCKED"
    RAISE_HAND: Final = "RAISE_HAND"
    LOWER_ALL_HANDS: Final = "LOWER_ALL_HANDS"
    LOWER_SOMEONE_ELSES_HAND: Final = "LOWER_SOMEONE_ELSES_HAND"
    LEAVE_TRANSFER_HOST_END_MEETING: Final = "LEAVE_TRANSFER_HOST_END_MEETING"
    LEAVE_END_MEETING: Final = "LEAVE_END_MEETING"
    CAPTION_START: Final = "CAPTION_START"
    CAPTION_STATUS_ACTIVE: Final = "CAPTION_STATUS_ACTIVE"
    MANUAL_CAPTION_START: Final = "MANUAL_CAPTION_START"
    MANUAL_CAPTION_STOP: Final = "MANUAL_CAPTION_STOP"
    MANUAL_CAPTION_STATUS_ACTIVE: Final = "MANUAL_CAPTION_STATUS_ACTIVE"
    DISPLAY_REAL_TIME_TRANSLATION: Final = "DISPLAY_REAL_TIME_TRANSLATION"
    ENABLE_CAPTION_PANEL: Final = "ENABLE_CAPTION_PANEL"
    DISPLAY_NON_ENGLISH_ASR: Final = "DISPLAY_NON_ENGLISH_ASR"
    TRANSCRIPTION_CONTROL_START: Final = "TRANSCRIPTION_CONTROL_START"
    TRANSCRIPTION_CONTROL_STOP: Final = "TRANSCRIPTION_CONTROL_STOP"
    SAVE_TRANSCRIPTS_ENABLED: Final = "SAVE_TRANSCRIPTS_ENABLED"
    WEBEX_ASSISTANT_STATUS_ACTIVE: Final = "WEBEX_ASSISTANT_STATUS_ACTIVE"
    WAITING_FOR_OTHERS: Final = "WAITING_FOR_OTHERS"
    ENABLE_REACTIONS: Final = "ENABLE_REACTIONS"
    DISABLE_REACTIONS: Final = "DISABLE_REACTIONS"
    REACTIONS_ACTIVE: Final = "REACTIONS_ACTIVE"
    REACTIONS_INACTIVE: Final = "REACTIONS_INACTIVE"
    SHARE_CONTROL: Final = "SHARE_CONTROL"
    ENABLE_MUTE_ON_ENTRY: Final = "ENABLE_MUTE_ON_ENTRY"
    DISABLE_MUTE_ON_ENTRY: Final = "DISABLE_MUTE_ON_ENTRY"
    ENABLE_SHOW_DISPLAY_NAME: Final = "ENABLE_SHOW_DISPLAY_NAME"
    DISABLE_SHOW_DISPLAY_NAME: Final = "DISABLE_SHOW_DISPLAY_NAME"
    ENABLE_HARD_MUTE: Final = "ENABLE_HARD_MUTE"
    DISABLE_HARD_MUTE: Final = "DISABLE_HARD_MUTE"
    MUTE_ALL: Final = "MUTE_ALL"
    UNMUTE_ALL: Final = "UNMUTE_ALL"
    PRESENTER_CONTROL: Final = "PRESENTER_CONTROL"
    CAN_RENAME_SELF_AND_OBSERVED: Final = "CAN_RENAME_SELF_AND_OBSERVED"
    CAN_RENAME_OTHERS: Final = "CAN_RENAME_OTHERS"
    BREAKOUT_MANAGEMENT: Final = "BREAKOUT_MANAGEMENT"
    BROADCAST_MESSAGE_TO_BREAKOUT: Final = "BROADCAST_MESSAGE_TO_BREAKOUT"
    UCF_SUPPRESS_BREAKOUTS_SUPPORT: Final = "UCF_SUPPRESS_BREAKOUTS_SUPPORT"
    DISABLE_ASK_FOR_HELP: Final = "DISABLE_ASK_FOR_HELP"
    DISABLE_BREAKOUT_PREASSIGNMENTS: Final = "DISABLE_BREAKOUT_PREASSIGNMENTS"
    DISABLE_LOBBY_TO_BREAKOUT: Final = "DISABLE_LOBBY_TO_BREAKOUT"
    DISABLE_VIEW_THE_PARTICIPANT_LIST: Final = "DISABLE_VIEW_THE_PARTICIPANT_LIST"
    ENABLE_VIEW_THE_PARTICIPANT_LIST: Final = "ENABLE_VIEW_THE_PARTICIPANT_LIST"
    DISABLE_RAISE_HAND: Final = "DISABLE_RAISE_HAND"
    ENABLE_RAISE_HAND: Final = "ENABLE_RAISE_HAND"
    DISABLE_VIDEO: Final = "DISABLE_VIDEO"
    ENABLE_VIDEO: Final = "ENABLE_VIDEO"
    SHARE_FILE: Final = "SHARE_FILE"
    SHARE_APPLICATION: Final = "SHARE_APPLICATION"
    SHARE_CAMERA: Final = "SHARE_CAMERA"
    SHARE_DESKTOP: Final = "SHARE_DESKTOP"
    SHARE_CONTENT: Final = "SHARE_CONTENT"
    SHARE_WHITEBOARD: Final = "SHARE_WHITEBOARD"
    VOIP_IS_ENABLED: Final = "VOIP_IS_ENABLED"

    #: Hints that apply before self has joined (JS ``INTERSTITIAL_DISPLAY_HINTS``).
    INTERSTITIAL: Final = frozenset({"VOIP_IS_ENABLED"})
