"""The WDM device registration (``webex.internal.device``): register, refresh, unregister.

Lifecycle (WDM device protocol)::

    UNREGISTERED ──register()──► REGISTERING ──► REGISTERED ──refresh()──► REFRESHING
         ▲                            │              │  ▲                       │
         │                            └─(error)──────┘  └───────────────────────┘
         └───────────── UNREGISTERING ◄──unregister()──┘

1. ``register()``: with a registration stored in bounded storage (namespace
   ``Device``, key ``@``) that has not expired, refresh it (``PUT <url>``) instead of
   creating a new one, so a restarted bot does not leave a device behind each time;
   only a ``404`` on that refresh leads to a fresh ``POST {wdm}/devices``.
2. ``POST {wdm}/devices?includeUpstreamServices=all`` with the JS body (``ttl`` when
   ephemeral). The record's ``url`` and ``webSocketUrl`` are checked with
   ``services.validate_url`` before they are used or stored.
3. Ephemeral devices are refreshed ``ttl / 2 + 60`` s after every register/refresh.
4. ``unregister()``: ``DELETE <url>``; local and stored state cleared.

Deviation from JS: the JS SDK persists only non-ephemeral devices; this client also
persists an ephemeral one together with its expiry, and reuses it while it is valid.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from webex_meetings._events import EventEmitter, Events
from webex_meetings._exceptions import (
    DeviceError,
    DomainNotAllowedError,
    NotFoundError,
    StorageError,
)
from webex_meetings._http import RequestOptions
from webex_meetings._logging import get_logger
from webex_meetings.services import join_url

if TYPE_CHECKING:
    from webex_meetings._client import Webex

__all__ = ["Device", "DeviceState", "normalize_features"]

logger = get_logger(__name__)

NAMESPACE: Final = "Device"
KEY: Final = "@"
# Fields never sent back on refresh (WDM device protocol) or never kept (§2).
_NOT_REFRESHED: Final = frozenset({"features", "mediaCluster", "etag"})
_DROPPED: Final = frozenset({"services", "serviceHostMap"})
# Seconds before the next attempt when a scheduled refresh failed.
_REFRESH_RETRY: Final = 60.0


class DeviceState(enum.Enum):
    """Lifecycle of the WDM registration."""

    UNREGISTERED = "unregistered"
    REGISTERING = "registering"
    REGISTERED = "registered"
    REFRESHING = "refreshing"
    UNREGISTERING = "unregistering"


def _feature_value(val: Any) -> tuple[Any, str]:
    """Derive ``(value, type)`` from a feature's ``val`` as the JS feature model does."""
    if isinstance(val, bool):
        return val, "boolean"
    if isinstance(val, int | float):
        return val, "number"
    text = str(val) if val is not None else ""
    if text.lower() in ("true", "false"):
        return text.lower() == "true", "boolean"
    try:
        number = float(text)
    except ValueError:
        return text, "string"
    return (int(number) if number.is_integer() and "." not in text else number), "number"


def normalize_features(features: Any) -> dict[str, list[dict[str, Any]]]:
    """Return ``{developer, entitlement, user}`` lists with ``value``/``type`` re-derived."""
    out: dict[str, list[dict[str, Any]]] = {"developer": [], "entitlement": [], "user": []}
    if not isinstance(features, Mapping):
        return out
    for group in out:
        items = features.get(group)
        if not isinstance(items, list):
            continue
        for item in items:
            if isinstance(item, Mapping) and "key" in item:
                value, kind = _feature_value(item.get("val"))
                out[group].append({**item, "value": value, "type": kind})
    return out


