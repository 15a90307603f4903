"""``PUT <self.url>/media`` (ROAP protocol): local mute, and ROAP for the media provider.

Every body's ``audioMuted``/``videoMuted`` update the participant's local mute (its
``status.audioStatus``/``videoStatus``), ROAP requests included, and the change is pushed
as a delta. A ROAP request answers ``{locus: <full DTO>, mediaConnections}`` (the client
needs the ``locus`` object but does not apply it); a local-mute request answers
``{locus: <delta>, mediaConnections}``.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from ...core.auth import authenticate
from . import errors
from .http import answer, backend, body_of, locus_of, member_of
from .media import MediaRequest, stored
from .model import Participant
from .render import full_dto


def _local_sdp(body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    medias = body.get("localMedias")
    first = medias[0] if isinstance(medias, list) and medias else None
    if not isinstance(first, dict) or not isinstance(first.get("localSdp"), str):
        raise errors.bad_request("localMedias[0].localSdp must be a JSON string.")
    try:
        sdp = json.loads(first["localSdp"])
    except ValueError:
        sdp = None
    if not isinstance(sdp, dict):
        raise errors.bad_request("localMedias[0].localSdp must encode a JSON object.")
    return str(first.get("mediaId") or ""), sdp


def _local_mute(participant: Participant, sdp: dict[str, Any]) -> None:
    if isinstance(sdp.get("audioMuted"), bool):
        participant.local_audio_muted = sdp["audioMuted"]
    if isinstance(sdp.get("videoMuted"), bool):
        participant.local_video_muted = sdp["videoMuted"]


async def media(request: Request) -> JSONResponse:
    """Apply a local mute, and pass a ROAP message to the media provider."""
    caller = authenticate(request)
    body = await body_of(request)
    locus = locus_of(request)
    before = locus.log.version
    participant = member_of(request, locus)
    if participant.person_uuid != caller.person_uuid:
        raise errors.forbidden("Not your participant.", errors.NOT_A_PARTICIPANT)
    device_body = body.get("device")
    url = device_body.get("url") if isinstance(device_body, dict) else None
    device = participant.device(url) if isinstance(url, str) else None
    if device is None or not device.joined:
        # The SDK classifies share errors by this text (JS SDK error codes).
        raise errors.not_found("No media session found for device.", errors.PARTICIPANT_NOT_FOUND)
    media_id, sdp = _local_sdp(body)
    roap = sdp.get("roapMessage")
    locus_backend = backend(request)
    _local_mute(participant, sdp)
    if isinstance(roap, dict):
        correlation_id = body.get("correlationId")
        connections = await locus_backend.media.roap(
            MediaRequest(
                locus=locus,
                participant=participant,
                device=device,
                media_id=media_id,
                message=roap,
                correlation_id=(
                    correlation_id if isinstance(correlation_id, str) else device.correlation_id
                ),
            )
        )
        if device.joined:
            device.media_connections = stored(connections)
        locus_backend.commit(locus, "locus.self_changed")
        return JSONResponse(
            {"locus": full_dto(locus, participant.id), "mediaConnections": connections}
        )
    locus_backend.commit(locus, "locus.self_changed")
    return answer(locus, body, before, caller, mediaConnections=device.media_connections)
