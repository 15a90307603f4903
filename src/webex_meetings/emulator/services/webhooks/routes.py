"""Webhook operations: ``/webhooks`` CRUD."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from ..rest.call import Call, Handler, no_content, ok, page
from .models import Webhook, WebhooksBackend


def list_webhooks(call: Call) -> JSONResponse:
    """``GET /webhooks``: the caller's webhooks, oldest first."""
    owner = call.token.person_uuid
    found = [w for w in call.backend(WebhooksBackend).webhooks.values() if w.owner_uuid == owner]
    return page(call, found, Webhook.to_json, default_max=100)


def create_webhook(call: Call) -> JSONResponse:
    """``POST /webhooks``."""
    webhook = call.backend(WebhooksBackend).create(
        call.body, call.token.person_uuid, call.token.org_uuid
    )
    return ok(webhook.to_json())


def get_webhook(call: Call) -> JSONResponse:
    """``GET /webhooks/{webhookId}``."""
    return ok(call.backend(WebhooksBackend).get(call.param("webhookId")).to_json())


def update_webhook(call: Call) -> JSONResponse:
    """``PUT /webhooks/{webhookId}``."""
    webhooks = call.backend(WebhooksBackend)
    return ok(webhooks.update(webhooks.get(call.param("webhookId")), call.body).to_json())


def delete_webhook(call: Call) -> Response:
    """``DELETE /webhooks/{webhookId}``."""
    webhooks = call.backend(WebhooksBackend)
    webhooks.delete(webhooks.get(call.param("webhookId")))
    return no_content()


#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    "GET /webhooks": list_webhooks,
    "POST /webhooks": create_webhook,
    "GET /webhooks/{webhookId}": get_webhook,
    "PUT /webhooks/{webhookId}": update_webhook,
    "DELETE /webhooks/{webhookId}": delete_webhook,
}
