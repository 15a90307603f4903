"""Joining: ``POST {locus}/loci/call`` and ``POST {locusUrl}/participant`` (Locus protocol).

Checks, in order: a valid permission token for a meeting with a password; the lock
(2423003 unless host); the host-PIN intent (2423005 without one, 2423006 for a wrong
PIN); then the lobby decision. A new meeting starts only once every check passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ...core.auth import AccessToken
from ...core.ids import new_uuid
from ..meetinginfo.models import MeetingInfoBackend
from ..meetinginfo.rooms import MeetingRoom, RoomDirectory
from ..people.models import PeopleBackend
from ..wdm.models import WdmBackend
from . import errors
from .backend import LocusBackend, meta
from .lobby import admit_waiting_for_host, must_wait
from .media import stored
from .model import DeviceSession, Locus, Participant, ParticipantState, Role


@dataclass(frozen=True)
class JoinRequest:
    """The fields of a join body the emulator acts on."""

    device_url: str
    device_type: str
    correlation_id: str
    permission_token: str | None
    moderator: bool | None
    pin: str | None
    alias: str | None
    raw: Mapping[str, Any]
    """The whole body, for the media provider (``localMedias``)."""

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> JoinRequest:
        """Read a join body.

        Raises:
            LocusError: 400 without a ``device.url``.
        """
        device = body.get("device")
        if not isinstance(device, dict) or not isinstance(device.get("url"), str):
            raise errors.bad_request("The join body needs device.url.")
        moderator = body.get("moderator")
        return cls(
            device_url=device["url"],
            device_type=str(device.get("deviceType") or "WEB"),
            correlation_id=str(body.get("correlationId") or new_uuid()),
            permission_token=_text(body.get("permissionToken")),
            moderator=moderator if isinstance(moderator, bool) else None,
            pin=_text(body.get("pin")),
            alias=_text(body.get("alias")),
            raw=body,
        )


@dataclass(frozen=True)
class JoinResult:
    """A successful join: the locus, the caller's participant and its media."""

    locus: Locus
    participant: Participant
    media_connections: list[dict[str, Any]]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def join_by_address(
    backend: LocusBackend, caller: AccessToken, body: Mapping[str, Any]
) -> JoinResult:
    """``POST {locus}/loci/call``: join the meeting ``invitee.address`` names.

    Raises:
        LocusError: 403 2403014 for an unknown address, or any join error.
    """
    invitee = body.get("invitee")
    address = invitee.get("address") if isinstance(invitee, dict) else None
    if not isinstance(address, str) or not address.strip():
        raise errors.bad_request(
            "The join body needs invitee.address.", errors.INVALID_INVITEE_ADDRESS
        )
    room = backend.state.backend(RoomDirectory).by_address(address)
    if room is None:
        raise errors.forbidden(f"No meeting at {address}.", errors.MEETING_NOT_FOUND)
    return _join(backend, room, backend.active(room), caller, JoinRequest.parse(body))


def join_locus(
    backend: LocusBackend, locus: Locus, caller: AccessToken, body: Mapping[str, Any]
) -> JoinResult:
    """``POST {locusUrl}/participant``: join a running locus.

    Raises:
        LocusError: 403 2403004 when the meeting already ended, or any join error.
    """
    if not locus.active:
        raise errors.forbidden("The meeting has ended.", errors.LOCUS_INACTIVE)
    return _join(backend, locus.room, locus, caller, JoinRequest.parse(body))


