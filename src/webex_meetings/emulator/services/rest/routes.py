"""Routes of every in-scope spec operation under the Hydra prefix, most specific first."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import Receive, Scope, Send

from ..attachment_actions import routes as attachment_actions
from ..meeting_invitees import routes as meeting_invitees
from ..meeting_participants import routes as meeting_participants
from ..meeting_preferences import routes as meeting_preferences
from ..meetings import routes as meetings
from ..messages import routes as messages
from ..people import routes as people
from ..recordings import routes as recordings
from ..rooms import routes as rooms
from ..session_types import routes as session_types
from ..teams import routes as teams
from ..transcripts import routes as transcripts
from ..u2c.models import SERVICE_PATHS
from ..webhooks import routes as webhooks
from .call import Handler
from .dispatch import handle
from .spec import Operation, operations

_HYDRA = SERVICE_PATHS["hydra"]

#: Stateful handlers by ``METHOD /path``; every other operation is answered from the spec.
HANDLERS: dict[str, Handler] = {
    **people.OPERATIONS,
    **rooms.OPERATIONS,
    **messages.OPERATIONS,
    **attachment_actions.OPERATIONS,
    **teams.OPERATIONS,
    **webhooks.OPERATIONS,
    **meetings.OPERATIONS,
    **meeting_invitees.OPERATIONS,
    **meeting_participants.OPERATIONS,
    **meeting_preferences.OPERATIONS,
    **session_types.OPERATIONS,
    **recordings.OPERATIONS,
    **transcripts.OPERATIONS,
}


def _endpoint(by_method: dict[str, Operation]) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        op = by_method[method]
        return await handle(request, op, HANDLERS.get(op.key))

    return endpoint


def _specificity(path: str) -> tuple[int, ...]:
    # Literal segments sort before parameters, so /meetings/controls wins over
    # /meetings/{meetingId}.
    return tuple(1 if part.startswith("{") else 0 for part in path.strip("/").split("/"))


@functools.cache
def build_routes() -> list[BaseRoute]:
    """Return one route per spec path (relative to the Hydra prefix), dispatching on the method."""
    by_path: dict[str, dict[str, Operation]] = {}
    for op in operations():
        by_path.setdefault(op.path, {})[op.method] = op
    return [
        Route(path, _endpoint(ops), methods=list(ops))
        for path, ops in sorted(by_path.items(), key=lambda item: _specificity(item[0]))
    ]


class HydraRouter:
    """ASGI router of the spec operations, built on the first request.

    Loading the specs takes most of a second; deferring it keeps importing and creating
    the app cheap for users who never call the REST API.
    """

    def __init__(self) -> None:
        """Create the router; nothing is loaded yet."""
        self._router: Router | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Route one request to its operation (404/405 render as Webex errors)."""
        if self._router is None:
            # No slash redirects: the SDK asks for none (``cisco-no-http-redirect``).
            self._router = Router(routes=build_routes(), redirect_slashes=False)
        await self._router(_without_trailing_slash(scope), receive, send)


def _without_trailing_slash(scope: Scope) -> Scope:
    """Serve ``/people/`` as ``/people``, as Hydra does.

    The JS SDK's batched ``people.get(id)`` asks for ``{hydra}/people/?id=...``
    (JS REST plugins); Hydra answers it directly rather than redirecting.
    """
    path: str = scope["path"]
    if len(path) <= 1 or not path.endswith("/"):
        return scope
    trimmed = path.rstrip("/") or "/"
    raw: bytes = scope.get("raw_path") or path.encode()
    return {**scope, "path": trimmed, "raw_path": raw.rstrip(b"/") or b"/"}


#: Mounted last in the app, so that explicit routes under the Hydra prefix win.
ROUTES: list[BaseRoute] = [Mount(_HYDRA, app=HydraRouter())]
