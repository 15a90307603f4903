"""ASGI middleware giving every response a TrackingID and every crash a Webex 500."""

from __future__ import annotations

import logging

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import EmulatorError
from .ids import TRACKING_ID_HEADER, tracking_id_of

logger = logging.getLogger(__name__)


class TrackingIdMiddleware:
    """Stamps ``TrackingID`` on every HTTP response and renders unhandled errors.

    It sits outside the fault middleware and the routes, so injected faults and crashes
    get the same header as normal responses. Error bodies read the same id from the
    scope, so header and ``trackingId`` always agree.
    """

    def __init__(self, app: ASGIApp) -> None:
        """Wrap ``app``."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracking_id = tracking_id_of(scope)
        started = False

        async def send_with_tracking_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                if TRACKING_ID_HEADER not in headers:
                    headers.append(TRACKING_ID_HEADER, tracking_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_tracking_id)
        except Exception:
            # A bug in a handler must still look like a Webex 500 to the client under
            # test, rather than a dropped connection.
            logger.exception("emulator error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            response = EmulatorError().to_response(tracking_id)
            await response(scope, receive, send)
