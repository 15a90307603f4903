"""The typed, frozen configuration behind ``Webex.init(config=...)`` and its JS-shape loader.

:class:`WebexConfig` mirrors the merged JS config object (``webex-core``, the ``webex``
bundle, and the device, Mercury, metrics, people and meetings plugins). Every field is
readable under its snake_case name and accepted under its JS camelCase key::

    config = WebexConfig.load({"meetings": {"reconnection": {"enabled": True}}})
    config.meetings.reconnection.enabled        # True
    config.services.discovery.u2c               # "https://u2c.wbx2.com/u2c/api/v1"
    config.http.timeout                         # 30.0

Bad input raises :class:`~webex_meetings._exceptions.ConfigError` naming the dotted key
as the caller spelled it. Secrets are :class:`pydantic.SecretStr` and never appear in a
``repr``, a dump or an error message. The ``meetings`` section lives in
:mod:`webex_meetings._config_meetings`.
"""

from __future__ import annotations

import difflib
import inspect
import types
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    AliasPath,
    BaseModel,
    Field,
    SecretStr,
    StrictBool,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from webex_meetings._config_meetings import (
    BandwidthConfig,
    ConfigSection,
    Count,
    DegradationPreferencesConfig,
    ExperimentalConfig,
    LoggingConfig,
    MediaSettingsConfig,
    MeetingsConfig,
    MeetingsMetricsConfig,
    Milliseconds,
    ReconnectionConfig,
    ResolutionConfig,
    ScreenResolutionConfig,
    Seconds,
    StatsConfig,
)
from webex_meetings._exceptions import ConfigError
from webex_meetings._logging import redact_url_credentials

__all__ = [
    "BandwidthConfig",
    "ConfigSection",
    "CredentialsConfig",
    "DefaultMercuryOptions",
    "DegradationPreferencesConfig",
    "DeviceBodyConfig",
    "DeviceConfig",
    "DeviceDefaultsConfig",
    "DiscoveryConfig",
    "ExperimentalConfig",
    "HttpConfig",
    "LogLevel",
    "LoggerConfig",
    "LoggingConfig",
    "MediaSettingsConfig",
    "MeetingsConfig",
    "MeetingsMetricsConfig",
    "MercuryConfig",
    "MetricsConfig",
    "PeopleConfig",
    "ReconnectionConfig",
    "ResolutionConfig",
    "ScreenResolutionConfig",
    "ServicesConfig",
    "StatsConfig",
    "StorageConfig",
    "WebexConfig",
]

MASK = "**********"
"""What :meth:`WebexConfig.to_js_dict` shows instead of a secret."""

LogLevel = Literal["silent", "error", "warn", "log", "info", "debug", "trace"]
"""SDK log levels, as in the JS logger."""

_Model = typing.TypeVar("_Model", bound=BaseModel)

HYDRA_URL = "https://api.ciscospark.com/v1"
METRICS_URL = "https://metrics-a.wbx2.com/metrics/api/v1"


# --- credentials -------------------------------------------------------------------------


