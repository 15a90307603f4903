"""Where each emulated service lives, and the U2C hostmap catalog built from it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

#: Path of every catalog service on the emulator (U2C service catalog). Service routes
#: build their paths from this table so that the catalog and the routes never disagree.
SERVICE_PATHS: dict[str, str] = {
    "u2c": "/u2c/api/v1",
    "hydra": "/v1",
    "wdm": "/wdm/api/v1",
    "locus": "/locus/api/v1",
    "webex-appapi-service": "/wbxappapi/v1",
    "calliopeDiscovery": "/calliope/api/discovery/v1",
    "conversation": "/conversation/api/v1",
    "metrics": "/metrics/api/v1",
    "clientLogs": "/clientlogs/api/v1",
    "hecate": "/hecate/api/v1",
    "feature": "/feature/api/v1",
    # The SDK replaces its credentials base URLs with these (U2C service catalog), so the
    # token URL becomes {idbroker}/idb/oauth2/v1/access_token.
    "idbroker": "/idbroker",
    "identity": "/identity",
}

#: Services of the pre-auth (``limited``) catalog: enough to refresh a token and to
#: fetch the full catalog from this emulator instead of the bootstrap URL.
LIMITED_SERVICES = ("u2c", "hydra", "idbroker", "identity")

#: Query keys the limited catalog accepts; the SDK sends exactly one (U2C service catalog).
PREAUTH_QUERY_KEYS = ("orgId", "userId", "emailhash", "email", "mode")

#: Cluster id of the emulator's host entry. Its 4th segment is deliberately not
#: ``identityLookup``: that would class every emulator URL (locus too) as a
#: conversation URL (U2C service catalog).
CLUSTER_ID = "urn:TEAM:local_a:locus"


def service_url(base_url: str, name: str) -> str:
    """Return the URL of catalog service ``name`` on the emulator at ``base_url``."""
    return base_url + SERVICE_PATHS[name]


def build_hostmap(base_url: str, names: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Build a ``format=hostmap`` catalog whose every link points at ``base_url``.

    Args:
        base_url: The emulator's own ``http://host:port``.
        names: Services to list; all of :data:`SERVICE_PATHS` by default.

    Returns:
        ``{"serviceLinks": {name: url}, "hostCatalog": {authority: [host entry]}}``.
        The host entry carries the host name without port, as the SDK re-appends the
        port of the link itself (U2C service catalog).
    """
    selected = tuple(SERVICE_PATHS) if names is None else names
    parts = urlsplit(base_url)
    authority = parts.netloc
    hostname = authority.rsplit(":", 1)[0] if parts.port is not None else authority
    return {
        "serviceLinks": {name: service_url(base_url, name) for name in selected},
        "hostCatalog": {
            authority: [{"host": hostname, "ttl": -1, "priority": 5, "id": CLUSTER_ID}]
        },
    }
