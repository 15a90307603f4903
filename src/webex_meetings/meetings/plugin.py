"""``webex.meetings``: device registration and the Mercury connection for meetings.

``register()`` follows the JS sequence (events.md §1, README "The join flow" step 4):

1. ``GET {hydra}/people/me`` (the user's identity; ``type`` ``appuser`` is a guest);
2. WDM device registration (``webex.internal.device.register()``);
3. Mercury connect (``webex.internal.mercury.connect()``);
4. listen for Mercury events, set ``registered``, emit ``meetings:registered``.

Not yet done (later work): preferred-site lookup, geo hint, media reachability, and the
meeting collection fed by ``event:locus`` (the hooks :meth:`Meetings._on_locus_event`
and :meth:`Meetings._on_mercury_online` are where that grows).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from webex_meetings._events import EventEmitter, Events
from webex_meetings._logging import get_logger

if TYPE_CHECKING:
    from webex_meetings._client import Webex

__all__ = ["Meetings"]

logger = get_logger(__name__)


class Meetings(EventEmitter):
    """The JS SDK's ``webex.meetings`` plugin.

    Events: ``meetings:ready``, ``meetings:registered``, ``meetings:unregistered``,
    ``network:disconnected``.

    Attributes:
        registered: True between :meth:`register` and :meth:`unregister`.
        ready: True once ``meetings:ready`` was emitted.
        me: the ``people/me`` record fetched by :meth:`register`.
    """

    def __init__(self, webex: Webex) -> None:
        super().__init__()
        self._webex = webex
        self.registered = False
        self.ready = False
        self.me: Any = None
        self._op_lock = asyncio.Lock()
        self._subscriptions: list[tuple[str, Any]] = []
        if webex.ready:
            try:
                asyncio.get_running_loop().call_soon(self._on_ready)
            except RuntimeError:  # no loop: nobody can be listening yet
                self.ready = True
        else:
            webex.once(Events.READY, self._on_ready)

    def __repr__(self) -> str:
        return f"Meetings(registered={self.registered})"

    def _on_ready(self) -> None:
        if not self.ready:
            self.ready = True
            self.emit(Events.MEETINGS_READY)

    async def register(self) -> None:
        """Fetch ``people/me``, register the device, connect Mercury; idempotent.

        Raises:
            APIError: ``people/me`` or the WDM request failed.
            MercuryError: Mercury could not connect for good.
            DomainNotAllowedError: WDM handed out a URL outside the allowed domains.
        """
        async with self._op_lock:
            if self.registered:
                logger.info("meetings: already registered")
                return
            await self._webex.wait_until_ready()
            self.me = await self._webex.people.me()
            await self._webex.internal.device.register()
            await self._webex.internal.mercury.connect()
            self._listen()
            self.registered = True
            logger.info("meetings: registered")
            self.emit(Events.MEETINGS_REGISTERED)

    async def unregister(self) -> None:
        """Close Mercury (1000), delete the WDM device; no-op when not registered."""
        async with self._op_lock:
            if not self.registered:
                logger.info("meetings: not registered")
                return
            self._stop_listening()
            await self._webex.internal.mercury.disconnect()
            await self._webex.internal.device.unregister()
            self.registered = False
            logger.info("meetings: unregistered")
            self.emit(Events.MEETINGS_UNREGISTERED)

    # -- Mercury events --------------------------------------------------------------

    def _listen(self) -> None:
        mercury = self._webex.internal.mercury
        for event, handler in (
            ("event:locus", self._on_locus_event),
            (Events.OFFLINE, self._on_mercury_offline),
            (Events.ONLINE, self._on_mercury_online),
        ):
            mercury.on(event, handler)
            self._subscriptions.append((event, handler))

    def _stop_listening(self) -> None:
        mercury = self._webex.internal.mercury
        for event, handler in self._subscriptions:
            mercury.remove_listener(event, handler)
        self._subscriptions.clear()

    def _on_locus_event(self, envelope: dict[str, Any]) -> None:
        data = envelope.get("data") or {}
        logger.debug("meetings: %s (meeting handling not implemented yet)", data.get("eventType"))

    def _on_mercury_offline(self, *_: Any) -> None:
        self.emit(Events.NETWORK_DISCONNECTED)

    def _on_mercury_online(self) -> None:
        logger.debug("meetings: Mercury online (Locus resync is later work)")