class CredentialsConfig(ConfigSection):
    """``credentials``: OAuth client settings (token state usually comes from ``Webex.init``).

    The JS OAuth keys are snake_case (``client_id``); the rest are camelCase. The identity
    endpoints are accepted flat (``idbrokerUrl``) or in the JS nested shape
    (``idbroker: {url}``).
    """

    access_token: SecretStr | None = Field(default=None, alias="access_token")
    """Access token. Usually given as the top-level ``credentials`` argument of
    ``Webex.init`` instead. Mirrors JS ``credentials.access_token``."""
    refresh_token: SecretStr | None = Field(default=None, alias="refresh_token")
    """Refresh token used to renew the access token. Python addition (JS keeps it in the
    token object)."""
    client_type: Literal["confidential", "public"] = "confidential"
    """OAuth client type: ``confidential`` (code grant) or ``public`` (implicit grant).
    Mirrors JS ``credentials.clientType``."""
    client_id: str | None = Field(default=None, alias="client_id")
    """OAuth client id; needed to refresh a token. Mirrors JS ``credentials.client_id``."""
    client_secret: SecretStr | None = Field(default=None, alias="client_secret")
    """OAuth client secret. Mirrors JS ``credentials.client_secret``."""
    redirect_uri: str | None = Field(default=None, alias="redirect_uri")
    """OAuth redirect URI. Mirrors JS ``credentials.redirect_uri``."""
    scope: str | None = Field(default=None, alias="scope")
    """Space-separated OAuth scopes. Mirrors JS ``credentials.scope``."""
    authorization_string: str | None = None
    """Developer-portal authorize URL that ``client_id``, ``redirect_uri`` and ``scope``
    can be read from. Mirrors JS ``credentials.authorizationString``."""
    idbroker_url: str = Field(
        default="https://idbroker.webex.com",
        alias="idbrokerUrl",
        validation_alias=AliasChoices("idbrokerUrl", "idbroker_url", AliasPath("idbroker", "url")),
    )
    """Identity broker base URL; the OAuth URLs derive from it. Mirrors JS
    ``credentials.idbroker.url``."""
    identity_url: str = Field(
        default="https://identity.webex.com",
        alias="identityUrl",
        validation_alias=AliasChoices("identityUrl", "identity_url", AliasPath("identity", "url")),
    )
    """Identity (SCIM) base URL. Mirrors JS ``credentials.identity.url``."""
    authorize_url: str | None = None
    """Override of ``{idbroker}/idb/oauth2/v1/authorize``. Mirrors JS
    ``credentials.authorizeUrl``."""
    token_url: str | None = None
    """Override of the token endpoint ``{idbroker}/idb/oauth2/v1/access_token``. Mirrors JS
    ``credentials.tokenUrl``."""
    revoke_url: str | None = None
    """Override of ``{idbroker}/idb/oauth2/v1/revoke``. Mirrors JS ``credentials.revokeUrl``."""
    cis_service: str = "webex"
    """Login-page branding. Mirrors JS ``credentials.cisService``."""
    refresh_callback: Callable[..., Any] | None = None
    """Async hook ``(webex, token) -> token dict`` that refreshes a token. Mirrors JS
    ``credentials.refreshCallback``."""
    jwt_refresh_callback: Callable[..., Any] | None = None
    """Async hook ``(webex) -> jwt`` for guest-JWT mode. Mirrors JS
    ``credentials.jwtRefreshCallback``."""

    @model_validator(mode="before")
    @classmethod
    def _nested_endpoints(cls, data: Any) -> Any:
        """Accept ``idbroker: "url"`` and report unknown keys inside ``idbroker: {...}``."""
        if not isinstance(data, Mapping):
            return data
        data = dict(data)
        for key in ("idbroker", "identity"):
            value = data.get(key)
            if value is None:
                data.pop(key, None)
            elif not isinstance(value, Mapping):
                data[key] = {"url": value}
            else:
                for sub in value:
                    if sub != "url":  # surfaces as unknown key "idbroker.<sub>"
                        data[f"{key}.{sub}"] = value[sub]
                if "url" not in value:
                    del data[key]
        return data

    @property
    def resolved_token_url(self) -> str:
        """The OAuth token endpoint: ``token_url`` or the idbroker default."""
        return self.token_url or f"{self.idbroker_url.rstrip('/')}/idb/oauth2/v1/access_token"


# --- device, storage ---------------------------------------------------------------------


