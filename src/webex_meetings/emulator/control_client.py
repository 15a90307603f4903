"""Typed calls of the control API, shared by the async and the threaded emulator.

Each function only describes a request and how to read its answer; ``Emulator`` sends it
with ``httpx.AsyncClient`` and ``ThreadedEmulator`` with ``httpx.Client``, so the two
helper sets cannot drift apart.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")

_P = "/_emulator"


class ControlAPIError(RuntimeError):
    """The control API rejected a helper call (bad arguments, unknown user or token)."""

    def __init__(self, status_code: int, message: str) -> None:
        """Create the error from the response status and the body's message."""
        super().__init__(f"{status_code}: {message}")
        self.status_code = status_code


@dataclass(frozen=True)
class ControlCall(Generic[T]):
    """One control-API request and the parser of its JSON answer."""

    method: str
    path: str
    parse: Callable[[Any], T]
    json: Any = None
    params: dict[str, str] = field(default_factory=dict)

    def result(self, response: httpx.Response) -> T:
        """Return the parsed answer, or raise :class:`ControlAPIError`."""
        if response.is_error:
            try:
                message = str(response.json().get("message", response.text))
            except ValueError:
                message = response.text
            raise ControlAPIError(response.status_code, message)
        return self.parse(response.json())


def _items(body: Any) -> list[dict[str, Any]]:
    return list(body["items"])


def _same(body: Any) -> dict[str, Any]:
    return dict(body)


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def add_fault(
    path: str,
    *,
    status: int | None,
    method: str,
    count: int | None,
    retry_after: str | int | None,
    latency_ms: int,
    body: dict[str, Any] | None,
) -> ControlCall[str]:
    """``POST /_emulator/faults``; answers the new rule's id."""
    payload = _drop_none(
        {"path": path, "method": method, "status": status, "retryAfter": retry_after, "body": body}
    )
    # count=None is meaningful (unlimited), so it is always sent.
    payload.update(count=count, latencyMs=latency_ms)
    return ControlCall("POST", f"{_P}/faults", lambda answer: str(answer["id"]), payload)


def faults() -> ControlCall[list[dict[str, Any]]]:
    """``GET /_emulator/faults``."""
    return ControlCall("GET", f"{_P}/faults", _items)


def clear_faults() -> ControlCall[int]:
    """``DELETE /_emulator/faults``; answers how many rules were dropped."""
    return ControlCall("DELETE", f"{_P}/faults", lambda answer: int(answer["deleted"]))


def requests(*, method: str | None, path: str | None) -> ControlCall[list[dict[str, Any]]]:
    """``GET /_emulator/requests``, filtered by method and path glob."""
    params = _drop_none({"method": method, "path": path})
    return ControlCall("GET", f"{_P}/requests", _items, params=params)


def clear_requests() -> ControlCall[int]:
    """``DELETE /_emulator/requests``."""
    return ControlCall("DELETE", f"{_P}/requests", lambda answer: int(answer["deleted"]))


def create_user(
    *, display_name: str | None, email: str | None, token_expires_in: int | None
) -> ControlCall[dict[str, Any]]:
    """``POST /_emulator/users``; answers person, tokens and client credentials."""
    payload = _drop_none(
        {"displayName": display_name, "email": email, "tokenExpiresIn": token_expires_in}
    )
    return ControlCall("POST", f"{_P}/users", _same, payload)


def issue_token(
    *, email: str | None, person_id: str | None, expires_in: int | None
) -> ControlCall[dict[str, Any]]:
    """``POST /_emulator/tokens``; answers a fresh token pair."""
    payload = _drop_none({"email": email, "personId": person_id, "expiresIn": expires_in})
    return ControlCall("POST", f"{_P}/tokens", _same, payload)


def expire_token(access_token: str) -> ControlCall[int]:
    """``POST /_emulator/tokens/expire`` for one token."""
    payload = {"accessToken": access_token}
    return ControlCall("POST", f"{_P}/tokens/expire", lambda a: int(a["expired"]), payload)


def expire_all_tokens() -> ControlCall[int]:
    """``POST /_emulator/tokens/expire`` for every token."""
    payload = {"all": True}
    return ControlCall("POST", f"{_P}/tokens/expire", lambda a: int(a["expired"]), payload)


def reset() -> ControlCall[dict[str, Any]]:
    """``POST /_emulator/reset``; answers the state summary."""
    return ControlCall("POST", f"{_P}/reset", _same)


def state() -> ControlCall[dict[str, Any]]:
    """``GET /_emulator/state``."""
    return ControlCall("GET", f"{_P}/state", _same)


# --- WDM devices and Mercury ---------------------------------------------------------


def devices() -> ControlCall[list[dict[str, Any]]]:
    """``GET /_emulator/devices``: every live WDM device."""
    return ControlCall("GET", f"{_P}/devices", _items)


