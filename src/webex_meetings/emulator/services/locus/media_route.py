"""``PUT <self.url>/media`` (roap.md §2): local mute, and ROAP handed to the media provider."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from ...core.auth import authenticate
from . import errors
from .http import answer, backend, body_of, locus_of, member_of
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


async def media(request: Request) -> JSONResponse:
    """Apply a local mute, or pass a ROAP message to the media provider."""
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
        # The SDK classifies share errors by this text (errors.md §4).
        raise errors.not_found("No media session found for device.", errors.PARTICIPANT_NOT_FOUND)
    media_id, sdp = _local_sdp(body)
    roap = sdp.get("roapMessage")
    locus_backend = backend(request)
    if isinstance(roap, dict):
        connections = locus_backend.media.roap(locus, participant, device, media_id, roap)
        device.media_connections = connections
        return JSONResponse(
            {"locus": full_dto(locus, participant.id), "mediaConnections": connections}
        )
    if isinstance(sdp.get("audioMuted"), bool):
        participant.local_audio_muted = sdp["audioMuted"]
    if isinstance(sdp.get("videoMuted"), bool):
        participant.local_video_muted = sdp["videoMuted"]
    locus_backend.commit(locus, "locus.self_changed")
    return answer(locus, body, before, caller, mediaConnections=device.media_connections)