class DeviceBodyConfig(ConfigSection):
    """``device.defaults.body``: the WDM registration body."""

    name: str = "python"
    """Device name (JS uses the process title, e.g. ``node``). Mirrors JS
    ``device.defaults.body.name``."""
    device_type: str = "WEB"
    """Device type. Mirrors JS ``device.defaults.body.deviceType``."""
    model: str = "web-js-sdk"
    """Device model. Mirrors JS ``device.defaults.body.model``."""
    localized_model: str = "webex-js-sdk"
    """Localized model. Mirrors JS ``device.defaults.body.localizedModel``."""
    system_name: str = "WEBEX_JS_SDK"
    """System name. Mirrors JS ``device.defaults.body.systemName``."""
    system_version: str = "1.0.0"
    """System version. Mirrors JS ``device.defaults.body.systemVersion``."""


class DeviceDefaultsConfig(ConfigSection):
    """``device.defaults``."""

    body: DeviceBodyConfig = Field(default_factory=DeviceBodyConfig)
    """Registration body defaults. Mirrors JS ``device.defaults.body``."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Extra registration headers. Mirrors JS ``device.defaults.headers``."""


class DeviceConfig(ConfigSection):
    """``device``: WDM device registration."""

    validate_domains: StrictBool = True
    """Default only; the value used is ``services.validate_domains``. Mirrors JS
    ``device.validateDomains``."""
    allowed_domains: tuple[str, ...] = ()
    """Default only; the value used is ``services.allowed_domains``. Mirrors JS
    ``device.allowedDomains``."""
    ephemeral: StrictBool = True
    """Register with a TTL and refresh it instead of persisting the device (the ``webex``
    bundle default). Mirrors JS ``device.ephemeral``."""
    ephemeral_device_ttl: Count = Field(default=1800, alias="ephemeralDeviceTTL")
    """Seconds an ephemeral registration lives. Mirrors JS ``device.ephemeralDeviceTTL``."""
    can_register_wait_duration: Seconds = 10
    """Seconds to wait for the service catalog before registering. Mirrors JS
    ``device.canRegisterWaitDuration``."""
    enable_inactivity_enforcement: StrictBool = False
    """Let WDM enforce an inactivity limit. Mirrors JS ``device.enableInactivityEnforcement``."""
    energy_forecast: StrictBool = False
    """Ask WDM for the energy forecast. Mirrors JS ``device.energyForecast``."""
    defaults: DeviceDefaultsConfig = Field(default_factory=DeviceDefaultsConfig)
    """Registration defaults. Mirrors JS ``device.defaults``."""
    body: dict[str, Any] = Field(default_factory=dict)
    """Fields merged over ``defaults.body``. Mirrors JS ``device.body``."""
    headers: dict[str, str] = Field(default_factory=dict)
    """Headers merged over ``defaults.headers``. Mirrors JS ``device.headers``."""
    installation_id: str | None = None
    """Sent as ``device.installationId`` when joining. Mirrors JS ``device.installationId``."""
    pre_discovery_services: dict[str, str] = Field(
        default_factory=lambda: {
            "hydra": HYDRA_URL,
            "hydraServiceUrl": HYDRA_URL,
            "metrics": METRICS_URL,
            "metricsServiceUrl": METRICS_URL,
        }
    )
    """Legacy service URLs known before discovery; a given mapping replaces the default.
    Mirrors JS ``device.preDiscoveryServices``."""


def _check_adapter(value: Any) -> Any:
    if value is None:
        return None
    bind = getattr(value, "bind", None)
    if not callable(bind) or not inspect.iscoroutinefunction(bind):
        raise PydanticCustomError(
            "storage_adapter", "Input should be a storage adapter with an async bind() method"
        )
    return value


StorageAdapter = Annotated[Any, AfterValidator(_check_adapter)]


class StorageConfig(ConfigSection):
    """``storage``: where SDK state persists (``None`` means in memory)."""

    bounded_adapter: StorageAdapter = None
    """Adapter for state that survives restarts (tokens, device). Mirrors JS
    ``storage.boundedAdapter``."""
    unbounded_adapter: StorageAdapter = None
    """Adapter for session-only state. Mirrors JS ``storage.unboundedAdapter``."""


