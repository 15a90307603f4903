"""The U2C service catalog: service name → URL, host map, and who may get the token.

Lookup order follows the JS SDK (U2C service catalog): ``override`` → ``postauth`` →
``preauth`` → ``discovery``. Pointing the SDK at another deployment (the emulator, for
one) is one setting, ``config={"services": {"discovery": {"u2c": url}}}``: every other
URL comes from the catalogs that ``u2c`` serves.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit, urlunsplit

from webex_meetings._exceptions import (
    APIError,
    DomainNotAllowedError,
    ServiceCatalogError,
    ServiceNotFoundError,
)
from webex_meetings._logging import get_logger

if TYPE_CHECKING:
    from webex_meetings._http import Transport

__all__ = ["COMMERCIAL_DOMAINS", "CatalogState", "ServiceCatalog", "join_url"]

logger = get_logger(__name__)

# Hosts containing one of these may receive the user's token (U2C service catalog).
COMMERCIAL_DOMAINS: Final = (
    "wbx2.com",
    "ciscospark.com",
    "webex.com",
    "webexapis.com",
    "broadcloudpbx.com",
    "broadcloud.eu",
    "broadcloud.com.au",
    "broadcloudpbx.net",
)
FEDRAMP_DISCOVERY: Final = {
    "u2c": "https://u2c.gov.ciscospark.com/u2c/api/v1",
    "hydra": "https://api-usgov.webex.com/v1",
}
_GROUP_ORDER: Final = ("override", "postauth", "preauth", "discovery")


class CatalogState(enum.Enum):
    """Lifecycle of the catalog."""

    EMPTY = "empty"
    LOADING = "loading"
    READY = "ready"
    FAILED = "failed"


def join_url(base: str, resource: str) -> str:
    """``<base without trailing slash>/<resource without surrounding slashes>``."""
    resource = resource.strip("/")
    return f"{base.rstrip('/')}/{resource}" if resource else base.rstrip("/")


class ServiceCatalog:
    """The JS SDK's ``webex.internal.services``.

    Args:
        discovery: bootstrap URLs (``u2c``, ``hydra``) from the config.
        override: ``{name: url}`` entries that win over every catalog.
        validate_domains: allow the token on the allowed domains outside the catalog.
        allowed_domains: extra domains (``services.allowedDomains``).
        fedramp: use the FedRAMP discovery URLs and no commercial domains.
    """

    def __init__(
        self,
        *,
        discovery: Mapping[str, str],
        override: Mapping[str, str] | None = None,
        validate_domains: bool = True,
        allowed_domains: tuple[str, ...] = (),
        fedramp: bool = False,
    ) -> None:
        disco = dict(discovery)
        if fedramp:
            for name, url in FEDRAMP_DISCOVERY.items():
                # Only replace the public defaults; an explicit URL (an emulator) stays.
                if disco.get(name, "").startswith("https://"):
                    disco[name] = url
        self._groups: dict[str, dict[str, str]] = {
            "override": dict(override or {}),
            "postauth": {},
            "preauth": {},
            "discovery": disco,
        }
        self._host_catalog: dict[str, list[dict[str, Any]]] = {}
        # Every request resolves its service URL and decides whether the token may go
        # with it; both only change when a catalog does, so they are derived once per
        # catalog change instead of parsing URLs per request (see ``_invalidate``).
        self._resolved: dict[str, str | None] = {}
        self._prefixes: tuple[str, ...] | None = None
        self._validate_domains = validate_domains
        self._allowed_domains = tuple(d.lower() for d in allowed_domains) + (
            () if fedramp else COMMERCIAL_DOMAINS
        )
        self.state = CatalogState.EMPTY
        self._loaded = asyncio.Event()
        self._load_lock = asyncio.Lock()
        self._transport: Transport | None = None
        self._org_id: Callable[[], str | None] = lambda: None
        self._wait_ready: Callable[[], Awaitable[None]] | None = None
        self.error: BaseException | None = None

    def bind(
        self,
        transport: Transport,
        org_id: Callable[[], str | None],
        wait_ready: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Give the catalog its transport, the org id source, and the core's readiness.

        The catalog is loaded only once the core is ready, because the token (and so
        the org id) may come from storage.
        """
        self._transport = transport
        self._org_id = org_id
        self._wait_ready = wait_ready

    # -- loading ---------------------------------------------------------------------

    async def initialize(self, *, force: bool = False) -> None:
        """Load the pre-auth then the post-auth catalog (once; concurrent calls share).

        Raises:
            ServiceCatalogError: the org id cannot be derived or a catalog request failed.
        """
        if self._wait_ready is not None:
            await self._wait_ready()
        async with self._load_lock:
            if self.state is CatalogState.READY and not force:
                return
            self.state = CatalogState.LOADING
            try:
                await self._load()
            except (APIError, ServiceCatalogError) as exc:
                self.state = CatalogState.FAILED
                self.error = exc
                if isinstance(exc, ServiceCatalogError):
                    raise
                raise ServiceCatalogError(f"could not load the service catalog: {exc}") from exc
            self.state = CatalogState.READY
            self.error = None
            self._loaded.set()

    async def _load(self) -> None:
        from webex_meetings._http import RequestOptions

        if self._transport is None:
            raise ServiceCatalogError("the service catalog is not bound to a transport")
        u2c = self.get("u2c")
        if not u2c:
            raise ServiceNotFoundError("u2c")
        org_id = self._org_id()
        if not org_id:
            raise ServiceCatalogError(
                "cannot derive the org id from the access token (expected a JWT with a "
                "'realm' claim or a token shaped '<a>_<b>_<orgId>')"
            )
        preauth = await self._transport.request_json(
            RequestOptions(
                method="GET",
                url=join_url(u2c, "limited/catalog"),
                params={"orgId": org_id, "format": "hostmap"},
                auth=False,
            )
        )
        self._apply("preauth", preauth)
        # A u2c link in the limited catalog moves the post-auth request (U2C service catalog).
        u2c = self.get("u2c") or u2c
        postauth = await self._transport.request_json(
            RequestOptions(method="GET", url=join_url(u2c, "catalog"), params={"format": "hostmap"})
        )
        self._apply("postauth", postauth)
        logger.info("service catalog loaded: %d services", len(self._groups["postauth"]))

    def _apply(self, group: str, body: Any) -> None:
        if not isinstance(body, Mapping) or not isinstance(body.get("serviceLinks"), Mapping):
            raise ServiceCatalogError(f"the {group} catalog has no serviceLinks object")
        self._groups[group] = {str(k): str(v) for k, v in body["serviceLinks"].items()}
        host_catalog = body.get("hostCatalog")
        if isinstance(host_catalog, Mapping):
            for authority, entries in host_catalog.items():
                if isinstance(entries, list):
                    self._host_catalog[str(authority)] = [e for e in entries if isinstance(e, dict)]
        self._invalidate()

    def _invalidate(self) -> None:
        """Forget what was derived from the catalogs (call after changing one)."""
        self._resolved = {}
        self._prefixes = None

    # -- lookup ----------------------------------------------------------------------

    @property
    def is_ready(self) -> bool:
        """True once both catalogs are loaded."""
        return self.state is CatalogState.READY

    def get(self, name: str) -> str | None:
        """The URL of ``name`` from the first group that has it, or ``None``."""
        try:
            return self._resolved[name]
        except KeyError:
            pass
        found: str | None = None
        for group in _GROUP_ORDER:
            url = self._groups[group].get(name)
            if url:
                found = self.rewrite_host(url)
                break
        self._resolved[name] = found
        return found

    def service_names(self) -> list[str]:
        """Every service name known to any group."""
        return sorted({name for group in self._groups.values() for name in group})

    async def get_url(self, name: str) -> str:
        """The URL of ``name``, loading the catalogs first if needed.

        Raises:
            ServiceNotFoundError: no group has the service.
        """
        if name in self._groups["override"]:
            return self._groups["override"][name]
        if not self.is_ready:
            await self.initialize()
        url = self.get(name)
        if url is None:
            raise ServiceNotFoundError(name, self.service_names())
        return url

    async def url_for(self, service: str, resource: str) -> str:
        """The absolute URL of ``resource`` on ``service``."""
        return join_url(await self.get_url(service), resource)

    def rewrite_host(self, url: str) -> str:
        """Apply the host map: a known authority's host becomes its first entry's host."""
        parts = urlsplit(url)
        entries = self._host_catalog.get(parts.netloc)
        if not entries:
            return url
        host = entries[0].get("host")
        if not isinstance(host, str) or not host:
            return url
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit(parts._replace(netloc=netloc))

    def get_cluster_id(self, url: str) -> str | None:
        """The cluster id (``urn:TEAM:<cluster>:<service>``) of the host serving ``url``.

        A host-catalog entry whose ``host`` is the URL's host name wins; otherwise, when
        the URL's host is the default host of a catalog service, the first entry listed
        for that service's authority. ``None`` for a foreign or unparsable URL.
        """
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            return None
        if not host:
            return None
        for entries in self._host_catalog.values():
            for entry in entries:
                entry_id = entry.get("id")
                if str(entry.get("host", "")).lower() == host and isinstance(entry_id, str):
                    return entry_id
        for group in self._groups.values():
            for base in group.values():
                try:
                    parts = urlsplit(base)
                    if (parts.hostname or "").lower() != host:
                        continue
                except ValueError:  # a malformed catalog link cannot match
                    continue
                for entry in self._host_catalog.get(parts.netloc, []):
                    if isinstance(entry.get("id"), str):
                        return str(entry["id"])
        return None

    # -- trust -----------------------------------------------------------------------

    def is_service_url(self, url: str) -> bool:
        """True when ``url`` starts with the URL of a catalog service (reverse lookup)."""
        prefixes = self._prefixes
        if prefixes is None:
            bases = [base for group in self._groups.values() for base in group.values()]
            found = [base.rstrip("/") for base in bases] + [self.rewrite_host(b) for b in bases]
            prefixes = self._prefixes = tuple(dict.fromkeys(found))
        return url.startswith(prefixes)

    def is_allowed_domain(self, url: str) -> bool:
        """True when the URL's host contains an allowed domain (and validation is on)."""
        if not self._validate_domains:
            return False
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self._allowed_domains)

    def should_authorize(self, url: str) -> bool:
        """Whether the user's token may be sent to ``url`` (JS SDK HTTP pipeline)."""
        # the substring test first: most URLs need no parsing to rule this out
        if "/limited/" in url and "/limited/" in urlsplit(url).path and self._is_u2c(url):
            return False
        return self.is_service_url(url) or self.is_allowed_domain(url)

    def validate_url(self, url: str, *, what: str = "URL") -> str:
        """Return ``url`` if it is a catalog URL or on an allowed domain.

        Raises:
            DomainNotAllowedError: the URL points at a foreign host.
        """
        if self.is_service_url(url) or self.is_allowed_domain(url) or self._on_catalog_host(url):
            return url
        host = urlsplit(url).hostname
        raise DomainNotAllowedError(
            f"{what} points at {host!r}, which is neither a catalog service nor an allowed "
            "domain; add it to config services.allowedDomains if it is trusted"
        )

    def _on_catalog_host(self, url: str) -> bool:
        """True when the URL's host and port are those of a catalog service.

        Device records hand out ``wss://`` (or ``ws://``) URLs on the same hosts as the
        catalog's ``https://`` services; the scheme differs, the authority does not.
        """
        authority = urlsplit(url).netloc.lower()
        if not authority:
            return False
        return any(
            urlsplit(self.rewrite_host(base)).netloc.lower() == authority
            for group in self._groups.values()
            for base in group.values()
        )

    def _is_u2c(self, url: str) -> bool:
        return any(
            url.startswith(group["u2c"].rstrip("/"))
            for group in self._groups.values()
            if "u2c" in group
        )
