"""The Meetings plugin (``webex.meetings``): register, create, join, members, controls."""

from webex_meetings.meetings.collection import MeetingCollection
from webex_meetings.meetings.constants import (
    DestinationType,
    LocusFullState,
    LocusSelfState,
    MeetingAddedType,
    MeetingEvents,
    MeetingInfoFailureReason,
    MeetingRemovedReason,
    MembersEvents,
    MemberStatus,
    PasswordStatus,
)
from webex_meetings.meetings.destination import Destination
from webex_meetings.meetings.errors import (
    BreakoutEditLockedError,
    CaptchaError,
    IntentToJoinError,
    JoinMeetingError,
    MeetingInfoError,
    MeetingInfoV2AdhocMeetingError,
    MeetingInfoV2CaptchaError,
    MeetingInfoV2PasswordError,
    MeetingInfoV2PolicyError,
    MeetingNotActiveError,
    MeetingPermissionError,
    MeetingsError,
    NoMeetingInfoError,
    ParameterError,
    PasswordError,
    ReclaimHostEmptyWrongKeyError,
    ReclaimHostError,
    ReclaimHostIsHostAlreadyError,
    ReclaimHostNotAllowedError,
    ReclaimHostNotSupportedError,
    SpaceIDDeprecatedError,
    UserInLobbyError,
    UserNotJoinedError,
    WebexMeetingsError,
)
from webex_meetings.meetings.in_meeting_actions import InMeetingActions
from webex_meetings.meetings.info_state import VerifyPasswordResult
from webex_meetings.meetings.locus import JoinResponse, LocusInfo
from webex_meetings.meetings.meeting import Meeting, MeetingLifecycle
from webex_meetings.meetings.meeting_info import MeetingInfoProvider
from webex_meetings.meetings.member import Member
from webex_meetings.meetings.members import Members
from webex_meetings.meetings.plugin import Meetings

__all__ = [
    "BreakoutEditLockedError",
    "CaptchaError",
    "Destination",
    "DestinationType",
    "InMeetingActions",
    "IntentToJoinError",
    "JoinMeetingError",
    "JoinResponse",
    "LocusFullState",
    "LocusInfo",
    "LocusSelfState",
    "Meeting",
    "MeetingAddedType",
    "MeetingCollection",
    "MeetingEvents",
    "MeetingInfoError",
    "MeetingInfoFailureReason",
    "MeetingInfoProvider",
    "MeetingInfoV2AdhocMeetingError",
    "MeetingInfoV2CaptchaError",
    "MeetingInfoV2PasswordError",
    "MeetingInfoV2PolicyError",
    "MeetingLifecycle",
    "MeetingNotActiveError",
    "MeetingPermissionError",
    "MeetingRemovedReason",
    "Meetings",
    "MeetingsError",
    "Member",
    "MemberStatus",
    "Members",
    "MembersEvents",
    "NoMeetingInfoError",
    "ParameterError",
    "PasswordError",
    "PasswordStatus",
    "ReclaimHostEmptyWrongKeyError",
    "ReclaimHostError",
    "ReclaimHostIsHostAlreadyError",
    "ReclaimHostNotAllowedError",
    "ReclaimHostNotSupportedError",
    "SpaceIDDeprecatedError",
    "UserInLobbyError",
    "UserNotJoinedError",
    "VerifyPasswordResult",
    "WebexMeetingsError",
]
