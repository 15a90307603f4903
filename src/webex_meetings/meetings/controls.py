"""Host and member controls of a meeting: lock, admit, remove, mute, host, invite, record.

Where the JS SDK checks ``meeting.inMeetingActions`` first (lock, unlock, recording), the
call raises :class:`~webex_meetings.meetings.errors.MeetingPermissionError` naming the
missing capability instead of sending a request Locus would refuse. The other controls
are checked by Locus itself (its refusal surfaces as an ``APIStatusError``), as in JS.
Member actions delegate to :class:`~webex_meetings.meetings.members.Members`.

:class:`MeetingMediaControls` holds the media calls of the meeting (``add_media``,
``update_media``, ``publish_streams``, ``mute_audio``...); they delegate to
``meeting.media`` (:class:`~webex_meetings.meetings.media.MeetingMedia`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from webex_meetings._logging import get_logger
from webex_meetings.meetings.errors import (
    MeetingNotActiveError,
    MeetingPermissionError,
    NoMediaEstablishedYetError,
    ParameterError,
    UserNotJoinedError,
)
from webex_meetings.meetings.locus.requests import RecordingAction

if TYPE_CHECKING:
    from webex_meetings.meetings.in_meeting_actions import InMeetingActions
    from webex_meetings.meetings.locus import LocusInfo
    from webex_meetings.meetings.locus.requests import LocusRequests
    from webex_meetings.meetings.media import MeetingMedia
    from webex_meetings.meetings.members import Members
    from webex_meetings.meetings.share import ShareFloor

__all__ = ["MeetingControls", "MeetingMediaControls"]

logger = get_logger(__name__)

_RECORDING_FLAGS = {
    RecordingAction.START: "can_start_recording",
    RecordingAction.STOP: "can_stop_recording",
    RecordingAction.PAUSE: "can_pause_recording",
    RecordingAction.RESUME: "can_resume_recording",
}


class MeetingControls:
    """The control methods of :class:`~webex_meetings.meetings.meeting.Meeting`."""

    requests: LocusRequests
    members: Members
    locus_info: LocusInfo
    in_meeting_actions: InMeetingActions
    meeting_state: str | None

    if TYPE_CHECKING:

        @property
        def locus_url(self) -> str | None:
            """Provided by ``Meeting``."""

        @property
        def device_url(self) -> str | None:
            """Provided by ``Meeting``."""

    def _allowed(self, flag: str, action: str) -> None:
        if not getattr(self.in_meeting_actions, flag):
            raise MeetingPermissionError(
                f"{action} is not allowed now: in_meeting_actions.{flag} is "
                f"{getattr(self.in_meeting_actions, flag)!r} (it follows the meeting's display "
                "hints and your roles)"
            )

    def _target(self) -> str:
        url = self.locus_url
        if not url:
            raise ParameterError("The meeting has no Locus URL yet; join it first.")
        return url

    # -- meeting-wide ----------------------------------------------------------------

    async def lock_meeting(self) -> Any:
        """Lock the meeting (JS ``lockMeeting``); ``meeting:locked`` follows.

        Raises:
            MeetingPermissionError: ``in_meeting_actions.can_lock`` is not true.
            APIError: Locus refused.
        """
        self._allowed("can_lock", "lock_meeting")
        return await self.requests.lock_meeting(self._target(), True)

    async def unlock_meeting(self) -> Any:
        """Unlock the meeting (JS ``unlockMeeting``); ``meeting:unlocked`` follows.

        Raises:
            MeetingPermissionError: ``in_meeting_actions.can_unlock`` is not true.
            APIError: Locus refused.
        """
        self._allowed("can_unlock", "unlock_meeting")
        return await self.requests.lock_meeting(self._target(), False)

    async def end_meeting_for_all(self) -> Any:
        """End the meeting for everyone (JS ``endMeetingForAll``; host only).

        ``meeting:removed`` (``MEETING_INACTIVE_TERMINATING``) follows once Locus reports
        the meeting inactive.

        Raises:
            MeetingNotActiveError: the meeting is already inactive (30101).
            APIError: Locus refused (e.g. not the host).
        """
        if self.meeting_state == "INACTIVE":
            raise MeetingNotActiveError()
        return await self.requests.end_meeting_for_all(self._target())

    async def _record(self, action: RecordingAction) -> Any:
        name = f"{action.value.lower()}_recording"
        self._allowed(_RECORDING_FLAGS[action], name)
        services = self.locus_info.raw.get("services") or {}
        record = services.get("record") if isinstance(services, dict) else None
        record_url = record.get("url") if isinstance(record, dict) else None
        full_state = self.locus_info.raw.get("fullState") or {}
        return await self.requests.set_recording(
            self._target(),
            action,
            record_service_url=record_url if isinstance(record_url, str) else None,
            locus_session_id=full_state.get("sessionId"),
        )

    async def start_recording(self) -> Any:
        """Start cloud recording; ``meeting:recording:started`` follows.

        Raises:
            MeetingPermissionError: ``in_meeting_actions.can_start_recording`` is not true.
        """
        return await self._record(RecordingAction.START)

    async def stop_recording(self) -> Any:
        """Stop recording; ``meeting:recording:stopped`` follows.

        Raises:
            MeetingPermissionError: ``in_meeting_actions.can_stop_recording`` is not true.
        """
        return await self._record(RecordingAction.STOP)

    async def pause_recording(self) -> Any:
        """Pause recording; ``meeting:recording:paused`` follows.

        Raises:
            MeetingPermissionError: ``in_meeting_actions.can_pause_recording`` is not true.
        """
        return await self._record(RecordingAction.PAUSE)

    async def resume_recording(self) -> Any:
        """Resume a paused recording; ``meeting:recording:resumed`` follows.

        Raises:
            MeetingPermissionError: ``in_meeting_actions.can_resume_recording`` is not true.
        """
        return await self._record(RecordingAction.RESUME)

    async def send_dtmf(self, tones: str) -> Any:
        """Send DTMF tones from this device (JS ``sendDTMF``), e.g. ``"1234#"``.

        Raises:
            ParameterError: ``tones`` is empty.
            UserNotJoinedError: not in the meeting.
            MeetingPermissionError: Locus ``self.enableDTMF`` is not true.
        """
        if not tones:
            raise ParameterError("send_dtmf needs one or more tones")
        raw_self = self.locus_info.raw.get("self")
        device_url = self.device_url
        if not isinstance(raw_self, dict) or not device_url:
            raise UserNotJoinedError("send_dtmf needs a joined meeting")
        if not raw_self.get("enableDTMF"):
            raise MeetingPermissionError("send_dtmf is not allowed: Locus self.enableDTMF is false")
        return await self.requests.send_dtmf(self._target(), device_url, tones)

    # -- members ---------------------------------------------------------------------

    async def admit(
        self,
        member_ids: Sequence[str],
        *,
        authorizing_locus_url: str | None = None,
        main_locus_url: str | None = None,
    ) -> Any:
        """Admit members waiting in the lobby (JS ``admit``).

        Raises:
            ParameterError: ``member_ids`` is empty or the meeting has no Locus URL.
            APIError: Locus refused (e.g. not host or cohost).
        """
        return await self.members.admit_members(
            member_ids, authorizing_locus_url=authorizing_locus_url, main_locus_url=main_locus_url
        )

    async def remove(self, member_id: str) -> Any:
        """Remove a member from the meeting (JS ``remove``)."""
        return await self.members.remove_member(member_id)

    async def mute(self, member_id: str, mute: bool = True) -> Any:
        """Mute (or unmute) another member's audio on the server (JS ``mute``)."""
        return await self.members.mute_member(member_id, mute)

    async def transfer(self, member_id: str, moderator: bool = True) -> Any:
        """Make ``member_id`` the host (JS ``transfer``; host only).

        ``members:host:update`` and ``meeting:self:rolesChanged`` follow.
        """
        return await self.members.transfer_host_to_member(member_id, moderator)

    async def invite(
        self,
        *,
        email_address: str | None = None,
        phone_number: str | None = None,
        email: str | None = None,
        alert_if_active: bool = True,
    ) -> Any:
        """Invite someone by e-mail, or dial out to an E.164 number (JS ``invite``).

        Args:
            email_address: the invitee's e-mail (``email`` is the JS alias).
            phone_number: an E.164 number, e.g. ``+15551234567``.
            email: alias of ``email_address``.
            alert_if_active: ring the invitee even if they are in another call.

        Raises:
            ParameterError: neither a valid e-mail nor an E.164 number.
        """
        return await self.members.add_member(
            email_address=email_address or email,
            phone_number=phone_number,
            alert_if_active=alert_if_active,
        )

    async def cancel_phone_invite(self, *, phone_number: str) -> Any:
        """Cancel a dial-out started by :meth:`invite` (JS ``cancelPhoneInvite``).

        Raises:
            ParameterError: no valid E.164 ``phone_number``.
        """
        return await self.members.cancel_phone_invite(phone_number=phone_number)


