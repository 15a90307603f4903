"""A meeting (JS ``Meeting``): identity, meeting info, Locus state, join and leave.

Lifecycle (``meeting.lifecycle``; every transition is logged and emitted as
``meeting:lifecycle`` ``{previous, current}``)::

    NEW ──join()──► JOINING ──► IN_LOBBY ──(admitted)──► JOINED ──leave()──► LEAVING ──► LEFT
     ▲                 │            │                      ▲                            │
     └────(failed)─────┘            └──────────────────────┘ (join response JOINED)     │
                                                                                        ▼
    any state ──(Locus: self removed, meeting ended, sync lost; or destroyed)──► REMOVED

``IN_LOBBY``/``JOINED``/``LEFT`` follow Locus' ``self`` (IDLE + WAIT intent = lobby), so a
host moving us back to the lobby, or removing us, shows here too. ``REMOVED`` is final:
the meeting left ``webex.meetings`` and ``meeting:removed`` was emitted there.

Host and member controls live in :mod:`webex_meetings.meetings.controls`.
"""

from __future__ import annotations

import asyncio
import enum
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from webex_meetings._events import EventEmitter
from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import (
    DestinationType,
    MeetingEvents,
    MeetingInfoFailureReason,
    MeetingRemovedReason,
    PasswordStatus,
)
from webex_meetings.meetings.controls import MeetingControls
from webex_meetings.meetings.errors import (
    CaptchaError,
    MeetingNotActiveError,
    MeetingPermissionError,
    ParameterError,
    PasswordError,
    UserNotJoinedError,
)
from webex_meetings.meetings.in_meeting_actions import InMeetingActions
from webex_meetings.meetings.info_state import MeetingInfoState, VerifyPasswordResult
from webex_meetings.meetings.lobby import KeepAlive
from webex_meetings.meetings.locus import JoinRequest, JoinResponse, LocusInfo, LocusInfoEvents
from webex_meetings.meetings.locus.requests import LocusRequests
from webex_meetings.meetings.locus.sections import SelfState
from webex_meetings.meetings.members import Members

if TYPE_CHECKING:
    from webex_meetings._client import Webex
    from webex_meetings.meetings.destination import Destination
    from webex_meetings.meetings.plugin import Meetings

__all__ = ["LIFECYCLE_EVENT", "Meeting", "MeetingLifecycle"]

logger = get_logger(__name__)

#: Python-only event: ``{"previous": MeetingLifecycle, "current": MeetingLifecycle}``.
LIFECYCLE_EVENT: Final = "meeting:lifecycle"
#: Refresh the permission token before a join when this many seconds or fewer are left.
PERMISSION_TOKEN_REFRESH_THRESHOLD: Final = 30.0

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


class MeetingLifecycle(enum.Enum):
    """Where this client is with the meeting (see the module docstring)."""

    NEW = "new"
    JOINING = "joining"
    IN_LOBBY = "in_lobby"
    JOINED = "joined"
    LEAVING = "leaving"
    LEFT = "left"
    REMOVED = "removed"


