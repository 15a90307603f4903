"""Identifier formats: Hydra ids, OAuth tokens and client ids, tracking ids."""

from __future__ import annotations

import base64
import binascii
import secrets
import uuid
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

#: Response header carrying the server's tracking id (rest-conventions §3).
TRACKING_ID_HEADER = "TrackingID"

#: ASGI scope key under which the tracking id of the current request is stored.
_TRACKING_SCOPE_KEY = "webex_emulator.tracking_id"

_HYDRA_PREFIX = "ciscospark://"


@dataclass(frozen=True)
class HydraId:
    """A decoded Hydra id, ``ciscospark://<cluster>/<kind>/<uuid>``."""

    cluster: str
    """Cluster segment, ``us`` for people and organizations."""
    kind: str
    """Object type, e.g. ``PEOPLE`` or ``ORGANIZATION``."""
    uuid: str
    """The object's uuid (last path segment)."""


def new_uuid() -> str:
    """Return a random lower-case uuid4 string."""
    return str(uuid.uuid4())


def hydra_id(kind: str, object_uuid: str, cluster: str = "us") -> str:
    """Encode a Hydra id the way Webex emits it.

    Args:
        kind: Object type, e.g. ``PEOPLE``.
        object_uuid: The object's uuid.
        cluster: Cluster segment; Webex uses ``us`` for people and organizations.

    Returns:
        Standard base64 of ``ciscospark://<cluster>/<kind>/<uuid>`` with the ``=`` padding
        stripped (rest-conventions §10.1: Webex emits the unpadded form).
    """
    raw = f"{_HYDRA_PREFIX}{cluster}/{kind}/{object_uuid}".encode("ascii")
    return base64.b64encode(raw).decode("ascii").rstrip("=")


def parse_hydra_id(value: str) -> HydraId | None:
    """Decode a Hydra id, padded or not, standard or URL-safe alphabet.

    Args:
        value: The id as a client sent it.

    Returns:
        The decoded id, or None when ``value`` is not a Hydra id.
    """
    text = "".join(value.split()).replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        decoded = base64.b64decode(text, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not decoded.startswith(_HYDRA_PREFIX):
        return None
    # The cluster may itself contain ':' (urn:TEAM:<region>), never '/'.
    parts = decoded[len(_HYDRA_PREFIX) :].split("/")
    if len(parts) != 3 or not all(parts):
        return None
    return HydraId(cluster=parts[0], kind=parts[1], uuid=parts[2])


def new_token(org_uuid: str) -> str:
    """Return a new opaque OAuth token shaped ``<64 hex>_PF84_<org uuid>``.

    The JS SDK derives the org id from a token with exactly three ``_``-separated parts
    (U2C service catalog); without it the SDK never loads its post-auth catalog.
    """
    return f"{secrets.token_hex(32)}_PF84_{org_uuid}"


def new_client_id() -> str:
    """Return a new OAuth client id shaped like Webex integration ids (``C`` + 64 hex)."""
    return "C" + secrets.token_hex(32)


def new_client_secret() -> str:
    """Return a new OAuth client secret (64 hex characters)."""
    return secrets.token_hex(32)


def new_tracking_id() -> str:
    """Return a new server tracking id, ``EMULATOR_<uuid4>``."""
    return f"EMULATOR_{uuid.uuid4()}"


def tracking_id_of(scope: MutableMapping[str, Any]) -> str:
    """Return the tracking id of the request, assigning one if none was yet.

    Args:
        scope: The request's ASGI scope.
    """
    value = scope.get(_TRACKING_SCOPE_KEY)
    if not isinstance(value, str):
        value = new_tracking_id()
        scope[_TRACKING_SCOPE_KEY] = value
    return value
