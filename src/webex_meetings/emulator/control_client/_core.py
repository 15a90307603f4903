"""Control helpers: faults, the request log, users, tokens, state and meetings."""

from __future__ import annotations

from typing import Any

from ._call import PREFIX, ControlCall, drop_none, int_of, items, nothing, same, str_of


def add_fault(
    path: str,
    *,
    status: int | None = None,
    method: str = "*",
    count: int | None = 1,
    retry_after: str | int | None = None,
    latency_ms: int = 0,
    body: dict[str, Any] | None = None,
) -> ControlCall[str]:
    """Inject a fault into the requests that match (``POST /_emulator/faults``).

    Args:
        path: ``fnmatch`` glob matched against the request path (no query).
        status: Error status to answer with; None lets the request through after
            ``latency_ms``.
        method: Upper-case method, or ``*`` for any.
        count: Matching requests to hit; None hits every one until cleared.
        retry_after: ``Retry-After`` header value, sent as given.
        latency_ms: Delay before answering or handling the request.
        body: Error body to send instead of the generated Webex error JSON.

    Returns:
        The rule id.
    """
    payload = drop_none(
        {"path": path, "method": method, "status": status, "retryAfter": retry_after, "body": body}
    )
    # count=None is meaningful (unlimited), so it is always sent.
    payload.update(count=count, latencyMs=latency_ms)
    return ControlCall("POST", f"{PREFIX}/faults", str_of("id"), payload)


def faults() -> ControlCall[list[dict[str, Any]]]:
    """Return the active fault rules."""
    return ControlCall("GET", f"{PREFIX}/faults", items)


def clear_faults() -> ControlCall[int]:
    """Drop every fault rule; returns how many there were."""
    return ControlCall("DELETE", f"{PREFIX}/faults", int_of("deleted"))


def requests(
    *, method: str | None = None, path: str | None = None
) -> ControlCall[list[dict[str, Any]]]:
    """Return logged requests, oldest first, filtered by method and path glob."""
    params = drop_none({"method": method, "path": path})
    return ControlCall("GET", f"{PREFIX}/requests", items, params=params)


def clear_requests() -> ControlCall[int]:
    """Forget every logged request; returns how many there were."""
    return ControlCall("DELETE", f"{PREFIX}/requests", int_of("deleted"))


def create_user(
    *,
    display_name: str | None = None,
    email: str | None = None,
    token_expires_in: int | None = None,
) -> ControlCall[dict[str, Any]]:
    """Create a user; returns ``person``, ``accessToken``, ``refreshToken``, ..."""
    payload = drop_none(
        {"displayName": display_name, "email": email, "tokenExpiresIn": token_expires_in}
    )
    return ControlCall("POST", f"{PREFIX}/users", same, payload)


def issue_token(
    *,
    email: str | None = None,
    person_id: str | None = None,
    expires_in: int | None = None,
) -> ControlCall[dict[str, Any]]:
    """Issue a fresh token pair for an existing user (by email or Hydra id)."""
    payload = drop_none({"email": email, "personId": person_id, "expiresIn": expires_in})
    return ControlCall("POST", f"{PREFIX}/tokens", same, payload)


def expire_token(access_token: str) -> ControlCall[None]:
    """Make ``access_token`` expired; its next use gets a 401."""
    payload = {"accessToken": access_token}
    return ControlCall("POST", f"{PREFIX}/tokens/expire", nothing, payload)


def expire_all_tokens() -> ControlCall[int]:
    """Make every access token expired; returns how many were valid."""
    return ControlCall("POST", f"{PREFIX}/tokens/expire", int_of("expired"), {"all": True})


def reset() -> ControlCall[None]:
    """Restore the seeded state (also clears faults and the request log)."""
    return ControlCall("POST", f"{PREFIX}/reset", nothing)


def state() -> ControlCall[dict[str, Any]]:
    """Return counts of users, valid tokens, faults and logged requests."""
    return ControlCall("GET", f"{PREFIX}/state", same)


def seed(
    *, people: int = 0, rooms: int = 0, messages: int = 0, room_id: str | None = None
) -> ControlCall[dict[str, Any]]:
    """Bulk-create people, rooms and messages (``POST /_emulator/seed``).

    Returns:
        ``personIds``, ``roomIds`` and ``messagesRoomId``.
    """
    payload = drop_none({"people": people, "rooms": rooms, "messages": messages, "roomId": room_id})
    return ControlCall("POST", f"{PREFIX}/seed", same, payload)


def start_meeting(meeting_id: str) -> ControlCall[str]:
    """Start an instance of a meeting now; returns the instance id."""
    payload = {"meetingId": meeting_id}
    return ControlCall("POST", f"{PREFIX}/meetings/start", str_of("id"), payload)


def end_meeting(meeting_id: str) -> ControlCall[None]:
    """End the running instance of a meeting."""
    payload = {"meetingId": meeting_id}
    return ControlCall("POST", f"{PREFIX}/meetings/end", nothing, payload)


def record_meeting(meeting_id: str) -> ControlCall[dict[str, Any]]:
    """Record a meeting: its running instance, or at once its last ended one.

    Returns:
        ``instanceId``, plus ``recordingId`` and ``transcriptId`` when the instance
        had ended (a running one leaves them when it ends).
    """
    payload = {"meetingId": meeting_id}
    return ControlCall("POST", f"{PREFIX}/meetings/record", same, payload)
