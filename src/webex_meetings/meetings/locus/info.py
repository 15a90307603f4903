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
from typing import Any, Final

from webex_meetings._events import EventEmitter
from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import MeetingEvents as E
from webex_meetings.meetings.constants import MeetingRemovedReason
from webex_meetings.meetings.in_meeting_actions import InMeetingActions, compute_meeting_actions
from webex_meetings.meetings.locus import sections
from webex_meetings.meetings.locus.dto import (
    FullState,
    Host,
    LocusControls,
    LocusInfoSection,
    MediaShare,
    Participant,
    Sequence,
)
from webex_meetings.meetings.locus.parser import (
    MAX_OOO_DELTA_COUNT,
    OOO_DELTA_WAIT_TIME,
    OOO_DELTA_WAIT_TIME_RANDOM_DELAY,
    LocusParser,
)
from webex_meetings.meetings.locus.self_events import emit_self_events
from webex_meetings.meetings.members import Members

__all__ = ["FULL_DTO_EVENTS", "LocusInfo", "LocusInfoEvents"]

logger = get_logger(__name__)

#: Mercury ``locus.*`` event types that carry a full DTO; all others are deltas.
FULL_DTO_EVENTS: Final = frozenset(
    {
        "locus.participant_joined",
        "locus.participant_left",
        "locus.participant_declined",
        "locus.participant_updated",
        "locus.participant_controls_updated",
        "locus.participant_roles_updated",
        "locus.participant_audio_muted",
        "locus.participant_audio_unmuted",
        "locus.participant_video_muted",
        "locus.participant_video_unmuted",
        "locus.self_changed",
        "locus.controls_updated",
        "locus.floor_granted",
        "locus.floor_released",
    }
)

_RECORDING_EVENTS: Final = {
    "recording": E.RECORDING_STARTED,
    "idle": E.RECORDING_STOPPED,
    "paused": E.RECORDING_PAUSED,
    "resumed": E.RECORDING_RESUMED,
}


class LocusInfoEvents:
    """Internal events emitted on the ``LocusInfo`` for the ``Meeting`` to act on."""

    MEETING_UPDATE: Final = "locus_info:meeting_update"
    """``(changes: dict)``: meeting attributes derived from Locus (JS ``updateMeeting``)."""
    SELF_UPDATED: Final = "locus_info:self_updated"
    """``(old: SelfState | None, new: SelfState)``."""
    SELF_UNADMITTED: Final = "locus_info:self_unadmitted"
    """``(self: dict)``: waiting in the lobby (start the keep-alive)."""
    SELF_ADMITTED: Final = "locus_info:self_admitted"
    """``(self: dict)``: admitted from the lobby (stop the keep-alive)."""
    DISCONNECT_DUE_TO_INACTIVITY: Final = "locus_info:disconnect_due_to_inactivity"
    """``(reason: str | None)``: this device went JOINED → LEFT (INACTIVE/MEDIA_RELEASED)."""
    MEDIA_INACTIVITY: Final = "locus_info:media_inactivity"
    """``()``: a media session of this device became inactive (reconnect media)."""
    MEDIA_SHARES_UPDATED: Final = "locus_info:media_shares_updated"
    """``(current: dict, previous: dict | None)``: parsed floors changed."""
    LINKS_SERVICES: Final = "locus_info:links_services"
    """``(services: dict)``: ``links.services`` changed (breakout, record URLs)."""
    CONTROLS_UPDATED: Final = "locus_info:controls_updated"
    """``(previous: dict | None, current: dict)``: any change of ``controls``."""
    REMOTE_RESPONSE: Final = "locus_info:remote_response"
    """``({remoteDeclined, remoteAnswered})``: the other side of a 1:1 call answered."""


def _resolve(value: str | Callable[[], str | None] | None) -> str | None:
    return value() if callable(value) else value


