"""Request helpers shared by the Locus routes: body, locus, caller, delta answers."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from ...core.auth import AccessToken
from ...core.state import backend_of
from . import errors
from .backend import LocusBackend
from .deltas import version_of
from .join import JoinResult
from .model import Locus, Participant, ParticipantState
from .render import delta_dto, full_dto


async def body_of(request: Request) -> dict[str, Any]:
    """Return the JSON object body, ``{}`` when empty.

    Raises:
        LocusError: 400 for a body that is not a JSON object.
    """
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise errors.bad_request("The body must be a JSON object.")
    return body


def backend(request: Request) -> LocusBackend:
    """Return the Locus backend serving ``request``."""
    return backend_of(request, LocusBackend)


def locus_of(request: Request, *, active: bool = True) -> Locus:
    """Return the locus of the path; with ``active``, refuse an ended one.

    Raises:
        LocusError: 404 unknown locus; 403 2403004 when it ended.
    """
    locus = backend(request).get(request.path_params["locus_id"])
    if active and not locus.active:
        raise errors.forbidden("The meeting has ended.", errors.LOCUS_INACTIVE)
    return locus


def actor_of(locus: Locus, caller: AccessToken, *, joined: bool = True) -> Participant:
    """Return the caller's participant; with ``joined``, it must be in the meeting.

    Raises:
        LocusError: 403 when the caller is not (joined) in the meeting.
    """
    participant = locus.of_person(caller.person_uuid)
    if participant is None or (joined and participant.state != ParticipantState.JOINED):
        raise errors.forbidden("You are not in this meeting.", errors.NOT_A_PARTICIPANT)
    return participant


def member_of(request: Request, locus: Locus) -> Participant:
    """Return the participant named by the path."""
    return backend(request).participant(locus, request.path_params["participant_id"])


def viewer_of(locus: Locus, caller: AccessToken) -> str | None:
    """Return the participant id whose ``self`` the caller sees, if any."""
    participant = locus.of_person(caller.person_uuid)
    return None if participant is None else participant.id


def answer(
    locus: Locus, body: dict[str, Any], before: int, caller: AccessToken, **extra: Any
) -> JSONResponse:
    """Answer a delta request (Locus protocol).

    Returns:
        ``{locus: <delta>, **extra}`` since the version the body's ``sequence`` names
        (else since ``before``), or just ``extra`` when nothing changed.
    """
    log = locus.log
    base = version_of(body.get("sequence"))
    if base is None or not log.floor <= base <= log.version:
        base = before
    if base >= log.version:
        return JSONResponse(extra)
    return JSONResponse({"locus": delta_dto(locus, base, viewer_of(locus, caller)), **extra})


def joined(result: JoinResult) -> JSONResponse:
    """The join response: ``{locus: <full DTO>, mediaConnections}`` (Locus protocol)."""
    return JSONResponse(
        {
            "locus": full_dto(result.locus, result.participant.id),
            "mediaConnections": result.media_connections,
        }
    )
