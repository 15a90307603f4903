"""Locus state: a locus, its participants and their device sessions (Locus protocol)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ...core.ids import new_uuid
from ..meetinginfo.rooms import MeetingRoom
from .deltas import VersionLog


class LocusState(StrEnum):
    """``fullState.state`` values the emulator uses."""

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class ParticipantState(StrEnum):
    """``participants[].state`` values."""

    IDLE = "IDLE"
    NOTIFIED = "NOTIFIED"
    JOINED = "JOINED"
    LEFT = "LEFT"
    DECLINED = "DECLINED"


class Role(StrEnum):
    """``controls.role.roles[].type`` values."""

    MODERATOR = "MODERATOR"
    COHOST = "COHOST"
    PRESENTER = "PRESENTER"
    ATTENDEE = "ATTENDEE"


#: Seconds between lobby keep-alives the emulator asks for (Locus protocol).
KEEP_ALIVE_SECS = 20


@dataclass
class DeviceSession:
    """One device of a participant in the locus (``devices[]``, the Locus protocol)."""

    url: str
    device_type: str
    correlation_id: str
    state: str = "JOINED"
    waiting: bool = False
    """In the lobby: ``intent.type = WAIT`` plus keep-alive fields."""
    reason: str | None = None
    media_connections: list[dict[str, Any]] = field(default_factory=list)
    media_sessions: list[dict[str, Any]] = field(default_factory=list)
    """``mediaSessions``: one entry per negotiated media line, kept by the media server."""
    wdm_uuid: str | None = None
    """Uuid of the live WDM device behind ``url``; events are pushed to its sockets."""
    notify_once: bool = False
    """Just left: its socket gets the next push too, so the client sees itself leave."""
    call_leg_id: str = field(default_factory=new_uuid)
    dialing_status: str | None = None
    provisional_type: str | None = None
    csis: list[int] = field(default_factory=list)
    """CSIs of the device's media sources (``devices[].csis``), set by the media server."""

    @property
    def joined(self) -> bool:
        """True while the device is in the meeting (lobby included)."""
        return self.state == "JOINED"


@dataclass
class Participant:
    """A participant (member) of a locus."""

    id: str
    person_uuid: str
    name: str
    email: str | None
    org_uuid: str
    state: ParticipantState = ParticipantState.JOINED
    type: str = "USER"
    devices: list[DeviceSession] = field(default_factory=list)
    roles: set[Role] = field(default_factory=set)
    audio_muted: bool = False
    video_muted: bool = False
    audio_meta: dict[str, Any] = field(default_factory=dict)
    video_meta: dict[str, Any] = field(default_factory=dict)
    hand_raised: bool = False
    guest: bool = False
    is_creator: bool = False
    removed: bool = False
    simulated: bool = False
    """Added through the control API; it has no socket."""
    sip_url: str | None = None
    invited_address: str | None = None
    """The address an invite named (to match a cancel)."""
    waiting_for_host: bool = False
    """In the lobby only until a moderator joins (admitted with them)."""
    layouts: list[dict[str, Any]] = field(default_factory=list)
    local_audio_muted: bool = False
    local_video_muted: bool = False
    keep_alives: int = 0
    dtmf: list[str] = field(default_factory=list)

    @property
    def moderator(self) -> bool:
        """True for the host role (``MODERATOR``)."""
        return Role.MODERATOR in self.roles

    @property
    def can_moderate(self) -> bool:
        """True for moderators and co-hosts."""
        return bool(self.roles & {Role.MODERATOR, Role.COHOST})

    @property
    def in_lobby(self) -> bool:
        """``IDLE`` with a waiting device (member status ``IN_LOBBY``)."""
        return self.state == ParticipantState.IDLE and any(
            device.waiting and device.joined for device in self.devices
        )

    @property
    def present(self) -> bool:
        """Joined or waiting in the lobby with at least one device."""
        return self.state == ParticipantState.JOINED or self.in_lobby

    def device(self, url: str) -> DeviceSession | None:
        """Return this participant's session of the device ``url``."""
        return next((device for device in self.devices if device.url == url), None)


@dataclass
class Locus:
    """One meeting's Locus: state, controls, participants and version log."""

    id: str
    url: str
    room: MeetingRoom
    created: float
    host_uuid: str
    host_name: str
    host_org_uuid: str
    log: VersionLog
    state: LocusState = LocusState.ACTIVE
    locked: bool = False
    lock_meta: dict[str, Any] = field(default_factory=dict)
    recording: bool = False
    recording_paused: bool = False
    record_meta: dict[str, Any] = field(default_factory=dict)
    mute_on_entry: bool = False
    disallow_unmute: bool = False
    share_control: str = "ANYONE"
    raise_hand_enabled: bool = True
    video_enabled: bool = True
    reactions_enabled: bool = True
    show_names_with_reactions: bool = True
    view_participant_list: bool = True
    participants: dict[str, Participant] = field(default_factory=dict)
    floors: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    share_ids: dict[str, str] = field(default_factory=dict)
    share_resources: dict[str, str] = field(default_factory=dict)
    """``mediaShares[].resourceUrl`` per share name (a granted whiteboard's channel)."""
    session_id: str = field(default_factory=new_uuid)
    last_active: float = 0.0
    dtmf: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        """True until the meeting ended."""
        return self.state == LocusState.ACTIVE

    def participant_url(self, participant_id: str) -> str:
        """``{locusUrl}/participant/<id>``."""
        return f"{self.url}/participant/{participant_id}"

    def of_person(self, person_uuid: str) -> Participant | None:
        """Return the participant of a person, if any."""
        return next((p for p in self.participants.values() if p.person_uuid == person_uuid), None)

    def joined(self) -> list[Participant]:
        """Participants in the meeting (not the lobby)."""
        return [p for p in self.participants.values() if p.state == ParticipantState.JOINED]

    def host_present(self) -> bool:
        """True while the host (or any moderator) is joined."""
        return any(p.moderator for p in self.joined())
