"""Control API of the media server, under ``/_emulator/media``.

``meeting`` names a meeting by locus URL, uuid, number, SIP address or join link.
Settings (speaker, options, offer faults) belong to the meeting and last across its
loci until the emulator is reset.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from ...control import _Body, _parse
from ...core.errors import BadRequestError, NotFoundError
from ...core.state import CONTROL_PREFIX, EmulatorState, get_state
from ..locus.backend import LocusBackend
from ..locus.control_routes import _find
from ..meetinginfo.rooms import MeetingRoom, RoomDirectory
from .models import FaultKind, MediaBackend, MeetingMedia, SpeakerSource, TurnMode
from .roap import MAX_TIE_BREAKER
from .server import MediaServer

_M = f"{CONTROL_PREFIX}/media"


class MeetingBody(_Body):
    """A body naming one meeting."""

    meeting: str = Field(min_length=1)


class SpeakerBody(MeetingBody):
    """``POST /_emulator/media/speaker``: a tone or an audio file, and/or on or off.

    A tone or a file also turns the speaker on unless ``enabled`` says otherwise.
    """

    tone_hz: float | None = Field(default=None, alias="toneHz", gt=0, le=20_000)
    wav_path: str | None = Field(default=None, alias="wavPath", min_length=1)
    enabled: bool | None = None
    """Whether the simulated speaker is in the mix at all."""


class OptionsBody(MeetingBody):
    """``POST /_emulator/media/options``; omitted fields stay as they are."""

    video: bool | None = None
    share: bool | None = None
    turn: TurnMode | None = None


class FaultBody(MeetingBody):
    """``POST /_emulator/media/faults``."""

    kind: FaultKind
    count: int = Field(default=1, ge=1, le=1000)
    """Offers affected (``ice_failure``, ``answer_timeout``); ignored by ``drop``."""


class OfferBody(MeetingBody):
    """``POST /_emulator/media/offer``: a server-initiated OFFER to every connected device."""

    tie_breaker: int | None = Field(default=None, alias="tieBreaker", ge=0, le=MAX_TIE_BREAKER)


def _room(state: EmulatorState, meeting: str) -> MeetingRoom:
    if "/loci/" in meeting:
        return _find(state, meeting).room
    return state.backend(RoomDirectory).find(meeting)


def _settings(state: EmulatorState, meeting: str) -> MeetingMedia:
    return state.backend(MediaBackend).meeting(_room(state, meeting).id)


def _server(state: EmulatorState) -> MediaServer:
    media = state.backend(LocusBackend).media
    if not isinstance(media, MediaServer):
        raise NotFoundError("This emulator's Locus has no media server.")
    return media


def _options_json(settings: MeetingMedia) -> dict[str, object]:
    return {
        "speaker": settings.speaker_description,
        "speakerEnabled": settings.speaker_on,
        "video": settings.video,
        "share": settings.share,
        "turn": settings.turn.value,
        "pendingFaults": {kind.value: count for kind, count in settings.faults.items() if count},
    }


async def sessions(request: Request) -> JSONResponse:
    """Every media session of the meeting's latest locus, with counters."""
    meeting = request.query_params.get("meeting")
    if not meeting:
        raise BadRequestError("Give ?meeting=<locus URL, number, SIP address, link or id>.")
    state = get_state(request)
    locus = _find(state, meeting)
    return JSONResponse({"items": await _server(state).sessions_json(locus)})


async def speaker(request: Request) -> JSONResponse:
    """Set what the simulated speaker sends (a tone or a decoded audio file), or mute it."""
    body = await _parse(request, SpeakerBody)
    if body.tone_hz is not None and body.wav_path is not None:
        raise BadRequestError("Give at most one of toneHz and wavPath.")
    if body.tone_hz is None and body.wav_path is None and body.enabled is None:
        raise BadRequestError("Give toneHz, wavPath or enabled.")
    state = get_state(request)
    settings = _settings(state, body.meeting)
    if body.tone_hz is not None:
        settings.speaker = SpeakerSource.of_tone(body.tone_hz)
    elif body.wav_path is not None:
        tracks = await _server(state).module("tracks")
        try:
            # Decoding reads and converts the file: off the event loop.
            settings.speaker = await asyncio.to_thread(tracks.load_wav, Path(body.wav_path or ""))
        except ValueError as exc:
            raise BadRequestError(str(exc)) from None
    settings.speaker_on = True if body.enabled is None else body.enabled
    return JSONResponse(_options_json(settings))


async def options(request: Request) -> JSONResponse:
    """Send synthetic video and/or share, and choose how TURN discovery answers."""
    body = await _parse(request, OptionsBody)
    state = get_state(request)
    settings = _settings(state, body.meeting)
    if body.video is not None:
        settings.video = body.video
    if body.share is not None:
        settings.share = body.share
        with contextlib.suppress(NotFoundError):  # no locus yet: nothing is connected
            _server(state).refresh_content(_find(state, body.meeting))
    if body.turn is not None:
        settings.turn = body.turn
    return JSONResponse(_options_json(settings))


async def faults(request: Request) -> JSONResponse:
    """Fail the next offers (``ice_failure``, ``answer_timeout``) or ``drop`` media now."""
    body = await _parse(request, FaultBody)
    state = get_state(request)
    if body.kind == FaultKind.DROP:
        dropped = _server(state).drop(_find(state, body.meeting))
        return JSONResponse({"applied": dropped})
    settings = _settings(state, body.meeting)
    settings.faults[body.kind] = settings.faults.get(body.kind, 0) + body.count
    return JSONResponse({"applied": body.count, **_options_json(settings)})


async def offer(request: Request) -> JSONResponse:
    """Send a server OFFER (renegotiation) to every connected device of the meeting."""
    body = await _parse(request, OfferBody)
    state = get_state(request)
    sent = await _server(state).server_offer(_find(state, body.meeting), body.tie_breaker)
    return JSONResponse({"sent": sent})


ROUTES: list[BaseRoute] = [
    Route(f"{_M}/sessions", sessions, methods=["GET"]),
    Route(f"{_M}/speaker", speaker, methods=["POST"]),
    Route(f"{_M}/options", options, methods=["POST"]),
    Route(f"{_M}/faults", faults, methods=["POST"]),
    Route(f"{_M}/offer", offer, methods=["POST"]),
]
