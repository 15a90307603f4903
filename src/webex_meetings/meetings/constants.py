"""Enumerations and event names of the meetings plugin (JS ``src/constants.ts``).

String enums compare equal to the JS strings, so ``meeting.password_status == "REQUIRED"``
works as well as ``PasswordStatus.REQUIRED``.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = [
    "DestinationType",
    "LocusFullState",
    "LocusSelfState",
    "MeetingAddedType",
    "MeetingEvents",
    "MeetingInfoFailureReason",
    "MeetingRemovedReason",
    "MemberStatus",
    "MembersEvents",
    "PasswordStatus",
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
    """Event names emitted by ``webex.meetings`` and by a ``Meeting`` (events.md §1-2)."""

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
    SELF_LEFT: Final = "meeting:self:left"
    RECORDING_STARTED: Final = "meeting:recording:started"
    RECORDING_STOPPED: Final = "meeting:recording:stopped"
    RECORDING_PAUSED: Final = "meeting:recording:paused"
    RECORDING_RESUMED: Final = "meeting:recording:resumed"
    RECONNECTION_STARTING: Final = "meeting:reconnectionStarting"
    RECONNECTION_SUCCESS: Final = "meeting:reconnectionSuccess"
    RECONNECTION_FAILURE: Final = "meeting:reconnectionFailure"
    MEDIA_READY: Final = "media:ready"
    MEDIA_STOPPED: Final = "media:stopped"


class MembersEvents:
    """Event names emitted by ``meeting.members`` (events.md §3)."""

    UPDATE: Final = "members:update"
    SELF_UPDATE: Final = "members:self:update"
    HOST_UPDATE: Final = "members:host:update"
    CONTENT_UPDATE: Final = "members:content:update"
    CLEAR: Final = "members:clear"
