"""The Webex core object: ``Webex.init``, plugins, ``ready``, requests and shutdown.

``Webex.init(...)`` is synchronous, as in JS: it builds one frozen config, one
credentials object, the bounded/unbounded stores, one HTTP transport and the service
catalog, then loads credentials from storage in the background and emits ``loaded``
and ``ready``. Plugins (``people``, ``internal.services``...) are created on first use
and hold only a reference to the core.
"""

from __future__ import annotations

import asyncio
import platform
from collections.abc import Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import unquote, urlsplit

import httpx

from webex_meetings._config import WebexConfig
from webex_meetings._events import EventEmitter, Events
from webex_meetings._exceptions import CredentialsError
from webex_meetings._http import NOT_GIVEN, NotGiven, RequestOptions, RetryPolicy, WebexAuth
from webex_meetings._http._httpclient import CookielessAsyncClient, PooledTransport
from webex_meetings._http._transport import TrackingIds, Transport
from webex_meetings._logging import get_logger, register_secret, setup_logging
from webex_meetings._version import __version__
from webex_meetings.credentials import Credentials, Token
from webex_meetings.services import ServiceCatalog, join_url
from webex_meetings.storage import MemoryStoreAdapter, StorageAdapter, Store

if TYPE_CHECKING:
    from webex_meetings.internal.device import Device
    from webex_meetings.internal.mercury import Mercury
    from webex_meetings.meetings import Meetings

    # Resource modules are imported on first use: importing the package stays fast.
    from webex_meetings.resources.attachment_actions import AttachmentActions
    from webex_meetings.resources.events import ComplianceEvents
    from webex_meetings.resources.meetings_api import MeetingsAPI
    from webex_meetings.resources.memberships import Memberships
    from webex_meetings.resources.messages import Messages
    from webex_meetings.resources.people import People
    from webex_meetings.resources.room_tabs import RoomTabs
    from webex_meetings.resources.rooms import Rooms
    from webex_meetings.resources.team_memberships import TeamMemberships
    from webex_meetings.resources.teams import Teams
    from webex_meetings.resources.webhooks import Webhooks

__all__ = ["Internal", "Webex"]

logger = get_logger(__name__)

# Keys of the ``credentials`` argument that are OAuth client settings rather than
# token state (the seed documents mix the two; the JS SDK splits them).
_CLIENT_KEYS = ("client_id", "client_secret", "redirect_uri", "scope", "clientType", "client_type")
_TOKEN_KEYS = ("access_token", "authorization", "supertoken")


class Internal:
    """``webex.internal``: plugins that are not public API in JS but that apps reach."""

    def __init__(self, webex: Webex) -> None:
        self._webex = webex

    @property
    def services(self) -> ServiceCatalog:
        """The U2C service catalog."""
        return self._webex._services

    @cached_property
    def device(self) -> Device:
        """The WDM device registration (register, refresh, unregister)."""
        from webex_meetings.internal.device import Device

        return Device(self._webex)

    @cached_property
    def mercury(self) -> Mercury:
        """The Mercury websocket (``connect``, ``disconnect``, ``on("event:...")``)."""
        from webex_meetings.internal.mercury import Mercury

        return Mercury(self._webex)

    async def close(self) -> None:
        """Close the websocket and stop the device refresh; the registration is kept.

        Only plugins that were created are touched, so closing never opens anything.
        """
        if "mercury" in self.__dict__:
            await self.mercury.disconnect()
        if "device" in self.__dict__:
            await self.device.close()


