"""Webhooks backend: CRUD of registrations and background delivery of matching events."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ...core.errors import BadRequestError, NotFoundError
from ...core.ids import hydra_id, new_uuid, parse_hydra_id
from ...core.state import Backend
from ..people.models import webex_timestamp
from .delivery import deliver, signed_request

logger = logging.getLogger(__name__)


@dataclass
class Webhook:
    """One webhook registration."""

    uuid: str
    name: str
    target_url: str
    resource: str
    event: str
    created: float
    owner_uuid: str
    org_uuid: str
    filter: str | None = None
    secret: str | None = None
    status: str = "active"
    owned_by: str = "creator"

    @property
    def id(self) -> str:
        """The webhook's Hydra id."""
        return hydra_id("WEBHOOK", self.uuid)

    def to_json(self) -> dict[str, Any]:
        """Render the ``Webhook`` schema."""
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "targetUrl": self.target_url,
            "resource": self.resource,
            "event": self.event,
            "status": self.status,
            "created": webex_timestamp(self.created),
            "ownedBy": self.owned_by,
        }
        if self.filter:
            out["filter"] = self.filter
        if self.secret:
            out["secret"] = self.secret
        return out

    def matches(self, resource: str, event: str, data: dict[str, Any]) -> bool:
        """Return True when an event of ``resource``/``event`` with ``data`` is wanted."""
        if self.status != "active" or self.resource not in ("all", resource):
            return False
        if self.event not in ("all", event):
            return False
        filters = parse_qsl(self.filter or "", keep_blank_values=True)
        return all(str(data.get(key)) == value for key, value in filters)


class WebhooksBackend(Backend):
    """Webhook registrations, and the deliveries still running."""

    def reset(self) -> None:
        """Drop every webhook (running deliveries finish on their own)."""
        self.webhooks: dict[str, Webhook] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def create(self, body: dict[str, Any], owner_uuid: str, org_uuid: str) -> Webhook:
        """Register a webhook from a validated ``POST /webhooks`` body.

        Raises:
            BadRequestError: ``targetUrl`` is not an http(s) URL.
        """
        _check_target(body["targetUrl"])
        webhook = Webhook(
            uuid=new_uuid(),
            name=body["name"],
            target_url=body["targetUrl"],
            resource=body["resource"],
            event=body["event"],
            created=float(int(self.state.clock())),
            owner_uuid=owner_uuid,
            org_uuid=org_uuid,
            filter=body.get("filter"),
            secret=body.get("secret"),
            owned_by=body.get("ownedBy") or "creator",
        )
        self.webhooks[webhook.uuid] = webhook
        return webhook

    def get(self, webhook_id: str) -> Webhook:
        """Return a webhook by Hydra id.

        Raises:
            NotFoundError: No such webhook.
        """
        decoded = parse_hydra_id(webhook_id)
        found = self.webhooks.get(decoded.uuid) if decoded and decoded.kind == "WEBHOOK" else None
        if found is None:
            raise NotFoundError(f"Webhook {webhook_id} not found.")
        return found

    def update(self, webhook: Webhook, body: dict[str, Any]) -> Webhook:
        """Apply a validated ``PUT /webhooks/{webhookId}`` body."""
        _check_target(body["targetUrl"])
        webhook.name = body["name"]
        webhook.target_url = body["targetUrl"]
        webhook.secret = body.get("secret", webhook.secret)
        webhook.owned_by = body.get("ownedBy") or webhook.owned_by
        webhook.status = body.get("status") or webhook.status
        return webhook

    def delete(self, webhook: Webhook) -> None:
        """Remove a webhook."""
        self.webhooks.pop(webhook.uuid, None)

    def publish(self, resource: str, event: str, data: dict[str, Any], actor_uuid: str) -> None:
        """Deliver an event to every matching webhook, in background tasks.

        Args:
            resource: e.g. ``messages``.
            event: e.g. ``created``.
            data: The ``data`` of the envelope (the changed object, or its ids).
            actor_uuid: The person who caused the event.
        """
        for webhook in self.webhooks.values():
            if webhook.matches(resource, event, data):
                body, headers = signed_request(
                    self._envelope(webhook, resource, event, data, actor_uuid), webhook.secret
                )
                self._spawn(webhook.target_url, body, headers)

    @staticmethod
    def _envelope(
        webhook: Webhook, resource: str, event: str, data: dict[str, Any], actor_uuid: str
    ) -> dict[str, Any]:
        # The documented delivery body: the registration's id, name, filter, status and
        # owner, who caused the event, and its data. The secret and the target URL are
        # not part of it (the secret only keys the signature).
        envelope: dict[str, Any] = {
            "id": webhook.id,
            "name": webhook.name,
            "resource": resource,
            "event": event,
        }
        if webhook.filter:
            envelope["filter"] = webhook.filter
        envelope.update(
            {
                "orgId": hydra_id("ORGANIZATION", webhook.org_uuid),
                "createdBy": hydra_id("PEOPLE", webhook.owner_uuid),
                "appId": hydra_id("APPLICATION", webhook.owner_uuid),
                "ownedBy": webhook.owned_by,
                "status": webhook.status,
                "actorId": hydra_id("PEOPLE", actor_uuid),
                "data": data,
            }
        )
        return envelope

    def _spawn(self, url: str, body: bytes, headers: dict[str, str]) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            logger.warning("webhook delivery to %s skipped: no running event loop", url)
            return
        task = loop.create_task(deliver(url, body, headers))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _check_target(url: str) -> None:
    if urlsplit(url).scheme not in ("http", "https"):
        raise BadRequestError(f"targetUrl: {url!r} is not an http(s) URL.")
