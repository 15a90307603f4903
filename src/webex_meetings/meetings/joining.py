"""Joining and leaving a meeting: ``join``, ``leave``, ``decline``, ``acknowledge``.

The join follows JS ``Meeting.join``: the device must be registered; a permission token
with 30 s or less left is refreshed first (password, captcha and policy refusals stop
the join); a pending password or captcha refuses the join without a request; then Locus
is asked (``{locusUrl}/participant`` when the locus is known, else ``loci/call`` on the
meeting info's ``locusClusterUrl`` or the catalog's Locus) and the response's Locus DTO
becomes the meeting's initial state. Concurrent joins share one request.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from webex_meetings._events import EventEmitter
from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import DestinationType, MeetingEvents, MeetingRemovedReason
from webex_meetings.meetings.errors import (
    CaptchaError,
    MeetingNotActiveError,
    MeetingPermissionError,
    ParameterError,
    PasswordError,
    UserNotJoinedError,
)
from webex_meetings.meetings.lifecycle import LIFECYCLE_EVENT, MeetingLifecycle
from webex_meetings.meetings.locus import JoinRequest, JoinResponse

if TYPE_CHECKING:
    from webex_meetings._client import Webex
    from webex_meetings.meetings.info_state import MeetingInfoState
    from webex_meetings.meetings.lobby import KeepAlive
    from webex_meetings.meetings.locus import LocusInfo
    from webex_meetings.meetings.locus.requests import LocusRequests
    from webex_meetings.meetings.media import MeetingMedia
    from webex_meetings.meetings.plugin import Meetings

__all__ = ["PERMISSION_TOKEN_REFRESH_THRESHOLD", "MeetingJoinLeave"]

logger = get_logger(__name__)

#: Refresh the permission token before a join when this many seconds or fewer are left.
PERMISSION_TOKEN_REFRESH_THRESHOLD: Final = 30.0


class MeetingJoinLeave(EventEmitter):
    """The join and leave methods of :class:`~webex_meetings.meetings.meeting.Meeting`."""

    _meetings: Meetings
    _webex: Webex
    _info: MeetingInfoState
    _keep_alive: KeepAlive
    _joining: asyncio.Future[JoinResponse] | None
    _has_joined_once: bool
    _from_locus: dict[str, Any]
    id: str
    destination_type: DestinationType
    correlation_id: str
    lifecycle: MeetingLifecycle
    requests: LocusRequests
    locus_info: LocusInfo
    media_connections: list[dict[str, Any]]
    media_id: str | None
    meeting_state: str | None
    state: str | None
    guest: bool | None
    self_id: str | None
    is_user_unadmitted: bool
    media: MeetingMedia
    _left_by_user: bool
    _joined_device_url: str | None

    if TYPE_CHECKING:

        @property
        def locus_url(self) -> str | None:
            """Provided by ``Meeting``."""

        @property
        def sip_uri(self) -> str | None:
            """Provided by ``Meeting``."""

        @property
        def meeting_number(self) -> str | None:
            """Provided by ``Meeting``."""

        @property
        def meeting_join_url(self) -> str | None:
            """Provided by ``Meeting``."""

        @property
        def permission_token(self) -> str | None:
            """Provided by ``Meeting``."""

        @property
        def device_url(self) -> str | None:
            """Provided by ``Meeting``."""

        def _set_lifecycle(self, state: MeetingLifecycle) -> None:
            """Provided by ``Meeting``."""

        def _update_lifecycle_from_self(self) -> None:
            """Provided by ``Meeting``."""

        def _remove(self, reason: MeetingRemovedReason | str) -> None:
            """Provided by ``Meeting``."""

        async def _close_media(self) -> None:
            """Provided by ``Meeting``."""

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
        roap_message: Mapping[str, Any] | None = None,
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
            roap_message: a ROAP message for ``localMedias`` (set by
                :meth:`join_with_media`: the TURN discovery request).

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
                    roap_message=roap_message,
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
        # A device still joined from before a re-registration (WDM expiry): Locus keeps
        # it in the meeting until told otherwise, so it is taken out after this join.
        stale = self._stale_device(device_url)
        stale_correlation_id = self.correlation_id
        if options.correlation_id:
            self.correlation_id = options.correlation_id
        elif self._has_joined_once:
            self.correlation_id = str(uuid.uuid4())
        self._has_joined_once = True
        self._left_by_user = False
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
        self._joined_device_url = device_url
        self.media_connections = response.media_connections
        self.media_id = response.media_id
        self._from_locus["locus_url"] = response.locus_url
        self._info.locus_id = response.locus_id
        self.locus_info.init(response.locus)
        self._update_lifecycle_from_self()
        if self.lifecycle is MeetingLifecycle.JOINING:
            self._set_lifecycle(MeetingLifecycle.JOINED)
        logger.info("meeting %s: join accepted (%s)", self.id, self.lifecycle.value)
        if stale is not None:
            await self._leave_stale_device(stale, stale_correlation_id)
        return response

    def _stale_device(self, device_url: str) -> str | None:
        old = self._joined_device_url
        if not old or old == device_url or self.state != "JOINED":
            return None
        return old

    async def _leave_stale_device(self, device_url: str, correlation_id: str) -> None:
        locus_url, self_id = self.locus_url, self.self_id
        if not (locus_url and self_id):
            return
        logger.info("meeting %s: leaving from the device of the previous registration", self.id)
        try:
            await self.requests.leave(locus_url, self_id, device_url, correlation_id)
        except Exception as exc:  # the join worked; Locus times the old device out
            logger.info("meeting %s: leaving from the previous device failed: %s", self.id, exc)

    async def join_with_media(
        self,
        *,
        audio: Any = True,
        video: Any = True,
        share: Any = True,
        allow_media_in_lobby: bool = True,
        **join_options: Any,
    ) -> JoinResponse:
        """Join and start media in one go (JS ``joinWithMedia``).

        The join carries the TURN discovery request, then media is added as by
        :meth:`add_media`. If that fails, the whole sequence is tried once more (joining
        again, which gives a new media session); after the second failure the meeting
        is left, as in JS. ``media:ready`` ``{type, stream, track}`` follows for each
        remote kind.

        Args:
            audio: ``True`` (send what gets published, receive), ``False``, ``"recvonly"``,
                ``"sendonly"``, ``"inactive"`` or an aiortc audio track to send.
            video: the same for the camera line (a video track to send).
            share: the same for the screen-share line.
            allow_media_in_lobby: must be True, as in JS (media starts in the lobby).
            **join_options: keyword arguments of :meth:`join` (``pin``, ``moderator``...).

        Returns:
            The join response of the attempt that worked.

        Raises:
            MediaError: aiortc is not installed (nothing is sent), or the SDP could not
                be made (not retried).
            ParameterError: an invalid option, ``allow_media_in_lobby=False``, or the
                device is not registered.
            AddMediaFailedError: the media server refused or never answered (35 s, see
                ``meeting.media.timeouts``), or ICE/DTLS failed, twice.
            JoinMeetingError | IntentToJoinError | PasswordError: the join failed twice.
        """
        from webex_meetings.meetings.media._aiortc import require_aiortc

        if "roap_message" in join_options:
            raise ParameterError("join_with_media makes the join's roap_message itself")
        require_aiortc()  # fail before joining, not after
        joined = False

        async def join(roap: Mapping[str, Any]) -> JoinResponse:
            nonlocal joined
            response = await self.join(roap_message=roap, **join_options)
            joined = True
            return response

        try:
            # No leave between the attempts: a meeting left by its last participant
            # ends and is removed, and a removed meeting cannot be joined again. The
            # second join moves this device to a new media session instead.
            return await self.media.join_with_media(
                join,
                audio=audio,
                video=video,
                share=share,
                allow_media_in_lobby=allow_media_in_lobby,
                leave=None,
            )
        except Exception:
            if joined and self.state != "LEFT" and self.lifecycle is not MeetingLifecycle.REMOVED:
                try:
                    await self.leave()
                except Exception as exc:
                    logger.info(
                        "meeting %s: leaving after join_with_media failed: %s", self.id, exc
                    )
            raise

    async def leave(
        self, *, reason: MeetingRemovedReason | str | None = None, resource_id: str | None = None
    ) -> Any:
        """Leave the meeting (JS ``leave``).

        Once Locus confirms, media is closed (``media:stopped`` for each remote kind
        that was ready). The meeting is removed from ``webex.meetings``
        (``meeting:removed``) when Locus reports self removed; guests are removed at
        once, as in JS.

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
        # The media server drops our connection when Locus sees us leave: that must not
        # start a media reconnection (and its rejoin).
        self._left_by_user = True
        try:
            result = await self.requests.leave(
                locus_url, self_id, device_url, self.correlation_id, resource_id=resource_id
            )
        except BaseException:
            self._left_by_user = False
            if self.lifecycle is MeetingLifecycle.LEAVING:
                self._set_lifecycle(previous)
            raise
        if self.lifecycle is MeetingLifecycle.LEAVING:
            self._set_lifecycle(MeetingLifecycle.LEFT)
        await self._close_media()
        if self.guest:  # JS destroys guests' meetings at once (a no-op if already removed)
            self._remove(reason or MeetingRemovedReason.CLIENT_LEAVE_REQUEST)
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


def _retrieve(future: asyncio.Future[Any]) -> None:
    # A shared join that nobody else awaited must not log "exception never retrieved".
    if not future.cancelled():
        future.exception()
