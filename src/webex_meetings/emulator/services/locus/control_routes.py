"""Control API for Locus: simulated participants, reading and ending loci, push faults.

Routes under ``/_emulator/locus``. ``meeting`` names a meeting by locus URL, uuid,
number, SIP address or join link.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from ...control import _Body, _parse
from ...core.errors import BadRequestError, ConflictError, NotFoundError
from ...core.ids import new_uuid
from ...core.state import CONTROL_PREFIX, EmulatorState, get_state
from ..meetinginfo.rooms import RoomDirectory
from ..people.models import PeopleBackend
from . import floor
from .backend import LocusBackend, meta
from .controls import make_host
from .lobby import admit_one, admit_waiting_for_host
from .model import DeviceSession, Locus, Participant, ParticipantState, Role
from .push import LocusPusher
from .render import full_dto, participant_json

_L = f"{CONTROL_PREFIX}/locus"


class MeetingBody(_Body):
    """A body naming one meeting."""

    meeting: str = Field(min_length=1)


class AddParticipantBody(MeetingBody):
    """``POST /_emulator/locus/participants``: a simulated attendee (no socket)."""

    name: str | None = Field(default=None, min_length=1)
    email: str | None = None
    host: bool = False
    muted: bool = False
    video_muted: bool = Field(default=False, alias="videoMuted")
    in_lobby: bool = Field(default=False, alias="inLobby")


class ParticipantBody(MeetingBody):
    """A body naming one participant, with the options of the action."""

    participant_id: str = Field(alias="participantId", min_length=1)
    muted: bool = True
    video: bool = False
    raised: bool = True


class StartShareBody(MeetingBody):
    """``POST /_emulator/locus/share``: a participant takes a floor."""

    participant_id: str = Field(alias="participantId", min_length=1)
    name: Literal["content", "whiteboard"] = "content"
    resource_url: str | None = Field(default=None, alias="resourceUrl", min_length=1)


class StopShareBody(MeetingBody):
    """``POST /_emulator/locus/share/stop``: release a floor, whoever holds it."""

    name: Literal["content", "whiteboard"] = "content"


class FaultsBody(_Body):
    """``POST /_emulator/locus/faults``: counts of upcoming events to disturb."""

    reorder: int = Field(default=0, ge=0)
    duplicate: int = Field(default=0, ge=0)
    drop_next: int = Field(default=0, alias="dropNext", ge=0)


class EventsBody(_Body):
    """``POST /_emulator/locus/events``: delta events, or full-DTO event types."""

    mode: Literal["delta", "full"]


def _find(state: EmulatorState, meeting: str, *, start: bool = False) -> Locus:
    loci = state.backend(LocusBackend)
    if "/loci/" in meeting:
        found = loci.by_url(meeting)
        if found is None:
            raise NotFoundError(f"No locus {meeting}.")
        return found
    room = state.backend(RoomDirectory).find(meeting)
    locus = loci.active(room) if start else loci.latest(room)
    if locus is None and start:
        return loci.start(room)
    if locus is None:
        raise NotFoundError(f"Meeting {meeting} has no locus yet.")
    return locus


def _active(state: EmulatorState, meeting: str) -> Locus:
    locus = _find(state, meeting)
    if not locus.active:
        raise ConflictError(f"The meeting {meeting} has ended.")
    return locus


async def start(request: Request) -> JSONResponse:
    """Start a meeting's locus now (no participants); answers its URL."""
    body = await _parse(request, MeetingBody)
    locus = _find(get_state(request), body.meeting, start=True)
    return JSONResponse({"locusUrl": locus.url})


async def read(request: Request) -> JSONResponse:
    """The full DTO, with ``self`` of the participant of ``?email=`` when given."""
    meeting = request.query_params.get("meeting")
    if not meeting:
        raise BadRequestError("Give ?meeting=<locus URL, number, SIP address, link or id>.")
    state = get_state(request)
    locus = _find(state, meeting)
    viewer = None
    email = request.query_params.get("email")
    if email:
        match = next((p for p in locus.participants.values() if p.email == email), None)
        viewer = None if match is None else match.id
    return JSONResponse(full_dto(locus, viewer))


async def add(request: Request) -> JSONResponse:
    """Add a simulated attendee; the meeting starts if it is not running."""
    body = await _parse(request, AddParticipantBody)
    state = get_state(request)
    locus = _find(state, body.meeting, start=True)
    person = state.backend(PeopleBackend).find_by_email(body.email) if body.email else None
    if person is not None and locus.of_person(person.uuid) is not None:
        raise ConflictError(f"{body.email} is already a participant.")
    number = len(locus.participants) + 1
    participant = Participant(
        id=new_uuid(),
        person_uuid=person.uuid if person else new_uuid(),
        name=body.name or (person.display_name if person else f"Attendee {number}"),
        email=body.email,
        org_uuid=person.org_uuid if person else state.seed.org_uuid,
        state=ParticipantState.IDLE if body.in_lobby else ParticipantState.JOINED,
        simulated=True,
        audio_muted=body.muted or (locus.mute_on_entry and not body.host),
        video_muted=body.video_muted,
    )
    device_url = f"{state.base_url}/simulated/devices/{new_uuid()}"
    participant.devices.append(
        DeviceSession(
            url=device_url, device_type="WEB", correlation_id=new_uuid(), waiting=body.in_lobby
        )
    )
    participant.devices[0].media_connections = [{"mediaId": new_uuid(), "type": "SDP"}]
    if body.host:
        participant.roles.add(Role.MODERATOR)
    locus.participants[participant.id] = participant
    if participant.moderator and participant.state == ParticipantState.JOINED:
        admit_waiting_for_host(locus)
    locus.last_active = state.clock()
    state.backend(LocusBackend).commit(locus, "locus.participant_joined")
    return JSONResponse(participant_json(locus, participant))


