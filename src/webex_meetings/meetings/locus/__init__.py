"""Locus: the meeting state service, as seen by one meeting on the client.

How a DTO flows::

    join response / Mercury locus.* event / body.locus of a request / sync response
        │
        ▼
    LocusInfo.init / handle_full / handle_delta / parse        (info.py)
        │
        ▼
    LocusParser                                                 (parser.py)
        full DTO  → applied if its last sequence entry is newer (sequence.compare_full)
        delta     → queued by baseSequence; sequence.compare() decides:
                    USE_INCOMING → apply · USE_CURRENT → drop (stale or duplicate)
                    WAIT → block, timer 10 s + 0-5 s, or more than 5 queued → sync
                    DESYNC / LOCUS_URL_CHANGED → sync
        sync      → LocusInfo._sync: GET syncUrl (delta, empty = up to date), else
                    GET locusUrl (full); both failing removes the meeting
                    (LOCUS_DTO_SYNC_FAILED); the result goes through the same checks
        │  apply(dto, is_full)  — at most once per version, in order
        ▼
    LocusInfo._apply: each section present and changed replaces the stored one, in the
    JS order (controls, conversationUrl, fullState, host, info, mediaShares, self, url,
    sequence, links.services), emitting as it goes:
        • public events on the Meeting (meeting:stateChange, meeting:self:*,
          meeting:locked/unlocked, meeting:recording:*, meeting:actionsUpdate, ...)
        • internal LocusInfoEvents on the LocusInfo (keep-alive, reconnect, floors)
        • Members.locus_*_update → members:update / :self:update / :host:update /
          :content:update
    then checks whether the meeting ended (LocusInfo.is_meeting_active → on_removed).

Requests that change Locus state (requests.py) carry the current ``sequence`` and feed
their ``body.locus`` back into ``handle_delta``, closing the loop.

Wiring for one meeting (the ``Meeting`` does this)::

    requests = LocusRequests(webex)
    members = Members(requests=requests)
    locus_info = LocusInfo(
        emitter=meeting,
        members=members,
        device_url=lambda: webex.internal.device.url,
        correlation_id=lambda: meeting.correlation_id,
        get_locus=requests.get_locus_dto,
        on_removed=meeting_removed,  # (reason: MeetingRemovedReason) -> None
    )
    requests.sequence = locus_info.current_sequence
    requests.on_locus = locus_info.handle_delta
    joined = await requests.join(JoinRequest(device_url=..., correlation_id=..., ...))
    locus_info.init(joined.locus)
"""

from webex_meetings.meetings.locus.dto import Locus
from webex_meetings.meetings.locus.info import FULL_DTO_EVENTS, LocusInfo, LocusInfoEvents
from webex_meetings.meetings.locus.join import JoinRequest, JoinResponse
from webex_meetings.meetings.locus.parser import LocusParser, ParserState
from webex_meetings.meetings.locus.requests import LocusRequests, RecordingAction
from webex_meetings.meetings.locus.sequence import LocusAction, SeqCmp

__all__ = [
    "FULL_DTO_EVENTS",
    "JoinRequest",
    "JoinResponse",
    "Locus",
    "LocusAction",
    "LocusInfo",
    "LocusInfoEvents",
    "LocusParser",
    "LocusRequests",
    "ParserState",
    "RecordingAction",
    "SeqCmp",
]
