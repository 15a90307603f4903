"""Fault rules (error status, Retry-After, latency) and the ASGI middleware applying them."""

from __future__ import annotations

import asyncio
import fnmatch
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .errors import BadRequestError, EmulatorError
from .ids import TRACKING_ID_HEADER, tracking_id_of
from .state import Backend, EmulatorState, is_control_path


@dataclass
class FaultRule:
    """One injected fault: which requests it hits and what happens to them."""

    id: str
    path: str
    """``fnmatch`` glob matched against the request path (no query)."""
    method: str = "*"
    """Upper-case method, or ``*`` for any."""
    status: int | None = None
    """Error status to answer with; None lets the request through after the latency."""
    count: int | None = 1
    """Requests left to hit; None hits every matching request until cleared."""
    retry_after: str | None = None
    """Raw ``Retry-After`` header value, sent as given (may be malformed on purpose)."""
    latency_ms: int = 0
    """Delay before answering or handling the request."""
    body: dict[str, Any] | None = None
    """Error body to send instead of the generated Webex error JSON."""

    def matches(self, method: str, path: str) -> bool:
        """Return True when this rule applies to a request."""
        return self.method in ("*", method.upper()) and fnmatch.fnmatchcase(path, self.path)

    def to_json(self) -> dict[str, Any]:
        """Render the rule for the control API."""
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "count": self.count,
            "retryAfter": self.retry_after,
            "latencyMs": self.latency_ms,
            "body": self.body,
        }

    def response(self, tracking_id: str) -> Response:
        """Build the error response of this rule (only when ``status`` is set)."""
        assert self.status is not None
        headers = {} if self.retry_after is None else {"Retry-After": self.retry_after}
        if self.body is None:
            error = EmulatorError(
                f"Injected by emulator fault {self.id}.", status_code=self.status, headers=headers
            )
            return error.to_response(tracking_id)
        body = {**self.body}
        body.setdefault("trackingId", tracking_id)
        headers[TRACKING_ID_HEADER] = tracking_id
        return JSONResponse(body, status_code=self.status, headers=headers)


class FaultStore(Backend):
    """The active fault rules, applied in insertion order."""

    def reset(self) -> None:
        """Drop every rule."""
        self.rules: list[FaultRule] = []
        self._next_id = 1

    def add(
        self,
        path: str,
        *,
        method: str = "*",
        status: int | None = None,
        count: int | None = 1,
        retry_after: str | None = None,
        latency_ms: int = 0,
        body: dict[str, Any] | None = None,
    ) -> FaultRule:
        """Add a rule after the existing ones (see :class:`FaultRule` for the fields).

        Raises:
            BadRequestError: The rule would do nothing, or its values are out of range.
        """
        if status is not None and not 400 <= status <= 599:
            raise BadRequestError("status must be an error status (400-599).")
        if status is None and latency_ms <= 0:
            raise BadRequestError("A fault needs a status, a latencyMs, or both.")
        if count is not None and count < 1:
            raise BadRequestError("count must be at least 1, or null for unlimited.")
        if retry_after is not None and not _is_header_value(retry_after):
            raise BadRequestError("retryAfter must be printable text without line breaks.")
        rule = FaultRule(
            id=f"fault-{self._next_id}",
            path=path,
            method=method.upper(),
            status=status,
            count=count,
            retry_after=retry_after,
            latency_ms=latency_ms,
            body=body,
        )
        self._next_id += 1
        self.rules.append(rule)
        return rule

    def take(self, method: str, path: str) -> FaultRule | None:
        """Return the first rule matching a request and consume one of its count."""
        for rule in self.rules:
            if rule.matches(method, path):
                if rule.count is not None:
                    rule.count -= 1
                    if rule.count == 0:
                        self.rules.remove(rule)
                return rule
        return None

    def clear(self) -> int:
        """Drop every rule; returns how many there were."""
        cleared = len(self.rules)
        self.rules = []
        return cleared


def _is_header_value(value: str) -> bool:
    return value.isprintable() and value.isascii()


class FaultMiddleware:
    """Applies the first matching fault rule before auth and handlers run.

    Control-API paths are never faulted, so a test can always clean up.
    """

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        """Wrap ``app``, reading rules from ``state``."""
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http" or is_control_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        rule = self.state.backend(FaultStore).take(scope["method"], scope["path"])
        if rule is not None and rule.latency_ms > 0:
            await asyncio.sleep(rule.latency_ms / 1000)
        if rule is None or rule.status is None:
            await self.app(scope, receive, send)
            return
        await rule.response(tracking_id_of(scope))(scope, receive, send)
