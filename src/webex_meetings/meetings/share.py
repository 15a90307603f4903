"""Screen share of a meeting: the share status, its events, and the share floor requests.

Who shares comes from Locus ``mediaShares`` (the ``content`` and ``whiteboard`` floors).
Each change of the parsed floors goes through :meth:`ShareFloor.on_media_shares`, which
works out the :class:`ShareStatus` as JS ``setUpLocusMediaSharesListener`` does:

=========================================  ===========================================
content floor                              status
=========================================  ===========================================
granted to someone else                    ``remote_share_active``
granted to self on this device             ``local_share_active``
granted to self on another device          ``remote_share_active``
free, whiteboard granted                   ``whiteboard_share_active``
released (or never granted), both floors   ``no_share``
=========================================  ===========================================

A status change emits the "stopped" event of the old status, then the "started" event
of the new one: ``meeting:stoppedSharingRemote`` / ``meeting:startedSharingRemote
{memberId, url, shareInstanceId, annotationInfo, resourceType}``,
``meeting:stoppedSharingLocal {reason}`` / ``meeting:startedSharingLocal``,
``meeting:stoppedSharingWhiteboard`` / ``meeting:startedSharingWhiteboard {resourceUrl,
memberId}``. A remote sharer taking over from another emits ``startedSharingRemote``
again. Someone else taking the floor from this device unpublishes the local share.

Publishing a screen-share track requests the content floor (``PUT <mediaShares[].url>``
with ``disposition: GRANTED``) once the track is being sent; unpublishing it releases
the floor. The status itself follows Locus: ``startedSharingLocal`` comes with the
Locus update that shows the floor granted to this device.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from webex_meetings._exceptions import APIError, APIStatusError
from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import MeetingEvents as E
from webex_meetings.meetings.errors import ParameterError, ShareFloorError, UserNotJoinedError

if TYPE_CHECKING:
    from webex_meetings.meetings.meeting import Meeting

__all__ = ["ScreenShareFloorState", "ShareFloor", "ShareStatus", "ShareStoppedReason"]

logger = get_logger(__name__)

_GRANTED: Final = "GRANTED"
_RELEASED: Final = "RELEASED"
# The parsed-floor fields whose change matters (JS compares exactly these).
_CONTENT_KEYS: Final = ("beneficiaryId", "disposition", "deviceUrlSharing", "resourceType")
_WHITEBOARD_KEYS: Final = ("beneficiaryId", "disposition", "resourceUrl")


class ShareStatus(enum.StrEnum):
    """Who shares now (JS ``SHARE_STATUS``, ``meeting.shareStatus``)."""

    NO_SHARE = "no_share"
    REMOTE_SHARE_ACTIVE = "remote_share_active"
    LOCAL_SHARE_ACTIVE = "local_share_active"
    WHITEBOARD_SHARE_ACTIVE = "whiteboard_share_active"


class ScreenShareFloorState(enum.StrEnum):
    """This client's own floor request (JS ``ScreenShareFloorStatus``)."""

    PENDING = "floor_request_pending"
    GRANTED = "floor_request_granted"
    RELEASED = "floor_released"


class ShareStoppedReason(enum.StrEnum):
    """The ``reason`` of ``meeting:stoppedSharingLocal`` (JS ``SHARE_STOPPED_REASON``)."""

    SELF_STOPPED = "SELF_STOPPED"
    MEETING_REJOIN = "MEETING_REJOIN"
    MEDIA_RECONNECTION = "MEDIA_RECONNECTION"
    TRACK_ENDED = "TRACK_ENDED"


def _same(a: Mapping[str, Any] | None, b: Mapping[str, Any], keys: tuple[str, ...]) -> bool:
    return a is not None and all(a.get(key) == b.get(key) for key in keys)