def expire_device(device_url: str | None) -> ControlCall[int]:
    """``POST /_emulator/devices/expire`` for one device, or all with None."""
    payload: dict[str, Any] = {"all": True} if device_url is None else {"deviceUrl": device_url}
    return ControlCall("POST", f"{_P}/devices/expire", lambda a: int(a["expired"]), payload)


def _mercury_target(
    device_url: str | None, person_id: str | None, email: str | None
) -> dict[str, Any]:
    return _drop_none({"deviceUrl": device_url, "personId": person_id, "email": email})


def publish_event(
    data: dict[str, Any], *, device_url: str | None, person_id: str | None, email: str | None
) -> ControlCall[dict[str, Any]]:
    """``POST /_emulator/mercury/events``; answers ``{id, delivered, connections}``."""
    payload = {"data": data, **_mercury_target(device_url, person_id, email)}
    return ControlCall("POST", f"{_P}/mercury/events", _same, payload)


def mercury_connections(*, include_closed: bool) -> ControlCall[list[dict[str, Any]]]:
    """``GET /_emulator/mercury/connections`` (``?all=true`` adds closed sockets)."""
    params = {"all": "true"} if include_closed else {}
    return ControlCall("GET", f"{_P}/mercury/connections", _items, params=params)


def mercury_fault(
    action: str,
    *,
    device_url: str | None = None,
    person_id: str | None = None,
    email: str | None = None,
    **options: Any,
) -> ControlCall[dict[str, Any]]:
    """``POST /_emulator/mercury/faults``; answers the fault (or ``{dropped}``)."""
    payload = {
        "action": action,
        **_mercury_target(device_url, person_id, email),
        **_drop_none(options),
    }
    return ControlCall("POST", f"{_P}/mercury/faults", _same, payload)


def mercury_faults() -> ControlCall[list[dict[str, Any]]]:
    """``GET /_emulator/mercury/faults``."""
    return ControlCall("GET", f"{_P}/mercury/faults", _items)


def clear_mercury_faults() -> ControlCall[int]:
    """``DELETE /_emulator/mercury/faults``; answers how many faults were dropped."""
    return ControlCall("DELETE", f"{_P}/mercury/faults", lambda answer: int(answer["deleted"]))


def seed(
    *, people: int, rooms: int, messages: int, room_id: str | None
) -> ControlCall[dict[str, Any]]:
    """``POST /_emulator/seed``; answers ``personIds``, ``roomIds``, ``messagesRoomId``."""
    payload = _drop_none(
        {"people": people, "rooms": rooms, "messages": messages, "roomId": room_id}
    )
    return ControlCall("POST", f"{_P}/seed", _same, payload)


def start_meeting(meeting_id: str) -> ControlCall[str]:
    """``POST /_emulator/meetings/start``; answers the meeting instance id."""
    payload = {"meetingId": meeting_id}
    return ControlCall("POST", f"{_P}/meetings/start", lambda a: str(a["id"]), payload)


def end_meeting(meeting_id: str) -> ControlCall[None]:
    """``POST /_emulator/meetings/end``."""
    payload = {"meetingId": meeting_id}
    return ControlCall("POST", f"{_P}/meetings/end", lambda a: None, payload)


# --- meetings: rooms, Locus, push faults ---------------------------------------------


def _room_settings(**settings: Any) -> dict[str, Any]:
    names = {
        "title": "title",
        "password": "password",
        "host_key": "hostKey",
        "lobby": "lobby",
        "wait_for_host": "waitForHost",
        "locked": "locked",
        "host_pin_required": "hostPinRequired",
        "policy_error": "policyError",
        "token_ttl": "tokenTtl",
        "conversation_url": "conversationUrl",
        "host_email": "hostEmail",
        "host_person_id": "hostPersonId",
        "clear_password": "clearPassword",
    }
    return _drop_none({names[key]: value for key, value in settings.items()})


def create_meeting_room(**settings: Any) -> ControlCall[dict[str, Any]]:
    """``POST /_emulator/meeting-rooms``; answers the meeting (number, SIP, link, ...)."""
    return ControlCall("POST", f"{_P}/meeting-rooms", _same, _room_settings(**settings))


def update_meeting_room(meeting: str, **settings: Any) -> ControlCall[dict[str, Any]]:
    """``PATCH /_emulator/meeting-rooms``; answers the updated meeting."""
    payload = {"meeting": meeting, **_room_settings(**settings)}
    return ControlCall("PATCH", f"{_P}/meeting-rooms", _same, payload)


def captcha_code(meeting: str) -> ControlCall[str]:
    """``GET /_emulator/meeting-rooms/captcha``; answers the pending captcha's code."""
    params = {"meeting": meeting}
    return ControlCall(
        "GET", f"{_P}/meeting-rooms/captcha", lambda a: str(a["code"]), params=params
    )


