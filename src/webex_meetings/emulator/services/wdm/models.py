"""WDM backend: registered devices, their ephemeral TTL and the device DTO (WDM device protocol)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ...core.errors import BadRequestError, NotFoundError
from ...core.ids import new_uuid
from ...core.state import Backend, EmulatorState
from ..people.models import webex_timestamp
from ..u2c.models import SERVICE_PATHS

_WDM = SERVICE_PATHS["wdm"]

#: Path of the device collection; a device's URL is ``{base}{DEVICES_PATH}/<uuid>``.
DEVICES_PATH = f"{_WDM}/devices"

#: Mercury websocket path of a device, shaped like the real
#: ``/v1/apps/wx2/registrations/<id>/messages`` (Mercury protocol). It has no query string
#: on purpose: the JS SDK would drop its own parameters otherwise (WDM device protocol).
MERCURY_PATH_TEMPLATE = "/mercury/api/v1/apps/wx2/registrations/{device_uuid}/messages"

#: Target of the client-side intranet inactivity check (``intranetInactivityCheckUrl``).
INACTIVITY_CHECK_PATH = f"{_WDM}/ping"

#: Body fields a client may set on register/refresh; everything else it sends back
#: (the SDK re-sends the whole DTO on refresh, the WDM device protocol) is ignored.
CLIENT_FIELDS = (
    "name",
    "deviceType",
    "model",
    "localizedModel",
    "systemName",
    "systemVersion",
)

_DEFAULTS: dict[str, str] = {
    "name": "javascript",
    "deviceType": "WEB",
    "model": "web-js-sdk",
    "localizedModel": "webex-js-sdk",
    "systemName": "WEBEX_JS_SDK",
    "systemVersion": "1.0.0",
}

#: Largest accepted ``ttl``, seconds (one year); a guard against nonsense values.
MAX_TTL = 365 * 24 * 3600


def _default_features() -> dict[str, list[dict[str, Any]]]:
    # Both Mercury toggles stay off: web-high-availability would make the SDK rewrite the
    # socket URL to a catalog priority host, web-shared-mercury changes the handshake.
    return {
        "developer": [
            {"key": "web-high-availability", "val": "false", "mutable": True},
            {"key": "web-shared-mercury", "val": "false", "mutable": True},
        ],
        "entitlement": [{"key": "call-initiation", "val": "true", "mutable": False}],
        "user": [{"key": "location-sharing", "val": "false", "mutable": True}],
    }


@dataclass
class Device:
    """One WDM registration, owned by one user."""

    uuid: str
    person_uuid: str
    org_uuid: str
    fields: dict[str, str]
    """Client-set fields (:data:`CLIENT_FIELDS`)."""
    created: float
    modified: float
    ttl: int | None
    """Seconds; None for a non-ephemeral device, which never expires."""
    expires_at: float | None
    features: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def url(self, base_url: str) -> str:
        """The device URL, its identity towards WDM, Locus and Mercury."""
        return f"{base_url}{DEVICES_PATH}/{self.uuid}"

    def websocket_url(self, base_url: str) -> str:
        """The Mercury URL handed out as ``webSocketUrl``."""
        parts = urlsplit(base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}{MERCURY_PATH_TEMPLATE.format(device_uuid=self.uuid)}"

    def is_expired(self, now: float) -> bool:
        """Return True once an ephemeral device outlived its TTL."""
        return self.expires_at is not None and self.expires_at <= now

    def etag(self) -> str:
        """Quoted ETag of the feature toggles (WDM device protocol, ``If-None-Match``)."""
        digest = hashlib.sha256(json.dumps(self.features, sort_keys=True).encode()).hexdigest()
        return f'"{digest[:16]}"'

    def to_json(self, base_url: str, *, omit_developer_features: bool = False) -> dict[str, Any]:
        """Render the WDM device DTO (WDM device protocol).

        Args:
            base_url: The emulator's URL, for every advertised link.
            omit_developer_features: Leave out ``features.developer``, as WDM does when
                the client's ``If-None-Match`` matched (WDM device protocol).
        """
        features = {
            name: [dict(item, lastModified=webex_timestamp(self.created)) for item in items]
            for name, items in self.features.items()
            if not (omit_developer_features and name == "developer")
        }
        return {
            "url": self.url(base_url),
            "webSocketUrl": self.websocket_url(base_url),
            **self.fields,
            "userId": self.person_uuid,
            "orgId": self.org_uuid,
            "creationTime": webex_timestamp(self.created),
            "modificationTime": webex_timestamp(self.modified),
            "features": features,
            "services": {
                f"{name}ServiceUrl": f"{base_url}{path}" for name, path in SERVICE_PATHS.items()
            },
            "capabilities": {"groupCallSupported": True, "sdpSupported": True},
            "intranetInactivityCheckUrl": f"{base_url}{INACTIVITY_CHECK_PATH}",
            "intranetInactivityDuration": 0,
            "inNetworkInactivityDuration": 0,
            "clientMessagingGiphy": "ALLOW",
            "webFileShareControl": "ALLOW",
            "whiteboardFileShareControl": "ALLOW",
            "ecmEnabledForAllUsers": False,
            "ecmSupportedStorageProviders": [],
            "peopleInsightsEnabled": False,
            "showSupportText": False,
        }

    def control_json(self, base_url: str, now: float) -> dict[str, Any]:
        """Render the device for the control API (``GET /_emulator/devices``)."""
        return {
            "url": self.url(base_url),
            "webSocketUrl": self.websocket_url(base_url),
            "userId": self.person_uuid,
            "orgId": self.org_uuid,
            **self.fields,
            "ttl": self.ttl,
            "expiresIn": None if self.expires_at is None else max(0.0, self.expires_at - now),
            "created": self.created,
            "modified": self.modified,
        }


#: Called with every device that disappears and why: ``expired`` or ``deleted``.
RemovalListener = Callable[[Device, str], None]


def _ttl_of(body: Mapping[str, Any]) -> int | None:
    ttl = body.get("ttl")
    if ttl is None:
        return None
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not 0 < ttl <= MAX_TTL:
        raise BadRequestError(f"ttl must be a number of seconds between 1 and {MAX_TTL}.")
    return int(ttl)


def _client_fields(body: Mapping[str, Any], current: Mapping[str, str]) -> dict[str, str]:
    fields = dict(current)
    for name in CLIENT_FIELDS:
        value = body.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise BadRequestError(f"{name} must be a string.")
        fields[name] = value
    return fields


class WdmBackend(Backend):
    """Every registered device, keyed by uuid.

    Expiry is lazy: every lookup first drops devices past their TTL (:meth:`sweep`); the
    Mercury hub also sweeps periodically while sockets are open, so an expired device's
    sockets close without any HTTP traffic.
    """

    def __init__(self, state: EmulatorState) -> None:
        """Bind the backend; removal listeners survive resets."""
        super().__init__(state)
        self._listeners: list[RemovalListener] = []

    def reset(self) -> None:
        """Forget every device (listeners are told nothing: they reset too)."""
        self.devices: dict[str, Device] = {}

    def add_removal_listener(self, listener: RemovalListener) -> None:
        """Call ``listener`` for every device that expires or is deleted."""
        self._listeners.append(listener)

    def _remove(self, device: Device, why: str) -> None:
        self.devices.pop(device.uuid, None)
        for listener in self._listeners:
            listener(device, why)

    def sweep(self) -> int:
        """Drop every device past its TTL; returns how many went."""
        now = self.state.clock()
        expired = [device for device in self.devices.values() if device.is_expired(now)]
        for device in expired:
            self._remove(device, "expired")
        return len(expired)

    def register(self, person_uuid: str, org_uuid: str, body: Mapping[str, Any]) -> Device:
        """Register a new device for a user (``POST /devices``).

        Raises:
            BadRequestError: A bad ``ttl`` or non-string client field.
        """
        self.sweep()
        ttl = _ttl_of(body)
        now = self.state.clock()
        fields = _client_fields(body, _DEFAULTS)
        device = Device(
            uuid=new_uuid(),
            person_uuid=person_uuid,
            org_uuid=org_uuid,
            fields=fields,
            created=now,
            modified=now,
            ttl=ttl,
            expires_at=None if ttl is None else now + ttl,
            features=_default_features(),
        )
        self.devices[device.uuid] = device
        return device

    def find(self, device_uuid: str) -> Device | None:
        """Return a live device by uuid, or None (expired devices are swept first)."""
        self.sweep()
        return self.devices.get(device_uuid)

    def find_by_url(self, device_url: str) -> Device | None:
        """Return a live device by its URL (host ignored, only the path counts)."""
        path = urlsplit(device_url).path.rstrip("/")
        prefix = DEVICES_PATH + "/"
        if not path.startswith(prefix):
            return None
        return self.find(path[len(prefix) :])

    def get(self, device_uuid: str, person_uuid: str) -> Device:
        """Return one of a user's devices.

        Raises:
            NotFoundError: Unknown, expired, deleted, or another user's device.
        """
        device = self.find(device_uuid)
        if device is None or device.person_uuid != person_uuid:
            raise NotFoundError(f"Device {device_uuid} not found.")
        return device

    def of_person(self, person_uuid: str) -> list[Device]:
        """Return a user's live devices, oldest first."""
        self.sweep()
        return [device for device in self.devices.values() if device.person_uuid == person_uuid]

    def refresh(self, device_uuid: str, person_uuid: str, body: Mapping[str, Any]) -> Device:
        """Refresh a device (``PUT <device url>``): new fields, TTL restarted.

        A ``ttl`` in the body replaces the device's TTL (and makes a non-ephemeral
        device ephemeral); without one an ephemeral device keeps its TTL.

        Raises:
            NotFoundError: See :meth:`get`; the client then registers anew.
            BadRequestError: See :meth:`register`.
        """
        device = self.get(device_uuid, person_uuid)
        ttl = _ttl_of(body)
        device.fields = _client_fields(body, device.fields)
        now = self.state.clock()
        device.modified = now
        if ttl is not None:
            device.ttl = ttl
        if device.ttl is not None:
            device.expires_at = now + device.ttl
        return device

    def delete(self, device_uuid: str, person_uuid: str) -> None:
        """Unregister a device; its Mercury sockets are closed.

        Raises:
            NotFoundError: See :meth:`get`.
        """
        self._remove(self.get(device_uuid, person_uuid), "deleted")

    def expire(self, device_uuid: str | None = None) -> int:
        """Make one device (or, with None, every device) expire now.

        Returns:
            How many devices disappeared.
        """
        self.sweep()
        now = self.state.clock()
        targets = list(self.devices.values())
        if device_uuid is not None:
            targets = [device for device in targets if device.uuid == device_uuid]
        for device in targets:
            device.expires_at = min(device.expires_at or now, now)
        self.sweep()
        return len(targets)
