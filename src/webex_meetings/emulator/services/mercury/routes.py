"""Mercury routes: the websocket of every device, and the Mercury control API.

Socket protocol (Mercury protocol): accept; wait for the authorization frame; 4401 on a
bad token; a close without status (1005) for an unknown/expired device; 4403 for another
user's device; then ``mercury.buffer_state`` first, events after it, a pong for every
ping, and every ack recorded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket

from ...control import _Body, _parse
from ...core.auth import TokenStore
from ...core.errors import BadRequestError, NotFoundError, UnauthorizedError, webex_error_body
from ...core.ids import new_tracking_id, new_uuid
from ...core.state import CONTROL_PREFIX, EmulatorState, get_state
from ..people.models import PeopleBackend
from ..wdm.models import DEVICES_PATH, MERCURY_PATH_TEMPLATE, WdmBackend
from .models import (
    AUTH_TIMEOUT_REASON,
    CLOSE_ABNORMAL,
    CLOSE_AUTH_TIMEOUT,
    CLOSE_BAD_REQUEST,
    CLOSE_FORBIDDEN,
    CLOSE_NO_STATUS,
    CLOSE_NOT_AUTHORIZED,
    MercuryConnection,
    MercuryHub,
    SentFrame,
    Target,
)

#: Longest pause of the per-socket device-expiry watch, seconds.
_SWEEP_INTERVAL = 0.5


class _ClientGoneError(Exception):
    """The client disconnected (carries its close code)."""

    def __init__(self, code: int | None) -> None:
        super().__init__(code)
        self.code = code


async def _receive_frame(websocket: WebSocket) -> Any:
    """Return the next frame decoded from JSON (None when it is not JSON)."""
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise _ClientGoneError(message.get("code"))
    raw = message.get("text")
    if raw is None:
        raw = (message.get("bytes") or b"").decode("utf-8", "replace")
    try:
        return json.loads(raw)
    except ValueError:
        return None


async def _close(websocket: WebSocket, code: int, reason: str = "") -> None:
    """Close the socket; 1005 sends an empty close frame, 1006 drops the connection."""
    with contextlib.suppress(Exception):  # the client may be gone already
        if code == CLOSE_ABNORMAL:
            # Returning from the handler without a close frame makes uvicorn drop the
            # TCP connection, which the client sees as 1006.
            return
        if code == CLOSE_NO_STATUS:
            await websocket.send({"type": "websocket.close", "code": None, "reason": ""})
            return
        await websocket.close(code, reason)


async def mercury_socket(websocket: WebSocket) -> None:
    """The Mercury websocket of one device (``webSocketUrl`` of the WDM DTO)."""
    state = get_state(websocket)
    hub = state.backend(MercuryHub)
    wdm = state.backend(WdmBackend)
    device_uuid = websocket.path_params["device_uuid"]
    known = wdm.find(device_uuid)
    refusal = hub.take_refusal(device_uuid, None if known is None else known.person_uuid)
    if refusal is not None and refusal.status is not None:
        tracking_id = new_tracking_id()
        body = webex_error_body(
            "Service Unavailable.", f"Injected by emulator fault {refusal.id}.", tracking_id
        )
        response = JSONResponse(body, refusal.status, headers={"TrackingID": tracking_id})
        await websocket.send_denial_response(response)
        return
    await websocket.accept()
    if refusal is not None:
        await _close(websocket, refusal.code or 1011, refusal.reason)
        return
    try:
        auth = await asyncio.wait_for(_receive_frame(websocket), hub.auth_timeout)
    except _ClientGoneError:
        return
    except TimeoutError:
        await _close(websocket, CLOSE_AUTH_TIMEOUT, AUTH_TIMEOUT_REASON)
        return
    if not isinstance(auth, dict):
        auth = {}
    data = auth.get("data")
    token_value = data.get("token") if isinstance(data, dict) else None
    if auth.get("type") != "authorization" or not isinstance(token_value, str):
        await _close(websocket, CLOSE_BAD_REQUEST, "Expected an authorization frame")
        return
    try:
        token = state.backend(TokenStore).authenticate(token_value)
    except UnauthorizedError as exc:
        await _close(websocket, CLOSE_NOT_AUTHORIZED, exc.description[:120])
        return
    device = wdm.find(device_uuid)
    if device is None:
        await _close(websocket, CLOSE_NO_STATUS)
        return
    if device.person_uuid != token.person_uuid:
        await _close(websocket, CLOSE_FORBIDDEN, "The device belongs to another user")
        return
    connection = hub.attach(device, token.person_uuid, dict(websocket.query_params))
    tracking = auth.get("trackingId")
    connection.auth_tracking_id = tracking if isinstance(tracking, str) else None
    # The buffer-state frame must be the first frame after authorization (§3.2).
    hub.send(
        connection, hub.envelope(connection, new_uuid(), {"eventType": "mercury.buffer_state"})
    )
    closed_by, code = "server", connection.close_code
    try:
        closed_by, code = await _serve(websocket, state, hub, connection)
    finally:
        hub.detach(connection, closed_by, code)


async def _serve(
    websocket: WebSocket, state: EmulatorState, hub: MercuryHub, connection: MercuryConnection
) -> tuple[str, int | None]:
    """Run an authorized socket until either side closes; returns who and the code."""
    receiver = asyncio.create_task(_receive_loop(websocket, hub, connection))
    sender = asyncio.create_task(_send_loop(websocket, hub, connection))
    closer = asyncio.create_task(connection.close_requested.wait())
    watch = asyncio.create_task(_watch_device(state, connection))
    tasks = {receiver, sender, closer, watch}
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    if receiver in done and not receiver.cancelled() and receiver.exception() is None:
        return "client", receiver.result()
    if not connection.close_requested.is_set():
        # The sender failed (the transport went away): treat it as an abnormal close.
        connection.request_close(CLOSE_ABNORMAL)
    code = connection.close_code if connection.close_code is not None else CLOSE_ABNORMAL
    await _close(websocket, code, connection.close_reason if code != CLOSE_NO_STATUS else "")
    return "server", code


async def _receive_loop(
    websocket: WebSocket, hub: MercuryHub, connection: MercuryConnection
) -> int | None:
    """Read client frames (acks, pings) until the client disconnects; returns its code."""
    while True:
        try:
            frame = await _receive_frame(websocket)
        except _ClientGoneError as gone:
            return gone.code
        kind = frame.get("type") if isinstance(frame, dict) else None
        if kind == "ack":
            assert isinstance(frame, dict)
            connection.acks.append(str(frame.get("messageId")))
        elif kind == "ping":
            assert isinstance(frame, dict)
            connection.pings += 1
            if hub.pongs_suppressed(connection):
                connection.pings_ignored += 1
            else:
                hub.send(connection, {"id": frame.get("id"), "type": "pong"})
        else:
            connection.other_frames += 1


async def _send_loop(websocket: WebSocket, hub: MercuryHub, connection: MercuryConnection) -> None:
    """Write queued frames in order, each no earlier than its due time."""
    while True:
        item = await connection.outbox.get()
        wait = item.due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = item.frame
        await websocket.send_text(json.dumps(frame))
        data = frame.get("data")
        event_type = data.get("eventType") if isinstance(data, dict) else None
        connection.sent.append(
            _sent(frame, event_type if isinstance(event_type, str) else None, hub)
        )


def _sent(frame: dict[str, Any], event_type: str | None, hub: MercuryHub) -> SentFrame:
    sequence = frame.get("sequenceNumber")
    return SentFrame(
        id=str(frame.get("id")),
        event_type=event_type,
        sequence_number=sequence if isinstance(sequence, int) else None,
        time=hub.state.clock(),
    )


async def _watch_device(state: EmulatorState, connection: MercuryConnection) -> None:
    """Sweep expired devices while the socket is open, so TTL expiry closes it."""
    wdm = state.backend(WdmBackend)
    while True:
        device = wdm.devices.get(connection.device_uuid)
        pause = _SWEEP_INTERVAL
        if device is not None and device.expires_at is not None:
            pause = min(pause, max(0.0, device.expires_at - state.clock()) + 0.01)
        await asyncio.sleep(pause)
        wdm.sweep()


# --- control API --------------------------------------------------------------------


class _TargetBody(_Body):
    device_url: str | None = Field(default=None, alias="deviceUrl")
    person_id: str | None = Field(default=None, alias="personId")
    email: str | None = None


class EventBody(_TargetBody):
    """``POST /_emulator/mercury/events``."""

    data: dict[str, Any]


class MercuryFaultBody(_TargetBody):
    """``POST /_emulator/mercury/faults``; no target means every socket."""

    action: Literal["drop", "noPong", "delay", "refuse"]
    code: int | None = None
    reason: str = ""
    seconds: float | None = Field(default=None, gt=0)
    delay_ms: int = Field(default=0, alias="delayMs", ge=0, le=60_000)
    count: int = Field(default=1, ge=1)
    status: int | None = None


def _device_uuid_of(device_url: str) -> str:
    path = urlsplit(device_url).path.rstrip("/")
    prefix = DEVICES_PATH + "/"
    if not path.startswith(prefix) or "/" in path[len(prefix) :]:
        raise BadRequestError(f"{device_url} is not a device URL of this emulator.")
    return path[len(prefix) :]


def _target(state: EmulatorState, body: _TargetBody) -> Target:
    person_uuid: str | None = None
    people = state.backend(PeopleBackend)
    if body.person_id is not None:
        person_uuid = people.get_by_id(body.person_id).uuid
    elif body.email is not None:
        person = people.find_by_email(body.email)
        if person is None:
            raise NotFoundError(f"No person with email {body.email}.")
        person_uuid = person.uuid
    device_uuid = None if body.device_url is None else _device_uuid_of(body.device_url)
    return Target(device_uuid=device_uuid, person_uuid=person_uuid)


async def publish_event(request: Request) -> JSONResponse:
    """Push ``data`` as one event to a user's or a device's sockets; answers the frame id."""
    body = await _parse(request, EventBody)
    state = get_state(request)
    target = _target(state, body)
    if target.device_uuid is None and target.person_uuid is None:
        raise BadRequestError("Give personId, email or deviceUrl.")
    if (
        target.device_uuid is not None
        and state.backend(WdmBackend).find(target.device_uuid) is None
    ):
        raise NotFoundError(f"No live device {body.device_url}.")
    published = state.backend(MercuryHub).publish(
        body.data, person_uuid=target.person_uuid, device_uuid=target.device_uuid
    )
    return JSONResponse(
        {
            "id": published.id,
            "delivered": published.delivered,
            "connections": published.connections,
        }
    )


async def list_connections(request: Request) -> JSONResponse:
    """Live sockets, oldest first; ``?all=true`` adds closed ones (after them)."""
    hub = get_state(request).backend(MercuryHub)
    connections = list(hub.live.values())
    if request.query_params.get("all", "").lower() == "true":
        connections = [*hub.history, *connections]
    return JSONResponse({"items": [connection.to_json() for connection in connections]})


async def add_mercury_fault(request: Request) -> JSONResponse:
    """Drop sockets now (``drop``) or add a standing ``noPong``/``delay``/``refuse`` fault."""
    body = await _parse(request, MercuryFaultBody)
    state = get_state(request)
    hub = state.backend(MercuryHub)
    target = _target(state, body)
    if body.action == "drop":
        code = CLOSE_ABNORMAL if body.code is None else body.code
        return JSONResponse({"dropped": hub.drop(target, code, body.reason)})
    fault = hub.add_fault(
        body.action,
        target,
        seconds=body.seconds,
        delay_ms=body.delay_ms,
        count=body.count,
        code=body.code,
        reason=body.reason,
        status=body.status,
    )
    return JSONResponse(fault.to_json(state.base_url))


async def list_mercury_faults(request: Request) -> JSONResponse:
    """The standing Mercury faults."""
    state = get_state(request)
    hub = state.backend(MercuryHub)
    now = state.clock()
    return JSONResponse({"items": [f.to_json(state.base_url) for f in hub.faults if f.active(now)]})


async def clear_mercury_faults(request: Request) -> JSONResponse:
    """Drop every standing Mercury fault."""
    return JSONResponse({"deleted": get_state(request).backend(MercuryHub).clear_faults()})


_M = f"{CONTROL_PREFIX}/mercury"

ROUTES: list[BaseRoute] = [
    WebSocketRoute(MERCURY_PATH_TEMPLATE, mercury_socket),
    Route(f"{_M}/events", publish_event, methods=["POST"]),
    Route(f"{_M}/connections", list_connections, methods=["GET"]),
    Route(f"{_M}/faults", add_mercury_fault, methods=["POST"]),
    Route(f"{_M}/faults", list_mercury_faults, methods=["GET"]),
    Route(f"{_M}/faults", clear_mercury_faults, methods=["DELETE"]),
]
