"""WDM routes: ``POST/GET {wdm}/devices``, ``GET/PUT/DELETE {wdm}/devices/{id}``.

Control routes: ``GET /_emulator/devices``, ``POST /_emulator/devices/expire``.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ...control import _Body, _parse
from ...core.auth import authenticate
from ...core.errors import BadRequestError, NotFoundError
from ...core.state import CONTROL_PREFIX, backend_of, get_state
from .models import DEVICES_PATH, INACTIVITY_CHECK_PATH, Device, WdmBackend


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise BadRequestError("The request body is not valid JSON.") from exc
    if not isinstance(body, dict):
        raise BadRequestError("The request body must be a JSON object.")
    return body


def _device_response(request: Request, device: Device) -> JSONResponse:
    etag = device.etag()
    matched = request.headers.get("if-none-match") == etag
    base_url = get_state(request).base_url
    body = device.to_json(base_url, omit_developer_features=matched)
    return JSONResponse(body, headers={"ETag": etag})


async def register_device(request: Request) -> JSONResponse:
    """``POST {wdm}/devices``: register a device of the caller (WDM device protocol)."""
    token = authenticate(request)
    body = await _json_body(request)
    device = backend_of(request, WdmBackend).register(token.person_uuid, token.org_uuid, body)
    return _device_response(request, device)


async def list_devices(request: Request) -> JSONResponse:
    """``GET {wdm}/devices``: the caller's devices."""
    token = authenticate(request)
    base_url = get_state(request).base_url
    devices = backend_of(request, WdmBackend).of_person(token.person_uuid)
    return JSONResponse({"devices": [device.to_json(base_url) for device in devices]})


async def get_device(request: Request) -> JSONResponse:
    """``GET <device url>``."""
    token = authenticate(request)
    device = backend_of(request, WdmBackend).get(
        request.path_params["device_id"], token.person_uuid
    )
    return _device_response(request, device)


async def refresh_device(request: Request) -> JSONResponse:
    """``PUT <device url>``: refresh (restarts an ephemeral TTL); 404 when gone (§3)."""
    token = authenticate(request)
    body = await _json_body(request)
    device = backend_of(request, WdmBackend).refresh(
        request.path_params["device_id"], token.person_uuid, body
    )
    return _device_response(request, device)


async def delete_device(request: Request) -> Response:
    """``DELETE <device url>``: unregister (§4); the device's Mercury sockets close."""
    token = authenticate(request)
    backend_of(request, WdmBackend).delete(request.path_params["device_id"], token.person_uuid)
    return Response(status_code=204)


async def inactivity_check(request: Request) -> JSONResponse:
    """``GET {wdm}/ping``: target of ``intranetInactivityCheckUrl``; always reachable."""
    return JSONResponse({})


# --- control API --------------------------------------------------------------------


class DeviceExpireBody(_Body):
    """``POST /_emulator/devices/expire``."""

    device_url: str | None = Field(default=None, alias="deviceUrl")
    all: bool = False


async def control_list_devices(request: Request) -> JSONResponse:
    """``GET /_emulator/devices``: every live device, of every user."""
    state = get_state(request)
    wdm = state.backend(WdmBackend)
    wdm.sweep()
    now = state.clock()
    return JSONResponse(
        {"items": [device.control_json(state.base_url, now) for device in wdm.devices.values()]}
    )


async def control_expire_devices(request: Request) -> JSONResponse:
    """``POST /_emulator/devices/expire``: one device (``deviceUrl``) or ``all``."""
    body = await _parse(request, DeviceExpireBody)
    wdm = backend_of(request, WdmBackend)
    if body.all:
        return JSONResponse({"expired": wdm.expire()})
    if body.device_url is None:
        raise BadRequestError('Give deviceUrl or "all": true.')
    device = wdm.find_by_url(body.device_url)
    if device is None:
        raise NotFoundError(f"No live device {body.device_url}.")
    return JSONResponse({"expired": wdm.expire(device.uuid)})


ROUTES: list[BaseRoute] = [
    Route(INACTIVITY_CHECK_PATH, inactivity_check, methods=["GET"]),
    Route(DEVICES_PATH, register_device, methods=["POST"]),
    Route(DEVICES_PATH, list_devices, methods=["GET"]),
    Route(f"{DEVICES_PATH}/{{device_id}}", get_device, methods=["GET"]),
    Route(f"{DEVICES_PATH}/{{device_id}}", refresh_device, methods=["PUT"]),
    Route(f"{DEVICES_PATH}/{{device_id}}", delete_device, methods=["DELETE"]),
    Route(f"{CONTROL_PREFIX}/devices", control_list_devices, methods=["GET"]),
    Route(f"{CONTROL_PREFIX}/devices/expire", control_expire_devices, methods=["POST"]),
]
