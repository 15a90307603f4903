"""Typed views of the Locus DTO (the meeting state document) and its sections.

Every field is optional because deltas carry only the sections that changed, unknown
fields are kept (``model_extra``), and enumerated values are plain strings: Locus adds
values over time and a new one must never break parsing. The ``Literal`` aliases below
document the values known today.

The parser and :class:`~webex_meetings.meetings.locus.info.LocusInfo` work on the raw
mappings (cheaper, and nothing is lost); these models are what the public API hands out,
e.g. ``meeting.locus_info.full_state`` or ``member.participant``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = [
    "DisplayHintsSection",
    "FloorDisposition",
    "FullState",
    "FullStateValue",
    "Host",
    "Locus",
    "LocusControls",
    "LocusInfoSection",
    "LocusModel",
    "LocusType",
    "MediaConnection",
    "MediaSession",
    "MediaShare",
    "MediaShareFloor",
    "Participant",
    "ParticipantControls",
    "ParticipantDevice",
    "ParticipantState",
    "Person",
    "RecordControl",
    "Role",
    "RoleControl",
    "Sequence",
]

#: Known ``fullState.state`` values.
FullStateValue = Literal["INITIALIZING", "ACTIVE", "INACTIVE", "TERMINATING", "ENDED"]
#: Known ``fullState.type`` values.
LocusType = Literal["MEETING", "CALL", "SIP_BRIDGE"]
#: Known participant ``state`` values.
ParticipantState = Literal["IDLE", "NOTIFIED", "JOINED", "LEFT", "DECLINED"]
#: Known floor dispositions.
FloorDisposition = Literal["GRANTED", "RELEASED", "ACCEPTED"]


class LocusModel(BaseModel):
    """Base of the Locus models: camelCase wire names, snake_case attributes, extras kept."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        defer_build=True,
        protected_namespaces=(),
    )

    def to_wire(self) -> dict[str, Any]:
        """The camelCase mapping, unset fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class Sequence(LocusModel):
    """A Locus version: recent entries plus a range summarising older ones."""

    entries: list[int] | None = None
    range_start: int | None = None
    range_end: int | None = None
    since: str | None = None
    sequence_hash: int | None = None
    data_center: str | None = None
    total_participants: int | None = None
    dirty_participants: int | None = None


class FullState(LocusModel):
    """``fullState``: the overall state of the locus."""

    state: str | None = None
    """One of :data:`FullStateValue` (plain string: new values are accepted)."""
    type: str | None = None
    """One of :data:`LocusType`."""
    active: bool | None = None
    locked: bool | None = None
    count: int | None = None
    last_active: str | None = None
    session_id: str | None = None
    session_ids: list[str] | None = None
    removed: bool | None = None


class Host(LocusModel):
    """``host``: the host person (``id`` is a person id, not a participant id)."""

    id: str | None = None
    name: str | None = None
    org_id: str | None = None
    is_external: bool | None = None
    incoming_call_protocols: list[str] | None = None


class DisplayHintsSection(LocusModel):
    """``info.displayHints``: capability strings by audience."""

    joined: list[str] | None = None
    moderator: list[str] | None = None
    co_host: list[str] | None = None


class LocusInfoSection(LocusModel):
    """``info``: meeting identifiers and display hints."""

    sip_uri: str | None = None
    web_ex_meeting_id: str | None = None
    meeting_id: str | None = None
    web_ex_site: str | None = None
    web_ex_meeting_name: str | None = None
    owner: str | None = None
    channel: str | None = None
    datachannel_url: str | None = None
    is_unified_space_meeting: bool | None = None
    conversation_url: str | None = None
    topic: str | None = None
    display_hints: DisplayHintsSection | None = None


class RecordControl(LocusModel):
    """``controls.record``."""

    recording: bool | None = None
    paused: bool | None = None
    meta: dict[str, Any] | None = None


class LocusControls(LocusModel):
    """``controls``: meeting-wide controls (sections not modelled stay in extras)."""

    lock: dict[str, Any] | None = None
    record: RecordControl | None = None
    transcribe: dict[str, Any] | None = None
    manual_caption_control: dict[str, Any] | None = None
    meeting_container: dict[str, Any] | None = None
    entry_exit_tone: dict[str, Any] | None = None
    video: dict[str, Any] | None = None
    mute_on_entry: dict[str, Any] | None = None
    disallow_unmute: dict[str, Any] | None = None
    share_control: dict[str, Any] | None = None
    reactions: dict[str, Any] | None = None
    view_the_participant_list: dict[str, Any] | None = None
    raise_hand: dict[str, Any] | None = None
    breakout: dict[str, Any] | None = None
    interpretation: dict[str, Any] | None = None


class Person(LocusModel):
    """``participant.person``."""

    id: str | None = None
    name: str | None = None
    email: str | None = None
    org_id: str | None = None
    is_external: bool | None = None
    sip_url: str | None = None


class MediaSession(LocusModel):
    """One entry of ``devices[].mediaSessions``."""

    media_type: str | None = None
    media_content: str | None = None
    direction: str | None = None
    state: str | None = None


class MediaConnection(LocusModel):
    """One entry of ``devices[].mediaConnections`` (also the join response's list)."""

    media_id: str | None = None
    actions_url: str | None = None
    type: str | None = None
    remote_sdp: str | None = None


class ParticipantDevice(LocusModel):
    """One entry of ``participant.devices``."""

    url: str | None = None
    device_type: str | None = None
    state: str | None = None
    reason: str | None = None
    intent: dict[str, Any] | None = None
    correlation_id: str | None = None
    keep_alive_url: str | None = None
    keep_alive_secs: int | None = None
    media_connections: list[MediaConnection] | None = None
    media_sessions: list[MediaSession] | None = None
    csis: list[int] | None = None
    replaces: list[dict[str, Any]] | None = None


class Role(LocusModel):
    """One entry of ``controls.role.roles``."""

    type: str | None = None
    has_role: bool | None = None
    meta: dict[str, Any] | None = None


class RoleControl(LocusModel):
    """``participant.controls.role``."""

    roles: list[Role] | None = None


class ParticipantControls(LocusModel):
    """``participant.controls``: remote mute, roles, hand, local recording, layouts."""

    audio: dict[str, Any] | None = None
    video: dict[str, Any] | None = None
    role: RoleControl | None = None
    hand: dict[str, Any] | None = None
    local_record: dict[str, Any] | None = None
    layouts: list[dict[str, Any]] | None = None
    breakout: dict[str, Any] | None = None
    interpretation: dict[str, Any] | None = None


class Participant(LocusModel):
    """A participant (also the shape of ``self``, which adds a few fields)."""

    id: str | None = None
    url: str | None = None
    state: str | None = None
    """One of :data:`ParticipantState`."""
    type: str | None = None
    person: Person | None = None
    identity: str | None = None
    devices: list[ParticipantDevice] | None = None
    status: dict[str, Any] | None = None
    controls: ParticipantControls | None = None
    moderator: bool | None = None
    guest: bool | None = None
    resource_guest: bool | None = None
    panelist: bool | None = None
    is_creator: bool | None = None
    hide_in_roster: bool | None = None
    removed: bool | None = None
    reason: str | None = None
    can_reclaim_host_role: bool | None = None
    moderator_assignment_not_allowed: bool | None = None
    does_not_support_breakouts: bool | None = None
    associated_users: list[dict[str, Any]] | None = None
    # self-only extras
    media_base_url: str | None = None
    enable_dtmf: bool | None = Field(default=None, alias="enableDTMF")
    callback_info: dict[str, Any] | None = None
    alert_hint: dict[str, Any] | None = None
    alert_type: dict[str, Any] | None = None
    look_up_info: dict[str, Any] | None = None
    suggested_media: list[dict[str, Any]] | None = None
    can_not_view_the_participant_list: bool | None = None
    is_sharing_blocked: bool | None = None


class MediaShareFloor(LocusModel):
    """``mediaShares[].floor``."""

    disposition: str | None = None
    """One of :data:`FloorDisposition`."""
    beneficiary: dict[str, Any] | None = None
    requester: dict[str, Any] | None = None
    share_instance_id: str | None = None


class MediaShare(LocusModel):
    """One floor of ``mediaShares``: ``content`` (screen share) or ``whiteboard``."""

    name: str | None = None
    url: str | None = None
    floor: MediaShareFloor | None = None
    resource_url: str | None = None
    resource_type: str | None = None
    annotation: dict[str, Any] | None = None


class Locus(LocusModel):
    """A whole Locus DTO, full or delta (a delta has ``base_sequence`` and fewer sections)."""

    url: str | None = None
    created: str | None = None
    info: LocusInfoSection | None = None
    host: Host | None = None
    full_state: FullState | None = None
    controls: LocusControls | None = None
    participants: list[Participant] | None = None
    self: Participant | None = None
    media_shares: list[MediaShare] | None = None
    sequence: Sequence | None = None
    base_sequence: Sequence | None = None
    sync_url: str | None = None
    conversation_url: str | None = None
    meeting: dict[str, Any] | None = None
    embedded_apps: list[dict[str, Any]] | None = None
    replaces: list[dict[str, Any]] | None = None
    replace: dict[str, Any] | None = None
    participants_url: str | None = None
    acl_url: str | None = None
    membership: dict[str, Any] | None = None
    identities: list[Any] | None = None
    links: dict[str, Any] | None = None