# --- mercury, services, logger, http, other plugins ---------------------------------------


_PROXY_SCHEMES = ("http", "https", "socks4", "socks4a", "socks5", "socks5h")


def _check_proxy(value: str) -> str:
    # The message never echoes the URL: it may carry the proxy password.
    scheme, sep, rest = value.partition("://")
    host = rest.split("/", 1)[0].rpartition("@")[2]
    if not sep or scheme.lower() not in _PROXY_SCHEMES or not host or host.startswith(":"):
        raise PydanticCustomError(
            "proxy_url", "Input should be a proxy URL such as http://proxy.example:3128"
        )
    return value


ProxyUrl = Annotated[str, AfterValidator(_check_proxy)]
"""A proxy URL (``http://[user:password@]host:port``); kept out of reprs."""


class MercuryConfig(ConfigSection):
    """``mercury``: the websocket keep-alive and reconnect backoff (milliseconds)."""

    ping_interval: Milliseconds = 15000
    """Milliseconds between pings. Mirrors JS ``mercury.pingInterval``."""
    pong_timeout: Milliseconds = 14000
    """Milliseconds to wait for a pong. Mirrors JS ``mercury.pongTimeout``."""
    backoff_time_max: Milliseconds = 32000
    """Longest wait between connection attempts. Mirrors JS ``mercury.backoffTimeMax``."""
    backoff_time_reset: Milliseconds = 1000
    """First wait between connection attempts. Mirrors JS ``mercury.backoffTimeReset``."""
    force_close_delay: Milliseconds = 2000
    """Milliseconds to wait for a close frame. Mirrors JS ``mercury.forceCloseDelay``."""
    before_logout_options_close_reason: str = "done (forced)"
    """Close reason used on logout. Mirrors JS ``mercury.beforeLogoutOptionsCloseReason``."""
    initial_connection_max_retries: Count | None = None
    """Retries for the first connection; unset means no limit. Mirrors JS
    ``mercury.initialConnectionMaxRetries``."""
    max_retries: Count | None = None
    """Retries for later reconnections; unset means no limit. Mirrors JS
    ``mercury.maxRetries``."""
    connect_timeout: Annotated[Seconds, Field(gt=0)] = 10.0
    """Seconds one connection attempt may take. Python addition: the JS SDK has none, but a
    stuck connect must fail."""


class DefaultMercuryOptions(ConfigSection):
    """``defaultMercuryOptions``: options for opening the Mercury websocket."""

    proxy: ProxyUrl | None = Field(default=None, repr=False)
    """Proxy URL for the websocket only (HTTP CONNECT; ``user:password@`` in the URL is
    sent as ``Proxy-Authorization``). Python form of the JS proxy agent, which the JS
    SDK uses for the websocket alone; REST requests use ``http.proxy``."""
    headers: dict[str, str] | None = None
    """Extra websocket handshake headers. Mirrors JS ``defaultMercuryOptions.headers``."""
    agent: ProxyUrl | None = Field(default=None, repr=False)
    """JS compatibility: only a proxy URL string is accepted here (not an agent object);
    it fills ``proxy`` when that is unset. Mirrors JS ``defaultMercuryOptions.agent``."""

    @model_validator(mode="before")
    @classmethod
    def _agent_is_proxy(cls, data: Any) -> Any:
        """Copy a string ``agent`` into ``proxy`` when no proxy is given."""
        agent = data.get("agent") if isinstance(data, Mapping) else None
        if isinstance(agent, str) and data.get("proxy") is None:
            return {**data, "proxy": agent}
        return data


class DiscoveryConfig(ConfigSection):
    """``services.discovery``: where the service catalog starts."""

    u2c: str = Field(default="https://u2c.wbx2.com/u2c/api/v1", alias="u2c")
    """U2C catalog base URL. Mirrors JS ``services.discovery.u2c``."""
    hydra: str = HYDRA_URL
    """Public REST (Hydra) base URL. Mirrors JS ``services.discovery.hydra``."""