class Device(EventEmitter):
    """The JS SDK's ``webex.internal.device``.

    Emits ``registration:success`` (with the device record) after every successful
    register or refresh.

    Attributes:
        state: the current :class:`DeviceState`.
    """

    def __init__(self, webex: Webex) -> None:
        super().__init__()
        self._webex = webex
        self.state = DeviceState.UNREGISTERED
        self._record: dict[str, Any] = {}
        self._etag: str | None = None
        self._expires_at: float | None = None
        self._op_lock = asyncio.Lock()
        self._restored = False
        self._refresh_task: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"Device(state={self.state.value}, url={self.url!r})"

    # -- properties ------------------------------------------------------------------

    @property
    def registered(self) -> bool:
        """True when a device URL is known (JS: ``registered = !!url``)."""
        return bool(self._record.get("url"))

    @property
    def url(self) -> str | None:
        """The device URL (its id towards Locus and the ``cisco-device-url`` header)."""
        return self._record.get("url")

    @property
    def web_socket_url(self) -> str | None:
        """The Mercury websocket URL handed out by WDM."""
        return self._record.get("webSocketUrl")

    @property
    def user_id(self) -> str | None:
        """The user's uuid from the registration."""
        return self._record.get("userId")

    @property
    def org_id(self) -> str | None:
        """The org's uuid from the registration."""
        return self._record.get("orgId")

    @property
    def features(self) -> dict[str, list[dict[str, Any]]]:
        """Feature toggles ``{developer, entitlement, user}``."""
        return normalize_features(self._record.get("features"))

    @property
    def record(self) -> dict[str, Any]:
        """A copy of the whole device record as WDM returned it."""
        return dict(self._record)

    @property
    def etag(self) -> str | None:
        """The ``etag`` header of the last register/refresh response."""
        return self._etag

    def feature(self, group: str, key: str, default: Any = None) -> Any:
        """The derived ``value`` of feature ``key`` in ``group`` (``developer``...)."""
        for item in self.features.get(group, []):
            if item.get("key") == key:
                return item.get("value")
        return default

    # -- lifecycle -------------------------------------------------------------------

    def _set_state(self, state: DeviceState) -> None:
        if state is not self.state:
            logger.info("device: %s -> %s", self.state.value, state.value)
            self.state = state

    async def register(self) -> dict[str, Any]:
        """Register the device, or refresh it when it is already (or was) registered.

        Returns:
            The device record.

        Raises:
            DeviceError: WDM returned an unusable record.
            DomainNotAllowedError: the record points at a host outside the allowed domains.
            APIError: the WDM request failed.
        """
        async with self._op_lock:
            await self._restore()
            if self.registered:
                return await self._refresh_locked()
            return await self._register_locked()

    async def refresh(self) -> dict[str, Any]:
        """Refresh the registration (``PUT <url>``); register anew on ``404``.

        Raises:
            DeviceError, DomainNotAllowedError, APIError: as for :meth:`register`.
        """
        async with self._op_lock:
            await self._restore()
            if not self.registered:
                return await self._register_locked()
            return await self._refresh_locked()

    async def unregister(self) -> None:
        """Delete the registration (``DELETE <url>``) and forget it; no-op when unregistered.

        A ``404`` (already gone) counts as success.
        """
        async with self._op_lock:
            self._cancel_refresh()
            await self._restore()
            url = self.url
            if not url:
                self._set_state(DeviceState.UNREGISTERED)
                return
            self._set_state(DeviceState.UNREGISTERING)
            try:
                await self._webex.transport.request(RequestOptions(method="DELETE", url=url))
            except NotFoundError:
                logger.info("device: already gone on WDM")
            except BaseException:
                self._set_state(DeviceState.REGISTERED)
                raise
            await self._clear()
            self._set_state(DeviceState.UNREGISTERED)

    async def close(self) -> None:
        """Stop the refresh timer (the registration itself is kept)."""
        self._cancel_refresh()
        task = self._refresh_task
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)

    # -- requests --------------------------------------------------------------------

    def _query(self) -> dict[str, str]:
        details = "all"
        if self._webex.config.device.energy_forecast:
            details += ",energyforecast"
        return {"includeUpstreamServices": details}

    def _headers(self) -> dict[str, str]:
        cfg = self._webex.config.device
        return {**cfg.defaults.headers, **cfg.headers}

    def _ttl(self) -> int | None:
        cfg = self._webex.config.device
        return cfg.ephemeral_device_ttl if cfg.ephemeral else None

    def _register_body(self) -> dict[str, Any]:
        cfg = self._webex.config.device
        defaults = cfg.defaults.body
        body: dict[str, Any] = {
            "name": defaults.name,
            "deviceType": defaults.device_type,
            "model": defaults.model,
            "localizedModel": defaults.localized_model,
            "systemName": defaults.system_name,
            "systemVersion": defaults.system_version,
        }
        body.update(cfg.body)
        ttl = self._ttl()
        if ttl is not None:
            body["ttl"] = ttl
        return body

    def _refresh_body(self) -> dict[str, Any]:
        body = {k: v for k, v in self._record.items() if k not in _NOT_REFRESHED}
        body.update(self._webex.config.device.body)
        ttl = self._ttl()
        if ttl is not None:
            body["ttl"] = ttl
        return body

    async def _register_locked(self) -> dict[str, Any]:
        self._set_state(DeviceState.REGISTERING)
        try:
            wdm = await self._webex.internal.services.get_url("wdm")
            response = await self._webex.transport.request(
                RequestOptions(
                    method="POST",
                    url=join_url(wdm, "devices"),
                    params=self._query(),
                    json=self._register_body(),
                    headers=self._headers(),
                )
            )
            record = await self._accept(response.json(), response.headers.get("etag"))
        except BaseException:
            self._set_state(DeviceState.UNREGISTERED)
            raise
        logger.info("device: registered %s", self.url)
        return record

    async def _refresh_locked(self) -> dict[str, Any]:
        url = self.url
        assert url is not None
        self._set_state(DeviceState.REFRESHING)
        headers = self._headers()
        if self._etag:
            headers["If-None-Match"] = self._etag
        try:
            response = await self._webex.transport.request(
                RequestOptions(
                    method="PUT",
                    url=url,
                    params=self._query(),
                    json=self._refresh_body(),
                    headers=headers,
                )
            )
        except NotFoundError:
            logger.info("device: %s is gone on WDM (404); registering anew", url)
            await self._clear()
            return await self._register_locked()
        except BaseException:
            self._set_state(DeviceState.REGISTERED)
            raise
        try:
            record = await self._accept(response.json(), response.headers.get("etag"))
        except BaseException:
            self._set_state(DeviceState.REGISTERED)
            raise
        logger.debug("device: refreshed %s", url)
        return record

    async def _accept(self, body: Any, etag: str | None) -> dict[str, Any]:
        """Validate, store and announce a register/refresh response."""
        if not isinstance(body, Mapping):
            raise DeviceError("WDM answered without a device object")
        record = {k: v for k, v in body.items() if k not in _DROPPED}
        url = record.get("url")
        if not isinstance(url, str) or not url:
            raise DeviceError("the WDM device record has no 'url'")
        self._validate(url, "the WDM device url")
        ws = record.get("webSocketUrl")
        if ws is not None:
            if not isinstance(ws, str):
                raise DeviceError("the WDM device record has a non-string 'webSocketUrl'")
            self._validate(ws, "the WDM webSocketUrl")
        previous = self._record
        if etag is not None and etag == self._etag and "features" in previous:
            # Same etag: WDM may have omitted the developer toggles (WDM device protocol).
            features = dict(previous.get("features") or {})
            new = record.get("features")
            if isinstance(new, Mapping):
                for group in ("user", "entitlement"):
                    if group in new:
                        features[group] = new[group]
            record["features"] = features
        self._record = record
        self._etag = etag
        ttl = self._ttl()
        self._expires_at = time.time() + ttl if ttl is not None else None
        await self._persist()
        self._set_state(DeviceState.REGISTERED)
        self._schedule_refresh()
        self.emit(Events.REGISTRATION_SUCCESS, self.record)
        return self.record

    def _validate(self, url: str, what: str) -> None:
        # ws(s) URLs are checked as their http(s) twins: the catalog holds http(s) URLs.
        checked = url
        if url.startswith("wss://"):
            checked = "https://" + url[len("wss://") :]
        elif url.startswith("ws://"):
            checked = "http://" + url[len("ws://") :]
        try:
            self._webex.internal.services.validate_url(checked, what=what)
        except DomainNotAllowedError:
            logger.error("device: rejected %s: host not allowed", what)
            raise

    # -- refresh timer ---------------------------------------------------------------

    def _schedule_refresh(self) -> None:
        ttl = self._ttl()
        if ttl is None:
            return
        self._schedule_refresh_in(ttl / 2 + 60)

    def _schedule_refresh_in(self, delay: float) -> None:
        self._cancel_refresh()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # pragma: no cover - always called from a coroutine
            return
        self._refresh_task = loop.create_task(self._refresh_later(delay), name="wdm-refresh")

    def _cancel_refresh(self) -> None:
        task = self._refresh_task
        if task is not None and task is not asyncio.current_task() and not task.done():
            task.cancel()

    async def _refresh_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        try:
            await self.refresh()
        except Exception as exc:
            logger.warning("device: scheduled refresh failed: %s; retrying later", exc)
            self.emit(Events.ERROR, exc)
            self._schedule_refresh_in(_REFRESH_RETRY)

    # -- persistence -----------------------------------------------------------------

    async def _restore(self) -> None:
        """Load a stored registration once, if it is still valid."""
        if self._restored:
            return
        self._restored = True
        if self.registered:
            return
        try:
            stored = await self._webex.bounded_storage.get(NAMESPACE, KEY)
        except KeyError:
            return
        except StorageError as exc:
            logger.warning("device: could not read the stored registration: %s", exc)
            return
        if not isinstance(stored, Mapping) or not isinstance(stored.get("device"), Mapping):
            return
        expires = stored.get("expiresAt")
        if isinstance(expires, int | float) and expires <= time.time():
            logger.info("device: the stored registration has expired")
            await self._webex.bounded_storage.delete(NAMESPACE, KEY)
            return
        record = dict(stored["device"])
        try:
            self._validate(str(record.get("url", "")), "the stored device url")
            if record.get("webSocketUrl") is not None:
                self._validate(str(record["webSocketUrl"]), "the stored webSocketUrl")
        except DomainNotAllowedError:
            await self._webex.bounded_storage.delete(NAMESPACE, KEY)
            return
        self._record = record
        etag = stored.get("etag")
        self._etag = etag if isinstance(etag, str) else None
        self._expires_at = float(expires) if isinstance(expires, int | float) else None
        logger.info("device: reusing the stored registration %s", self.url)

    async def _persist(self) -> None:
        value = {"device": self._record, "etag": self._etag, "expiresAt": self._expires_at}
        try:
            await self._webex.bounded_storage.put(NAMESPACE, KEY, value)
        except (StorageError, TypeError) as exc:
            logger.warning("device: could not store the registration: %s", exc)

    async def _clear(self) -> None:
        self._record = {}
        self._etag = None
        self._expires_at = None
        try:
            await self._webex.bounded_storage.delete(NAMESPACE, KEY)
        except StorageError as exc:
            logger.warning("device: could not delete the stored registration: %s", exc)