class MeetingMediaControls:
    """The media methods of :class:`~webex_meetings.meetings.meeting.Meeting`.

    Each delegates to ``meeting.media``; see the media guide for what is sent.
    """

    media: MeetingMedia
    share_floor: ShareFloor

    async def add_media(
        self,
        *,
        audio: Any = True,
        video: Any = True,
        share: Any = True,
        allow_media_in_lobby: bool = False,
    ) -> None:
        """Start media after a plain :meth:`join` (JS ``addMedia``).

        ``media:ready`` ``{type, stream, track}`` follows for each remote kind.

        Args:
            audio: ``True`` (send what gets published, receive), ``False``, ``"recvonly"``,
                ``"sendonly"``, ``"inactive"`` or an aiortc audio track to send.
            video: the same for the camera line.
            share: the same for the screen-share line.
            allow_media_in_lobby: start media before a host admits you.

        Raises:
            UserNotJoinedError: not joined (30102).
            MeetingNotActiveError: the meeting is not active (30101).
            UserInLobbyError: still in the lobby (30104).
            ParameterError: media was added already, or an invalid option.
            MediaError: aiortc is not installed, or the SDP could not be made.
            AddMediaFailedError: the server refused or never answered, or ICE/DTLS failed.
        """
        await self.media.add_media(
            audio=audio, video=video, share=share, allow_media_in_lobby=allow_media_in_lobby
        )

    async def update_media(
        self, *, audio: Any = None, video: Any = None, share: Any = None
    ) -> None:
        """Change what is sent and received (JS ``updateMedia``); None leaves a kind alone.

        A direction change (``audio="recvonly"``...) renegotiates with a new OFFER.

        Raises:
            NoMediaEstablishedYetError: no media yet (30103).
            ParameterError: an invalid value.
            AddMediaFailedError: the renegotiation failed.
        """
        await self.media.update_media(audio=audio, video=video, share=share)

    async def publish_streams(
        self, *, microphone: Any = None, camera: Any = None, screen_share: Any = None
    ) -> None:
        """Send aiortc tracks (JS ``publishStreams``); replaces what a line sent before.

        ``meeting:streamPublishStateChanged`` ``{isPublished, mediaType, stream}`` is
        emitted for each. Publishing ``screen_share`` then requests the share floor
        (``meeting:startedSharingLocal`` follows once Locus grants it to this device);
        if Locus refuses, the share track is unpublished again.

        Args:
            microphone: an audio track for the audio line.
            camera: a video track for the main video line.
            screen_share: a video track for the screen-share line.

        Raises:
            NoMediaEstablishedYetError: no media yet (30103).
            ParameterError: a track of the wrong kind, or the line does not send.
            ShareFloorError: Locus refused the share floor.
        """
        for track, kind in ((microphone, "audio"), (camera, "video"), (screen_share, "share")):
            if track is not None:
                await self.media.publish(track, kind)
        if screen_share is not None:
            try:
                await self.share_floor.request_floor()
            except Exception:
                await self.media.unpublish("share")
                raise

    async def unpublish_streams(self, *streams: Any) -> None:
        """Stop sending these tracks (JS ``unpublishStreams``); they keep running.

        Tracks that are not published are ignored. Unpublishing the screen share
        releases the share floor (``meeting:stoppedSharingLocal`` follows).

        Raises:
            NoMediaEstablishedYetError: no media yet (30103).
            ShareFloorError: Locus refused to release the floor.
        """
        connection = self.media.connection
        if connection is None:
            raise NoMediaEstablishedYetError()
        # The media package loads lazily.
        from webex_meetings.meetings.media.options import KINDS, MediaKind

        for kind in KINDS:
            local = connection.local_track(kind)
            if local is not None and any(local.source is stream for stream in streams):
                await self.media.unpublish(kind)
        if connection.local_track(MediaKind.SHARE) is None:
            await self.share_floor.release_floor()

    async def mute_audio(self) -> None:
        """Mute your audio (JS ``muteAudio``): silence is sent and Locus is told.

        Raises:
            UserNotJoinedError: not joined (30102).
            NoMediaEstablishedYetError: no media yet (30103).
            ParameterError: the audio line does not send.
        """
        await self.media.mute_audio()

    async def unmute_audio(self) -> None:
        """Unmute your audio (JS ``unmuteAudio``); also lifts a host mute when allowed.

        Raises:
            UserNotJoinedError: not joined (30102).
            NoMediaEstablishedYetError: no media yet (30103).
            MeetingPermissionError: a host muted you and disallows unmuting.
        """
        await self.media.unmute_audio()

    async def mute_video(self) -> None:
        """Mute your video (JS ``muteVideo``): black frames are sent and Locus is told.

        Raises:
            UserNotJoinedError: not joined (30102).
            NoMediaEstablishedYetError: no media yet (30103).
            ParameterError: the video line does not send.
        """
        await self.media.mute_video()

    async def unmute_video(self) -> None:
        """Unmute your video (JS ``unmuteVideo``).

        Raises:
            UserNotJoinedError: not joined (30102).
            NoMediaEstablishedYetError: no media yet (30103).
            MeetingPermissionError: a host turned your video off and disallows turning it on.
        """
        await self.media.unmute_video()

    async def reconnect(self) -> bool:
        """Reconnect media now (JS ``reconnect``), with ``meetings.reconnection.enabled``.

        ``meeting:reconnectionStarting``, then ``meeting:reconnectionSuccess`` or
        ``meeting:reconnectionFailure`` ``{error}``.

        Returns:
            True when a reconnection ran and succeeded; False when it did not start
            (reconnection disabled, or one is running), which JS swallows too.

        Raises:
            ParameterError: media was never added.
            ReconnectionError: the reconnection ran and failed.
        """
        return await self.media.reconnect()