class ServicesConfig(ConfigSection):
    """``services``: the service catalog and which hosts may see the token."""

    discovery: DiscoveryConfig = Field(default_factory=DiscoveryConfig)
    """Bootstrap URLs. Mirrors JS ``services.discovery``."""
    override: dict[str, str] = Field(default_factory=dict)
    """``{service name: url}`` that beats every catalog. Mirrors JS ``services.override``."""
    validate_domains: StrictBool = True
    """Send the token only to allowed domains. Mirrors JS ``services.validateDomains``."""
    allowed_domains: tuple[str, ...] = ()
    """Extra hosts allowed to receive the token. Mirrors JS ``services.allowedDomains``."""
    services_not_need_validation: tuple[str, ...] = ("webex-appapi-service",)
    """Services read straight from the catalog links. Mirrors JS
    ``services.servicesNotNeedValidation``."""


class LoggerConfig(ConfigSection):
    """``logger``: SDK log output."""

    level: LogLevel | None = None
    """Log level for SDK logs; unset leaves Python logging alone. Mirrors JS
    ``logger.level``."""
    client_level: LogLevel | None = None
    """Level for client-side logs. Mirrors JS ``logger.clientLevel``."""
    history_length: Count = 10000
    """Log entries kept for upload. Mirrors JS ``logger.historyLength``."""


class HttpConfig(ConfigSection):
    """``http``: the REST transport. Python addition: the JS SDK has no such section."""

    timeout: Annotated[Seconds, Field(gt=0)] = 30.0
    """Seconds one request may take."""
    max_retries: Count = 3
    """Retries of a retryable failure (429, 423, 5xx, connection errors)."""
    max_retry_wait: Seconds = 60.0
    """Seconds one request may spend sleeping between attempts, in total."""
    backoff_initial: Seconds = 0.5
    """First backoff delay in seconds when the server gives no ``Retry-After``."""
    backoff_max: Seconds = 8.0
    """Longest backoff delay in seconds."""
    max_concurrency: Annotated[Count, Field(ge=1)] = 64
    """Most requests in flight at once."""
    verify: StrictBool = True
    """Verify TLS certificates; only an explicit ``False`` turns it off."""
    proxy: ProxyUrl | None = Field(default=None, repr=False)
    """Proxy URL for REST requests; unset uses the ``HTTPS_PROXY``/``HTTP_PROXY``/
    ``NO_PROXY`` environment variables. Separate from ``defaultMercuryOptions.proxy``
    (the websocket): set both to send everything through one proxy."""


class PeopleConfig(ConfigSection):
    """``people``: the People plugin's lookup batcher."""

    batcher_wait: Milliseconds = 100
    """Milliseconds to collect lookups into one batch. Mirrors JS ``people.batcherWait``."""
    batcher_max_calls: Count = 10
    """Most lookups in one batch. Mirrors JS ``people.batcherMaxCalls``."""
    batcher_max_wait: Milliseconds = 1500
    """Longest wait before a batch is sent. Mirrors JS ``people.batcherMaxWait``."""
    show_all_types: StrictBool = False
    """Return every person type. Mirrors JS ``people.showAllTypes``."""


class MetricsConfig(ConfigSection):
    """``metrics``: the Metrics plugin's batcher (meeting telemetry is ``meetings.metrics``)."""

    type: tuple[str, ...] = ("behavioral", "operational")
    """Metric kinds sent. Mirrors JS ``metrics.type``."""
    app_type: str | None = None
    """App type reported (JS: ``browser``/``nodejs``); unset lets the SDK decide. Mirrors JS
    ``metrics.appType``."""
    batcher_wait: Milliseconds = 500
    """Milliseconds to collect metrics into one batch. Mirrors JS ``metrics.batcherWait``."""
    batcher_max_calls: Count = 50
    """Most metrics in one batch. Mirrors JS ``metrics.batcherMaxCalls``."""
    batcher_max_wait: Milliseconds = 1500
    """Longest wait before a batch is sent. Mirrors JS ``metrics.batcherMaxWait``."""
    batcher_retry_plateau: Milliseconds = 32000
    """Longest retry delay for a failed batch. Mirrors JS ``metrics.batcherRetryPlateau``."""
    wait_for_service_timeout: Seconds = 30
    """Seconds to wait for the metrics service URL. Mirrors JS
    ``metrics.waitForServiceTimeout``."""


