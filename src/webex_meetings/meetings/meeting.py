"""A meeting (JS ``Meeting``): identifiers, Locus state, events and lifecycle.

The members are spread over small modules, each a base class of :class:`Meeting`:
:mod:`~webex_meetings.meetings.info_access` (meeting info, password, captcha, token),
:mod:`~webex_meetings.meetings.joining` (join, leave, decline, acknowledge) and
:mod:`~webex_meetings.meetings.controls` (host, member and media controls). The lifecycle
is described in :mod:`~webex_meetings.meetings.lifecycle`. Media lives in
:attr:`Meeting.media` (:class:`~webex_meetings.meetings.media.MeetingMedia`, created
with the meeting; aiortc is imported only when media starts).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import DestinationType, MeetingEvents, MeetingRemovedReason
from webex_meetings.meetings.controls import MeetingControls, MeetingMediaControls
from webex_meetings.meetings.errors import ReconnectionError
from webex_meetings.meetings.in_meeting_actions import InMeetingActions
from webex_meetings.meetings.info_access import MeetingInfoAccess
from webex_meetings.meetings.info_state import MeetingInfoState
from webex_meetings.meetings.joining import MeetingJoinLeave
from webex_meetings.meetings.lifecycle import LIFECYCLE_EVENT, MeetingLifecycle, lifecycle_for_self
from webex_meetings.meetings.lobby import KeepAlive
from webex_meetings.meetings.locus import LocusInfo, LocusInfoEvents
from webex_meetings.meetings.locus.requests import LocusRequests
from webex_meetings.meetings.locus.sections import SelfState
from webex_meetings.meetings.locus.self_events import (
    muted_by_others_changed,
    video_muted_by_others_changed,
)
from webex_meetings.meetings.members import Members
from webex_meetings.meetings.share import ScreenShareFloorState, ShareFloor, ShareStatus

if TYPE_CHECKING:
    from webex_meetings._client import Webex
    from webex_meetings.meetings.destination import Destination
    from webex_meetings.meetings.locus import JoinResponse
    from webex_meetings.meetings.media import MeetingMedia
    from webex_meetings.meetings.plugin import Meetings

__all__ = ["LIFECYCLE_EVENT", "Meeting", "MeetingLifecycle"]

logger = get_logger(__name__)

# Meeting attributes that Locus keeps up to date (``LocusInfoEvents.MEETING_UPDATE``).
_LOCUS_ATTRIBUTES: Final = frozenset(
    {
        "type",
        "meeting_state",
        "host_id",
        "user_display_hints",
        "datachannel_url",
        "self_id",
        "self_url",
        "self_identity",
        "state",
        "guest",
        "moderator",
        "roles",
        "remote_muted",
        "unmute_allowed",
        "remote_video_muted",
        "is_user_unadmitted",
        "layout",
        "can_not_view_the_participant_list",
        "is_sharing_blocked",
        "entry_exit_tone",
        "unmute_video_allowed",
    }
)
# Identifiers that Locus and the meeting info both provide (Locus wins once known).
_SHARED_IDENTIFIERS: Final = frozenset(
    {"locus_url", "sip_uri", "meeting_number", "conversation_url", "locked"}
)


class Meeting(MeetingInfoAccess, MeetingJoinLeave, MeetingControls, MeetingMediaControls):
    """One meeting, created by ``await webex.meetings.create(destination)``.

    Emits the JS meeting events (``meeting:stateChange``, ``meeting:self:lobbyWaiting``,
    ``meeting:self:guestAdmitted``, ``meeting:locked``, ``meeting:actionsUpdate``,
    ``meeting:recording:*``...; see the meetings guide), plus ``meeting:lifecycle``.
    Member events come from :attr:`members`. Media events (``media:ready``,
    ``media:stopped``, ``meeting:reconnection*``...) come from :attr:`media`, emitted
    here too.

    Attributes:
        id: local meeting id (a uuid), the key of ``webex.meetings.get_all_meetings()``.
        destination: what the meeting was created for (SIP address, meeting number,
            link...; the Locus object for ``LOCUS_ID``).
        destination_type: the :class:`DestinationType` of :attr:`destination`.
        correlation_id: the id of the current join (a new one per re-join).
        members: the member list and member actions (:class:`Members`).
        locus_info: the Locus state (:class:`LocusInfo`).
        in_meeting_actions: what this user may do now (:class:`InMeetingActions`).
        requests: the Locus request layer of this meeting.
        media: the meeting's audio, video and share (:class:`MeetingMedia`).
        share_floor: the screen share status and floor requests (:class:`ShareFloor`).
        lifecycle: the :class:`MeetingLifecycle` state.
        media_connections: ``mediaConnections`` of the last join response.
        media_id: the media id of the last join response.
        state: Locus ``self.state`` (``IDLE``, ``JOINED``, ``LEFT``...).
        meeting_state: Locus ``fullState.state`` (``ACTIVE``, ``INACTIVE``...).
        type: Locus ``fullState.type`` (``MEETING``, ``CALL``, ``SIP_BRIDGE``).
        self_id: participant id of self (also ``members.self_id``).
        host_id: person id of the host (Locus ``host.id``).
        moderator: self is a moderator (host).
        roles: self's roles (``MODERATOR``, ``COHOST``, ``PRESENTER``, ``ATTENDEE``...).
        is_user_unadmitted: self waits in the lobby.
        guest: self joined as a guest.
    """

    def __init__(
        self,
        meetings: Meetings,
        destination: Destination,
        *,
        correlation_id: str | None = None,
    ) -> None:
        super().__init__()
        self._meetings = meetings
        self._webex: Webex = meetings.webex
        self.id = str(uuid.uuid4())
        self._destination = destination
        self.destination: str | dict[str, Any] = destination.value
        self.destination_type: DestinationType = destination.type
        self.correlation_id = correlation_id or str(uuid.uuid4())
        self.lifecycle = MeetingLifecycle.NEW
        self.media_connections: list[dict[str, Any]] = []
        self.media_id: str | None = None
        self.type: str | None = None
        self.meeting_state: str | None = None
        self.host_id: str | None = None
        self.user_display_hints: list[str] = []
        self.datachannel_url: str | None = None
        self.self_id: str | None = None
        self.self_url: str | None = None
        self.self_identity: str | None = None
        self.state: str | None = None
        self.guest: bool | None = None
        self.moderator: bool | None = None
        self.roles: list[str] = []
        self.remote_muted: bool | None = None
        self.unmute_allowed: bool | None = None
        self.remote_video_muted: bool | None = None
        self.is_user_unadmitted = False
        self.layout: str | None = None
        self.can_not_view_the_participant_list: bool | None = None
        self.is_sharing_blocked: bool | None = None
        self.entry_exit_tone: str | None = None
        self.unmute_video_allowed: bool | None = None
        self._from_locus: dict[str, Any] = {}
        self._sip_uri_fallback: str | None = None
        self._has_joined_once = False
        #: The WDM device URL of the last join: a re-registration mid-meeting makes a new
        #: device, but Locus knows this one (leave, ``/media``, finding self's device).
        self._joined_device_url: str | None = None
        self._left_by_user = False
        self._joining: asyncio.Future[JoinResponse] | None = None
        self._info_task: asyncio.Task[None] | None = None
        if destination.type is DestinationType.LOCUS_ID and isinstance(destination.value, dict):
            url = destination.value.get("url")
            if isinstance(url, str) and url:
                self._from_locus["locus_url"] = url

        self.requests = LocusRequests(
            self._webex, sequence=self._current_sequence, on_locus=self._on_request_locus
        )
        self.members = Members(requests=self.requests)
        self.in_meeting_actions = InMeetingActions()
        self.locus_info = LocusInfo(
            emitter=self,
            members=self.members,
            device_url=lambda: self.device_url,
            correlation_id=lambda: self.correlation_id,
            get_locus=self.requests.get_locus_dto,
            on_removed=self._on_locus_removed,
            in_meeting_actions=self.in_meeting_actions,
            local_audio_muted=self._local_audio_muted,
        )
        self._info = MeetingInfoState(
            meetings.meeting_info, destination, on_info=self._on_meeting_info
        )
        self._keep_alive = KeepAlive(self.requests.keep_alive)
        self.locus_info.on(LocusInfoEvents.MEETING_UPDATE, self._on_locus_update)
        self.locus_info.on(LocusInfoEvents.SELF_UPDATED, self._on_self_updated)
        self.locus_info.on(LocusInfoEvents.SELF_UNADMITTED, self._on_unadmitted)
        self.locus_info.on(LocusInfoEvents.SELF_ADMITTED, self._on_admitted)
        self.locus_info.on(LocusInfoEvents.DISCONNECT_DUE_TO_INACTIVITY, self._on_inactivity_drop)
        #: Screen share status and floor requests (``share_status``, ``publish_streams``).
        self.share_floor = ShareFloor(self)
        self.locus_info.on(LocusInfoEvents.MEDIA_SHARES_UPDATED, self.share_floor.on_media_shares)
        # Imported here: the media package is only needed once a meeting exists.
        from webex_meetings.meetings.media import MeetingMedia

        self.media: MeetingMedia = MeetingMedia(self._webex, self, rejoin=self._rejoin_for_media)

    def __repr__(self) -> str:
        return (
            f"Meeting(id={self.id!r}, {self.destination_type.value}, "
            f"lifecycle={self.lifecycle.value}, state={self.meeting_state!r})"
        )

    # -- identifiers -----------------------------------------------------------------

    @property
    def locus_url(self) -> str | None:
        """The meeting's Locus URL (from Locus, else from the meeting info)."""
        return self.locus_info.url or self._from_locus.get("locus_url") or self._info.locus_url

    @property
    def locus_id(self) -> str | None:
        """The last path segment of :attr:`locus_url`."""
        url = self.locus_url
        return url.rstrip("/").rsplit("/", 1)[-1] if url else None

    @property
    def sip_uri(self) -> str | None:
        """The meeting's SIP address (Locus ``info.sipUri``, else meeting info ``sipUrl``).

        For a destination without meeting info (a 1:1 call) it is the destination itself.
        """
        return self._from_locus.get("sip_uri") or self._info.sip_uri or self._sip_uri_fallback

    @property
    def meeting_number(self) -> str | None:
        """The meeting number (Locus ``info.webExMeetingId``, else ``meetingNumber``)."""
        return self._from_locus.get("meeting_number") or self._info.meeting_number

    @property
    def meeting_join_url(self) -> str | None:
        """The meeting info ``meetingJoinUrl`` (the preferred join address)."""
        return self._info.meeting_join_url

    @property
    def conversation_url(self) -> str | None:
        """The space bound to the meeting, if any."""
        return self._from_locus.get("conversation_url") or self._info.conversation_url

    @property
    def owner(self) -> str | None:
        """The meeting owner's user id (Locus ``info.owner``, else the meeting info)."""
        info = self.locus_info.info
        return (info.owner if info else None) or self._info.owner

    @property
    def locked(self) -> bool:
        """True while the meeting is locked (display hints, else ``fullState.locked``)."""
        if self.locus_info.info_state is not None and (
            self.locus_info.info_state.is_locked or self.locus_info.info_state.is_unlocked
        ):
            return self.locus_info.is_locked
        return bool(self._from_locus.get("locked"))

    @property
    def recording(self) -> dict[str, Any] | None:
        """``{state, modifiedBy, lastModified}`` once Locus reported recording controls."""
        value = self.locus_info.recording
        return dict(value) if value else None

    @property
    def device_url(self) -> str | None:
        """The WDM device URL Locus knows this client by in the meeting.

        The device the meeting was joined with, even after the device was registered
        again mid-meeting (WDM expiry); before the first join, the current device.
        """
        return self._joined_device_url or self._webex.internal.device.url

    @property
    def share_status(self) -> ShareStatus:
        """Who shares now (JS ``shareStatus``): no one, someone else, self, a whiteboard."""
        return self.share_floor.status

    @property
    def screen_share_floor_state(self) -> ScreenShareFloorState:
        """This client's share floor request (JS ``screenShareFloorState``)."""
        return self.share_floor.floor_state

    def get_members(self) -> Members:
        """The member list (JS ``getMembers``)."""
        return self.members

    def get_cur_user_type(self) -> str | None:
        """``host``, ``cohost``, ``panelist``, ``attendee`` or None (JS ``getCurUserType``)."""
        roles = set(self.roles)
        for role, name in (
            ("MODERATOR", "host"),
            ("COHOST", "cohost"),
            ("PANELIST", "panelist"),
            ("ATTENDEE", "attendee"),
        ):
            if role in roles:
                return name
        return None

    # -- plumbing --------------------------------------------------------------------

    def _set_lifecycle(self, state: MeetingLifecycle) -> None:
        previous = self.lifecycle
        if state is previous or previous is MeetingLifecycle.REMOVED:
            return
        logger.info("meeting %s: %s -> %s", self.id, previous.value, state.value)
        self.lifecycle = state
        self.emit(LIFECYCLE_EVENT, {"previous": previous, "current": state})

    def _current_sequence(self) -> dict[str, Any] | None:
        return self.locus_info.current_sequence()

    def _on_request_locus(self, locus: dict[str, Any]) -> None:
        self.locus_info.handle_delta(locus)

    def _on_meeting_info(self, info: dict[str, Any]) -> None:
        self.locus_info.meeting_info = info
        token = self._info.permission_token
        self.locus_info.self_user_policies = token.user_policies if token is not None else None
        self.locus_info.refresh_meeting_actions()
        self.emit(MeetingEvents.MEETING_INFO_AVAILABLE)

    def _on_locus_update(self, changes: Mapping[str, Any]) -> None:
        for key, value in changes.items():
            if key in _LOCUS_ATTRIBUTES:
                setattr(self, key, value)
            elif key in _SHARED_IDENTIFIERS and value not in (None, ""):
                self._from_locus[key] = value
        if changes.get("locus_url"):
            self._info.locus_id = self.locus_id

    def _on_self_updated(self, previous: SelfState | None, current: SelfState) -> None:
        self._update_lifecycle_from_self()
        # Host mutes follow Locus state, not the (gated) mutedByOthers events, as in JS.
        if muted_by_others_changed(previous, current):
            self.media.handle_remote_mute(bool(current.remote_muted))
        if video_muted_by_others_changed(previous, current):
            self.media.handle_remote_mute(bool(current.remote_video_muted), video=True)
        device = current.joined_with
        sessions = device.get("mediaSessions") if isinstance(device, Mapping) else None
        self.media.handle_media_sessions(
            [s for s in sessions if isinstance(s, Mapping)] if isinstance(sessions, list) else []
        )

    def _update_lifecycle_from_self(self) -> None:
        current = self.locus_info.self_state
        if current is None:
            return
        state = lifecycle_for_self(current, self.lifecycle)
        if state is MeetingLifecycle.LEFT:
            self._keep_alive.stop()
        if state is not None:
            self._set_lifecycle(state)

    def _on_unadmitted(self, raw_self: Mapping[str, Any]) -> None:
        if self.lifecycle in (MeetingLifecycle.LEAVING, MeetingLifecycle.REMOVED):
            return
        self._keep_alive.start(self.locus_info.this_device())

    def _on_admitted(self, raw_self: Mapping[str, Any]) -> None:
        self._keep_alive.stop()

    def _on_inactivity_drop(self, reason: str | None) -> None:
        # JS: reconnect (which rejoins) with autoRejoin, else tell the app it was dropped.
        if not self._webex.config.meetings.reconnection.auto_rejoin:
            self.emit(MeetingEvents.SELF_LEFT, reason)
        elif self.media.options is not None:
            self._meetings._spawn(self._reconnect_quietly(), name="meeting-inactivity-reconnect")
        else:
            logger.info("meeting %s: dropped for inactivity (%s); no media", self.id, reason)

    async def _reconnect_quietly(self) -> None:
        try:
            await self.media.reconnect()
        except Exception as exc:  # reported as meeting:reconnectionFailure already
            logger.info("meeting %s: reconnection after inactivity failed: %s", self.id, exc)

    async def _rejoin_for_media(self) -> JoinResponse:
        if self._left_by_user or self.lifecycle is MeetingLifecycle.REMOVED:
            raise ReconnectionError("the meeting was left; not rejoining")
        return await self.join()

    def _local_audio_muted(self) -> bool | None:
        """Local audio mute as JS ``audio.isMuted()``; None while there is no media."""
        from webex_meetings.meetings.media import MediaState

        if self.media.state not in (MediaState.CONNECTED, MediaState.RECONNECTING):
            return None
        return self.media.mute_state()[0]

    async def _close_media(self) -> None:
        """Close media (``media:stopped``); a failure to close does not fail the caller."""
        try:
            await self.media.close()
        except Exception as exc:
            logger.warning("meeting %s: closing media failed: %s", self.id, exc)

    async def _close_media_to_the_end(self) -> None:
        # Webex.close() cancels the plugin's tasks: finish closing anyway (it awaits us),
        # so no peer connection outlives it.
        closing = asyncio.ensure_future(self._close_media())
        try:
            await asyncio.shield(closing)
        except asyncio.CancelledError:
            await closing
            raise

    def _on_locus_removed(self, reason: MeetingRemovedReason) -> None:
        if self.locus_info.removal_should_leave:
            self._meetings._spawn(self._leave_quietly(), name="meeting-partner-left-leave")
        self._remove(reason)

    def _remove(self, reason: MeetingRemovedReason | str) -> None:
        """Remove this meeting from ``webex.meetings`` (no-op if already removed)."""
        self._meetings._destroy(self, reason)

    async def _leave_quietly(self) -> None:
        locus_url, self_id, device_url = self.locus_url, self.self_id, self.device_url
        if not (locus_url and self_id and device_url):
            return
        try:
            await self.requests.leave(locus_url, self_id, device_url, self.correlation_id)
        except Exception as exc:
            logger.info("meeting %s: leaving after the partner left failed: %s", self.id, exc)

    def _set_sip_uri_fallback(self, value: str | None) -> None:
        self._sip_uri_fallback = value

    def _mark_removed(self) -> None:
        """Stop timers and Locus handling; called once by ``Meetings._destroy``."""
        self._set_lifecycle(MeetingLifecycle.REMOVED)
        self._keep_alive.stop()
        self.locus_info.close()
        if self._info_task is not None and not self._info_task.done():
            self._info_task.cancel()
        if self._media_in_use():
            self._meetings._spawn(self._close_media_to_the_end(), name="meeting-media-close")

    def _media_in_use(self) -> bool:
        from webex_meetings.meetings.media import MediaState

        return self.media.state not in (MediaState.IDLE, MediaState.CLOSED)

    async def _aclose(self) -> None:
        """Stop every timer and task of this meeting and wait for them (``Webex.close``)."""
        self.locus_info.close()
        task = self._info_task
        if task is not None and not task.done():
            task.cancel()
        await self._keep_alive.aclose()
        if self._media_in_use():
            await self._close_media()
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)
