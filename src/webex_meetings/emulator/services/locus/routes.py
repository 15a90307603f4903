"""Locus routes (Locus protocol): join, DTO and sync reads, and every call-control request.

Delta requests answer ``{locus: <delta>}`` from the version the body's ``sequence``
names (else the version before the change), or ``{}`` when nothing changed.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ...core.auth import authenticate
from ...core.state import backend_of
from ..people.models import PeopleBackend
from ..u2c.models import SERVICE_PATHS
from . import controls, errors, floor, roster
from .deltas import sequence_hash
from .http import actor_of, answer, backend, body_of, joined, locus_of, member_of, viewer_of
from .join import join_by_address, join_locus
from .media_route import media
from .model import ParticipantState
from .render import delta_dto, full_dto

_BASE = SERVICE_PATHS["locus"]
_LOCI = f"{_BASE}/loci"
_LOCUS = f"{_LOCI}/{{locus_id}}"
_MEMBER = f"{_LOCUS}/participant/{{participant_id}}"


# --- join and reads -------------------------------------------------------------------


async def join_call(request: Request) -> JSONResponse:
    """``POST {locus}/loci/call``: join by ``invitee.address`` (§4)."""
    caller = authenticate(request)
    body = await body_of(request)
    return joined(join_by_address(backend(request), caller, body))


async def join_participant(request: Request) -> JSONResponse:
    """``POST {locusUrl}/participant``: join a running locus (§4)."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request, active=False)
    return joined(join_locus(backend(request), locus, caller, body))


async def list_loci(request: Request) -> JSONResponse:
    """``GET {locus}/loci``: full DTOs of the active loci the caller is in (§7)."""
    caller = authenticate(request)
    loci = backend(request).of_caller(caller.person_uuid)
    return JSONResponse({"loci": [full_dto(locus, viewer_of(locus, caller)) for locus in loci]})


async def get_locus(request: Request) -> JSONResponse:
    """``GET {locusUrl}``: the full DTO."""
    caller = authenticate(request)
    locus = locus_of(request, active=False)
    return JSONResponse(full_dto(locus, viewer_of(locus, caller)))


async def sync(request: Request) -> Response:
    """``GET {locusUrl}/sync?since=<n>&sequenceHash=<h>``: a delta, or an empty body."""
    caller = authenticate(request)
    locus = locus_of(request, active=False)
    try:
        since = int(request.query_params["since"])
    except (KeyError, ValueError):
        raise errors.bad_request(
            "since must be a version.", errors.INVALID_SINCE_OR_SEQUENCE_HASH
        ) from None
    given_hash = request.query_params.get("sequenceHash")
    if given_hash is not None and given_hash != str(sequence_hash(since)):
        raise errors.bad_request(
            "sequenceHash does not match.", errors.INVALID_SINCE_OR_SEQUENCE_HASH
        )
    if since == locus.log.version:
        return Response(status_code=200)
    return JSONResponse(delta_dto(locus, since, viewer_of(locus, caller)))


# --- locus-wide requests --------------------------------------------------------------


async def update_locus(request: Request) -> JSONResponse:
    """``PUT {locusUrl}``: invite, or cancel an invite (§5)."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request)
    before = locus.log.version
    people = backend_of(request, PeopleBackend)
    event = roster.invite(locus, actor_of(locus, caller), body, people)
    backend(request).commit(locus, event)
    return answer(locus, body, before, caller)


async def end_meeting(request: Request) -> JSONResponse:
    """``POST {locusUrl}/end``: end the meeting for everyone (host only)."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request)
    before = locus.log.version
    if not actor_of(locus, caller).moderator:
        raise errors.forbidden("Only the host can end the meeting for all.")
    backend(request).end(locus)
    return answer(locus, body, before, caller)


async def patch_controls(request: Request) -> JSONResponse:
    """``PATCH {locusUrl}/controls``: lock, record, hands, mute-on-entry, mute all, ..."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request)
    before = locus.log.version
    now = backend(request).state.clock()
    event = controls.patch_locus(locus, actor_of(locus, caller), body, now)
    backend(request).commit(locus, event)
    return answer(locus, body, before, caller)


async def put_controls(request: Request) -> JSONResponse:
    """``PUT {locusUrl}/controls``: admit from the lobby, video layout, reactions."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request)
    before = locus.log.version
    event = controls.put_locus(locus, actor_of(locus, caller), body)
    backend(request).commit(locus, event)
    return answer(locus, body, before, caller)


async def send_dtmf(request: Request) -> JSONResponse:
    """``POST {locusUrl}/sendDtmf`` and ``POST {P}/<m>/sendDtmf``: tones are recorded."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request)
    actor = actor_of(locus, caller)
    dtmf = body.get("dtmf")
    tones = dtmf.get("tones") if isinstance(dtmf, dict) else None
    if not isinstance(tones, str) or not tones:
        raise errors.bad_request("dtmf.tones must be a non-empty string.")
    target = member_of(request, locus) if "participant_id" in request.path_params else actor
    target.dtmf.append(tones)
    locus.dtmf.append(tones)
    return JSONResponse({})


async def change_floor(request: Request) -> JSONResponse:
    """``PUT <mediaShares[].url>``: grant or release a share floor."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request)
    before = locus.log.version
    actor = actor_of(locus, caller)
    event = floor.change_floor(locus, actor, request.path_params["share_id"], body)
    backend(request).commit(locus, event)
    # A client taking the floor from a simulated sharer ends its synthetic content; a
    # client's share is forwarded to the other devices until it releases the floor.
    floor.sync_content(backend(request).media, locus)
    return answer(locus, body, before, caller)


