"""Routing Locus DTOs to meetings: Mercury ``locus.*`` events and ``sync_meetings()``.

A DTO belongs to the first meeting that matches, in the JS order (Locus protocol): the
locus URL; the correlation id of this device's entry in ``self.devices``; the SIP
address in ``self.callbackInfo``; the conversation URL (not for unified space meetings);
the meeting number (``info.webExMeetingId``); the last ``replaces[].locusUrl``. A DTO
that matches nothing creates a ``LOCUS_ID`` meeting (``meeting:added`` with ``JOIN`` for
a ``MEETING``, ``INCOMING`` otherwise) unless the locus is already inactive or self was
removed from it.

Deviations from JS: an unknown locus announced by a delta is fetched in full first (a
delta alone cannot seed a meeting); breakout-session routing is not implemented (each
locus is its own meeting); ``sync_meetings`` never removes a meeting that was created
but not joined yet.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import (
    DestinationType,
    MeetingAddedType,
    MeetingEvents,
    MeetingRemovedReason,
)
from webex_meetings.meetings.destination import Destination
from webex_meetings.meetings.locus.requests import LocusRequests
from webex_meetings.meetings.meeting import Meeting, MeetingLifecycle

if TYPE_CHECKING:
    from webex_meetings.meetings.plugin import Meetings

__all__ = ["MAX_RANDOM_DELAY_FOR_MEETING_INFO", "LocusRouter"]

logger = get_logger(__name__)

#: Largest random delay (s) before looking up a scheduled meeting announced early.
MAX_RANDOM_DELAY_FOR_MEETING_INFO: Final = 180.0
_ROAP_EVENT: Final = "locus.message.roap"


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _is_breakout(locus: Mapping[str, Any]) -> bool:
    return _map(_map(locus.get("controls")).get("breakout")).get("sessionType") == "BREAKOUT"


class LocusRouter:
    """Finds, creates and updates meetings from Locus DTOs for :class:`Meetings`."""

    def __init__(self, meetings: Meetings) -> None:
        self._meetings = meetings
        self._requests = LocusRequests(meetings.webex)
        self._sync_task: asyncio.Task[Any] | None = None

    # -- matching --------------------------------------------------------------------

    def find_meeting(self, data: Mapping[str, Any]) -> Meeting | None:
        """The meeting a ``{locusUrl, locus}`` event belongs to, or ``None``."""
        locus = _map(data.get("locus"))
        collection = self._meetings.meeting_collection
        self_part = _map(locus.get("self"))
        info = _map(locus.get("info"))
        device_url = self._meetings.webex.internal.device.url
        correlation_id = None
        for device in self_part.get("devices") or []:
            if isinstance(device, Mapping) and device_url and device.get("url") == device_url:
                correlation_id = device.get("correlationId")
                break
        found = (
            collection.get_by_key("locus_url", data.get("locusUrl") or locus.get("url"))
            or collection.get_by_key("correlation_id", correlation_id)
            or collection.get_by_key(
                "sip_uri", _map(self_part.get("callbackInfo")).get("callbackAddress")
            )
            or (
                None
                if info.get("isUnifiedSpaceMeeting")
                else collection.get_by_key("conversation_url", locus.get("conversationUrl"))
            )
            or collection.get_by_key("meeting_number", info.get("webExMeetingId"))
        )
        replaces = locus.get("replaces")
        if found is None and isinstance(replaces, list) and replaces:
            found = collection.get_by_key("locus_url", _map(replaces[-1]).get("locusUrl"))
        return found

    # -- Mercury -----------------------------------------------------------------------

    def on_locus_event(self, envelope: Mapping[str, Any]) -> None:
        """Mercury ``event:locus`` listener (``data.eventType`` ``locus.*``)."""
        data = _map(envelope.get("data"))
        event_type = data.get("eventType")
        if not event_type or event_type == _ROAP_EVENT:
            return
        locus = data.get("locus")
        if not isinstance(locus, Mapping):
            return
        meeting = self.find_meeting(data)
        if meeting is not None:
            meeting.locus_info.parse(data)
            return
        if "baseSequence" in locus:
            url = data.get("locusUrl") or locus.get("url")
            if isinstance(url, str) and url:
                self._meetings._spawn(self._fetch_and_create(url), name="locus-new-meeting")
            return
        created = self._add_locus_meeting(locus)
        if created is not None:
            self._meetings._spawn(
                self._announce(created, locus, from_mercury=True), name="locus-meeting-added"
            )

    async def _fetch_and_create(self, url: str) -> None:
        try:
            locus = await self._requests.get_locus_dto(url)
        except Exception as exc:
            logger.info("meetings: cannot fetch the new locus announced by a delta: %s", exc)
            return
        if not locus:
            return
        data = {"locusUrl": url, "locus": locus}
        meeting = self.find_meeting(data)
        if meeting is not None:  # e.g. our own join answered meanwhile
            meeting.locus_info.handle_full(locus)
            return
        created = self._add_locus_meeting(locus)
        if created is not None:
            await self._announce(created, locus, from_mercury=True)

    # -- creating meetings from Locus ----------------------------------------------------

    def _add_locus_meeting(self, locus: Mapping[str, Any]) -> Meeting | None:
        """Create and seed a ``LOCUS_ID`` meeting, unless the locus is over for us."""
        if _map(locus.get("fullState")).get("state") == "INACTIVE":
            logger.info("meetings: ignoring an event of an inactive, unknown locus")
            return None
        self_part = _map(locus.get("self"))
        if self_part.get("state") == "LEFT" and self_part.get("removed") is True:
            logger.info("meetings: ignoring an event of a locus we were removed from")
            return None
        meeting = self._meetings._add(
            Destination(DestinationType.LOCUS_ID, dict(locus), original=locus)
        )
        meeting.locus_info.init(locus)
        return meeting

    async def _announce(
        self, meeting: Meeting, locus: Mapping[str, Any], *, from_mercury: bool
    ) -> None:
        """Look the new meeting up, then emit ``meeting:added`` (JOIN or INCOMING)."""
        delay = _info_delay(locus) if from_mercury else 0.0
        if delay > 0:
            meeting._info_task = self._meetings._spawn(
                self._delayed_lookup(meeting, delay), name="meeting-info-delayed"
            )
        else:
            await self._lookup(meeting)
        meetings = self._meetings
        if meeting.id not in meetings.meeting_collection:
            logger.info("meetings: meeting %s was removed before it was announced", meeting.id)
            return
        kind = MeetingAddedType.JOIN if meeting.type == "MEETING" else MeetingAddedType.INCOMING
        meetings.emit(MeetingEvents.MEETING_ADDED, {"meeting": meeting, "type": kind})

    async def _delayed_lookup(self, meeting: Meeting, delay: float) -> None:
        await asyncio.sleep(delay)
        await self._lookup(meeting)

    @staticmethod
    async def _lookup(meeting: Meeting) -> None:
        try:
            await meeting.fetch_meeting_info()
        except Exception as exc:  # a Locus meeting works without its meeting info
            logger.info("meetings: no meeting info for Locus meeting %s: %s", meeting.id, exc)

    # -- sync ----------------------------------------------------------------------------

    def start_sync(self) -> None:
        """Start a background ``sync_meetings(keep_only_locus_meetings=False)``."""
        if self._sync_task is not None and not self._sync_task.done():
            return
        self._sync_task = self._meetings._spawn(self._sync_quietly(), name="meetings-sync")

    def cancel_sync(self) -> None:
        """Cancel a running background sync."""
        if self._sync_task is not None and not self._sync_task.done():
            self._sync_task.cancel()
        self._sync_task = None

    async def _sync_quietly(self) -> None:
        try:
            await self.sync_meetings(keep_only_locus_meetings=False)
        except Exception as exc:
            logger.warning("meetings: sync after reconnect failed: %s", exc)

    async def sync_meetings(self, *, keep_only_locus_meetings: bool) -> None:
        """See :meth:`Meetings.sync_meetings`."""
        answer = await self._requests.get_active_loci()
        loci = [dict(locus) for locus in answer["loci"] if isinstance(locus, Mapping)]
        loci.sort(key=_is_breakout)  # main sessions first
        active: set[str] = set()
        for locus in loci:
            url = locus.get("url")
            if isinstance(url, str):
                active.add(url)
            meeting = self.find_meeting({"locusUrl": url, "locus": locus})
            if meeting is not None:
                meeting.locus_info.handle_full(locus)
                continue
            created = self._add_locus_meeting(locus)
            if created is not None:
                await self._announce(created, locus, from_mercury=False)
        for meeting in self._meetings.meeting_collection:
            if meeting.locus_url in active or _created_not_joined(meeting):
                continue
            if keep_only_locus_meetings or meeting.locus_info.url:
                self._meetings._destroy(meeting, MeetingRemovedReason.NO_MEETINGS_TO_SYNC)


def _created_not_joined(meeting: Meeting) -> bool:
    if meeting.lifecycle is MeetingLifecycle.JOINING:
        return True
    return meeting.lifecycle is MeetingLifecycle.NEW and meeting.locus_info.url is None


def _info_delay(locus: Mapping[str, Any]) -> float:
    """Random delay before the lookup of a scheduled meeting that has not started yet."""
    start = _map(locus.get("meeting")).get("startTime")
    if not isinstance(start, str) or _map(locus.get("fullState")).get("active"):
        return 0.0
    try:
        moment = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    to_start = (moment - datetime.now(UTC)).total_seconds()
    ceiling = max(min(to_start, MAX_RANDOM_DELAY_FOR_MEETING_INFO), 0.0)
    return random.random() * ceiling  # noqa: S311 - spreading load, not security
