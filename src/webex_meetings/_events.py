"""Event emitter base (pyee) shared by every SDK object, and the JS event-name constants.

Event names are the strings of the Webex JS SDK, unchanged, so code and docs can be
ported one to one. A listener that raises never breaks the emitter or the receive loop
that emitted the event: the exception is logged and re-emitted as ``error`` (and only
logged when nobody listens for ``error``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Final

from pyee.asyncio import AsyncIOEventEmitter

from webex_meetings._logging import get_logger

__all__ = ["EVENTS", "EventEmitter", "Events"]

logger = get_logger(__name__)


class Events:
    """Event names emitted by the SDK objects, as spelled by the JS SDK."""

    # Webex core (emitter: the Webex object)
    LOADED: Final = "loaded"
    READY: Final = "ready"
    ERROR: Final = "error"
    CLIENT_LOGOUT: Final = "client:logout"
    CLIENT_INVALID_REQUEST_ERROR: Final = "client:InvalidRequestError"
    CREDENTIALS_REFRESHED: Final = "credentials:refreshed"

    # Meetings plugin (emitter: webex.meetings)
    MEETINGS_READY: Final = "meetings:ready"
    MEETINGS_REGISTERED: Final = "meetings:registered"
    MEETINGS_UNREGISTERED: Final = "meetings:unregistered"
    MEETING_ADDED: Final = "meeting:added"
    MEETING_REMOVED: Final = "meeting:removed"

    # Meeting (emitter: a Meeting)
    MEETING_STATE_CHANGE: Final = "meeting:stateChange"
    MEDIA_READY: Final = "media:ready"
    MEDIA_STOPPED: Final = "media:stopped"
    MEMBERS_UPDATE: Final = "members:update"

    NETWORK_DISCONNECTED: Final = "network:disconnected"
    NETWORK_CONNECTED: Final = "network:connected"

    # Mercury (emitter: webex.internal.mercury)
    ONLINE: Final = "online"
    OFFLINE: Final = "offline"
    OFFLINE_TRANSIENT: Final = "offline.transient"
    OFFLINE_PERMANENT: Final = "offline.permanent"
    OFFLINE_REPLACED: Final = "offline.replaced"
    CONNECTION_FAILED: Final = "connection_failed"
    SEQUENCE_MISMATCH: Final = "sequence-mismatch"
    PING_PONG_LATENCY: Final = "ping-pong-latency"
    EVENT: Final = "event"

    # Device (emitter: webex.internal.device)
    REGISTRATION_SUCCESS: Final = "registration:success"

    # Hydra resources after listen() (emitter: webex.messages, webex.rooms...)
    CREATED: Final = "created"
    UPDATED: Final = "updated"
    DELETED: Final = "deleted"
    SEEN: Final = "seen"


EVENTS: Final = Events()


class EventEmitter(AsyncIOEventEmitter):
    """pyee emitter with listener isolation and ``wait_for``.

    ``on``, ``once``, ``off`` (alias of ``remove_listener``) and ``emit`` behave as in
    pyee; coroutine listeners are scheduled on the running loop.
    """

    def off(self, event: str, f: Callable[..., Any] | None = None) -> None:
        """Remove one listener, or every listener of ``event`` when ``f`` is omitted."""
        if f is None:
            self.remove_all_listeners(event)
        else:
            self.remove_listener(event, f)

    def _emit_handle_potential_error(self, event: str, error: Any) -> None:
        # pyee raises an 'error' event that nobody listens to; raising here would
        # unwind whatever loop emitted the event (a Mercury receive loop, say).
        if event == "error":
            logger.error(
                "unhandled error in %s listener: %r",
                type(self).__name__,
                error,
                exc_info=error if isinstance(error, BaseException) else None,
            )

    async def wait_for(
        self,
        event: str,
        *,
        timeout: float | None = None,
        check: Callable[..., bool] | None = None,
    ) -> Any:
        """Wait until ``event`` is emitted (and ``check(*args)`` is true, if given).

        Args:
            event: the event name, e.g. ``"meetings:registered"``.
            timeout: seconds to wait; ``None`` waits forever.
            check: optional predicate over the event's arguments.

        Returns:
            The event's single argument, a tuple when it has several, or ``None``.

        Raises:
            TimeoutError: the event did not come within ``timeout`` seconds.
        """
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def listener(*args: Any) -> None:
            if future.done():
                return
            if check is not None and not check(*args):
                return
            future.set_result(args[0] if len(args) == 1 else (args or None))

        self.on(event, listener)
        try:
            async with asyncio.timeout(timeout):
                return await future
        except TimeoutError:
            raise TimeoutError(f"event {event!r} was not emitted within {timeout}s") from None
        finally:
            self.remove_listener(event, listener)
