"""Mercury hub: live sockets per device, event delivery, ack tracking and socket faults.

Other services push events with :meth:`MercuryHub.publish_to_user` or
:meth:`MercuryHub.publish_to_device` (e.g. REST messaging services publishing
``conversation.activity`` envelopes, the JS REST plugins). Publishing is synchronous:
frames are queued on each socket and written by that socket's own sender task, so a
handler never awaits a slow or faulted socket.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ...core.errors import BadRequestError
from ...core.ids import new_tracking_id, new_uuid
from ...core.state import Backend, EmulatorState
from ..wdm.models import DEVICES_PATH, Device, WdmBackend

#: Close codes the hub sends, with their meaning for the JS SDK (Mercury protocol).
CLOSE_REPLACED = 4000
"""Another connection of the same device took over (no ``multipleConnections``)."""
CLOSE_BAD_REQUEST = 4400
"""The first frame was not an authorization frame; the client gives up."""
CLOSE_NOT_AUTHORIZED = 4401
"""Bad, unknown or expired token; the client refreshes its token and retries."""
CLOSE_FORBIDDEN = 4403
"""The device belongs to another user; the client gives up."""
CLOSE_NO_STATUS = 1005
"""Unknown, expired or deleted device. Sent as a close frame *without* a status code,
which the client reads as 1005: before ``open()`` resolved that is ``UnknownResponse``
(``device.refresh()``, then retry), afterwards a transient close (reconnect)."""
CLOSE_ABNORMAL = 1006
"""Not a close frame: the TCP connection is dropped without one."""
CLOSE_AUTH_TIMEOUT = 1008
CLOSE_GOING_AWAY = 1001

AUTH_TIMEOUT_REASON = "authentication did not happen within the timeout window of 30000 seconds."

#: Seconds the hub waits for the authorization frame.
AUTH_TIMEOUT = 30.0

#: Closed connections kept for the control API, newest last.
MAX_HISTORY = 1000

#: Codes a control request may ask for: every code a close frame may carry, plus 1005
#: (empty close frame) and 1006 (connection dropped without a close frame).
_FRAME_CLOSE_CODES = frozenset({1000, 1001, 1002, 1003, *range(1007, 1015)})


def check_close_code(code: int, reason: str) -> None:
    """Validate a close code and reason a control request asked for.

    Raises:
        BadRequestError: The code cannot be produced, or the reason is too long or given
            with 1005/1006 (which carry none).
    """
    if code in (CLOSE_NO_STATUS, CLOSE_ABNORMAL):
        if reason:
            raise BadRequestError(f"Close code {code} carries no reason.")
        return
    if code not in _FRAME_CLOSE_CODES and not 3000 <= code <= 4999:
        raise BadRequestError(
            f"Close code {code} is not sendable; use 1000-1003, 1005, 1006, 1007-1014 or 3000-4999."
        )
    if len(reason.encode()) > 123:
        raise BadRequestError("A close reason is at most 123 bytes of UTF-8.")


@dataclass(frozen=True)
class Target:
    """Which sockets a fault or a drop applies to; all fields None means every socket."""

    device_uuid: str | None = None
    person_uuid: str | None = None

    def matches(self, device_uuid: str, person_uuid: str | None) -> bool:
        """Return True when a socket of ``device_uuid`` owned by ``person_uuid`` is hit."""
        if self.device_uuid is not None and self.device_uuid != device_uuid:
            return False
        return self.person_uuid is None or self.person_uuid == person_uuid


@dataclass
class MercuryFault:
    """A standing Mercury fault: ``noPong``, ``delay`` or ``refuse``."""

    id: str
    action: str
    target: Target
    until: float | None = None
    """Epoch seconds after which the fault lapses; None lasts until cleared."""
    delay_ms: int = 0
    count: int = 1
    """``refuse``: connection attempts left to refuse."""
    code: int | None = None
    """``refuse``: close code sent right after accepting."""
    reason: str = ""
    status: int | None = None
    """``refuse``: HTTP status rejecting the upgrade instead of accepting it."""

    def active(self, now: float) -> bool:
        """Return True until the fault lapsed."""
        return self.until is None or now < self.until

    def to_json(self, base_url: str) -> dict[str, Any]:
        """Render the fault for the control API."""
        device = self.target.device_uuid
        return {
            "id": self.id,
            "action": self.action,
            "deviceUrl": None if device is None else f"{base_url}{DEVICES_PATH}/{device}",
            "userId": self.target.person_uuid,
            "until": self.until,
            "delayMs": self.delay_ms,
            "count": self.count,
            "code": self.code,
            "reason": self.reason,
            "status": self.status,
        }


@dataclass
class _Outgoing:
    frame: dict[str, Any]
    due: float
    """Loop time before which the frame is not written (``delay`` fault)."""


@dataclass
class SentFrame:
    """A frame actually written to a socket."""

    id: str
    event_type: str | None
    """``data.eventType`` of an envelope; None for pongs."""
    sequence_number: int | None
    time: float


@dataclass
class MercuryConnection:
    """One authorized socket of one device."""

    id: str
    device_uuid: str
    device_url: str
    person_uuid: str
    query: dict[str, str]
    connected_at: float
    multiple: bool
    """The client asked for ``multipleConnections=true``."""
    auth_tracking_id: str | None = None
    """``trackingId`` of the client's authorization frame."""
    outbox: asyncio.Queue[_Outgoing] = field(default_factory=asyncio.Queue)
    close_requested: asyncio.Event = field(default_factory=asyncio.Event)
    sent: list[SentFrame] = field(default_factory=list)
    acks: list[str] = field(default_factory=list)
    pings: int = 0
    pings_ignored: int = 0
    other_frames: int = 0
    close_code: int | None = None
    close_reason: str = ""
    closed_by: str | None = None
    """``server`` or ``client`` once closed."""
    closed_at: float | None = None
    _sequence: int = 0

    def next_sequence(self) -> int:
        """Return the next envelope ``sequenceNumber`` (1, 2, ...; the Mercury protocol)."""
        self._sequence += 1
        return self._sequence

    def request_close(self, code: int, reason: str = "") -> bool:
        """Ask the socket's handler to close it; the first request wins.

        Returns:
            False when the socket was already closing or closed.
        """
        if self.close_requested.is_set() or self.closed_by is not None:
            return False
        self.close_code, self.close_reason = code, reason
        self.close_requested.set()
        return True

    @property
    def open(self) -> bool:
        """True until the socket closed, either side."""
        return self.closed_by is None

    def to_json(self) -> dict[str, Any]:
        """Render the connection for ``GET /_emulator/mercury/connections``."""
        envelopes = [frame for frame in self.sent if frame.event_type is not None]
        return {
            "id": self.id,
            "deviceUrl": self.device_url,
            "userId": self.person_uuid,
            "connectedAt": self.connected_at,
            "query": self.query,
            "multipleConnections": self.multiple,
            "authTrackingId": self.auth_tracking_id,
            "open": self.open,
            "framesSent": len(envelopes),
            "acksReceived": len(self.acks),
            "frames": [
                {
                    "id": frame.id,
                    "eventType": frame.event_type,
                    "sequenceNumber": frame.sequence_number,
                    "time": frame.time,
                }
                for frame in envelopes
            ],
            "acks": list(self.acks),
            "pingsReceived": self.pings,
            "pingsIgnored": self.pings_ignored,
            "pongsSent": sum(1 for frame in self.sent if frame.event_type is None),
            "otherFrames": self.other_frames,
            "closedBy": self.closed_by,
            "closeCode": self.close_code,
            "closeReason": self.close_reason,
            "closedAt": self.closed_at,
        }