class ShareFloor:
    """The share status of one meeting and its floor requests.

    Args:
        meeting: the meeting (self id, device URL, Locus state, requests, media, events).

    Attributes:
        status: the current :class:`ShareStatus`.
        floor_state: this client's :class:`ScreenShareFloorState`.
        local_share_instance_id: the id of this client's current share request.
        remote_share_instance_id: the ``shareInstanceId`` of the current remote share.
    """

    def __init__(self, meeting: Meeting) -> None:
        self._meeting = meeting
        self.status = ShareStatus.NO_SHARE
        self.floor_state = ScreenShareFloorState.RELEASED
        self.local_share_instance_id: str | None = None
        self.remote_share_instance_id: str | None = None

    def __repr__(self) -> str:
        return f"ShareFloor(status={self.status.value}, floor={self.floor_state.value})"

    # -- Locus ------------------------------------------------------------------------

    def _next_status(
        self, content: Mapping[str, Any], whiteboard: Mapping[str, Any], previous: Mapping[str, Any]
    ) -> ShareStatus:
        meeting = self._meeting
        mine = content.get("beneficiaryId") == meeting.self_id
        if content.get("disposition") == _GRANTED:
            if mine and content.get("deviceUrlSharing") == meeting.device_url:
                return ShareStatus.LOCAL_SHARE_ACTIVE
            return ShareStatus.REMOTE_SHARE_ACTIVE  # someone else, or self elsewhere
        if whiteboard.get("disposition") == _GRANTED:
            return ShareStatus.WHITEBOARD_SHARE_ACTIVE
        content_free = content.get("disposition") is None or (
            previous.get("content") is not None and content.get("disposition") == _RELEASED
        )
        whiteboard_free = whiteboard.get("disposition") is None or (
            previous.get("whiteboard") is not None and whiteboard.get("disposition") == _RELEASED
        )
        return ShareStatus.NO_SHARE if content_free and whiteboard_free else self.status

    def on_media_shares(
        self, current: Mapping[str, Any], previous: Mapping[str, Any] | None
    ) -> None:
        """Apply parsed floors (``LocusInfoEvents.MEDIA_SHARES_UPDATED``) and emit events."""
        content = current.get("content") or {}
        whiteboard = current.get("whiteboard") or {}
        before = previous or {}
        if _same(before.get("content"), content, _CONTENT_KEYS) and _same(
            before.get("whiteboard"), whiteboard, _WHITEBOARD_KEYS
        ):
            return  # nothing that matters changed
        new = self._next_status(content, whiteboard, before)
        old = self.status
        if new is not old:
            self.status = new
            self._stopped(old)
            self._started(new, old, content, whiteboard)
        elif new is ShareStatus.REMOTE_SHARE_ACTIVE:
            self._remote_started(content)  # another remote sharer took over
        elif new is ShareStatus.WHITEBOARD_SHARE_ACTIVE:
            self._whiteboard_started(whiteboard)

    def _stopped(self, old: ShareStatus) -> None:
        meeting = self._meeting
        if old is ShareStatus.REMOTE_SHARE_ACTIVE:
            meeting.media.remote_share.set_active(False)
            meeting.emit(E.STOPPED_SHARING_REMOTE)
        elif old is ShareStatus.LOCAL_SHARE_ACTIVE:
            # However the floor went (released, taken, the meeting left), it is not ours.
            self.floor_state = ScreenShareFloorState.RELEASED
            meeting.emit(E.STOPPED_SHARING_LOCAL, {"reason": ShareStoppedReason.SELF_STOPPED.value})
        elif old is ShareStatus.WHITEBOARD_SHARE_ACTIVE:
            meeting.emit(E.STOPPED_SHARING_WHITEBOARD)

    def _started(
        self,
        new: ShareStatus,
        old: ShareStatus,
        content: Mapping[str, Any],
        whiteboard: Mapping[str, Any],
    ) -> None:
        meeting = self._meeting
        if new is ShareStatus.REMOTE_SHARE_ACTIVE:
            if old is ShareStatus.LOCAL_SHARE_ACTIVE:
                # Someone took the floor from us: stop sending our share (JS does the same).
                meeting._meetings._spawn(
                    self._unpublish_local_share(), name="meeting-share-taken-over"
                )
            self._remote_started(content)
        elif new is ShareStatus.LOCAL_SHARE_ACTIVE:
            meeting.emit(E.STARTED_SHARING_LOCAL)
        elif new is ShareStatus.WHITEBOARD_SHARE_ACTIVE:
            self._whiteboard_started(whiteboard)

    def _remote_started(self, content: Mapping[str, Any]) -> None:
        self.remote_share_instance_id = content.get("shareInstanceId")
        self._meeting.media.remote_share.set_active(True)
        self._meeting.emit(
            E.STARTED_SHARING_REMOTE,
            {
                "memberId": content.get("beneficiaryId"),
                "url": content.get("url"),
                "shareInstanceId": self.remote_share_instance_id,
                "annotationInfo": content.get("annotation"),
                "resourceType": content.get("resourceType"),
            },
        )

    def _whiteboard_started(self, whiteboard: Mapping[str, Any]) -> None:
        self._meeting.emit(
            E.STARTED_SHARING_WHITEBOARD,
            {
                "resourceUrl": whiteboard.get("resourceUrl"),
                "memberId": whiteboard.get("beneficiaryId"),
            },
        )

    async def _unpublish_local_share(self) -> None:
        from webex_meetings.meetings.media.options import MediaKind

        media = self._meeting.media
        if media.connection is not None:
            await media.unpublish(MediaKind.SHARE)

    # -- floor requests ---------------------------------------------------------------

    def _content_share(self) -> Mapping[str, Any] | None:
        shares = self._meeting.locus_info.raw.get("mediaShares") or []
        return next(
            (s for s in shares if isinstance(s, Mapping) and s.get("name") == "content"), None
        )

    async def request_floor(self) -> None:
        """Ask Locus for the content floor for this device (JS ``requestScreenShareFloor``).

        Does nothing while a request is pending or the floor is held.

        Raises:
            UserNotJoinedError: not joined.
            ParameterError: the meeting has no content share (Locus ``mediaShares``).
            ShareFloorError: Locus refused (e.g. 403 when only moderators and presenters
                may share).
        """
        if self.floor_state is not ScreenShareFloorState.RELEASED:
            return
        meeting = self._meeting
        if meeting.state != "JOINED":
            raise UserNotJoinedError("join the meeting before sharing")
        content = self._content_share()
        if content is None or not content.get("url"):
            raise ParameterError("Cannot share without content.")
        self.local_share_instance_id = str(uuid.uuid4())
        self.floor_state = ScreenShareFloorState.PENDING
        try:
            await meeting.requests.change_meeting_floor(
                str(content["url"]),
                disposition=_GRANTED,
                person_url=meeting.self_url,
                device_url=meeting.device_url,
                share_instance_id=self.local_share_instance_id,
            )
        except APIError as exc:
            self.floor_state = ScreenShareFloorState.RELEASED
            raise _floor_error("requesting the share floor failed", exc) from exc
        except BaseException:
            self.floor_state = ScreenShareFloorState.RELEASED
            raise
        self.floor_state = ScreenShareFloorState.GRANTED
        logger.info("share: floor granted to this device (%s)", self.local_share_instance_id)

    async def release_floor(self) -> None:
        """Give the content floor back (JS ``releaseScreenShareFloor``).

        Nothing is sent when this client holds no floor, or when someone else has taken
        it since.

        Raises:
            ShareFloorError: Locus refused the release.
        """
        if self.floor_state is ScreenShareFloorState.RELEASED:
            return
        self.floor_state = ScreenShareFloorState.RELEASED
        content = self._content_share()
        floor = content.get("floor") if content is not None else None
        beneficiary = floor.get("beneficiary") if isinstance(floor, Mapping) else None
        holder = beneficiary.get("id") if isinstance(beneficiary, Mapping) else None
        if content is None or holder != self._meeting.self_id:
            return
        try:
            await self._meeting.requests.change_meeting_floor(
                str(content.get("url")),
                disposition=_RELEASED,
                share_instance_id=self.local_share_instance_id,
            )
        except APIError as exc:
            raise _floor_error("releasing the share floor failed", exc) from exc


def _floor_error(what: str, exc: APIError) -> ShareFloorError:
    if isinstance(exc, APIStatusError):
        return ShareFloorError(
            f"{what}: {exc.status_code} {exc.message}",
            error=exc,
            status_code=exc.status_code,
            locus_error_code=exc.error_code,
        )
    return ShareFloorError(f"{what}: {exc}", error=exc)
