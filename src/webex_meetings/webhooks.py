"""Receive Webex webhooks: check a delivery's signature, then parse its body.

When a webhook is registered with a ``secret`` (``webex.webhooks.create(...,
secret=...)``), Webex signs every delivery: the ``X-Spark-Signature`` header holds the
hex HMAC-SHA1 of the raw request body, keyed with the secret. Check it over the body's
bytes exactly as received, before parsing them: JSON parsed and serialised again rarely
gives back the same bytes, so its signature would not match.

Example:
    A handler in any web framework::

        from webex_meetings.webhooks import SIGNATURE_HEADER, parse_event

        event = parse_event(raw_body, request.headers.get(SIGNATURE_HEADER), secret=SECRET)
        if event.resource == "messages" and event.event == "created":
            message = await webex.messages.get(event.data["id"])
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from pydantic import Field, ValidationError

from webex_meetings._exceptions import WebhookError, WebhookSignatureError
from webex_meetings.models._base import WebexModel

__all__ = [
    "SIGNATURE_HEADER",
    "WebhookEvent",
    "compute_signature",
    "parse_event",
    "verify_signature",
]

#: The request header of a signed delivery (HTTP header names are case-insensitive).
SIGNATURE_HEADER = "X-Spark-Signature"


def compute_signature(body: bytes, secret: str | bytes) -> str:
    """Return the signature Webex sends for ``body``: its hex HMAC-SHA1 keyed with ``secret``.

    Args:
        body: The raw request body.
        secret: The webhook's ``secret``; a ``str`` is encoded as UTF-8.

    Returns:
        40 lower-case hex digits.
    """
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(key, body, hashlib.sha1).hexdigest()


def verify_signature(body: bytes, signature: str | None, secret: str | bytes) -> bool:
    """Return True when ``signature`` is the ``X-Spark-Signature`` of ``body`` under ``secret``.

    The comparison takes the same time wherever the first difference is
    (:func:`hmac.compare_digest`), so the answer's timing does not reveal the signature.

    Args:
        body: The raw request body, exactly as received.
        signature: The ``X-Spark-Signature`` header value, or None when it was absent.
        secret: The webhook's ``secret``.

    Returns:
        False for a missing, malformed or wrong signature, and for an empty secret.
    """
    if not signature or not secret:
        return False
    candidate = signature.strip().lower()
    # Only ASCII is comparable: a non-ASCII header value cannot be a hex digest.
    if not candidate.isascii():
        return False
    expected = compute_signature(body, secret)
    return hmac.compare_digest(candidate.encode("ascii"), expected.encode("ascii"))


class WebhookEvent(WebexModel):
    """The body of a webhook delivery: which registration fired, on what, and the data.

    Fields the server adds later are kept in ``model_extra``.
    """

    id: str | None = None
    """The id of the webhook registration that fired."""
    name: str | None = None
    """The registration's name."""
    resource: str | None = None
    """The resource the event is about, e.g. ``messages`` or ``memberships``."""
    event: str | None = None
    """What happened to it, e.g. ``created`` or ``deleted``."""
    filter: str | None = None
    """The registration's filter, when it has one."""
    org_id: str | None = None
    """The organization of the registration."""
    created_by: str | None = None
    """The person who registered the webhook."""
    app_id: str | None = None
    """The application that registered the webhook."""
    owned_by: str | None = None
    """``creator``, or ``org`` for an organization-wide webhook."""
    status: str | None = None
    """The registration's status: ``active`` or ``inactive``."""
    actor_id: str | None = None
    """The person who caused the event."""
    data: dict[str, Any] = Field(default_factory=dict)
    """The object the event is about (for messages: its ids, not its text), with the
    camelCase keys of the REST API."""


def parse_event(
    body: bytes | str, signature: str | None = None, *, secret: str | bytes | None = None
) -> WebhookEvent:
    """Parse a webhook delivery, first checking its signature when a secret is given.

    Args:
        body: The raw request body, exactly as received.
        signature: The ``X-Spark-Signature`` header value (None when absent).
        secret: The webhook's ``secret``. When given, the signature must match; when
            None, nothing is checked (a webhook registered without a secret).

    Returns:
        The parsed event.

    Raises:
        WebhookSignatureError: ``secret`` is given and the signature is absent or wrong.
        WebhookError: The body is not a JSON object.
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    if secret is not None and not verify_signature(raw, signature, secret):
        reason = "missing" if not signature else "does not match the body"
        raise WebhookSignatureError(f"webhook {SIGNATURE_HEADER} {reason}")
    try:
        decoded = json.loads(raw)
    except ValueError as exc:  # also UnicodeDecodeError
        raise WebhookError("webhook body is not JSON") from exc
    if not isinstance(decoded, dict):
        raise WebhookError("webhook body is not a JSON object")
    try:
        return WebhookEvent.model_validate(decoded)
    except ValidationError as exc:
        raise WebhookError(
            f"webhook body is not a webhook event: {exc.error_count()} errors"
        ) from exc