@dataclass(frozen=True)
class Published:
    """Result of a publish: the frame id and the sockets it was queued on."""

    id: str
    connections: list[str]

    @property
    def delivered(self) -> int:
        """Number of sockets the frame was queued on."""
        return len(self.connections)


class MercuryHub(Backend):
    """Every live Mercury socket, keyed by connection id, plus the Mercury faults."""

    def __init__(self, state: EmulatorState) -> None:
        """Bind the hub and subscribe to WDM device removals."""
        super().__init__(state)
        self.auth_timeout = AUTH_TIMEOUT
        state.backend(WdmBackend).add_removal_listener(self._device_removed)

    def reset(self) -> None:
        """Close every live socket (1001), forget history and faults."""
        for connection in getattr(self, "live", {}).values():
            connection.request_close(CLOSE_GOING_AWAY, "Emulator reset")
        self.live: dict[str, MercuryConnection] = {}
        self.history: deque[MercuryConnection] = deque(maxlen=MAX_HISTORY)
        self.faults: list[MercuryFault] = []
        self._next_fault = 1

    # --- connections ------------------------------------------------------------------

    def attach(
        self, device: Device, person_uuid: str, query: Mapping[str, str]
    ) -> MercuryConnection:
        """Register an authorized socket of ``device``.

        Without ``multipleConnections=true`` the device's other sockets are replaced
        (closed with 4000, the Mercury protocol).
        """
        multiple = query.get("multipleConnections", "").lower() == "true"
        connection = MercuryConnection(
            id=new_uuid(),
            device_uuid=device.uuid,
            device_url=device.url(self.state.base_url),
            person_uuid=person_uuid,
            query=dict(query),
            connected_at=self.state.clock(),
            multiple=multiple,
        )
        if not multiple:
            for other in self.connections(device_uuid=device.uuid):
                other.request_close(CLOSE_REPLACED, "replaced")
        self.live[connection.id] = connection
        return connection

    def detach(self, connection: MercuryConnection, closed_by: str, code: int | None) -> None:
        """Forget a socket that closed; it stays visible in the history."""
        if connection.closed_by is None:
            connection.closed_by = closed_by
            if closed_by == "client":
                connection.close_code, connection.close_reason = code, ""
            connection.closed_at = self.state.clock()
        if self.live.pop(connection.id, None) is not None:
            self.history.append(connection)

    def connections(
        self, *, device_uuid: str | None = None, person_uuid: str | None = None
    ) -> list[MercuryConnection]:
        """Return live sockets, oldest first, filtered by device and/or owner."""
        target = Target(device_uuid, person_uuid)
        return [c for c in self.live.values() if target.matches(c.device_uuid, c.person_uuid)]

    def _device_removed(self, device: Device, why: str) -> None:
        for connection in self.connections(device_uuid=device.uuid):
            if connection.request_close(CLOSE_NO_STATUS, ""):
                # Only for the control API: a 1005 close frame carries no reason.
                connection.close_reason = f"device {why}"

    # --- delivery ---------------------------------------------------------------------

    def envelope(
        self, connection: MercuryConnection, frame_id: str, data: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Build the event envelope of the Mercury protocol for one socket."""
        return {
            "id": frame_id,
            "data": dict(data),
            "timestamp": int(self.state.clock() * 1000),
            "trackingId": new_tracking_id(),
            "sequenceNumber": connection.next_sequence(),
        }

    def send(self, connection: MercuryConnection, frame: dict[str, Any]) -> None:
        """Queue one frame on a socket, applying any ``delay`` fault."""
        delay = self.delay_ms(connection) / 1000
        connection.outbox.put_nowait(_Outgoing(frame, time.monotonic() + delay))

    def publish(
        self,
        data: Mapping[str, Any],
        *,
        person_uuid: str | None = None,
        device_uuid: str | None = None,
    ) -> Published:
        """Send one event to every live socket of a user and/or a device.

        Args:
            data: The envelope's ``data``; must carry ``eventType``.
            person_uuid: Every socket of this user's devices.
            device_uuid: Every socket of this device.

        Returns:
            The frame id (the same on every socket) and the sockets it was queued on;
            a target without live sockets gets nothing (no buffering).

        Raises:
            BadRequestError: ``data`` has no string ``eventType``, or no target given.
        """
        event_type = data.get("eventType")
        if not isinstance(event_type, str) or not event_type:
            raise BadRequestError("An event's data must carry a string eventType.")
        if person_uuid is None and device_uuid is None:
            raise BadRequestError("An event needs a user or a device to go to.")
        frame_id = new_uuid()
        targets = self.connections(device_uuid=device_uuid, person_uuid=person_uuid)
        for connection in targets:
            self.send(connection, self.envelope(connection, frame_id, data))
        return Published(frame_id, [connection.id for connection in targets])

    def publish_to_user(self, person_uuid: str, data: Mapping[str, Any]) -> Published:
        """Send an event to every socket of every device of a user."""
        return self.publish(data, person_uuid=person_uuid)

    def publish_to_device(self, device_uuid: str, data: Mapping[str, Any]) -> Published:
        """Send an event to every socket of one device."""
        return self.publish(data, device_uuid=device_uuid)

    # --- faults -----------------------------------------------------------------------

    def _active(self, action: str, connection: MercuryConnection) -> list[MercuryFault]:
        now = self.state.clock()
        self.faults = [fault for fault in self.faults if fault.active(now)]
        return [
            fault
            for fault in self.faults
            if fault.action == action
            and fault.target.matches(connection.device_uuid, connection.person_uuid)
        ]

    def pongs_suppressed(self, connection: MercuryConnection) -> bool:
        """Return True while a ``noPong`` fault covers the socket."""
        return bool(self._active("noPong", connection))

    def delay_ms(self, connection: MercuryConnection) -> int:
        """Return the frame delay of the socket (largest matching ``delay`` fault)."""
        return max((fault.delay_ms for fault in self._active("delay", connection)), default=0)

    def take_refusal(self, device_uuid: str, person_uuid: str | None) -> MercuryFault | None:
        """Consume one count of the first ``refuse`` fault matching a connection attempt."""
        now = self.state.clock()
        for fault in self.faults:
            if (
                fault.action == "refuse"
                and fault.active(now)
                and fault.target.matches(device_uuid, person_uuid)
            ):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def add_fault(
        self,
        action: str,
        target: Target,
        *,
        seconds: float | None = None,
        delay_ms: int = 0,
        count: int = 1,
        code: int | None = None,
        reason: str = "",
        status: int | None = None,
    ) -> MercuryFault:
        """Add a standing fault (see :class:`MercuryFault`).

        Raises:
            BadRequestError: Unknown action or values that make no sense for it.
        """
        if action not in ("noPong", "delay", "refuse"):
            raise BadRequestError(f"Unknown Mercury fault action {action!r}.")
        if action == "delay" and delay_ms <= 0:
            raise BadRequestError("A delay fault needs delayMs > 0.")
        if action == "refuse":
            if count < 1:
                raise BadRequestError("count must be at least 1.")
            if status is not None and not 400 <= status <= 599:
                raise BadRequestError("status must be an error status (400-599).")
            if status is None:
                code = 1011 if code is None else code
                check_close_code(code, reason)
        fault = MercuryFault(
            id=f"mercury-fault-{self._next_fault}",
            action=action,
            target=target,
            until=None if seconds is None else self.state.clock() + seconds,
            delay_ms=delay_ms,
            count=count,
            code=code if status is None else None,
            reason=reason,
            status=status,
        )
        self._next_fault += 1
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> int:
        """Drop every Mercury fault; returns how many there were."""
        cleared = len(self.faults)
        self.faults = []
        return cleared

    def drop(self, target: Target, code: int, reason: str = "") -> int:
        """Close the live sockets matching ``target`` with ``code``/``reason`` now.

        Returns:
            How many sockets were told to close.

        Raises:
            BadRequestError: See :func:`check_close_code`.
        """
        check_close_code(code, reason)
        hit = self.connections(device_uuid=target.device_uuid, person_uuid=target.person_uuid)
        for connection in hit:
            connection.request_close(code, reason)
        return len(hit)
