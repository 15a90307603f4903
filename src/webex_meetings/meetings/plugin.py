"""``webex.meetings``: registration, the meeting collection and ``create()``.

``register()`` follows the JS sequence (JS SDK events, README "The join flow" step 4):

1. ``GET {hydra}/people/me`` (the user's identity; ``type`` ``appuser`` is a guest);
2. in parallel: the preferred Webex site (``GET {hydra}/meetingPreferences``, skipped for
   guests, failures ignored) and WDM device registration then Mercury connect;
3. listen for Mercury events, set ``registered``, emit ``meetings:registered``.

Locus events from Mercury, and ``sync_meetings()``, are routed to meetings by
:mod:`webex_meetings.meetings.routing`. Not done: geo hint and media reachability
(they only feed media), the legacy (non-unified) meeting-info lookup.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any

from webex_meetings._config_meetings import MeetingsConfig
from webex_meetings._events import EventEmitter, Events
from webex_meetings._logging import get_logger
from webex_meetings.meetings.collection import MeetingCollection
from webex_meetings.meetings.constants import (
    DestinationType,
    MeetingAddedType,
    MeetingEvents,
    MeetingRemovedReason,
)
from webex_meetings.meetings.destination import resolve_destination
from webex_meetings.meetings.errors import (
    CaptchaError,
    MeetingPermissionError,
    NoMeetingInfoError,
    PasswordError,
)
from webex_meetings.meetings.meeting import Meeting
from webex_meetings.meetings.meeting_info import MeetingInfoProvider
from webex_meetings.meetings.routing import LocusRouter

if TYPE_CHECKING:
    from webex_meetings._client import Webex
    from webex_meetings.meetings.destination import Destination

__all__ = ["Meetings"]

logger = get_logger(__name__)


class Meetings(EventEmitter):
    """The JS SDK's ``webex.meetings`` plugin.

    Events: ``meetings:ready``, ``meetings:registered``, ``meetings:unregistered``,
    ``meeting:added`` ``{meeting, type}``, ``meeting:removed`` ``{meetingId, reason}``,
    ``network:disconnected``.

    Attributes:
        registered: True between :meth:`register` and :meth:`unregister`.
        ready: True once ``meetings:ready`` was emitted.
        me: the ``people/me`` record fetched by :meth:`register`.
        meeting_collection: the meetings, by local id (:class:`MeetingCollection`).
        meeting_info: the meeting-info lookup service (:class:`MeetingInfoProvider`).
        preferred_webex_site: the user's preferred Webex site host, set by
            :meth:`register` (empty when unknown).
    """

    def __init__(self, webex: Webex) -> None:
        super().__init__()
        self._webex = webex
        self.registered = False
        self.ready = False
        self.me: Any = None
        self.preferred_webex_site = ""
        self.meeting_collection = MeetingCollection()
        self.meeting_info = MeetingInfoProvider(webex)
        self._router = LocusRouter(self)
        self._op_lock = asyncio.Lock()
        self._subscriptions: list[tuple[str, Any]] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False
        if webex.ready:
            try:
                asyncio.get_running_loop().call_soon(self._on_ready)
            except RuntimeError:  # no loop: nobody can be listening yet
                self.ready = True
        else:
            webex.once(Events.READY, self._on_ready)

    def __repr__(self) -> str:
        return f"Meetings(registered={self.registered}, meetings={len(self.meeting_collection)})"

    @property
    def webex(self) -> Webex:
        """The SDK core this plugin belongs to."""
        return self._webex

    @property
    def config(self) -> MeetingsConfig:
        """``webex.config.meetings`` (JS ``meetings.config``)."""
        return self._webex.config.meetings

    def _on_ready(self) -> None:
        if not self.ready:
            self.ready = True
            self.emit(Events.MEETINGS_READY)

    # -- registration ----------------------------------------------------------------

    async def register(self) -> None:
        """Fetch ``people/me`` and the preferred site, register the device, connect Mercury.

        Idempotent.

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
            await asyncio.gather(self._fetch_preferred_site(), self._connect())
            self._listen()
            self.registered = True
            logger.info("meetings: registered")
            self.emit(Events.MEETINGS_REGISTERED)

    async def _connect(self) -> None:
        await self._webex.internal.device.register()
        await self._webex.internal.mercury.connect()

    async def _fetch_preferred_site(self) -> None:
        """Read the default site of ``meetingPreferences`` (JS ``fetchUserPreferredWebexSite``)."""
        if getattr(self.me, "type", None) == "appuser":
            return
        try:
            response = await self._webex.request(
                "GET", service="hydra", resource="meetingPreferences"
            )
            body = response.json()
        except Exception as exc:  # the site only matters for ad-hoc space meetings
            logger.info("meetings: no preferred Webex site (%s)", exc)
            return
        site = _default_site(body)
        if site:
            self.preferred_webex_site = site
            self.meeting_info.preferred_webex_site = site
            logger.info("meetings: preferred Webex site %s", site)

    async def unregister(self) -> None:
        """Close Mercury (1000), delete the WDM device; no-op when not registered.

        Meetings stay in the collection (as in JS); their Locus state no longer updates.
        """
        async with self._op_lock:
            if not self.registered:
                logger.info("meetings: not registered")
                return
            self._stop_listening()
            self._router.cancel_sync()
            await self._webex.internal.mercury.disconnect()
            await self._webex.internal.device.unregister()
            self.registered = False
            logger.info("meetings: unregistered")
            self.emit(Events.MEETINGS_UNREGISTERED)

    async def close(self) -> None:
        """Stop every timer and task of the plugin and its meetings (``Webex.close()``).

        The meetings stay in the collection; nothing is sent to Locus.
        """
        self._closed = True
        self._stop_listening()
        self._router.cancel_sync()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for meeting in self.meeting_collection:
            await meeting._aclose()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    # -- unified / ad-hoc switches ---------------------------------------------------

    def toggle_unified_meetings(self, change_state: bool) -> None:
        """Turn ``experimental.enableUnifiedMeetings`` on or off; non-booleans are ignored.

        Only destination classification reads it here (a space id is rejected with
        30105 while it is on); lookups always use the unified (wbxappapi) service.
        """
        self._set_experimental("enable_unified_meetings", change_state)

    _toggle_unified_meetings = toggle_unified_meetings

    def toggle_adhoc_meetings(self, change_state: bool) -> None:
        """Turn ``experimental.enableAdhocMeetings`` on or off; non-booleans are ignored."""
        self._set_experimental("enable_adhoc_meetings", change_state)

    _toggle_adhoc_meetings = toggle_adhoc_meetings

    def _set_experimental(self, field: str, value: bool) -> None:
        if not isinstance(value, bool):
            return
        config = self._webex.config
        experimental = config.meetings.experimental
        if getattr(experimental, field) == value:
            return
        # The config is frozen: swap in a copy with the one switch changed.
        meetings = config.meetings.model_copy(
            update={"experimental": experimental.model_copy(update={field: value})}
        )
        self._webex.config = config.model_copy(update={"meetings": meetings})
        logger.info("meetings: %s = %s", field, value)

    # -- the collection --------------------------------------------------------------

    def get_all_meetings(self) -> dict[str, Meeting]:
        """Every meeting, by local meeting id (JS ``getAllMeetings``)."""
        return self.meeting_collection.get_all()

    def get_meeting_by_type(self, key: str, value: Any) -> Meeting | None:
        """The first meeting whose property ``key`` equals ``value`` (JS ``getMeetingByType``).

        Args:
            key: a property name: ``id``, ``sip_uri``, ``locus_url``, ``meeting_number``,
                ``conversation_url``, ``correlation_id`` (the JS camelCase spellings such
                as ``sipUri`` work too).
            value: the value to look for.
        """
        return self.meeting_collection.get_by_key(key, value)

    # -- create ----------------------------------------------------------------------

    async def create(
        self,
        destination: str | Mapping[str, Any] | None,
        type: DestinationType | str | None = None,  # the JS argument name
        *,
        correlation_id: str | None = None,
        fail_on_missing_meeting_info: bool = False,
        info_extra_params: Mapping[str, Any] | None = None,
    ) -> Meeting:
        """Create a meeting object for ``destination``, or return the one already open.

        The destination is classified (SIP address, meeting number, link, person...),
        the meeting is added to the collection and looked up. A password, captcha or
        policy answer does not fail: the meeting comes back with :attr:`Meeting.
        password_status` / :attr:`Meeting.required_captcha` set. Other lookup failures
        are logged and the destination is treated as a 1:1 call, unless
        ``fail_on_missing_meeting_info``. Emits ``meeting:added`` ``{meeting, type:
        "CREATED"}``.

        Args:
            destination: a SIP address, meeting number, meeting link, person id or
                e-mail (with ``PERSON_ID``), conversation URL, or a Locus object (with
                ``LOCUS_ID``).
            type: the :class:`DestinationType` (or its name) when it cannot be guessed,
                e.g. ``MEETING_ID`` for a number that looks like a phone number.
            correlation_id: the correlation id for the first join.
            fail_on_missing_meeting_info: raise :class:`NoMeetingInfoError` (and drop
                the meeting) when the lookup fails for a reason other than a password,
                captcha or policy.
            info_extra_params: extra fields for the meeting-info request body.

        Returns:
            The new or existing meeting.

        Raises:
            SpaceIDDeprecatedError: a space (room) id with unified meetings on (30105).
            ParameterError: the destination cannot be classified.
            NoMeetingInfoError: see ``fail_on_missing_meeting_info`` (code 10).
        """
        resolved = await resolve_destination(self._webex, destination, type)
        existing = self._find_existing(resolved)
        if existing is not None:
            logger.info("meetings: returning the open meeting %s", existing.id)
            return existing
        meeting = self._add(resolved, correlation_id=correlation_id)
        if resolved.type is DestinationType.LOCUS_ID and isinstance(resolved.value, dict):
            meeting.locus_info.init(resolved.value)
        try:
            if resolved.type is not DestinationType.ONE_ON_ONE_CALL:
                await meeting.fetch_meeting_info(extra_params=info_extra_params)
        except (CaptchaError, PasswordError, MeetingPermissionError) as exc:
            logger.info("meetings: meeting %s needs more before joining: %s", meeting.id, exc)
        except Exception as exc:
            if fail_on_missing_meeting_info:
                self._destroy(meeting, MeetingRemovedReason.MISSING_MEETING_INFO)
                raise NoMeetingInfoError(error=exc) from exc
            logger.info(
                "meetings: no meeting info for meeting %s (%s); treating it as a 1:1 call",
                meeting.id,
                exc,
            )
        except BaseException:
            self._destroy(meeting, MeetingRemovedReason.MISSING_MEETING_INFO)
            raise
        if not meeting.sip_uri and isinstance(resolved.value, str):
            meeting._set_sip_uri_fallback(resolved.value)
        if meeting.id in self.meeting_collection:
            self.emit(
                MeetingEvents.MEETING_ADDED, {"meeting": meeting, "type": MeetingAddedType.CREATED}
            )
        return meeting

    def _find_existing(self, destination: Destination) -> Meeting | None:
        value = destination.value
        if not isinstance(value, str):
            return None
        collection = self.meeting_collection
        if destination.type is DestinationType.CONVERSATION_URL:
            found = collection.get_by_key("conversation_url", value)
            if found is not None and not found.locus_info.raw.get("meeting"):
                return found  # not a scheduled (calendar) meeting
        found = collection.get_by_key("sip_uri", value)
        if found is None and destination.type is DestinationType.MEETING_ID:
            found = collection.get_by_key("meeting_number", value)
        if found is None and destination.type is DestinationType.MEETING_LINK:
            found = collection.get_by_key("meeting_join_url", value)
        if found is None:
            for meeting in collection:
                if meeting.destination_type is destination.type and meeting.destination == value:
                    return meeting
        return found

    def _add(self, destination: Destination, *, correlation_id: str | None = None) -> Meeting:
        meeting = Meeting(self, destination, correlation_id=correlation_id)
        self.meeting_collection.set(meeting)
        logger.info("meetings: meeting %s added (%s)", meeting.id, destination.type.value)
        return meeting

    def _destroy(self, meeting: Meeting, reason: MeetingRemovedReason | str) -> None:
        """Remove ``meeting``: stop its timers, drop it, emit ``meeting:removed``."""
        if self.meeting_collection.delete(meeting.id) is None:
            return
        meeting._mark_removed()
        logger.info("meetings: meeting %s removed (%s)", meeting.id, reason)
        self.emit(MeetingEvents.MEETING_REMOVED, {"meetingId": meeting.id, "reason": reason})

    # -- Mercury and sync ------------------------------------------------------------

    async def sync_meetings(self, *, keep_only_locus_meetings: bool = True) -> None:
        """Bring the collection in line with Locus' active loci (JS ``syncMeetings``).

        ``GET {locus}/loci``: every locus updates its meeting or creates one
        (``meeting:added`` ``JOIN``/``INCOMING``); meetings whose locus is no longer
        active are removed (``NO_MEETINGS_TO_SYNC``). Unlike JS, a meeting that was
        created but never joined is kept, whatever ``keep_only_locus_meetings`` says.

        Args:
            keep_only_locus_meetings: also remove meetings that have no Locus URL (except
                created-but-not-joined ones); False removes only meetings with Locus state.

        Raises:
            APIError: listing the loci failed.
        """
        await self._router.sync_meetings(keep_only_locus_meetings=keep_only_locus_meetings)

    def _listen(self) -> None:
        mercury = self._webex.internal.mercury
        for event, handler in (
            ("event:locus", self._router.on_locus_event),
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

    def _on_mercury_offline(self, *_: Any) -> None:
        self.emit(Events.NETWORK_DISCONNECTED)

    def _on_mercury_online(self) -> None:
        # Events may have been lost while offline: resync, as JS does.
        self._router.start_sync()

    def _spawn(self, coro: Coroutine[Any, Any, Any], *, name: str) -> asyncio.Task[Any] | None:
        """Run ``coro`` as a task that :meth:`close` cancels and awaits."""
        if self._closed:
            coro.close()
            return None
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        error = None if task.cancelled() else task.exception()
        if error is not None:
            logger.warning("meetings: background task %s failed: %r", task.get_name(), error)


def _default_site(body: Any) -> str | None:
    """The ``siteUrl`` of the default site (else the first) of a meetingPreferences body."""
    sites = body.get("sites") if isinstance(body, Mapping) else None
    if not isinstance(sites, list):
        return None
    entries = [s for s in sites if isinstance(s, Mapping) and s.get("siteUrl")]
    chosen = next((s for s in entries if s.get("default")), entries[0] if entries else None)
    return str(chosen["siteUrl"]) if chosen else None
