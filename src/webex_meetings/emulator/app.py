"""Builds the emulator's Starlette app: every service's routes, the control API, middleware.

A new service is a folder under ``services/`` with ``models.py`` (its backend) and
``routes.py`` (its ``ROUTES``), plus one line in :data:`SERVICE_ROUTES`.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from . import control
from .core.errors import EmulatorError, handle_emulator_error, handle_http_exception
from .core.faults import FaultMiddleware
from .core.requests_log import RequestLogMiddleware
from .core.state import EmulatorState
from .core.tracking import TrackingIdMiddleware
from .services.client_logs import routes as client_logs
from .services.conversation import routes as conversation
from .services.idbroker import routes as idbroker
from .services.locus import control_routes as locus_control
from .services.locus import routes as locus
from .services.media import control_routes as media_control
from .services.meetinginfo import control_routes as meetinginfo_control
from .services.meetinginfo import routes as meetinginfo
from .services.mercury import routes as mercury
from .services.messages import uploads as message_uploads
from .services.metrics import routes as metrics
from .services.people import routes as people
from .services.recordings import control_routes as recordings_control
from .services.rest import routes as rest
from .services.u2c import routes as u2c
from .services.wdm import routes as wdm

#: Routes of every emulated service, in matching order.
SERVICE_ROUTES: tuple[list[BaseRoute], ...] = (
    u2c.ROUTES,
    idbroker.ROUTES,
    people.ROUTES,
    wdm.ROUTES,
    mercury.ROUTES,
    metrics.ROUTES,
    client_logs.ROUTES,
    conversation.ROUTES,
    meetinginfo.ROUTES,
    meetinginfo_control.ROUTES,
    locus.ROUTES,
    locus_control.ROUTES,
    media_control.ROUTES,
    recordings_control.ROUTES,
    # Before the Hydra router: multipart message uploads and their content URLs.
    message_uploads.ROUTES,
    # Last: it owns everything else under the Hydra prefix, answering 404/405 itself.
    rest.ROUTES,
)


def create_app(state: EmulatorState) -> Starlette:
    """Build the ASGI app serving ``state``.

    Middleware, outermost first: the request log (so it sees every final status), the
    tracking id (so faults and crashes carry one too), then faults, which run before
    any authentication or handler.

    Args:
        state: The emulator state the handlers read and change.
    """
    routes: list[BaseRoute] = [*control.ROUTES]
    for service_routes in SERVICE_ROUTES:
        routes.extend(service_routes)
    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(RequestLogMiddleware, state=state),
            Middleware(TrackingIdMiddleware),
            Middleware(FaultMiddleware, state=state),
        ],
        exception_handlers={
            EmulatorError: handle_emulator_error,
            HTTPException: handle_http_exception,
        },
    )
    app.state.emulator = state
    return app
