"""Delivery of one webhook event: the signed HTTP POST to a loopback target.

Webex signs a delivery when its webhook has a ``secret``: the ``X-Spark-Signature``
header carries the hex HMAC-SHA1 of the raw request body, keyed with the secret.
Without a secret the header is not sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any
from urllib.parse import urlsplit

import httpx

logger = logging.getLogger(__name__)

#: Seconds a delivery may take before it is abandoned.
DELIVERY_TIMEOUT = 2.0

#: The header that carries the body's signature.
SIGNATURE_HEADER = "X-Spark-Signature"

#: Hosts a webhook may deliver to: the emulator never calls out of the machine.
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def sign(body: bytes, secret: str) -> str:
    """Return the ``X-Spark-Signature`` value of ``body``: hex HMAC-SHA1 keyed with ``secret``."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha1).hexdigest()


def encode(envelope: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """Serialise an envelope once and return the body with its request headers.

    The signature is computed over exactly these bytes, so the body must be sent as
    returned here, never re-serialised.
    """
    body = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return body, {"Content-Type": "application/json"}


def signed_request(envelope: dict[str, Any], secret: str | None) -> tuple[bytes, dict[str, str]]:
    """Return the body and headers of a delivery, signed when ``secret`` is set."""
    body, headers = encode(envelope)
    if secret:
        headers[SIGNATURE_HEADER] = sign(body, secret)
    return body, headers


async def deliver(url: str, body: bytes, headers: dict[str, str]) -> None:
    """POST one delivery; failures are logged, never raised (the event is dropped)."""
    host = urlsplit(url).hostname or ""
    if host not in _LOOPBACK_HOSTS:
        logger.warning("webhook delivery to %s skipped: only loopback targets are called", url)
        return
    try:
        async with httpx.AsyncClient(timeout=DELIVERY_TIMEOUT, trust_env=False) as client:
            response = await client.post(url, content=body, headers=headers)
        if response.is_error:
            logger.warning("webhook delivery to %s answered %s", url, response.status_code)
    except httpx.HTTPError as exc:
        logger.warning("webhook delivery to %s failed: %s", url, exc)
