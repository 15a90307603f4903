"""``meeting.locus_info``: the meeting's Locus state, and the events derived from it.

Every DTO goes through the :class:`~webex_meetings.meetings.locus.parser.LocusParser`;
each accepted one is applied section by section in the JS order
(``LocusInfo.updateLocusInfo``): a section present in the DTO and different from the
stored one replaces it wholesale and emits what changed; participants are merged by id.
Public events (JS names and payloads) go to ``emitter`` (the ``Meeting``); member changes
go to :class:`~webex_meetings.meetings.members.Members`; lower-level changes the Meeting
acts on (keep-alive, reconnect, sharing) are emitted on the ``LocusInfo`` itself with the
names of :class:`LocusInfoEvents`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from webex_meetings._events import EventEmitter
from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import MeetingEvents as E
from webex_meetings.meetings.constants import MeetingRemovedReason
from webex_meetings.meetings.in_meeting_actions import InMeetingActions, compute_meeting_actions
from webex_meetings.meetings.locus import sections, validation
from webex_meetings.meetings.locus.controls_events import emit_controls_events
from webex_meetings.meetings.locus.events import FULL_DTO_EVENTS, LocusInfoEvents
from webex_meetings.meetings.locus.lifecycle import removal_reason
from webex_meetings.meetings.locus.parser import (
    MAX_OOO_DELTA_COUNT,
    OOO_DELTA_WAIT_TIME,
    OOO_DELTA_WAIT_TIME_RANDOM_DELAY,
    LocusParser,
)
from webex_meetings.meetings.locus.self_events import emit_self_events
from webex_meetings.meetings.locus.sequence import LocusAction
from webex_meetings.meetings.locus.views import LocusViews
from webex_meetings.meetings.members import Members

__all__ = ["FULL_DTO_EVENTS", "LocusInfo", "LocusInfoEvents"]

logger = get_logger(__name__)


def _resolve(value: str | Callable[[], str | None] | None) -> str | None:
    return value() if callable(value) else value


class LocusInfo(LocusViews, EventEmitter):
    """The Locus state of one meeting (JS ``meeting.locusInfo``).

    Args:
        emitter: where the public meeting events go (the ``Meeting``).
        members: the meeting's member list, updated on every applied DTO.
        device_url: this client's WDM device URL (or a callable returning it); finds
            this device in ``self.devices``.
        correlation_id: the current join's correlation id (or a callable), to pick the
            right device entry when several share the URL.
        get_locus: coroutine ``GET``-ting a URL and returning the body (``None`` when
            empty); used for syncs. Without it a sync is a no-op.
        on_removed: called once with the reason when the meeting ends for this client.
        in_meeting_actions: the flags to keep up to date (a new object by default).
        local_audio_muted: returns whether local audio is muted, or ``None`` when the
            meeting has no audio; gates the ``unmutedByOthers`` events as in JS.
        ooo_wait: seconds to wait for a missing delta before syncing.
        ooo_random_delay: largest random extra wait in seconds.
        max_ooo_count: queued deltas tolerated while blocked.
        rng: random source for the extra wait.
    """

    def __init__(
        self,
        *,
        emitter: EventEmitter,
        members: Members,
        device_url: str | Callable[[], str | None] | None = None,
        correlation_id: str | Callable[[], str | None] | None = None,
        get_locus: Callable[[str], Awaitable[Mapping[str, Any] | None]] | None = None,
        on_removed: Callable[[MeetingRemovedReason], Any] | None = None,
        in_meeting_actions: InMeetingActions | None = None,
        local_audio_muted: Callable[[], bool | None] | None = None,
        ooo_wait: float = OOO_DELTA_WAIT_TIME,
        ooo_random_delay: float = OOO_DELTA_WAIT_TIME_RANDOM_DELAY,
        max_ooo_count: int = MAX_OOO_DELTA_COUNT,
        rng: Callable[[], float] | None = None,
    ) -> None:
        super().__init__()
        self.emitter = emitter
        self.members = members
        self.in_meeting_actions = in_meeting_actions or InMeetingActions()
        self._device_url = device_url
        self._correlation_id = correlation_id
        self._get_locus = get_locus
        self._on_removed = on_removed
        self.local_audio_muted = local_audio_muted
        extra: dict[str, Any] = {"rng": rng} if rng is not None else {}
        self.parser = LocusParser(
            apply=self._apply,
            sync=self._sync,
            ooo_wait=ooo_wait,
            ooo_random_delay=ooo_random_delay,
            max_ooo_count=max_ooo_count,
            **extra,
        )
        #: Raw sections as last applied, by wire name (``fullState``, ``self``...).
        self.raw: dict[str, Any] = {}
        #: Participants by id, merged across DTOs.
        self.raw_participants: dict[str, dict[str, Any]] = {}
        self.self_state: sections.SelfState | None = None
        self.info_state: sections.InfoState | None = None
        self.roles: list[str] = []
        self.recording: dict[str, Any] | None = None
        self.unmute_video_allowed: bool | None = None
        self.entry_exit_tone: str | None = None
        self.partner: dict[str, Any] | None = None
        self.removed_reason: MeetingRemovedReason | None = None
        #: For ``PARTNER_LEFT``: whether this device should still leave the call.
        self.removal_should_leave = False
        #: Policies and meeting info for the policy-based action flags (set by the Meeting).
        self.self_user_policies: Mapping[str, Any] | None = None
        self.meeting_info: Mapping[str, Any] | None = None
        self._initializing = False
        self._event_type: str | None = None
        self._compare_host = False
        self._compare_self = False

    def __repr__(self) -> str:
        return (
            f"LocusInfo(url={self.url!r}, state={self.meeting_state!r}, "
            f"self_state={self.self_state.state if self.self_state else None!r})"
        )

    # -- input --------------------------------------------------------------------

    def init(self, dto: Mapping[str, Any]) -> bool:
        """Take the first full DTO (the join response or the event that created the meeting).

        Unlike later DTOs it does not emit ``meeting:meetingInfoUpdated``.

        Returns:
            True if applied.
        """
        self._initializing = True
        try:
            return self.handle_full(dto)
        finally:
            self._initializing = False

    def handle_full(self, dto: Mapping[str, Any], event_type: str | None = None) -> bool:
        """Apply a full DTO if it is newer than the working copy.

        Args:
            dto: the full Locus DTO.
            event_type: the Mercury event type that carried it, if any (1:1 ringing).

        Returns:
            True if applied.
        """
        self._event_type = event_type
        try:
            return self.parser.on_full(dto) is LocusAction.USE_INCOMING
        finally:
            self._event_type = None

    def handle_delta(self, dto: Mapping[str, Any]) -> None:
        """Queue a delta (or a ``body.locus`` of a request response) for ordered handling."""
        self.parser.on_delta(dto)

    def parse(self, data: Mapping[str, Any]) -> None:
        """Route a Mercury ``locus.*`` event (``{eventType, locus, ...}``) by its type."""
        locus = data.get("locus")
        if not isinstance(locus, Mapping):
            return
        event_type = data.get("eventType")
        if event_type in FULL_DTO_EVENTS:
            self.handle_full(locus, event_type)
        else:
            self.handle_delta(locus)

    async def wait_settled(self, timeout: float | None = None) -> None:
        """Wait until every queued DTO is handled (no gap, no sync in flight)."""
        await self.parser.wait_settled(timeout)

    def close(self) -> None:
        """Stop handling DTOs (the meeting is gone)."""
        self.parser.close()

    # -- applying -----------------------------------------------------------------

    def _emit(self, event: str, payload: Any = None) -> None:
        self.emitter.emit(event, payload)

    def _meeting_update(self, **changes: Any) -> None:
        self.emit(LocusInfoEvents.MEETING_UPDATE, changes)

    def _apply(self, dto: dict[str, Any], is_full: bool) -> None:
        # Malformed sections are left out: the state keeps their last good values.
        locus = validation.clean_dto(dto, self.raw_participants)
        self_part = locus.get("self")
        is_replace = sections.need_replace_members(self.raw.get("controls"), locus.get("controls"))
        if not (
            isinstance(self_part, Mapping)
            and self_part.get("reason") == "MOVED"
            and self_part.get("state") == "LEFT"
        ):
            # A "moved to a breakout" DTO for the old locus would read as "left".
            self._update_sections(locus)
        participants = locus.get("participants")
        if isinstance(participants, list):
            if is_full:
                self.raw_participants = {}
            for participant in participants:
                if isinstance(participant, Mapping) and participant.get("id"):
                    self.raw_participants[participant["id"]] = dict(participant)
        self.members.locus_participants_update(
            participants if isinstance(participants, list) else None,
            self_id=self.self_id,
            host_id=self.host_id,
            recording_id=self._recording_member(),
            is_replace=is_replace,
        )
        self._check_active()
        if is_full and self.type in ("CALL", "SIP_BRIDGE"):
            event_type = self._event_type
            if event_type == "locus.participant_declined":
                self.emit(
                    LocusInfoEvents.REMOTE_RESPONSE,
                    {"remoteDeclined": True, "remoteAnswered": False},
                )
            elif event_type == "locus.participant_joined":
                self.emit(
                    LocusInfoEvents.REMOTE_RESPONSE,
                    {"remoteDeclined": False, "remoteAnswered": True},
                )

    def _recording_member(self) -> str | None:
        record = (self.raw.get("controls") or {}).get("record") or {}
        if not record.get("recording"):
            return None
        value = (record.get("meta") or {}).get("modifiedBy")
        return value if isinstance(value, str) else None

    def _changed(self, locus: Mapping[str, Any], key: str) -> Any:
        value = locus.get(key)
        if value is None or value == self.raw.get(key):
            return None
        return value

    def _update_sections(self, locus: Mapping[str, Any]) -> None:
        self._compare_host = self._compare_self = False
        if (controls := self._changed(locus, "controls")) is not None:
            self._update_controls(controls)
        self._update_conversation_url(locus)
        for key in ("created", "participantsUrl", "replace", "aclUrl", "membership"):
            if (value := self._changed(locus, key)) is not None:
                self.raw[key] = value
        if (full_state := self._changed(locus, "fullState")) is not None:
            self._update_full_state(full_state)
        if (host := self._changed(locus, "host")) is not None:
            self._update_host(host)
        self._update_meeting_info(locus.get("info"), locus.get("self"))
        if (media_shares := self._changed(locus, "mediaShares")) is not None:
            self._update_media_shares(media_shares)
        if (self_part := self._changed(locus, "self")) is not None:
            self._update_self(self_part)
        # Only a string is a URL: anything else would end up as ``meeting.locus_url``.
        if isinstance(url := self._changed(locus, "url"), str) and url:
            self.raw["url"] = url
            self.members.locus_url_update(url)
            self._meeting_update(locus_url=url)
            self._emit(E.LOCUS_URL_UPDATE, {"locusUrl": url})
        for key in ("baseSequence", "sequence", "syncUrl", "identities", "embeddedApps"):
            if (value := self._changed(locus, key)) is not None:
                self.raw[key] = value
        for key in ("meeting", "replaces"):
            if key in locus:
                self.raw[key] = locus[key]
        services = (locus.get("links") or {}).get("services")
        if services and services != self.raw.get("services"):
            self.raw["services"] = services
            self.emit(LocusInfoEvents.LINKS_SERVICES, services)
        if self._compare_host or self._compare_self:
            self._update_can_assign_host()

    def _update_conversation_url(self, locus: Mapping[str, Any]) -> None:
        url = locus.get("conversationUrl") or (locus.get("info") or {}).get("conversationUrl")
        if url and url != self.raw.get("conversationUrl"):
            self.raw["conversationUrl"] = url
            self._meeting_update(conversation_url=url)

    def _update_controls(self, controls: dict[str, Any]) -> None:
        previous = self.raw.get("controls")
        self.raw["controls"] = controls
        emit_controls_events(self, previous, controls)
        self.emit(LocusInfoEvents.CONTROLS_UPDATED, previous, controls)

    def _update_full_state(self, full_state: dict[str, Any]) -> None:
        previous = self.raw.get("fullState")
        self.raw["fullState"] = full_state
        new_type = full_state.get("type") or "UNKNOWN"
        old_type = (previous.get("type") or "UNKNOWN") if previous else None
        self._meeting_update(
            type=new_type, meeting_state=full_state.get("state"), locked=full_state.get("locked")
        )
        old_state = previous.get("state") if previous else None
        if previous is None or old_state != full_state.get("state"):
            self._emit(
                E.STATE_CHANGE,
                {"payload": {"previousState": old_state, "currentState": full_state.get("state")}},
            )
        if old_type != new_type:
            self.members.locus_full_state_type_update(new_type)

    def _update_host(self, host: dict[str, Any]) -> None:
        old_id = (self.raw.get("host") or {}).get("id")
        self.raw["host"] = host
        new_id = host.get("id")
        self._meeting_update(host_id=new_id)
        if old_id is None or old_id != new_id:
            self._compare_host = True
            self.members.locus_host_update(old_id, new_id)

    def _update_meeting_info(self, info: Any, self_part: Any) -> None:
        roles = sections.get_roles(self_part) if self_part else list(self.roles)
        is_joined = (
            (self_part.get("state") == "JOINED")
            if isinstance(self_part, Mapping)
            else bool(self.self_state and self.self_state.state == "JOINED")
        )
        info_changed = isinstance(info, Mapping) and info != self.raw.get("info")
        was_joined = bool(self.self_state and self.self_state.state == "JOINED")
        # Also recompute the user hints when roles or the joined state changed without
        # an info section (a delta carries only what changed).
        hints_inputs_changed = roles != self.roles or (
            self_part is not None and is_joined != was_joined
        )
        self.roles = roles
        if not info_changed and not (hints_inputs_changed and self.raw.get("info")):
            return
        if info_changed:
            self.raw["info"] = info
        current_info = self.raw["info"]
        previous = self.info_state
        parsed = sections.parse_info(current_info, roles, is_joined)
        self.info_state = parsed
        if parsed.is_locked and (previous is None or previous.is_unlocked):
            self._emit(E.LOCKED, {"payload": current_info})
        if parsed.is_unlocked and (previous is None or previous.is_locked):
            self._emit(E.UNLOCKED, {"payload": current_info})
        self._meeting_update(
            user_display_hints=list(parsed.user_display_hints),
            sip_uri=parsed.sip_uri,
            meeting_number=parsed.meeting_number,
            datachannel_url=parsed.datachannel_url,
        )
        self.refresh_meeting_actions()
        if not self._initializing:
            self._emit(E.MEETING_INFO_UPDATED)

    def refresh_meeting_actions(self) -> bool:
        """Recompute the in-meeting actions; emit ``meeting:actionsUpdate`` if any changed.

        Call it after setting :attr:`self_user_policies` or :attr:`meeting_info`.
        """
        actions = compute_meeting_actions(
            self.user_display_hints if self.info_state else None,
            self_user_policies=self.self_user_policies,
            meeting_info=self.meeting_info,
            can_send_reactions=self.in_meeting_actions.can_send_reactions,
        )
        changed = self.in_meeting_actions.set(actions)
        if changed:
            self._emit(E.ACTIONS_UPDATE, self.in_meeting_actions.get())
        return changed

    def _update_can_assign_host(self) -> None:
        state = self.self_state
        can = bool(state and state.moderator and state.self_identity == self.host_id)
        if self.in_meeting_actions.set({"canAssignHost": can}):
            self._emit(E.ACTIONS_UPDATE, self.in_meeting_actions.get())

    def _update_media_shares(self, media_shares: list[Any]) -> None:
        previous_raw = self.raw.get("mediaShares")
        self.raw["mediaShares"] = media_shares
        current = sections.parse_media_shares(media_shares)
        previous = sections.parse_media_shares(previous_raw) if previous_raw else None
        self.members.locus_media_shares_update(current, previous)
        self.emit(LocusInfoEvents.MEDIA_SHARES_UPDATED, current, previous)

    def _update_self(self, self_part: dict[str, Any]) -> None:
        previous = self.self_state
        current = sections.parse_self(
            self_part, _resolve(self._device_url), _resolve(self._correlation_id)
        )
        self.raw["self"] = self_part
        self.self_state = current
        if previous is None or previous.moderator != current.moderator:
            self._compare_self = True
        self._meeting_update(
            self_id=current.self_id,
            self_url=current.self_url,
            self_identity=current.self_identity,
            state=current.state,
            guest=current.guest,
            moderator=current.moderator,
            roles=list(current.roles),
            remote_muted=current.remote_muted,
            unmute_allowed=current.unmute_allowed,
            remote_video_muted=current.remote_video_muted,
            is_user_unadmitted=current.is_user_unadmitted,
            layout=current.layout,
            can_not_view_the_participant_list=current.can_not_view_the_participant_list,
            is_sharing_blocked=current.is_sharing_blocked,
        )
        emit_self_events(self, previous, current, self_part)
        self.members.locus_self_update(previous.self_id if previous else None, current.self_id)
        self.emit(LocusInfoEvents.SELF_UPDATED, previous, current)

    # -- lifecycle ----------------------------------------------------------------

    def is_meeting_active(self) -> MeetingRemovedReason | None:
        """Why the meeting should be removed now (Locus protocol), or ``None`` if active."""
        verdict = removal_reason(
            locus_type=self.type,
            full_state=self.raw.get("fullState") or {},
            self_state=self.self_state,
            self_identity=(self.raw.get("self") or {}).get("identity"),
            participants=list(self.raw_participants.values()),
            previous_partner=self.partner,
        )
        self.partner = verdict.partner
        self.removal_should_leave = verdict.should_leave
        return verdict.reason

    def _check_active(self) -> None:
        reason = self.is_meeting_active()
        if reason is not None:
            self.remove(reason)

    def remove(self, reason: MeetingRemovedReason) -> None:
        """End the meeting for this client: close the parser and call ``on_removed`` once."""
        if self.removed_reason is not None:
            return
        self.removed_reason = reason
        logger.info("locus info: meeting removed (%s)", reason.value)
        self.parser.close()
        if self._on_removed is not None:
            self._on_removed(reason)

    # -- sync ---------------------------------------------------------------------

    async def _sync(self, full: bool) -> Mapping[str, Any] | None:
        if self._get_locus is None:
            return None
        working = self.parser.working_copy or {}
        locus_url = working.get("url") or self.url
        sync_url = None if full else working.get("syncUrl")
        if sync_url:
            try:
                return await self._get_locus(sync_url)
            except Exception as error:  # fall back to the full DTO, as JS does
                logger.info("locus info: delta sync failed (%r), fetching the full DTO", error)
        if not locus_url:
            return None
        try:
            return await self._get_locus(locus_url)
        except Exception as error:
            logger.warning("locus info: full sync failed (%r); removing the meeting", error)
            self.remove(MeetingRemovedReason.LOCUS_DTO_SYNC_FAILED)
            return None