def start_locus(meeting: str) -> ControlCall[str]:
    """``POST /_emulator/locus/start``; answers the locus URL."""
    payload = {"meeting": meeting}
    return ControlCall("POST", f"{_P}/locus/start", lambda a: str(a["locusUrl"]), payload)


def locus(meeting: str, *, email: str | None) -> ControlCall[dict[str, Any]]:
    """``GET /_emulator/locus``; answers the full DTO (``self`` of ``email`` if given)."""
    params = _drop_none({"meeting": meeting, "email": email})
    return ControlCall("GET", f"{_P}/locus", _same, params=params)


def add_participant(
    meeting: str,
    *,
    name: str | None,
    email: str | None,
    host: bool,
    muted: bool,
    video_muted: bool,
    in_lobby: bool,
) -> ControlCall[str]:
    """``POST /_emulator/locus/participants``; answers the participant id."""
    payload = _drop_none(
        {
            "meeting": meeting,
            "name": name,
            "email": email,
            "host": host,
            "muted": muted,
            "videoMuted": video_muted,
            "inLobby": in_lobby,
        }
    )
    return ControlCall("POST", f"{_P}/locus/participants", lambda a: str(a["id"]), payload)


def participant_action(
    action: str, meeting: str, participant_id: str, **options: Any
) -> ControlCall[dict[str, Any]]:
    """``POST /_emulator/locus/participants/<action>``; answers the participant."""
    payload = {"meeting": meeting, "participantId": participant_id, **_drop_none(options)}
    return ControlCall("POST", f"{_P}/locus/participants/{action}", _same, payload)


def end_meeting_for_all(meeting: str) -> ControlCall[None]:
    """``POST /_emulator/locus/end``."""
    payload = {"meeting": meeting}
    return ControlCall("POST", f"{_P}/locus/end", lambda a: None, payload)


def locus_faults(*, reorder: int, duplicate: int, drop_next: int) -> ControlCall[dict[str, Any]]:
    """``POST /_emulator/locus/faults``; answers pending faults, mode and counters."""
    payload = {"reorder": int(reorder), "duplicate": int(duplicate), "dropNext": int(drop_next)}
    return ControlCall("POST", f"{_P}/locus/faults", _same, payload)


def locus_push_state() -> ControlCall[dict[str, Any]]:
    """``GET /_emulator/locus/faults``."""
    return ControlCall("GET", f"{_P}/locus/faults", _same)


def clear_locus_faults() -> ControlCall[int]:
    """``DELETE /_emulator/locus/faults``; answers how many pending faults were dropped."""
    return ControlCall("DELETE", f"{_P}/locus/faults", lambda a: int(a["deleted"]))


def locus_event_mode(mode: str) -> ControlCall[None]:
    """``POST /_emulator/locus/events`` with ``delta`` or ``full``."""
    return ControlCall("POST", f"{_P}/locus/events", lambda a: None, {"mode": mode})


def media_sessions(meeting: str) -> ControlCall[list[dict[str, Any]]]:
    """``GET /_emulator/media/sessions``; answers one entry per device media session."""
    return ControlCall("GET", f"{_P}/media/sessions", _items, params={"meeting": meeting})


def set_speaker_audio(meeting: str, source: str | os.PathLike[str] | float) -> ControlCall[None]:
    """``POST /_emulator/media/speaker``: a number is a tone in Hz, anything else a file."""
    payload: dict[str, Any] = {"meeting": meeting}
    if isinstance(source, str | os.PathLike):
        # The emulator may run with another working directory: send an absolute path.
        payload["wavPath"] = os.path.abspath(os.fspath(source))
    else:
        payload["toneHz"] = float(source)
    return ControlCall("POST", f"{_P}/media/speaker", lambda a: None, payload)


def set_media_options(
    meeting: str, *, video: bool | None, share: bool | None, turn: str | None
) -> ControlCall[dict[str, Any]]:
    """``POST /_emulator/media/options``; answers the meeting's media settings."""
    payload = _drop_none({"meeting": meeting, "video": video, "share": share, "turn": turn})
    return ControlCall("POST", f"{_P}/media/options", _same, payload)


def media_fault(meeting: str, kind: str, *, count: int) -> ControlCall[int]:
    """``POST /_emulator/media/faults``; answers how many offers or connections it hits."""
    payload = {"meeting": meeting, "kind": kind, "count": count}
    return ControlCall("POST", f"{_P}/media/faults", lambda a: int(a["applied"]), payload)


def media_offer(meeting: str, *, tie_breaker: int | None) -> ControlCall[int]:
    """``POST /_emulator/media/offer``; answers how many devices got the OFFER."""
    payload = _drop_none({"meeting": meeting, "tieBreaker": tie_breaker})
    return ControlCall("POST", f"{_P}/media/offer", lambda a: int(a["sent"]), payload)