# --- top level ---------------------------------------------------------------------------


class WebexConfig(ConfigSection):
    """The whole configuration of one ``Webex`` instance (JS ``webex.config``)."""

    credentials: CredentialsConfig = Field(default_factory=CredentialsConfig)
    """OAuth client settings. Mirrors JS ``credentials``."""
    device: DeviceConfig = Field(default_factory=DeviceConfig)
    """Device registration. Mirrors JS ``device``."""
    storage: StorageConfig = Field(default_factory=StorageConfig)
    """Storage adapters. Mirrors JS ``storage``."""
    meetings: MeetingsConfig = Field(default_factory=MeetingsConfig)
    """Meetings plugin. Mirrors JS ``meetings``."""
    mercury: MercuryConfig = Field(default_factory=MercuryConfig)
    """Mercury websocket. Mirrors JS ``mercury``."""
    default_mercury_options: DefaultMercuryOptions = Field(default_factory=DefaultMercuryOptions)
    """Websocket open options (proxy). Mirrors JS ``defaultMercuryOptions``."""
    services: ServicesConfig = Field(default_factory=ServicesConfig)
    """Service catalog. Mirrors JS ``services``."""
    logger: LoggerConfig = Field(default_factory=LoggerConfig)
    """Logging. Mirrors JS ``logger``."""
    http: HttpConfig = Field(default_factory=HttpConfig)
    """REST transport. Python addition."""
    people: PeopleConfig = Field(default_factory=PeopleConfig)
    """People plugin. Mirrors JS ``people``."""
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    """Metrics plugin. Mirrors JS ``metrics``."""
    app_name: str | None = None
    """App name for the user-agent headers. Mirrors JS ``appName``."""
    app_version: str | None = None
    """App version for the user-agent headers. Mirrors JS ``appVersion``."""
    app_platform: str | None = None
    """App platform for the user-agent headers. Mirrors JS ``appPlatform``."""
    fedramp: StrictBool = Field(
        default=False, alias="fedramp", validation_alias=AliasChoices("fedramp", "fedRamp")
    )
    """Use the FedRAMP discovery URLs and no commercial allowed domains. Mirrors JS
    ``fedramp``; the documented spelling ``fedRamp`` is accepted too."""
    tracking_id_prefix: str = "webex-meetings"
    """First part of ``trackingid`` headers (JS default ``webex-js-sdk``). Mirrors JS
    ``trackingIdPrefix``."""
    tracking_id_suffix: str = ""
    """Last part of ``trackingid`` headers. Mirrors JS ``trackingIdSuffix``."""
    tracking_id_base: str | None = None
    """Middle part of ``trackingid`` headers; unset means a random UUID per instance.
    Mirrors JS ``trackingIdBase``."""
    max_app_level_redirects: Count = 10
    """``cisco-location`` redirects followed. Mirrors JS ``maxAppLevelRedirects``."""
    max_locus_redirects: Count = 5
    """Locus redirects (error 2000002) followed. Mirrors JS ``maxLocusRedirects``."""
    max_authentication_replays: Count = 1
    """Replays after a 401 and a token refresh. Mirrors JS ``maxAuthenticationReplays``."""
    max_reconnect_attempts: Count = 1
    """Reconnect attempts. Mirrors JS ``maxReconnectAttempts``."""
    default_request_options: dict[str, Any] | None = None
    """Options merged into every request. Mirrors JS ``defaultRequestOptions``."""
    email: str | None = None
    """E-mail for a pre-auth catalog lookup when there is no token. Mirrors JS ``email``."""
    sdk_type: str = "webex"
    """SDK flavour reported in metrics (``webex`` or ``meetings``). Mirrors JS ``sdkType``."""
    hydra: str = HYDRA_URL
    """Legacy REST base URL. Mirrors JS ``hydra``."""
    hydra_service_url: str = HYDRA_URL
    """Legacy REST base URL. Mirrors JS ``hydraServiceUrl``."""
    payload_transformer: dict[str, Any] | None = None
    """Accepted for compatibility; unused (plugins register no payload transforms here).
    Mirrors JS ``payloadTransformer``."""

    @classmethod
    def load(cls, value: WebexConfig | Mapping[str, Any] | None = None) -> WebexConfig:
        """Build a config from ``None``, a ``WebexConfig`` or a JS-shaped mapping.

        Args:
            value: ``None`` for all defaults, a ready config (returned as is), or a mapping
                with camelCase or snake_case keys; section values may be mappings or
                typed section objects.

        Returns:
            The frozen config.

        Raises:
            ConfigError: a key is unknown or a value has the wrong type; ``.key`` is the
                dotted path as the caller spelled it.
        """
        if value is None:
            return cls()
        if isinstance(value, WebexConfig):
            return value
        if not isinstance(value, Mapping):
            raise ConfigError(
                f"config must be a mapping or a WebexConfig, got {type(value).__name__}"
            )
        try:
            return cls.model_validate(dict(value))
        except ValidationError as exc:
            raise _to_config_error(cls, exc) from None

    def merged(self, overrides: WebexConfig | Mapping[str, Any]) -> WebexConfig:
        """Return a new config with ``overrides`` deep-merged in (JS ``setConfig``).

        Only keys present in ``overrides`` change; nested sections and mappings merge key
        by key, lists and other values are replaced. ``self`` is left unchanged.

        Args:
            overrides: a JS-shaped mapping (as for :meth:`load`) or a ``WebexConfig``,
                of which only the fields that were set count.

        Returns:
            The merged config.

        Raises:
            ConfigError: as :meth:`load`.
        """
        return _merge(self, type(self).load(overrides))

    def to_js_dict(self) -> dict[str, Any]:
        """Return the config as a JS-shaped dict (camelCase keys, ``idbroker: {url}``).

        Secrets read ``"**********"``, so the result is for display and logs; loading it
        back gives a config without the secrets.
        """
        data: dict[str, Any] = _js_value(self.model_dump(by_alias=True))
        creds = data["credentials"]
        creds["idbroker"] = {"url": creds.pop("idbrokerUrl")}
        creds["identity"] = {"url": creds.pop("identityUrl")}
        return data


