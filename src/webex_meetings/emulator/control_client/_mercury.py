"""Control helpers: WDM devices and Mercury sockets."""

from __future__ import annotations

from typing import Any

from ._call import PREFIX, ControlCall, drop_none, int_of, items, same, str_of


def devices() -> ControlCall[list[dict[str, Any]]]:
    """Return every live WDM device (``url``, ``webSocketUrl``, ``userId``, ``ttl``...)."""
    return ControlCall("GET", f"{PREFIX}/devices", items)


def expire_device(device_url: str | None = None) -> ControlCall[int]:
    """Make one device (all with None) expire now; its Mercury sockets close (1005).

    Returns:
        How many devices expired.
    """
    payload: dict[str, Any] = {"all": True} if device_url is None else {"deviceUrl": device_url}
    return ControlCall("POST", f"{PREFIX}/devices/expire", int_of("expired"), payload)


def _mercury_target(
    device_url: str | None, person_id: str | None, email: str | None
) -> dict[str, Any]:
    return drop_none({"deviceUrl": device_url, "personId": person_id, "email": email})


def publish_event(
    data: dict[str, Any],
    *,
    device_url: str | None = None,
    person_id: str | None = None,
    email: str | None = None,
) -> ControlCall[str]:
    """Push one Mercury event to the matching sockets (all without a target).

    Args:
        data: The event's ``data``, with its ``eventType``.
        device_url: Only the sockets of this device.
        person_id: Only the sockets of this user (Hydra id).
        email: Only the sockets of this user.

    Returns:
        The frame id.
    """
    payload = {"data": data, **_mercury_target(device_url, person_id, email)}
    return ControlCall("POST", f"{PREFIX}/mercury/events", str_of("id"), payload)


def mercury_connections(*, include_closed: bool = False) -> ControlCall[list[dict[str, Any]]]:
    """Return live Mercury sockets (frames sent, acks, ...); optionally closed ones."""
    params = {"all": "true"} if include_closed else {}
    return ControlCall("GET", f"{PREFIX}/mercury/connections", items, params=params)


def mercury_fault(
    action: str,
    *,
    device_url: str | None = None,
    person_id: str | None = None,
    email: str | None = None,
    **options: Any,
) -> ControlCall[dict[str, Any]]:
    """Build a raw ``POST /_emulator/mercury/faults``; answers the fault (or ``{dropped}``).

    Not a method of the emulator classes: :func:`drop_mercury`, :func:`stop_mercury_pongs`,
    :func:`delay_mercury` and :func:`refuse_mercury` are the typed forms.
    """
    payload = {
        "action": action,
        **_mercury_target(device_url, person_id, email),
        **drop_none(options),
    }
    return ControlCall("POST", f"{PREFIX}/mercury/faults", same, payload)


def _fault_id(call: ControlCall[dict[str, Any]]) -> ControlCall[str]:
    return ControlCall(call.method, call.path, str_of("id"), call.json)


def drop_mercury(
    *,
    device_url: str | None = None,
    person_id: str | None = None,
    email: str | None = None,
    code: int = 1006,
    reason: str = "",
) -> ControlCall[int]:
    """Close matching sockets (all without a target) now; returns how many.

    ``code`` 1006 drops the TCP connection without a close frame, 1005 sends a close
    frame without status; any other code is sent with ``reason``.
    """
    call = mercury_fault(
        "drop", device_url=device_url, person_id=person_id, email=email, code=code, reason=reason
    )
    return ControlCall(call.method, call.path, int_of("dropped"), call.json)


def stop_mercury_pongs(
    *,
    seconds: float | None = None,
    device_url: str | None = None,
    person_id: str | None = None,
    email: str | None = None,
) -> ControlCall[str]:
    """Leave pings unanswered for ``seconds`` (None: until cleared); returns the id."""
    return _fault_id(
        mercury_fault(
            "noPong", device_url=device_url, person_id=person_id, email=email, seconds=seconds
        )
    )


def delay_mercury(
    delay_ms: int,
    *,
    seconds: float | None = None,
    device_url: str | None = None,
    person_id: str | None = None,
    email: str | None = None,
) -> ControlCall[str]:
    """Delay every frame the hub sends by ``delay_ms``; returns the fault id."""
    return _fault_id(
        mercury_fault(
            "delay",
            device_url=device_url,
            person_id=person_id,
            email=email,
            delayMs=delay_ms,
            seconds=seconds,
        )
    )


def refuse_mercury(
    count: int = 1,
    *,
    code: int | None = None,
    reason: str = "",
    status: int | None = None,
    device_url: str | None = None,
    person_id: str | None = None,
    email: str | None = None,
) -> ControlCall[str]:
    """Refuse the next ``count`` connection attempts; returns the fault id.

    With ``status`` (e.g. 503) the upgrade is rejected with that HTTP status;
    otherwise the socket is accepted and closed with ``code`` (default 1011).
    """
    return _fault_id(
        mercury_fault(
            "refuse",
            device_url=device_url,
            person_id=person_id,
            email=email,
            count=count,
            code=code,
            reason=reason,
            status=status,
        )
    )


def mercury_faults() -> ControlCall[list[dict[str, Any]]]:
    """Return the standing Mercury faults."""
    return ControlCall("GET", f"{PREFIX}/mercury/faults", items)


def clear_mercury_faults() -> ControlCall[int]:
    """Drop every standing Mercury fault; returns how many there were."""
    return ControlCall("DELETE", f"{PREFIX}/mercury/faults", int_of("deleted"))
