"""Meeting media over WebRTC (aiortc): ROAP signalling, one peer connection, tracks.

Importing this package does not import aiortc; it is loaded when media starts. The
aiortc-based helpers live in :mod:`~webex_meetings.meetings.media.sources` (tone,
silence, black video, file player) and :mod:`~webex_meetings.meetings.media.sinks`
(recording, PCM chunks, drain); importing those modules imports aiortc.
"""

from webex_meetings.meetings.media.host import (
    MEDIA_NEGOTIATED,
    STREAM_PUBLISH_STATE_CHANGED,
    MediaHost,
)
from webex_meetings.meetings.media.media_request import ConfluenceState, LocusMediaRequest
from webex_meetings.meetings.media.meeting_media import MeetingMedia
from webex_meetings.meetings.media.options import Direction, MediaKind, MediaOptions
from webex_meetings.meetings.media.reconnect import ReconnectionManager
from webex_meetings.meetings.media.reconnecting import NetworkStatus
from webex_meetings.meetings.media.roap import RoapErrorType, RoapMessage, RoapMessageType
from webex_meetings.meetings.media.roap_session import RoapSession, RoapState
from webex_meetings.meetings.media.sdp import SdpSettings
from webex_meetings.meetings.media.state import MediaState, MediaTimeouts
from webex_meetings.meetings.media.turn import TurnServerInfo

__all__ = [
    "MEDIA_NEGOTIATED",
    "STREAM_PUBLISH_STATE_CHANGED",
    "ConfluenceState",
    "Direction",
    "LocusMediaRequest",
    "MediaHost",
    "MediaKind",
    "MediaOptions",
    "MediaState",
    "MediaTimeouts",
    "MeetingMedia",
    "NetworkStatus",
    "ReconnectionManager",
    "RoapErrorType",
    "RoapMessage",
    "RoapMessageType",
    "RoapSession",
    "RoapState",
    "SdpSettings",
    "TurnServerInfo",
]
