"""A meeting member: one Locus participant plus the flags the JS SDK derives from it.

The derivations follow JS ``member/util.ts`` (JS SDK events): status from ``state`` and
device intents, mute from remote controls then local media status, roles from
``controls.role.roles``, host/self/sharing by participant or person id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from webex_meetings.meetings.constants import MemberStatus
from webex_meetings.meetings.locus.dto import Participant

__all__ = ["Member", "MemberRoles", "extract_status", "is_muted", "is_same"]

_WAIT = "WAIT"
_OBSERVE = "OBSERVE"


@dataclass(frozen=True)
class MemberRoles:
    """The roles a member holds (JS ``roles {cohost, moderator, presenter}``)."""

    cohost: bool = False
    moderator: bool = False
    presenter: bool = False


def _devices(participant: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    devices = participant.get("devices")
    return [d for d in devices if isinstance(d, Mapping)] if isinstance(devices, list) else []


def _intent_type(device: Mapping[str, Any]) -> Any:
    intent = device.get("intent")
    return intent.get("type") if isinstance(intent, Mapping) else None


def extract_status(participant: Mapping[str, Any]) -> MemberStatus:
    """``IN_MEETING``, ``IN_LOBBY`` or ``NOT_IN_MEETING`` (JS ``extractStatus``).

    No devices → not in meeting; ``JOINED`` → in meeting; ``IDLE`` with a device whose
    intent is ``WAIT`` or ``OBSERVE`` → in lobby; anything else → not in meeting.
    """
    devices = _devices(participant)
    if not devices:
        return MemberStatus.NOT_IN_MEETING
    state = participant.get("state")
    if state == "JOINED":
        return MemberStatus.IN_MEETING
    if state == "IDLE" and any(_intent_type(d) in (_WAIT, _OBSERVE) for d in devices):
        return MemberStatus.IN_LOBBY
    return MemberStatus.NOT_IN_MEETING


def is_muted(participant: Mapping[str, Any], media: str) -> bool | None:
    """Whether ``media`` (``audio`` or ``video``) is muted (JS ``MemberUtil.isMuted``).

    A remote mute (``controls.<media>.muted is True``) wins; otherwise the local status
    decides (``RECVONLY`` → muted, ``SENDRECV`` → not muted); otherwise the remote value
    (``None`` when unknown).
    """
    controls = participant.get("controls") or {}
    media_controls = controls.get(media) if isinstance(controls, Mapping) else None
    remote = media_controls.get("muted") if isinstance(media_controls, Mapping) else None
    if remote is True:
        return True
    status = participant.get("status") or {}
    local = status.get(f"{media}Status") if isinstance(status, Mapping) else None
    if local == "RECVONLY":
        return True
    if local == "SENDRECV":
        return False
    return remote if isinstance(remote, bool) else None


def is_same(participant: Mapping[str, Any], member_or_person_id: str | None) -> bool:
    """True if the id is the participant id or the participant's person id."""
    if not member_or_person_id:
        return False
    person = participant.get("person")
    person_id = person.get("id") if isinstance(person, Mapping) else None
    return member_or_person_id in (participant.get("id"), person_id)


def _is_associated_same(participant: Mapping[str, Any], some_id: str | None) -> bool:
    if not some_id:
        return False
    for user in participant.get("associatedUsers") or []:
        if isinstance(user, Mapping) and is_same(user, some_id):
            return True
    return False


def _has_role(participant: Mapping[str, Any], role_type: str) -> bool:
    controls = participant.get("controls") or {}
    role = controls.get("role") if isinstance(controls, Mapping) else None
    roles = role.get("roles") if isinstance(role, Mapping) else None
    return any(
        isinstance(r, Mapping) and r.get("type") == role_type and bool(r.get("hasRole"))
        for r in roles or []
    )


