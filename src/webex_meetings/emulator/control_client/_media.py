"""Control helpers: the media server of a meeting."""

from __future__ import annotations

import os
from typing import Any

from ._call import PREFIX, ControlCall, drop_none, int_of, items, nothing, same


def media_sessions(meeting: str) -> ControlCall[list[dict[str, Any]]]:
    """Describe the meeting's media sessions, one per joined device.

    Each entry has ``participantId``, ``deviceUrl``, ``mediaId``, ``state``
    (``new``, ``unanswered``, ``connecting``, ``connected``, ``failed``, ``closed``),
    ``roapSeq``, ``framesReceived`` and ``packetsReceived`` per line (``audio``,
    ``video``, ``share``), ``bytesReceived``, ``bytesSent``, ``glare``,
    ``clientErrors``, the device's ``csis``, the ``activeSpeakerCsi`` its audio
    names, and ``relay`` counters of the meeting's mix: ``audioIn`` (its frames
    mixed), ``audioDropped``, ``audioOut``, ``audioOutFromOthers`` (mixed frames
    holding another participant), ``videoOutFromOthers`` and ``contentOutFromOthers``
    (another device's screen share relayed to this one).
    """
    return ControlCall("GET", f"{PREFIX}/media/sessions", items, params={"meeting": meeting})


def set_speaker_audio(meeting: str, source: str | os.PathLike[str] | float) -> ControlCall[None]:
    """Set what the simulated speaker sends to every client of the meeting.

    Args:
        meeting: The meeting (number, SIP address, link, uuid or locus URL).
        source: A tone frequency in Hz, or the path of an audio file (WAV or any
            format PyAV reads; the first minute is looped).
    """
    payload: dict[str, Any] = {"meeting": meeting}
    if isinstance(source, str | os.PathLike):
        # The emulator may run with another working directory: send an absolute path.
        payload["wavPath"] = os.path.abspath(os.fspath(source))
    else:
        payload["toneHz"] = float(source)
    return ControlCall("POST", f"{PREFIX}/media/speaker", nothing, payload)


def set_speaker_enabled(meeting: str, enabled: bool) -> ControlCall[dict[str, Any]]:
    """Put the simulated speaker into the meeting's mix, or take it out.

    Off, every client hears only the other participants (and silence when alone).

    Returns:
        The meeting's media settings.
    """
    payload = {"meeting": meeting, "enabled": enabled}
    return ControlCall("POST", f"{PREFIX}/media/speaker", same, payload)


def set_media_options(
    meeting: str,
    *,
    video: bool | None = None,
    share: bool | None = None,
    turn: str | None = None,
) -> ControlCall[dict[str, Any]]:
    """Change the meeting's media settings; None leaves one as is.

    Args:
        meeting: The meeting.
        video: Send synthetic video on the main video line.
        share: Send synthetic video on the slides line.
        turn: TURN discovery headers: ``"auto"`` (only off loopback), ``"always"``,
            ``"never"``.

    Returns:
        The meeting's media settings and pending faults.
    """
    payload = drop_none({"meeting": meeting, "video": video, "share": share, "turn": turn})
    return ControlCall("POST", f"{PREFIX}/media/options", same, payload)


def media_fault(meeting: str, kind: str, *, count: int = 1) -> ControlCall[int]:
    """Inject a media fault.

    Args:
        meeting: The meeting.
        kind: ``"ice_failure"`` (the next offers' answers name no reachable
            candidate), ``"answer_timeout"`` (the next offers are never answered) or
            ``"drop"`` (every live media connection of the meeting is lost now).
        count: Offers affected by ``ice_failure`` and ``answer_timeout``.

    Returns:
        The offers armed, or the connections dropped.
    """
    payload = {"meeting": meeting, "kind": kind, "count": count}
    return ControlCall("POST", f"{PREFIX}/media/faults", int_of("applied"), payload)


def media_offer(meeting: str, *, tie_breaker: int | None = None) -> ControlCall[int]:
    """Send a server OFFER (over Mercury) to every connected device of the meeting.

    Args:
        meeting: The meeting.
        tie_breaker: The OFFER's ``tieBreaker``; by default below the web client's,
            so a client OFFER crossing it wins the glare.

    Returns:
        How many devices got it.
    """
    payload = drop_none({"meeting": meeting, "tieBreaker": tie_breaker})
    return ControlCall("POST", f"{PREFIX}/media/offer", int_of("sent"), payload)