async def act(request: Request) -> JSONResponse:
    """One action on a participant: ``remove``, ``mute``, ``hand``, ``admit``, ``host``."""
    action = request.path_params["action"]
    body = await _parse(request, ParticipantBody)
    state = get_state(request)
    loci = state.backend(LocusBackend)
    locus = _active(state, body.meeting)
    target = loci.participant(locus, body.participant_id)
    event = "locus.participant_updated"
    if action == "remove":
        loci.leave(locus, target, None)
        event = "locus.participant_left"
    elif action == "mute":
        kind = "video" if body.video else "audio"
        setattr(target, f"{kind}_muted", body.muted)
        setattr(target, f"{kind}_meta", meta(None, state.clock()))
        event = f"locus.participant_{kind}_{'muted' if body.muted else 'unmuted'}"
    elif action == "hand":
        target.hand_raised = body.raised
        event = "locus.participant_controls_updated"
    elif action == "admit":
        if not admit_one(target):
            raise ConflictError("That participant is not in the lobby.")
    elif action == "host":
        make_host(locus, target)
        event = "locus.participant_roles_updated"
    else:
        raise NotFoundError(f"Unknown participant action {action!r}.")
    loci.commit(locus, event)
    floor.sync_content(loci.media, locus)  # a removed sharer's content stops
    return JSONResponse(participant_json(locus, target))


async def start_share(request: Request) -> JSONResponse:
    """Grant a floor to a joined participant (a new share instance each time).

    For a simulated participant and the ``content`` floor, the media server sends its
    synthetic content track to every device until the floor moves or is released.
    """
    body = await _parse(request, StartShareBody)
    state = get_state(request)
    loci = state.backend(LocusBackend)
    locus = _active(state, body.meeting)
    target = loci.participant(locus, body.participant_id)
    if target.state != ParticipantState.JOINED:
        raise ConflictError("That participant is not in the meeting.")
    event = floor.grant(
        locus,
        body.name,
        target,
        share_instance_id=new_uuid(),
        resource_url=body.resource_url,
    )
    loci.commit(locus, event)
    floor.sync_content(loci.media, locus)
    return JSONResponse(floor.render_share(locus, body.name))


async def stop_share(request: Request) -> JSONResponse:
    """Release a floor (a no-op when nobody holds it)."""
    body = await _parse(request, StopShareBody)
    state = get_state(request)
    loci = state.backend(LocusBackend)
    locus = _active(state, body.meeting)
    loci.commit(locus, floor.release(locus, body.name))
    floor.sync_content(loci.media, locus)
    return JSONResponse(floor.render_share(locus, body.name))


async def end(request: Request) -> JSONResponse:
    """End a meeting for everyone (fullState ``INACTIVE`` is pushed)."""
    body = await _parse(request, MeetingBody)
    state = get_state(request)
    loci = state.backend(LocusBackend)
    locus = _active(state, body.meeting)
    loci.end(locus)
    floor.sync_content(loci.media, locus)
    return JSONResponse({"ended": True})


async def add_faults(request: Request) -> JSONResponse:
    """Disturb the next pushed Locus events: reorder, duplicate, drop."""
    body = await _parse(request, FaultsBody)
    pusher = get_state(request).backend(LocusPusher)
    pusher.set_faults(drop=body.drop_next, duplicate=body.duplicate, reorder=body.reorder)
    return JSONResponse(pusher.to_json())


async def get_faults(request: Request) -> JSONResponse:
    """Pending faults, event mode and delivery counters."""
    return JSONResponse(get_state(request).backend(LocusPusher).to_json())


async def clear_faults(request: Request) -> JSONResponse:
    """Drop pending faults and deliver a held-back event."""
    return JSONResponse({"deleted": get_state(request).backend(LocusPusher).clear_faults()})


async def set_events(request: Request) -> JSONResponse:
    """Choose ``locus.difference`` deltas or full-DTO event types for pushes."""
    body = await _parse(request, EventsBody)
    pusher = get_state(request).backend(LocusPusher)
    pusher.full_events = body.mode == "full"
    return JSONResponse(pusher.to_json())


ROUTES: list[BaseRoute] = [
    Route(_L, read, methods=["GET"]),
    Route(f"{_L}/start", start, methods=["POST"]),
    Route(f"{_L}/end", end, methods=["POST"]),
    Route(f"{_L}/participants", add, methods=["POST"]),
    Route(f"{_L}/participants/{{action}}", act, methods=["POST"]),
    Route(f"{_L}/share", start_share, methods=["POST"]),
    Route(f"{_L}/share/stop", stop_share, methods=["POST"]),
    Route(f"{_L}/faults", add_faults, methods=["POST"]),
    Route(f"{_L}/faults", get_faults, methods=["GET"]),
    Route(f"{_L}/faults", clear_faults, methods=["DELETE"]),
    Route(f"{_L}/events", set_events, methods=["POST"]),
]