class Member:
    """One member of ``meeting.members`` (JS ``Member``).

    Args:
        participant: the raw Locus participant.
        self_id: participant or person id of self.
        host_id: person id of the host (``locus.host.id``).
        content_sharing_id: participant id of the current content sharer.
        recording_id: id of whoever started the recording.
        locus_type: ``fullState.type`` of the meeting (``MEETING``, ``CALL``...).

    Attributes:
        id: the participant id (member id in every member request).
        name: ``person.name``.
        status: :class:`MemberStatus`.
        is_in_lobby / is_in_meeting / is_not_admitted: lobby state.
        is_self / is_host / is_guest / is_user / is_device / is_moderator: who it is.
        is_audio_muted / is_video_muted: mute state (``None`` when unknown).
        is_hand_raised / is_content_sharing / is_recording: activity.
        is_mutable / is_removable: what self may do to this member.
        is_moderator_assignment_prohibited / can_reclaim_host: role flags.
        roles: :class:`MemberRoles`.
        media_status: ``{"audio": ..., "video": ...}`` local media directions.
        type: the meeting's ``fullState.type``.
        associated_user: for a paired device joined by self, the self id.
        supports_breakouts / supports_interpretation / support_live_annotation: client
            capabilities.
        raw_participant: the Locus participant mapping as received.
    """

    def __init__(
        self,
        participant: Mapping[str, Any],
        *,
        self_id: str | None = None,
        host_id: str | None = None,
        content_sharing_id: str | None = None,
        recording_id: str | None = None,
        locus_type: str | None = None,
    ) -> None:
        p = participant
        self.raw_participant: Mapping[str, Any] = p
        self._model: Participant | None = None
        self.id: str | None = p.get("id")
        person = p.get("person")
        self.name: str | None = person.get("name") if isinstance(person, Mapping) else None
        self.can_reclaim_host = bool(p.get("canReclaimHostRole"))
        self.is_audio_muted = is_muted(p, "audio")
        self.is_video_muted = is_muted(p, "video")
        hand = (p.get("controls") or {}).get("hand") or {}
        self.is_hand_raised = bool(hand.get("raised"))
        self.supports_breakouts = not p.get("doesNotSupportBreakouts")
        self.supports_interpretation = not p.get("doesNotSupportSiInterpreter")
        self.support_live_annotation = not p.get("annotatorAssignmentNotAllowed")
        self.is_guest = bool(p.get("guest"))
        self.is_user = p.get("type") == "USER"
        self.is_device = p.get("type") == "RESOURCE_ROOM"
        self.is_moderator = bool(p.get("moderator"))
        self.is_moderator_assignment_prohibited = bool(p.get("moderatorAssignmentNotAllowed"))
        self.status = extract_status(p)
        self.is_in_lobby = self.status is MemberStatus.IN_LOBBY
        self.is_in_meeting = self.status is MemberStatus.IN_MEETING
        self.roles = MemberRoles(
            cohost=_has_role(p, "COHOST"),
            moderator=_has_role(p, "MODERATOR"),
            presenter=_has_role(p, "PRESENTER"),
        )
        devices = _devices(p)
        # JS ``isNotAdmitted``: a guest whose first device waits in the lobby.
        self.is_not_admitted = (
            self.is_guest
            and bool(devices)
            and _intent_type(devices[0]) == _WAIT
            and self.status is MemberStatus.IN_LOBBY
        )
        self.associated_user: str | None = None
        if self.is_device:
            self.is_self = _is_associated_same(p, self_id)
            self.associated_user = self_id
            self.is_host = _is_associated_same(p, host_id)
            self.is_content_sharing = _is_associated_same(p, content_sharing_id)
        else:
            self.is_self = self.is_user and is_same(p, self_id)
            self.is_host = self.is_user and is_same(p, host_id)
            self.is_content_sharing = self.is_user and is_same(p, content_sharing_id)
        self.is_recording = is_same(p, recording_id)
        self.type = locus_type
        self.is_removable = (
            not self.is_guest and not self.is_self and locus_type != "CALL" and self.is_in_meeting
        )
        self.is_mutable = (
            self.is_in_meeting
            and not self.is_audio_muted
            and locus_type != "CALL"
            and (self.is_self or self.is_device)
        )
        status = p.get("status") or {}
        self.media_status: dict[str, str | None] = {
            "audio": status.get("audioStatus") if isinstance(status, Mapping) else None,
            "video": status.get("videoStatus") if isinstance(status, Mapping) else None,
        }

    def __repr__(self) -> str:
        return f"Member(id={self.id!r}, name={self.name!r}, status={self.status.value})"

    @property
    def participant(self) -> Participant:
        """The Locus participant as a typed model (parsed on first access)."""
        if self._model is None:
            self._model = Participant.model_validate(self.raw_participant)
        return self._model

    # JS setters used by ``Members`` when self, host or sharer change without a new DTO.

    def set_is_self(self, flag: bool) -> None:
        """Mark this member as self (or not)."""
        self.is_self = flag

    def set_is_host(self, flag: bool) -> None:
        """Mark this member as host (or not)."""
        self.is_host = flag

    def set_is_content_sharing(self, flag: bool) -> None:
        """Mark this member as the content sharer (or not)."""
        self.is_content_sharing = flag
