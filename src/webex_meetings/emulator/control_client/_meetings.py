"""Control helpers: meeting rooms, Locus participants, shares and push faults."""

from __future__ import annotations

from typing import Any

from ._call import PREFIX, ControlCall, drop_none, int_of, nothing, same, str_of

_ROOM_SETTINGS = {
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


def _room_settings(**settings: Any) -> dict[str, Any]:
    return drop_none({_ROOM_SETTINGS[key]: value for key, value in settings.items()})


def create_meeting_room(
    *,
    title: str | None = None,
    host_email: str | None = None,
    host_person_id: str | None = None,
    password: str | None = None,
    host_key: str | None = None,
    lobby: bool = False,
    wait_for_host: bool = False,
    locked: bool = False,
    host_pin_required: bool = False,
    policy_error: int | None = None,
    token_ttl: int | None = None,
    conversation_url: str | None = None,
    start: bool = False,
) -> ControlCall[dict[str, Any]]:
    """Create an instant meeting (a new host user unless one is named).

    Args:
        title: Meeting name.
        host_email: Host by e-mail (created if unknown).
        host_person_id: Host by Hydra id.
        password: Meeting password; none by default. The host never needs it.
        host_key: Six-digit host key (also accepted as password, and as host PIN).
        lobby: Non-hosts wait in the lobby until admitted.
        wait_for_host: Non-hosts wait until the host joins.
        locked: New loci of the meeting start locked.
        host_pin_required: Non-hosts joining without the host must state an intent.
        policy_error: wbxappapi policy code every lookup fails with (e.g. 403049).
        token_ttl: Permission-token lifetime, seconds.
        conversation_url: Space bound to the meeting.
        start: Start the locus now (the answer then has ``locusUrl``).

    Returns:
        ``meetingId``, ``meetingNumber``, ``sipUrl``, ``meetingJoinUrl``, ``hostKey``,
        ``password``, ``hostId``, ``hostEmail`` and the settings.
    """
    payload = _room_settings(
        title=title,
        host_email=host_email,
        host_person_id=host_person_id,
        password=password,
        host_key=host_key,
        lobby=lobby,
        wait_for_host=wait_for_host,
        locked=locked,
        host_pin_required=host_pin_required,
        policy_error=policy_error,
        token_ttl=token_ttl,
        conversation_url=conversation_url,
    )
    return ControlCall(
        "POST", f"{PREFIX}/meeting-rooms", same, payload, then=_start_room if start else None
    )


def _start_room(room: dict[str, Any]) -> ControlCall[dict[str, Any]]:
    # The second step of create_meeting_room(start=True): the room plus its locus URL.
    def parse(answer: Any) -> dict[str, Any]:
        return {**room, "locusUrl": str(answer["locusUrl"])}

    return ControlCall("POST", f"{PREFIX}/locus/start", parse, {"meeting": room["meetingId"]})


def update_meeting_room(
    meeting: str,
    *,
    title: str | None = None,
    password: str | None = None,
    clear_password: bool = False,
    host_key: str | None = None,
    lobby: bool | None = None,
    wait_for_host: bool | None = None,
    locked: bool | None = None,
    host_pin_required: bool | None = None,
    policy_error: int | None = None,
    token_ttl: int | None = None,
    conversation_url: str | None = None,
) -> ControlCall[dict[str, Any]]:
    """Change a meeting's settings; None leaves one as is, ``policy_error=0`` clears it.

    The parameters are those of :func:`create_meeting_room`, plus ``clear_password``.

    Returns:
        The updated meeting.
    """
    settings = _room_settings(
        title=title,
        password=password,
        clear_password=clear_password,
        host_key=host_key,
        lobby=lobby,
        wait_for_host=wait_for_host,
        locked=locked,
        host_pin_required=host_pin_required,
        policy_error=policy_error,
        token_ttl=token_ttl,
        conversation_url=conversation_url,
    )
    payload = {"meeting": meeting, **settings}
    return ControlCall("PATCH", f"{PREFIX}/meeting-rooms", same, payload)


def captcha_code(meeting: str) -> ControlCall[str]:
    """Return the code the meeting's newest pending captcha image shows."""
    params = {"meeting": meeting}
    return ControlCall("GET", f"{PREFIX}/meeting-rooms/captcha", str_of("code"), params=params)


def start_locus(meeting: str) -> ControlCall[str]:
    """Start the meeting's locus now if it is not running; returns its URL."""
    payload = {"meeting": meeting}
    return ControlCall("POST", f"{PREFIX}/locus/start", str_of("locusUrl"), payload)


def locus(meeting: str, *, email: str | None = None) -> ControlCall[dict[str, Any]]:
    """Return the meeting's full Locus DTO (``self`` of ``email``'s participant if given)."""
    params = drop_none({"meeting": meeting, "email": email})
    return ControlCall("GET", f"{PREFIX}/locus", same, params=params)


def add_participant(
    meeting: str,
    *,
    name: str | None = None,
    email: str | None = None,
    host: bool = False,
    muted: bool = False,
    video_muted: bool = False,
    in_lobby: bool = False,
) -> ControlCall[str]:
    """Add a simulated attendee (no socket); starts the meeting. Returns its id."""
    payload = drop_none(
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
    return ControlCall("POST", f"{PREFIX}/locus/participants", str_of("id"), payload)


def _participant_action(
    action: str, meeting: str, participant_id: str, **options: Any
) -> ControlCall[None]:
    payload = {"meeting": meeting, "participantId": participant_id, **drop_none(options)}
    return ControlCall("POST", f"{PREFIX}/locus/participants/{action}", nothing, payload)


def remove_participant(meeting: str, participant_id: str) -> ControlCall[None]:
    """Make a participant leave (``LEFT``, ``removed``)."""
    return _participant_action("remove", meeting, participant_id)


def mute_participant(
    meeting: str, participant_id: str, muted: bool = True, *, video: bool = False
) -> ControlCall[None]:
    """Remotely (un)mute a participant's audio, or video with ``video=True``."""
    return _participant_action("mute", meeting, participant_id, muted=muted, video=video)


def raise_hand(meeting: str, participant_id: str, raised: bool = True) -> ControlCall[None]:
    """Raise or lower a participant's hand."""
    return _participant_action("hand", meeting, participant_id, raised=raised)


def admit_participant(meeting: str, participant_id: str) -> ControlCall[None]:
    """Admit a participant waiting in the lobby."""
    return _participant_action("admit", meeting, participant_id)


def make_host(meeting: str, participant_id: str) -> ControlCall[None]:
    """Give a participant the host role (everyone else loses it)."""
    return _participant_action("host", meeting, participant_id)


def start_share(
    meeting: str, participant_id: str, *, name: str = "content", resource_url: str | None = None
) -> ControlCall[dict[str, Any]]:
    """Give a participant a share floor, as if it had asked (``locus.floor_granted``).

    For a simulated participant and the ``content`` floor, every device of the
    meeting then receives the media server's synthetic content track on its share
    line, until the floor is released or taken by someone else.

    Args:
        meeting: The meeting (number, SIP address, link, uuid or locus URL).
        participant_id: A joined participant (see :func:`add_participant`).
        name: ``"content"`` (screen share) or ``"whiteboard"``.
        resource_url: The whiteboard channel, for ``"whiteboard"``.

    Returns:
        The ``mediaShares`` entry, with its ``floor``.
    """
    payload = drop_none(
        {
            "meeting": meeting,
            "participantId": participant_id,
            "name": name,
            "resourceUrl": resource_url,
        }
    )
    return ControlCall("POST", f"{PREFIX}/locus/share", same, payload)


def stop_share(meeting: str, *, name: str = "content") -> ControlCall[dict[str, Any]]:
    """Release a share floor, whoever holds it (``locus.floor_released``).

    Returns:
        The ``mediaShares`` entry, with its ``floor``.
    """
    payload = {"meeting": meeting, "name": name}
    return ControlCall("POST", f"{PREFIX}/locus/share/stop", same, payload)


def end_meeting_for_all(meeting: str) -> ControlCall[None]:
    """End the meeting's locus for everyone (``fullState.state`` ``INACTIVE``)."""
    return ControlCall("POST", f"{PREFIX}/locus/end", nothing, {"meeting": meeting})


def locus_faults(
    *, reorder: int = 0, duplicate: int = 0, drop_next: int = 0
) -> ControlCall[dict[str, Any]]:
    """Disturb the next pushed Locus events; ``True`` counts as one.

    Args:
        reorder: Events each held back and delivered after the one that follows.
        duplicate: Events delivered twice.
        drop_next: Events never delivered (the client must resync).

    Returns:
        Pending faults, event mode and delivery counters.
    """
    payload = {"reorder": int(reorder), "duplicate": int(duplicate), "dropNext": int(drop_next)}
    return ControlCall("POST", f"{PREFIX}/locus/faults", same, payload)


def locus_push_state() -> ControlCall[dict[str, Any]]:
    """Return pending Locus push faults, event mode and delivery counters."""
    return ControlCall("GET", f"{PREFIX}/locus/faults", same)


def clear_locus_faults() -> ControlCall[int]:
    """Drop pending Locus push faults (a held event is delivered); returns the count."""
    return ControlCall("DELETE", f"{PREFIX}/locus/faults", int_of("deleted"))


def locus_event_mode(mode: str) -> ControlCall[None]:
    """Push ``locus.difference`` deltas (``"delta"``) or full-DTO events (``"full"``)."""
    return ControlCall("POST", f"{PREFIX}/locus/events", nothing, {"mode": mode})