def _check(
    room: MeetingRoom,
    locus: Locus | None,
    caller: AccessToken,
    request: JoinRequest,
    *,
    host: bool,
    now: float,
    tokens: MeetingInfoBackend,
) -> bool:
    """Run the admission checks; returns True when the joiner becomes a moderator."""
    if room.password is not None and not (
        request.permission_token
        and tokens.tokens.valid(request.permission_token, room.id, caller.person_uuid, now)
    ):
        raise errors.forbidden(
            "A valid permission token is required.", errors.PERMISSION_TOKEN_REQUIRED
        )
    existing = locus.of_person(caller.person_uuid) if locus is not None else None
    moderator = host or (existing is not None and existing.moderator)
    locked = locus.locked if locus is not None else room.locked
    if locked and not moderator:
        raise errors.forbidden("The meeting is locked.", errors.LOCKED)
    host_here = locus is not None and locus.host_present()
    if room.host_pin_required and not moderator and not host_here:
        if request.moderator is None:
            raise errors.forbidden(
                "Requires moderator pin or guest.", errors.REQUIRES_MODERATOR_PIN_OR_GUEST
            )
        if request.moderator:
            if request.pin != room.host_key:
                raise errors.forbidden(
                    "Invalid host pin.", errors.REQUIRES_MODERATOR_PIN_OR_GUEST_PIN
                )
            moderator = True
    return moderator


def _join(
    backend: LocusBackend,
    room: MeetingRoom,
    locus: Locus | None,
    caller: AccessToken,
    request: JoinRequest,
) -> JoinResult:
    state = backend.state
    now = state.clock()
    host = caller.person_uuid == room.host_uuid
    moderator = _check(
        room, locus, caller, request, host=host, now=now, tokens=state.backend(MeetingInfoBackend)
    )
    # A guest of an unclaimed meeting (moderator: false) waits for the host.
    guest_waits = room.host_pin_required and request.moderator is False and not moderator
    if locus is None:
        locus = backend.start(room)
    waits, for_host = must_wait(room, locus, moderator=moderator)
    if guest_waits and not waits:
        waits, for_host = True, True
    participant = locus.of_person(caller.person_uuid)
    if participant is None:
        person = state.backend(PeopleBackend).get(caller.person_uuid)
        participant = Participant(
            id=new_uuid(),
            person_uuid=person.uuid,
            name=person.display_name,
            email=person.email,
            org_uuid=person.org_uuid,
            state=ParticipantState.IDLE,
            is_creator=host,
        )
        locus.participants[participant.id] = participant
    if moderator:
        participant.roles.add(Role.MODERATOR)
    if request.alias:
        participant.name = request.alias
    already_in = participant.state == ParticipantState.JOINED
    participant.removed = False
    if already_in or not waits:
        participant.state = ParticipantState.JOINED
        participant.waiting_for_host = False
    else:
        participant.state = ParticipantState.IDLE
        participant.waiting_for_host = for_host
    if locus.mute_on_entry and not participant.can_moderate and not already_in:
        participant.audio_muted = True
        participant.audio_meta = meta(None, now)
    device = _attach_device(
        backend,
        locus,
        participant,
        request,
        caller,
        waiting=participant.state == ParticipantState.IDLE,
    )
    connections = backend.media.open(locus, participant, device, request.raw)
    device.media_connections = stored(connections)
    if participant.moderator:
        admit_waiting_for_host(locus)
    locus.last_active = now
    backend.commit(locus, "locus.participant_joined")
    return JoinResult(locus, participant, connections)


def _attach_device(
    backend: LocusBackend,
    locus: Locus,
    participant: Participant,
    request: JoinRequest,
    caller: AccessToken,
    *,
    waiting: bool,
) -> DeviceSession:
    wdm = backend.state.backend(WdmBackend).find_by_url(request.device_url)
    # Events only go to a live device of the caller; any other URL is accepted but silent.
    wdm_uuid = wdm.uuid if wdm is not None and wdm.person_uuid == caller.person_uuid else None
    device = DeviceSession(
        url=request.device_url,
        device_type=request.device_type,
        correlation_id=request.correlation_id,
        waiting=waiting,
        wdm_uuid=wdm_uuid,
    )
    for old in participant.devices:
        if old.url == request.device_url and old.joined:
            backend.media.close(locus, participant, old)
    participant.devices = [d for d in participant.devices if d.url != request.device_url]
    participant.devices.append(device)
    return device