async def reaction(request: Request) -> JSONResponse:
    """``POST controls.reactions.reactionChannelUrl``: accepted, not relayed."""
    caller = authenticate(request)
    locus = locus_of(request)
    actor_of(locus, caller)
    if not locus.reactions_enabled:
        raise errors.forbidden("Reactions are disabled.")
    return JSONResponse({})


# --- participant requests -------------------------------------------------------------


async def leave(request: Request) -> JSONResponse:
    """``PUT {P}/<id>/leave``: leave (self, one device) or remove (moderator, FORCED)."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request)
    before = locus.log.version
    target = member_of(request, locus)
    actor = actor_of(locus, caller, joined=False)
    device = body.get("device")
    device_url = device.get("url") if isinstance(device, dict) else None
    if actor is target:
        backend(request).leave(locus, target, device_url if isinstance(device_url, str) else None)
    else:
        if actor.state != ParticipantState.JOINED or not actor.can_moderate:
            raise errors.forbidden("Only a moderator can remove others.")
        backend(request).leave(locus, target, None)
    backend(request).commit(locus, "locus.participant_left")
    floor.sync_content(backend(request).media, locus)  # a removed sharer's content stops
    return answer(locus, body, before, caller)


async def decline(request: Request) -> JSONResponse:
    """``PUT {P}/decline``: the caller declines the meeting."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request)
    before = locus.log.version
    person = backend_of(request, PeopleBackend).get(caller.person_uuid)
    roster.decline(locus, locus.of_person(caller.person_uuid), person)
    backend(request).commit(locus, "locus.participant_declined")
    return answer(locus, body, before, caller)


async def alert(request: Request) -> JSONResponse:
    """``PUT {P}/alert``: an incoming meeting is ringing; nothing changes."""
    caller = authenticate(request)
    locus = locus_of(request)
    actor_of(locus, caller, joined=False)
    return JSONResponse({})


async def patch_member(request: Request) -> JSONResponse:
    """``PATCH {P}/<m>/controls``: mute, hand, host transfer, roles (incl. reclaim)."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request)
    before = locus.log.version
    target = member_of(request, locus)
    now = backend(request).state.clock()
    event = controls.patch_participant(
        locus, actor_of(locus, caller), target, body, host_key=locus.room.host_key, now=now
    )
    backend(request).commit(locus, event)
    return answer(locus, body, before, caller)


async def alias(request: Request) -> JSONResponse:
    """``POST {P}/<m>/alias``: rename a participant."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request)
    before = locus.log.version
    roster.rename(actor_of(locus, caller), member_of(request, locus), body)
    backend(request).commit(locus, "locus.participant_updated")
    return answer(locus, body, before, caller)


async def keep_alive(request: Request) -> JSONResponse:
    """``GET <keepAliveUrl>``: a lobby keep-alive (§4.4)."""
    caller = authenticate(request)
    locus = locus_of(request)
    participant = member_of(request, locus)
    if participant.person_uuid != caller.person_uuid:
        raise errors.forbidden("Not your participant.", errors.NOT_A_PARTICIPANT)
    if not participant.present:
        raise errors.not_found("Not in the meeting.", errors.PARTICIPANT_NOT_FOUND)
    participant.keep_alives += 1
    return JSONResponse({})


async def interpretation_languages(request: Request) -> JSONResponse:
    """``GET {locusUrl}/languages/interpretation``: no interpretation languages.

    The SDK asks for them after joining as a host (``querySupportLanguages``, which
    reads ``siLanguages``); simultaneous interpretation is not emulated.
    """
    authenticate(request)
    locus_of(request, active=False)
    return JSONResponse({"siLanguages": []})


ROUTES: list[BaseRoute] = [
    Route(f"{_LOCI}/call", join_call, methods=["POST"]),
    Route(_LOCI, list_loci, methods=["GET"]),
    Route(_LOCUS, get_locus, methods=["GET"]),
    Route(_LOCUS, update_locus, methods=["PUT"]),
    Route(f"{_LOCUS}/sync", sync, methods=["GET"]),
    Route(f"{_LOCUS}/end", end_meeting, methods=["POST"]),
    Route(f"{_LOCUS}/controls", patch_controls, methods=["PATCH"]),
    Route(f"{_LOCUS}/controls", put_controls, methods=["PUT"]),
    Route(f"{_LOCUS}/sendDtmf", send_dtmf, methods=["POST"]),
    Route(f"{_LOCUS}/mediashares/{{share_id}}", change_floor, methods=["PUT"]),
    Route(f"{_LOCUS}/reactions", reaction, methods=["POST"]),
    Route(f"{_LOCUS}/languages/interpretation", interpretation_languages, methods=["GET"]),
    Route(f"{_LOCUS}/participant", join_participant, methods=["POST"]),
    Route(f"{_LOCUS}/participant/decline", decline, methods=["PUT"]),
    Route(f"{_LOCUS}/participant/alert", alert, methods=["PUT"]),
    Route(f"{_MEMBER}/leave", leave, methods=["PUT"]),
    Route(f"{_MEMBER}/controls", patch_member, methods=["PATCH"]),
    Route(f"{_MEMBER}/alias", alias, methods=["POST"]),
    Route(f"{_MEMBER}/sendDtmf", send_dtmf, methods=["POST"]),
    Route(f"{_MEMBER}/keepAlive", keep_alive, methods=["GET"]),
    Route(f"{_MEMBER}/media", media, methods=["PUT"]),
]
