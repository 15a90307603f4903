"""The log of requests the emulator received, with tokens redacted, and its middleware."""

from __future__ import annotations

import fnmatch
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .ids import TRACKING_ID_HEADER
from .state import Backend, EmulatorState, is_control_path

#: Oldest entries are dropped beyond this, so a long-running CLI emulator stays small.
MAX_ENTRIES = 10_000

#: Request headers whose credentials are replaced by ``<redacted>``.
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization"})


def redact_authorization(value: str) -> str:
    """Keep the scheme of an ``Authorization`` value and drop the credentials."""
    scheme, _, _ = value.strip().partition(" ")
    return f"{scheme} <redacted>" if scheme else "<redacted>"


@dataclass
class LoggedRequest:
    """One received request. Never holds a token."""

    method: str
    path: str
    query: str
    """Raw query string, without the ``?``."""
    headers: dict[str, str]
    """Lower-cased request headers; credentials in ``authorization`` are redacted."""
    time: float
    """Arrival time, epoch seconds."""
    status: int | None = None
    """Response status, None until the response started."""
    response_tracking_id: str | None = field(default=None)
    """The ``TrackingID`` the emulator answered with."""

    @property
    def trackingid(self) -> str | None:
        """The client's own ``trackingid`` request header, if it sent one."""
        return self.headers.get("trackingid")

    def to_json(self) -> dict[str, Any]:
        """Render the entry for the control API."""
        return {
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "status": self.status,
            "trackingid": self.trackingid,
            "responseTrackingId": self.response_tracking_id,
            "headers": self.headers,
            "time": self.time,
        }


class RequestLog(Backend):
    """Requests in arrival order, excluding the control API."""

    def reset(self) -> None:
        """Forget every entry."""
        self.entries: deque[LoggedRequest] = deque(maxlen=MAX_ENTRIES)

    def record(self, scope: Scope) -> LoggedRequest:
        """Append an entry for an arriving HTTP request and return it."""
        headers: dict[str, str] = {}
        for name, value in Headers(scope=scope).items():
            text = redact_authorization(value) if name in _SECRET_HEADERS else value
            # Repeated headers are folded the way HTTP allows.
            headers[name] = f"{headers[name]}, {text}" if name in headers else text
        entry = LoggedRequest(
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            time=self.state.clock(),
        )
        self.entries.append(entry)
        return entry

    def find(self, method: str | None = None, path: str | None = None) -> list[LoggedRequest]:
        """Return entries, oldest first, filtered by method and ``fnmatch`` path glob."""
        return [
            entry
            for entry in self.entries
            if (method is None or entry.method == method.upper())
            and (path is None or fnmatch.fnmatchcase(entry.path, path))
        ]

    def clear(self) -> int:
        """Forget every entry; returns how many there were."""
        cleared = len(self.entries)
        self.entries.clear()
        return cleared


class RequestLogMiddleware:
    """Records every non-control HTTP request and, later, its response status."""

    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        """Wrap ``app``, recording into ``state``."""
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http" or is_control_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        entry = self.state.backend(RequestLog).record(scope)

        async def send_and_record(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry.status = message["status"]
                entry.response_tracking_id = Headers(raw=message.get("headers", [])).get(
                    TRACKING_ID_HEADER
                )
            await send(message)

        await self.app(scope, receive, send_and_record)