# --- helpers -------------------------------------------------------------------------------


def _merge(base: _Model, patch: _Model) -> _Model:
    updates: dict[str, Any] = {}
    for name in patch.model_fields_set:
        old, new = getattr(base, name), getattr(patch, name)
        if isinstance(old, BaseModel) and type(old) is type(new):
            updates[name] = _merge(old, new)
        elif isinstance(old, dict) and isinstance(new, dict):
            updates[name] = _merge_dicts(old, new)
        else:
            updates[name] = new
    return base.model_copy(update=updates)


def _merge_dicts(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    out = dict(old)
    for key, value in new.items():
        prev = out.get(key)
        both = isinstance(prev, dict) and isinstance(value, dict)
        out[key] = _merge_dicts(prev, value) if both else value  # type: ignore[arg-type]
    return out


def _js_value(value: Any) -> Any:
    if isinstance(value, SecretStr):
        return MASK
    if isinstance(value, str):
        return redact_url_credentials(value)
    if isinstance(value, dict):
        return {key: _js_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_js_value(item) for item in value]
    return value


def _spellings(model: type[BaseModel]) -> dict[str, str]:
    """Map every accepted key of ``model`` (names, aliases, alias paths) to its field."""
    out: dict[str, str] = {}
    for name, info in model.model_fields.items():
        keys: list[Any] = [name, info.alias]
        alias = info.validation_alias
        keys.extend(alias.choices if isinstance(alias, AliasChoices) else [alias])
        for key in keys:
            if isinstance(key, str):
                out[key] = name
            elif isinstance(key, AliasPath):
                out[str(key.path[0])] = name
                out[".".join(map(str, key.path))] = name
    return out


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                return arg
    return None


def _is_secret(annotation: Any) -> bool:
    return annotation is SecretStr or SecretStr in typing.get_args(annotation)


def _walk(root: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[type[BaseModel] | None, Any]:
    """Follow ``loc`` through the models.

    Returns:
        The model holding the last key of ``loc`` (``None`` inside a mapping or list) and
        the annotation of the deepest field reached.
    """
    model: type[BaseModel] | None = root
    annotation: Any = None
    for depth, key in enumerate(loc):
        last = depth == len(loc) - 1
        name = _spellings(model).get(key) if model and isinstance(key, str) else None
        if model is None or name is None:
            return (model if last else None), annotation
        annotation = model.model_fields[name].annotation
        if last:
            break
        model = _model_in(annotation)
    return model, annotation


_EXPECTED = {
    "bool_type": "a boolean (True or False)",
    "bool_parsing": "a boolean (True or False)",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "a string",
    "dict_type": "a mapping",
    "model_type": "a mapping or a typed config object",
    "model_attributes_type": "a mapping or a typed config object",
    "list_type": "a list",
    "tuple_type": "a list",
    "callable_type": "callable",
}


def _dotted(loc: tuple[int | str, ...]) -> str:
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in loc).lstrip(".")


def _shown(value: Any, secret: bool) -> str:
    if secret:
        return "<hidden>"
    if value is None or isinstance(value, bool | int | float | str):
        text = redact_url_credentials(repr(value))
        return text if len(text) <= 80 else text[:77] + "..."
    return _a_type(value)


def _a_type(value: Any) -> str:
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def _describe(root: type[BaseModel], error: ErrorDetails) -> tuple[str, str]:
    loc = tuple(error["loc"])
    path = _dotted(loc)
    model, annotation = _walk(root, loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        known = _spellings(model) if model is not None else {}
        if loc and loc[-1] in known:
            return path, f"config key '{path}' is given twice under different spellings"
        message = f"unknown config key '{path}'"
        word = str(loc[-1]) if loc else ""
        prefix, _, sub = word.rpartition(".")  # "idbroker.urll": compare within "idbroker."
        options = [k.removeprefix(prefix + ".") for k in known if k.startswith(prefix + ".")]
        guess = difflib.get_close_matches(sub, options if prefix else list(known), n=1)
        return path, message + (f" (did you mean '{guess[0]}'?)" if guess else "")
    if kind == "literal_error":
        expected = f"one of {error.get('ctx', {}).get('expected', '')}"
    elif kind in _EXPECTED:
        expected = _EXPECTED[kind]
    else:
        expected = error["msg"].removeprefix("Input should be ")
    shown_value = error["input"]
    if _model_in(annotation) is not None or isinstance(shown_value, Mapping):
        shown = _a_type(shown_value)  # never echo what was meant as a section
    else:
        shown = _shown(shown_value, _is_secret(annotation) or kind == "proxy_url")
    return path, f"config key '{path}' must be {expected}, got {shown}"


def _to_config_error(root: type[BaseModel], exc: ValidationError) -> ConfigError:
    errors = exc.errors(include_url=False)
    path, message = _describe(root, errors[0])
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more config error(s))"
    return ConfigError(message, key=path)