class Webex(EventEmitter):
    """The SDK core; create it with :meth:`Webex.init`.

    Use it as an async context manager so everything it opened is closed::

        async with Webex.init(credentials={"access_token": token}) as webex:
            await webex.wait_until_ready()
            me = await webex.people.me()
    """

    version = __version__

    def __init__(
        self,
        *,
        config: WebexConfig,
        token: Token | None,
        client_settings: Mapping[str, Any],
        bounded: StorageAdapter,
        unbounded: StorageAdapter,
        http_client: httpx.AsyncClient | None,
    ) -> None:
        super().__init__()
        self.config = config
        setup_logging(config.logger.level)
        self.bounded_storage = Store(bounded)
        self.unbounded_storage = Store(unbounded)
        creds = config.credentials
        secret = client_settings.get("client_secret") or _secret(creds.client_secret)
        self._services = ServiceCatalog(
            discovery={
                "u2c": config.services.discovery.u2c,
                "hydra": config.services.discovery.hydra,
            },
            override=config.services.override,
            validate_domains=config.services.validate_domains,
            allowed_domains=tuple(config.services.allowed_domains),
            fedramp=config.fedramp,
        )
        self.credentials = Credentials(
            token=token,
            client_id=client_settings.get("client_id") or creds.client_id,
            client_secret=secret,
            redirect_uri=client_settings.get("redirect_uri") or creds.redirect_uri,
            token_url=self._token_url,
            store=self.bounded_storage,
            on_invalid_request=self._on_invalid_request,
        )
        http = config.http
        for proxy in (http.proxy, config.default_mercury_options.proxy):
            _register_proxy_password(proxy)
        owns_client = http_client is None
        # REST goes through http.proxy only; defaultMercuryOptions.proxy is the
        # websocket's (as the JS agent is), so a proxy applies where it was configured.
        # Every slot of the transport keeps its connection alive between requests.
        limits = httpx.Limits(
            max_connections=http.max_concurrency, max_keepalive_connections=http.max_concurrency
        )
        client = http_client or CookielessAsyncClient(
            timeout=http.timeout,
            verify=http.verify,
            proxy=http.proxy,
            follow_redirects=False,
            limits=limits,
            transport=PooledTransport(verify=http.verify, limits=limits),
        )
        self.transport = Transport(
            client=client,
            owns_client=owns_client,
            auth=WebexAuth(
                self.credentials,
                lambda url: self._services.should_authorize(str(url)),
                max_replays=config.max_authentication_replays,
            ),
            retry=RetryPolicy(
                max_retries=http.max_retries,
                max_wait=http.max_retry_wait,
                backoff_initial=http.backoff_initial,
                backoff_max=http.backoff_max,
            ),
            resolve=self._services.url_for,
            tracking=TrackingIds(
                config.tracking_id_prefix, config.tracking_id_base, config.tracking_id_suffix
            ),
            user_agent=_user_agent(config),
            spark_user_agent=_spark_user_agent(config),
            max_concurrency=http.max_concurrency,
            timeout=http.timeout,
        )
        self.credentials.bind_transport(self.transport)
        self._services.bind(
            self.transport, lambda: self.credentials.org_id, wait_ready=self.wait_until_ready
        )
        self.loaded = False
        self.ready = False
        self._closed = False
        self._load_task: asyncio.Task[None] | None = None
        self._load_error: BaseException | None = None
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass  # no loop yet: loading starts at the first await on this object
        else:
            self._start_loading()

    # -- construction ----------------------------------------------------------------

    @classmethod
    def init(
        cls,
        credentials: str | Mapping[str, Any] | Token | None = None,
        config: Mapping[str, Any] | WebexConfig | None = None,
        storage: StorageAdapter | Mapping[str, StorageAdapter] | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> Webex:
        """Build the SDK core, as JS ``Webex.init({credentials, config})``.

        Args:
            credentials: an access token string, ``"Bearer <token>"``, a :class:`Token`,
                or a mapping with ``access_token`` (and optionally ``refresh_token``,
                ``expires_in``, ``client_id``, ``client_secret``...). Optional when the
                bounded storage already holds a token.
            config: the JS configuration shape (camelCase dict) or a
                :class:`WebexConfig`; unknown keys raise :class:`ConfigError`.
            storage: the bounded storage adapter, or ``{"boundedAdapter": ...,
                "unboundedAdapter": ...}``; defaults to ``config.storage``, then memory.
            http_client: an ``httpx.AsyncClient`` to send with (e.g. one with an
                ``httpx.MockTransport`` in tests); it is not closed by the SDK.

        Returns:
            The core object; it emits ``ready`` once credentials and storage are loaded.

        Raises:
            ConfigError: an unknown config key or a value of the wrong type.
            CredentialsError: ``credentials`` has no usable access token.
        """
        cfg = WebexConfig.load(config)
        token, client_settings = _split_credentials(credentials, cfg)
        bounded, unbounded = _adapters(storage, cfg)
        return cls(
            config=cfg,
            token=token,
            client_settings=client_settings,
            bounded=bounded,
            unbounded=unbounded,
            http_client=http_client,
        )

    def __repr__(self) -> str:
        return f"Webex(version={self.version!r}, ready={self.ready}, closed={self._closed})"

    # -- lifecycle -------------------------------------------------------------------

    def _start_loading(self) -> asyncio.Task[None]:
        if self._load_task is None:
            self._load_task = asyncio.get_running_loop().create_task(
                self._load(), name="webex-load"
            )
        return self._load_task

    async def _load(self) -> None:
        try:
            await self.credentials.load()
        except Exception as exc:
            self._load_error = exc
            logger.error("loading credentials from storage failed: %s", exc)
            self.emit(Events.ERROR, exc)
            return
        self.loaded = True
        self.emit(Events.LOADED)
        self.ready = True
        logger.debug("webex core ready")
        self.emit(Events.READY)

    async def wait_until_ready(self, timeout: float | None = None) -> None:
        """Wait for ``ready`` (JS: ``webex.once('ready', ...)``).

        Raises:
            StorageError: loading the stored credentials failed.
            TimeoutError: not ready within ``timeout`` seconds.
        """
        task = self._start_loading()
        async with asyncio.timeout(timeout):
            await asyncio.shield(task)
        if self._load_error is not None:
            raise self._load_error

    @property
    def session_id(self) -> str:
        """``<trackingIdPrefix>_<uuid>[_suffix]``: the prefix of every tracking id."""
        return self.transport.tracking.session_id

    @property
    def can_authorize(self) -> bool:
        """True if a usable token exists or can be obtained by a refresh."""
        return self.credentials.can_authorize

    async def close(self) -> None:
        """Close what the core opened (HTTP client, storage adapters). Idempotent."""
        if self._closed:
            return
        self._closed = True
        if "meetings" in self.__dict__:
            await self.meetings.close()  # keep-alives, Locus syncs, pending lookups
        if "internal" in self.__dict__:
            await self.internal.close()
        if self._load_task is not None and not self._load_task.done():
            self._load_task.cancel()
            await asyncio.gather(self._load_task, return_exceptions=True)
        await self.transport.aclose()
        await self.bounded_storage.close()
        if self.unbounded_storage.adapter is not self.bounded_storage.adapter:
            await self.unbounded_storage.close()

    async def __aenter__(self) -> Self:
        self._start_loading()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # -- plugins ---------------------------------------------------------------------

    @cached_property
    def internal(self) -> Internal:
        """Internal plugins (``services``; later ``device``, ``mercury``)."""
        return Internal(self)

    @cached_property
    def meetings(self) -> Meetings:
        """The Meetings plugin (``register``, ``unregister``, ``meetings:*`` events)."""
        from webex_meetings.meetings import Meetings

        return Meetings(self)

    @cached_property
    def people(self) -> People:
        """The People REST resource (``me``, ``get``, ``list``, ``create``...)."""
        from webex_meetings.resources.people import People

        return People(self)

    @cached_property
    def rooms(self) -> Rooms:
        """The Rooms REST resource."""
        from webex_meetings.resources.rooms import Rooms

        return Rooms(self)

    @cached_property
    def memberships(self) -> Memberships:
        """The Memberships REST resource."""
        from webex_meetings.resources.memberships import Memberships

        return Memberships(self)

    @cached_property
    def messages(self) -> Messages:
        """The Messages REST resource."""
        from webex_meetings.resources.messages import Messages

        return Messages(self)

    @cached_property
    def teams(self) -> Teams:
        """The Teams REST resource."""
        from webex_meetings.resources.teams import Teams

        return Teams(self)

    @cached_property
    def team_memberships(self) -> TeamMemberships:
        """The Team Memberships REST resource."""
        from webex_meetings.resources.team_memberships import TeamMemberships

        return TeamMemberships(self)

    @cached_property
    def webhooks(self) -> Webhooks:
        """The Webhooks REST resource (also ``webex.meetings_api.webhooks``)."""
        from webex_meetings.resources.webhooks import Webhooks

        return Webhooks(self)

    @cached_property
    def attachment_actions(self) -> AttachmentActions:
        """The Attachment Actions REST resource."""
        from webex_meetings.resources.attachment_actions import AttachmentActions

        return AttachmentActions(self)

    @cached_property
    def room_tabs(self) -> RoomTabs:
        """The Room Tabs REST resource."""
        from webex_meetings.resources.room_tabs import RoomTabs

        return RoomTabs(self)

    @cached_property
    def events(self) -> ComplianceEvents:
        """The Events REST resource (compliance events, ``GET /events``)."""
        from webex_meetings.resources.events import ComplianceEvents

        return ComplianceEvents(self)

    @cached_property
    def meetings_api(self) -> MeetingsAPI:
        """The Meetings REST family (``webex.meetings_api.meetings``, ``.invitees``...)."""
        from webex_meetings.resources.meetings_api import MeetingsAPI

        return MeetingsAPI(self)

    # -- requests --------------------------------------------------------------------

    async def request(
        self,
        method: str,
        *,
        service: str | None = None,
        resource: str = "",
        uri: str | None = None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> httpx.Response:
        """An authenticated request through the whole pipeline (JS ``webex.request``).

        Address it by ``service`` + ``resource`` (resolved through the catalog) or by an
        absolute ``uri``.

        Raises:
            APIStatusError: the final response had a status >= 400.
            APIConnectionError: no response could be obtained.
        """
        if not self.ready:
            await self.wait_until_ready()
        options = RequestOptions(
            method=method,
            service=service,
            resource=resource,
            url=uri,
            params=params,
            json=json,
            headers=dict(headers or {}),
            timeout=timeout,
            max_retries=max_retries,
        )
        return await self.transport.request(options)

    def _on_invalid_request(self) -> None:
        self.emit(Events.CLIENT_INVALID_REQUEST_ERROR)

    def _token_url(self) -> str:
        creds = self.config.credentials
        if creds.token_url:
            return creds.token_url
        base = self._services.get("idbroker") or creds.idbroker_url
        return join_url(base, "idb/oauth2/v1/access_token")


def _secret(value: Any) -> str | None:
    if value is None:
        return None
    getter = getattr(value, "get_secret_value", None)
    return str(getter()) if callable(getter) else str(value)


def _split_credentials(
    value: str | Mapping[str, Any] | Token | None, config: WebexConfig
) -> tuple[Token | None, dict[str, Any]]:
    """Split the ``credentials`` argument into token state and OAuth client settings."""
    client: dict[str, Any] = {}
    token: Token | None = None
    if isinstance(value, Token):
        token = value
    elif isinstance(value, str):
        token = Token.parse(value)
    elif isinstance(value, Mapping):
        for key in _CLIENT_KEYS:
            if value.get(key) is not None:
                client[key.replace("clientType", "client_type")] = value[key]
        if any(value.get(k) for k in _TOKEN_KEYS):
            token = Token.parse(value)
        elif value.get("refresh_token"):
            raise CredentialsError(
                "credentials have a refresh_token but no access_token; pass both"
            )
    elif value is not None:
        raise CredentialsError(
            f"credentials must be a token string, a mapping or a Token, got {type(value).__name__}"
        )
    if token is None:
        creds = config.credentials
        access = _secret(creds.access_token)
        if access:
            token = Token.parse(
                {"access_token": access, "refresh_token": _secret(creds.refresh_token)}
            )
    elif token.refresh_token is None and config.credentials.refresh_token is not None:
        token = Token(
            access_token=token.access_token,
            token_type=token.token_type,
            expires=token.expires,
            refresh_token=_secret(config.credentials.refresh_token),
            scope=token.scope,
        )
    return token, client


def _adapters(
    storage: StorageAdapter | Mapping[str, StorageAdapter] | None, config: WebexConfig
) -> tuple[StorageAdapter, StorageAdapter]:
    bounded: Any = config.storage.bounded_adapter
    unbounded: Any = config.storage.unbounded_adapter
    if isinstance(storage, Mapping):
        bounded = storage.get("boundedAdapter", storage.get("bounded_adapter", bounded))
        unbounded = storage.get("unboundedAdapter", storage.get("unbounded_adapter", unbounded))
    elif storage is not None:
        bounded = storage
    return bounded or MemoryStoreAdapter(), unbounded or MemoryStoreAdapter()


def _spark_user_agent(config: WebexConfig) -> str:
    agent = f"webex-meetings/{__version__} (python)"
    if config.app_name:
        agent += f" {config.app_name}/{config.app_version or '0.0'}"
    if config.app_platform:
        agent += f" {config.app_platform}"
    return agent


def _user_agent(config: WebexConfig) -> str:
    if config.app_name:
        return f"{config.app_name}/{config.app_version or '0.0'}"
    return f"webex-meetings/{__version__} python/{platform.python_version()}"


def _register_proxy_password(proxy: str | None) -> None:
    """Mask a proxy URL's password in logs, wherever it shows up (e.g. decoded)."""
    if proxy:
        password = urlsplit(proxy).password
        if password:
            register_secret(unquote(password))