class Meeting(MeetingControls, EventEmitter):
    """One meeting, created by ``await webex.meetings.create(destination)``.

    Emits the JS meeting events (``meeting:stateChange``, ``meeting:self:lobbyWaiting``,
    ``meeting:self:guestAdmitted``, ``meeting:locked``, ``meeting:actionsUpdate``,
    ``meeting:recording:*``...; see the meetings guide), plus ``meeting:lifecycle``.
    Member events come from :attr:`members`.

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
            device_url=lambda: self._webex.internal.device.url,
            correlation_id=lambda: self.correlation_id,
            get_locus=self.requests.get_locus_dto,
            on_removed=self._on_locus_removed,
            in_meeting_actions=self.in_meeting_actions,
        )
        self._info = MeetingInfoState(
            meetings.meeting_info, destination, on_info=self._on_meeting_info
        )
        self._keep_alive = KeepAlive(self.requests.keep_alive)
        self.locus_info.on(LocusInfoEvents.MEETING_UPDATE, self._on_locus_update)
        self.locus_info.on(LocusInfoEvents.SELF_UPDATED, self._on_self_updated)
        self.locus_info.on(LocusInfoEvents.SELF_UNADMITTED, self._on_unadmitted)
        self.locus_info.on(LocusInfoEvents.SELF_ADMITTED, self._on_admitted)

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
        """This client's WDM device URL."""
        return self._webex.internal.device.url

    # -- meeting info ----------------------------------------------------------------

    @property
    def meeting_info(self) -> dict[str, Any]:
        """The meeting info body (plus ``meetingLookupUrl``); ``{}`` before a lookup."""
        return self._info.meeting_info

    @property
    def password_status(self) -> PasswordStatus:
        """Whether a password (or host key) is needed: ``join()`` refuses while REQUIRED."""
        return self._info.password_status

    @property
    def required_captcha(self) -> dict[str, Any] | None:
        """``{captchaId, verificationImageURL, verificationAudioURL, refreshURL}`` or None."""
        return self._info.required_captcha

    @property
    def meeting_info_failure_reason(self) -> MeetingInfoFailureReason:
        """Why the last meeting-info lookup failed (``NONE`` after a success)."""
        return self._info.failure_reason

    @property
    def meeting_info_failure_code(self) -> int | None:
        """The wbxappapi code of the last lookup failure, if any."""
        return self._info.failure_code

    @property
    def permission_token(self) -> str | None:
        """The permission token (a JWT) that the join sends to Locus."""
        token = self._info.permission_token
        return token.token if token is not None else None

    @property
    def permission_token_payload(self) -> dict[str, Any] | None:
        """The decoded claims of :attr:`permission_token`."""
        token = self._info.permission_token
        return dict(token.payload) if token is not None else None

    @property
    def self_user_policies(self) -> dict[str, bool] | None:
        """``permission.userPolicies`` of the permission token."""
        token = self._info.permission_token
        return token.user_policies if token is not None else None

    def get_permission_token_expiry_info(self) -> dict[str, float] | None:
        """``{timeLeft, expiryTime, currentTime}`` (seconds; JS names), or None without token."""
        token = self._info.permission_token
        if token is None or token.expires_at_ms is None:
            return None
        now = time.time()
        return {
            "timeLeft": token.time_left(now),
            "expiryTime": token.expires_at_ms / 1000,
            "currentTime": now,
        }

    async def fetch_meeting_info(
        self,
        *,
        password: str | None = None,
        captcha_code: str | None = None,
        extra_params: Mapping[str, Any] | None = None,
    ) -> None:
        """Look the meeting up again (JS ``fetchMeetingInfo``).

        Raises:
            ParameterError: a captcha code with no captcha pending, or a password when
                none is needed.
            PasswordError: a password is needed or was wrong.
            CaptchaError: a captcha must be solved (see :attr:`required_captcha`).
            MeetingPermissionError: a policy refuses this user.
            MeetingsError | APIError: any other failure.
        """
        await self._info.fetch(
            password=password, captcha_code=captcha_code, extra_params=extra_params
        )

    async def verify_password(
        self, password: str, captcha_code: str | None = None
    ) -> VerifyPasswordResult:
        """Check a meeting password or host key, with the captcha answer if one is pending.

        Wrong passwords and captchas do not raise: read the result (JS
        ``{isPasswordValid, requiredCaptcha, failureReason}``).

        Raises:
            ParameterError: a captcha code with no captcha pending, or a password when
                none is needed.
            MeetingPermissionError: a policy refuses this user.
            MeetingsError | APIError: the lookup failed for another reason.
        """
        return await self._info.verify_password(password, captcha_code)

    async def refresh_captcha(self) -> None:
        """Replace the pending captcha by a new one.

        Raises:
            ParameterError: there is no captcha to refresh.
            APIError: the refresh request failed.
        """
        await self._info.refresh_captcha()

    async def refresh_permission_token(self, reason: str | None = None) -> bool:
        """Fetch a fresh permission token; False when the meeting has none.

        Raises:
            PasswordError | CaptchaError | MeetingPermissionError | APIError: the lookup
                failed.
        """
        return await self._info.refresh_permission_token(reason)

    # -- join / leave ----------------------------------------------------------------

    def is_joined(self) -> bool:
        """True when Locus shows self ``JOINED`` (in the meeting, not in the lobby)."""
        return self.state == "JOINED" and not self.is_user_unadmitted

    async def join(
        self,
        *,
        pin: str | None = None,
        moderator: bool | None = None,
        correlation_id: str | None = None,
        locale: str | None = None,
        device_capabilities: Sequence[str] | None = None,
        breakouts_supported: bool = False,
        live_annotation_supported: bool = False,
        resource_id: str | None = None,
        move_to_resource: bool = False,
        as_resource_occupant: bool | None = None,
        alias: str | None = None,
    ) -> JoinResponse:
        """Join the meeting through Locus (JS ``join``; no media).

        Concurrent calls share one join. After it returns, :attr:`lifecycle` is
        ``JOINED``, or ``IN_LOBBY`` when the host has to admit us (``meeting:self:
        lobbyWaiting`` was emitted and keep-alives run until ``meeting:self:
        guestAdmitted``).

        Args:
            pin: host PIN or guest PIN, when Locus asked for one (:class:`IntentToJoinError`).
            moderator: join as host (with ``pin``) or explicitly as guest (False).
            correlation_id: use this correlation id (a new one is made per re-join).
            locale: language of the audio disclaimer, e.g. ``en_US``.
            device_capabilities: extra capability strings for Locus.
            breakouts_supported: advertise breakout support.
            live_annotation_supported: advertise live annotation support.
            resource_id: join through a paired device.
            move_to_resource: move the media to ``resource_id``.
            as_resource_occupant: join as the occupant of ``resource_id``.
            alias: display name to show instead of the user's name.

        Returns:
            The parsed join response (``locus``, ``locus_url``, ``self_id``, ``media_id``...).

        Raises:
            ParameterError: the device is not registered (call
                ``await webex.meetings.register()`` first).
            MeetingNotActiveError: the meeting was removed.
            PasswordError | CaptchaError: the meeting info still needs a password/captcha.
            MeetingPermissionError: refreshing the permission token was refused.
            IntentToJoinError: Locus wants a host PIN or a guest decision; call again with
                ``pin`` and/or ``moderator``.
            JoinMeetingError: any other join failure (``error`` holds the HTTP error).
        """
        pending = self._joining
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[JoinResponse] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieve)
        self._joining = future
        try:
            result = await self._join(
                JoinRequest(
                    device_url="",
                    correlation_id=correlation_id or "",
                    pin=pin,
                    moderator=moderator,
                    locale=locale,
                    device_capabilities=tuple(device_capabilities or ()),
                    breakouts_supported=breakouts_supported,
                    live_annotation_supported=live_annotation_supported,
                    resource_id=resource_id,
                    move_to_resource=move_to_resource,
                    as_resource_occupant=as_resource_occupant,
                    alias=alias,
                )
            )
        except BaseException as exc:
            if isinstance(exc, Exception):
                future.set_exception(exc)
            else:
                future.cancel()
            raise
        else:
            future.set_result(result)
            return result
        finally:
            self._joining = None

    async def _join(self, options: JoinRequest) -> JoinResponse:
        if self.lifecycle is MeetingLifecycle.REMOVED:
            raise MeetingNotActiveError("the meeting was removed; create it again to join")
        device_url = self._webex.internal.device.url
        if not self._meetings.registered or not device_url:
            raise ParameterError(
                "Meeting.join: the device is not registered; "
                "call await webex.meetings.register() first"
            )
        if options.correlation_id:
            self.correlation_id = options.correlation_id
        elif self._has_joined_once:
            self.correlation_id = str(uuid.uuid4())
        self._has_joined_once = True
        previous = self.lifecycle
        self._set_lifecycle(MeetingLifecycle.JOINING)
        self.emit(MeetingEvents.RINGING, {"type": "JOIN", "id": self.id})
        try:
            try:
                await self._info.refresh_permission_token_if_needed(
                    PERMISSION_TOKEN_REFRESH_THRESHOLD
                )
            except (CaptchaError, PasswordError, MeetingPermissionError):
                raise
            except Exception as exc:  # JS joins anyway with the token it has
                logger.warning("meeting %s: permission token refresh failed: %s", self.id, exc)
            self._info.check_can_join()
            options.device_url = device_url
            options.correlation_id = self.correlation_id
            options.locus_url = self.locus_url
            options.locus_cluster_url = self._info.locus_cluster_url
            options.invitee_address = self.meeting_join_url or self.sip_uri
            options.meeting_number = self.meeting_number
            options.permission_token = self.permission_token
            options.prefer_transcoding = True
            logger.info("meeting %s: joining (%s)", self.id, self.destination_type.value)
            response = await self.requests.join(options)
        except BaseException:
            if self.lifecycle is MeetingLifecycle.JOINING:
                self._set_lifecycle(previous)
            raise
        self.media_connections = response.media_connections
        self.media_id = response.media_id
        self._from_locus["locus_url"] = response.locus_url
        self._info.locus_id = response.locus_id
        self.locus_info.init(response.locus)
        self._update_lifecycle_from_self()
        if self.lifecycle is MeetingLifecycle.JOINING:
            self._set_lifecycle(MeetingLifecycle.JOINED)
        logger.info("meeting %s: join accepted (%s)", self.id, self.lifecycle.value)
        return response

    async def leave(
        self, *, reason: MeetingRemovedReason | str | None = None, resource_id: str | None = None
    ) -> Any:
        """Leave the meeting (JS ``leave``).

        The meeting is removed from ``webex.meetings`` (``meeting:removed``) when Locus
        reports self removed; guests are removed at once, as in JS.

        Args:
            reason: the ``meeting:removed`` reason when the meeting is removed at once
                (guests); ``CLIENT_LEAVE_REQUEST`` by default.
            resource_id: leave only from this paired device.

        Returns:
            The Locus response body.

        Raises:
            MeetingNotActiveError: the meeting is inactive (30101).
            UserNotJoinedError: self is not in the meeting (30102).
            APIError: the leave request failed.
        """
        if self.meeting_state == "INACTIVE" or self.lifecycle is MeetingLifecycle.REMOVED:
            raise MeetingNotActiveError()
        locus_url, self_id, device_url = self.locus_url, self.self_id, self.device_url
        if self.state == "LEFT" or not (locus_url and self_id and device_url):
            raise UserNotJoinedError()
        previous = self.lifecycle
        self._set_lifecycle(MeetingLifecycle.LEAVING)
        self._keep_alive.stop()
        try:
            result = await self.requests.leave(
                locus_url, self_id, device_url, self.correlation_id, resource_id=resource_id
            )
        except BaseException:
            if self.lifecycle is MeetingLifecycle.LEAVING:
                self._set_lifecycle(previous)
            raise
        if self.lifecycle is MeetingLifecycle.LEAVING:
            self._set_lifecycle(MeetingLifecycle.LEFT)
        if self.guest:  # JS destroys guests' meetings at once (a no-op if already removed)
            self._meetings._destroy(self, reason or MeetingRemovedReason.CLIENT_LEAVE_REQUEST)
        return result

    async def decline(self, reason: str | None = None) -> Any:
        """Decline an incoming call (JS ``decline``), e.g. with reason ``BUSY``.

        Raises:
            ParameterError: the meeting has no Locus URL or the device is not registered.
            APIError: the request failed.
        """
        locus_url, device_url = self.locus_url, self.device_url
        if not locus_url or not device_url:
            raise ParameterError("decline needs a meeting with a Locus URL and a registered device")
        result = await self.requests.decline(locus_url, device_url, reason)
        if self.lifecycle is not MeetingLifecycle.REMOVED:
            self._set_lifecycle(MeetingLifecycle.LEFT)
        return result

    async def acknowledge(self, type: str) -> dict[str, Any]:  # the JS argument name
        """Acknowledge an incoming call (JS ``acknowledge('INCOMING')``).

        Returns:
            ``{"response": <body>}``, or ``{"message": "noop"}`` for another type.

        Raises:
            ParameterError: ``type`` is empty, or no Locus URL / device.
        """
        if not type:
            raise ParameterError("Type must be set to acknowledge the meeting.")
        if type != "INCOMING":
            return {"message": "noop"}
        locus_url, device_url = self.locus_url, self.device_url
        if not locus_url or not device_url:
            raise ParameterError("acknowledge needs a Locus URL and a registered device")
        response = await self.requests.acknowledge(locus_url, device_url, self.correlation_id)
        self.emit(MeetingEvents.RINGING, {"type": "INCOMING", "id": self.id})
        return {"response": response}

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

    async def wait_for_lifecycle(
        self, *states: MeetingLifecycle, timeout: float | None = None
    ) -> MeetingLifecycle:
        """Wait until :attr:`lifecycle` is one of ``states`` (returns at once if it is).

        Raises:
            TimeoutError: not reached within ``timeout`` seconds.
        """
        if self.lifecycle in states:
            return self.lifecycle
        payload = await self.wait_for(
            LIFECYCLE_EVENT, timeout=timeout, check=lambda p: p["current"] in states
        )
        current: MeetingLifecycle = payload["current"]
        return current

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

    def _update_lifecycle_from_self(self) -> None:
        current = self.locus_info.self_state
        if current is None or self.lifecycle is MeetingLifecycle.REMOVED:
            return
        # Only this device's entry counts: the same user may be in the meeting elsewhere.
        device = current.joined_with
        if device is not None and current.is_user_unadmitted:
            self._set_lifecycle(MeetingLifecycle.IN_LOBBY)
        elif device is not None and current.state == "JOINED" and device.get("state") == "JOINED":
            if self.lifecycle is not MeetingLifecycle.LEAVING:
                self._set_lifecycle(MeetingLifecycle.JOINED)
        elif self.lifecycle in (
            MeetingLifecycle.IN_LOBBY,
            MeetingLifecycle.JOINED,
            MeetingLifecycle.LEAVING,
        ) and (
            device is None or current.state in ("LEFT", "DECLINED") or device.get("state") == "LEFT"
        ):
            self._keep_alive.stop()
            self._set_lifecycle(MeetingLifecycle.LEFT)

    def _on_unadmitted(self, raw_self: Mapping[str, Any]) -> None:
        if self.lifecycle in (MeetingLifecycle.LEAVING, MeetingLifecycle.REMOVED):
            return
        self._keep_alive.start(self.locus_info.this_device())

    def _on_admitted(self, raw_self: Mapping[str, Any]) -> None:
        self._keep_alive.stop()

    def _on_locus_removed(self, reason: MeetingRemovedReason) -> None:
        if self.locus_info.removal_should_leave:
            self._meetings._spawn(self._leave_quietly(), name="meeting-partner-left-leave")
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

    async def _aclose(self) -> None:
        """Stop every timer and task of this meeting and wait for them (``Webex.close``)."""
        self.locus_info.close()
        task = self._info_task
        if task is not None and not task.done():
            task.cancel()
        await self._keep_alive.aclose()
        if task is not None:
            await asyncio.gather(task, return_exceptions=True)


def _retrieve(future: asyncio.Future[Any]) -> None:
    # A shared join that nobody else awaited must not log "exception never retrieved".
    if not future.cancelled():
        future.exception()