class LocusInfo(EventEmitter):
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
            return bool(self.parser.on_full(dto) == "USE_INCOMING")
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

    # -- public views -------------------------------------------------------------

    @property
    def url(self) -> str | None:
        """The locus URL (``meeting.locus_url``)."""
        value = self.raw.get("url")
        return value if isinstance(value, str) else None

    @property
    def locus_id(self) -> str | None:
        """The last path segment of the locus URL."""
        return self.url.rstrip("/").rsplit("/", 1)[-1] if self.url else None

    @property
    def full_state(self) -> FullState | None:
        """``fullState`` as a model."""
        raw = self.raw.get("fullState")
        return FullState.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def self(self) -> Participant | None:
        """``self`` as a model."""
        raw = self.raw.get("self")
        return Participant.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def host(self) -> Host | None:
        """``host`` as a model."""
        raw = self.raw.get("host")
        return Host.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def info(self) -> LocusInfoSection | None:
        """``info`` as a model."""
        raw = self.raw.get("info")
        return LocusInfoSection.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def controls(self) -> LocusControls | None:
        """``controls`` as a model."""
        raw = self.raw.get("controls")
        return LocusControls.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def media_shares(self) -> list[MediaShare]:
        """``mediaShares`` as models."""
        return [MediaShare.model_validate(s) for s in self.raw.get("mediaShares") or []]

    @property
    def sequence(self) -> Sequence | None:
        """The last applied ``sequence`` as a model."""
        raw = self.raw.get("sequence")
        return Sequence.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def participants(self) -> dict[str, Participant]:
        """Every participant seen, by id, as models."""
        return {k: Participant.model_validate(v) for k, v in self.raw_participants.items()}

    def current_sequence(self) -> dict[str, Any] | None:
        """The raw sequence to send with delta requests."""
        value = self.raw.get("sequence")
        return dict(value) if isinstance(value, Mapping) else None

    @property
    def sync_url(self) -> str | None:
        """The working copy's sync URL."""
        working = self.parser.working_copy or {}
        return working.get("syncUrl") or self.raw.get("syncUrl")

    @property
    def conversation_url(self) -> str | None:
        """``conversationUrl`` (or ``info.conversationUrl``)."""
        return self.raw.get("conversationUrl")

    @property
    def meeting_state(self) -> str | None:
        """``fullState.state`` (``ACTIVE``, ``INACTIVE``...)."""
        return (self.raw.get("fullState") or {}).get("state")

    @property
    def type(self) -> str | None:
        """``fullState.type`` (``MEETING``, ``CALL``, ``SIP_BRIDGE``; ``UNKNOWN`` if absent)."""
        full_state = self.raw.get("fullState")
        return (full_state.get("type") or "UNKNOWN") if full_state else None

    @property
    def self_id(self) -> str | None:
        """The participant id of self."""
        return self.self_state.self_id if self.self_state else None

    @property
    def host_id(self) -> str | None:
        """The person id of the host."""
        return (self.raw.get("host") or {}).get("id")

    @property
    def display_hints(self) -> dict[str, list[str]]:
        """``info.displayHints`` (``joined``, ``moderator``, ``coHost`` lists)."""
        hints = (self.raw.get("info") or {}).get("displayHints") or {}
        return {k: list(v) for k, v in hints.items() if isinstance(v, list)}

    @property
    def user_display_hints(self) -> list[str]:
        """The hints that apply to this user now (locus.md §2.3)."""
        return list(self.info_state.user_display_hints) if self.info_state else []

    @property
    def is_locked(self) -> bool:
        """True when the display hints say ``LOCK_STATUS_LOCKED``."""
        return bool(self.info_state and self.info_state.is_locked)

    def this_device(self) -> dict[str, Any] | None:
        """This client's entry of ``self.devices`` (keep-alive URL, media connections...)."""
        device = self.self_state.joined_with if self.self_state else None
        return dict(device) if device else None

    # -- applying -----------------------------------------------------------------

    def _emit(self, event: str, payload: Any = None) -> None:
        self.emitter.emit(event, payload)

    def _meeting_update(self, **changes: Any) -> None:
        self.emit(LocusInfoEvents.MEETING_UPDATE, changes)

    def _apply(self, locus: dict[str, Any], is_full: bool) -> None:
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
            recording_id=(self.recording or {}).get("modifiedBy"),
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
        if (url := self._changed(locus, "url")) is not None:
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
        change = sections.controls_change(previous, controls)
        self.raw["controls"] = controls
        for flag, event, key in (
            (change.mute_on_entry, E.CONTROLS_MUTE_ON_ENTRY_UPDATED, "muteOnEntry"),
            (change.share_control, E.CONTROLS_SHARE_CONTROL_UPDATED, "shareControl"),
            (change.disallow_unmute, E.CONTROLS_DISALLOW_UNMUTE_UPDATED, "disallowUnmute"),
            (change.reactions, E.CONTROLS_REACTIONS_UPDATED, "reactions"),
            (
                change.view_the_participant_list,
                E.CONTROLS_VIEW_THE_PARTICIPANTS_LIST_UPDATED,
                "viewTheParticipantList",
            ),
            (change.raise_hand, E.CONTROLS_RAISE_HAND_UPDATED, "raiseHand"),
            (change.video, E.CONTROLS_VIDEO_UPDATED, "video"),
        ):
            if flag:
                self._emit(event, {"state": _control_state(controls, key)})
        if change.recording or change.recording_paused:
            self._update_recording(controls, change)
        if change.meeting_container:
            url = (controls.get("meetingContainer") or {}).get("meetingContainerUrl")
            self._emit(E.MEETING_CONTAINER_UPDATE, {"meetingContainerUrl": url})
        if change.entry_exit_tone:
            self.entry_exit_tone = sections.entry_exit_tone(controls)
            self._meeting_update(entry_exit_tone=self.entry_exit_tone)
            self._emit(E.ENTRY_EXIT_TONE_UPDATE, {"entryExitTone": self.entry_exit_tone})
        if change.video_enabled:
            enabled = (controls.get("video") or {}).get("enabled")
            self.unmute_video_allowed = enabled
            self._meeting_update(unmute_video_allowed=enabled)
            muted = bool(self.self_state and self.self_state.remote_video_muted)
            self._emit(
                E.SELF_VIDEO_MUTED_BY_OTHERS if muted else E.SELF_VIDEO_UNMUTED_BY_OTHERS,
                {"payload": {"muted": muted, "unmuteAllowed": enabled}},
            )
        self.emit(LocusInfoEvents.CONTROLS_UPDATED, previous, controls)

    def _update_recording(self, controls: Mapping[str, Any], change: Any) -> None:
        record = controls.get("record") or {}
        meta = record.get("meta") or {}
        if change.recording_paused:
            if record.get("paused"):
                state = "paused"
            else:
                state = "resumed" if record.get("recording") else "idle"
        else:
            state = "recording" if record.get("recording") else "idle"
        self.recording = {
            "state": "recording" if state == "resumed" else state,
            "modifiedBy": meta.get("modifiedBy"),
            "lastModified": meta.get("lastModified"),
        }
        self._meeting_update(recording=dict(self.recording))
        self._emit(_RECORDING_EVENTS[state], dict(self.recording))

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
        """Why the meeting should be removed now (locus.md §3.7), or ``None`` if active."""
        locus_type = self.type
        full_state = self.raw.get("fullState") or {}
        state = self.self_state
        if locus_type in ("CALL", "SIP_BRIDGE"):
            self.partner = self._find_partner()
            partner_state = (self.partner or {}).get("state")
            if full_state.get("state") == "INACTIVE":
                return MeetingRemovedReason.CALL_INACTIVE
            if (
                partner_state == "LEFT"
                and state is not None
                and state.state in ("DECLINED", "NOTIFIED", "JOINED")
            ):
                self.removal_should_leave = bool(
                    state.joined_with and state.joined_with.get("state") != "LEFT"
                )
                return MeetingRemovedReason.PARTNER_LEFT
            if (
                state is not None
                and state.state == "LEFT"
                and partner_state in ("LEFT", "DECLINED", "NOTIFIED", "IDLE")
            ):
                return MeetingRemovedReason.SELF_LEFT
        elif locus_type == "MEETING":
            if full_state.get("state") in ("INACTIVE", "TERMINATING"):
                return MeetingRemovedReason.MEETING_INACTIVE_TERMINATING
            if full_state.get("removed"):
                return MeetingRemovedReason.FULLSTATE_REMOVED
            if state is not None and state.removed:
                return MeetingRemovedReason.SELF_REMOVED
        return None

    def _find_partner(self) -> dict[str, Any] | None:
        participants = list(self.raw_participants.values())
        self_identity = (self.raw.get("self") or {}).get("identity")
        for participant in participants:
            if participant.get("identity") != self_identity and (
                len(participants) <= 2
                or (participant.get("type") == "USER" and not participant.get("removed"))
            ):
                return participant
        return self.partner

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


def _control_state(controls: Mapping[str, Any], key: str) -> dict[str, Any]:
    section = controls.get(key) or {}
    if key == "shareControl":
        return {"control": section.get("control")}
    if key == "reactions":
        return {
            "enabled": section.get("enabled"),
            "showDisplayNameWithReactions": section.get("showDisplayNameWithReactions"),
        }
    return {"enabled": section.get("enabled")}
