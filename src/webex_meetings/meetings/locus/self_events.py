"""The events derived from a change of ``locus.self`` (JS ``SelfUtils.getSelves`` updates).

Kept apart from :mod:`~webex_meetings.meetings.locus.info` so each rule reads next to its
event: lobby waiting/admitted, muted or unmuted by others, requested to unmute, roles
changed, layout and the participant-list/sharing flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from webex_meetings.meetings.constants import MeetingEvents as E
from webex_meetings.meetings.locus.sections import SelfState

if TYPE_CHECKING:
    from webex_meetings.meetings.locus.info import LocusInfo

__all__ = ["emit_self_events", "muted_by_others_changed", "video_muted_by_others_changed"]


def muted_by_others_changed(previous: SelfState | None, current: SelfState) -> bool:
    """Remote audio mute (or, while muted, its ``unmuteAllowed``) changed."""
    if previous is None or previous.remote_muted is None:
        # On join only a mute is news (mute on entry), not "unmuted".
        return bool(current.remote_muted)
    return current.remote_muted is not None and (
        previous.remote_muted != current.remote_muted
        or (bool(current.remote_muted) and previous.unmute_allowed != current.unmute_allowed)
    )


def video_muted_by_others_changed(previous: SelfState | None, current: SelfState) -> bool:
    """Remote video mute changed."""
    if previous is None or previous.remote_video_muted is None:
        return bool(current.remote_video_muted)
    return previous.remote_video_muted != current.remote_video_muted


def _media_inactive(previous: SelfState | None, current: SelfState) -> bool:
    if previous is None or not previous.joined_with or not current.joined_with:
        return False
    for kind in ("audio", "video", "share"):
        before = previous.current_media_status.get(kind)
        after = current.current_media_status.get(kind)
        if (
            before
            and after
            and before.get("state") != "inactive"
            and after.get("state") == "inactive"
            and after.get("direction") != "inactive"
        ):
            return True
    return False


def _disconnected_for_inactivity(previous: SelfState | None, current: SelfState) -> bool:
    before = previous.joined_with if previous else None
    after = current.joined_with
    return bool(
        before
        and before.get("state") == "JOINED"
        and after
        and after.get("state") == "LEFT"
        and after.get("reason") in ("INACTIVE", "MEDIA_RELEASED")
    )


def emit_self_events(
    info: LocusInfo,
    previous: SelfState | None,
    current: SelfState,
    raw_self: Mapping[str, Any],
) -> None:
    """Emit the public and internal events for a ``self`` change, in the JS order."""
    from webex_meetings.meetings.locus.info import LocusInfoEvents

    emit = info.emitter.emit
    if current.layout and (previous is None or previous.layout != current.layout):
        emit(E.LAYOUT_UPDATE, {"layout": current.layout})
    if _disconnected_for_inactivity(previous, current):
        info.emit(LocusInfoEvents.DISCONNECT_DUE_TO_INACTIVITY, raw_self.get("reason"))
    if previous is None or previous.roles != current.roles:
        emit(
            E.SELF_ROLES_CHANGED,
            {
                "payload": {
                    "oldRoles": list(previous.roles) if previous else None,
                    "newRoles": list(current.roles),
                }
            },
        )
    if video_muted_by_others_changed(previous, current):
        muted = bool(current.remote_video_muted)
        emit(
            E.SELF_VIDEO_MUTED_BY_OTHERS if muted else E.SELF_VIDEO_UNMUTED_BY_OTHERS,
            {"payload": {"muted": muted, "unmuteAllowed": info.unmute_video_allowed}},
        )
    locally_muted = info.local_audio_muted() if info.local_audio_muted is not None else None
    audio_payload = {"muted": current.remote_muted, "unmuteAllowed": current.unmute_allowed}
    if (
        not current.remote_muted
        and current.local_audio_unmute_required
        and (previous is None or not previous.local_audio_unmute_required)
        and locally_muted is not None
    ):
        # The server forces a local unmute; JS reports it only when there is audio.
        emit(E.SELF_UNMUTED_BY_OTHERS, {"payload": audio_payload})
    if muted_by_others_changed(previous, current) and (current.remote_muted or not locally_muted):
        emit(
            E.SELF_MUTED_BY_OTHERS if current.remote_muted else E.SELF_UNMUTED_BY_OTHERS,
            {"payload": audio_payload},
        )
    if (
        previous is not None
        and current.local_audio_unmute_requested
        and current.local_audio_unmute_requested_at > previous.local_audio_unmute_requested_at
    ):
        emit(E.SELF_REQUESTED_TO_UNMUTE, {"payload": {}})
    if current.is_user_unadmitted:
        info.emit(LocusInfoEvents.SELF_UNADMITTED, dict(raw_self))
        emit(E.SELF_LOBBY_WAITING, {"payload": dict(raw_self)})
    if previous is not None and previous.is_user_unadmitted and current.is_admitted:
        info.emit(LocusInfoEvents.SELF_ADMITTED, dict(raw_self))
        emit(E.SELF_GUEST_ADMITTED, {"payload": dict(raw_self)})
    if _media_inactive(previous, current):
        info.emit(LocusInfoEvents.MEDIA_INACTIVITY)
    if previous is None or (
        previous.can_not_view_the_participant_list != current.can_not_view_the_participant_list
    ):
        emit(
            E.SELF_CANNOT_VIEW_PARTICIPANT_LIST,
            {
                "payload": {
                    "canNotViewTheParticipantList": current.can_not_view_the_participant_list
                }
            },
        )
    if previous is None or previous.is_sharing_blocked != current.is_sharing_blocked:
        emit(
            E.SELF_IS_SHARING_BLOCKED,
            {"payload": {"isSharingBlocked": current.is_sharing_blocked}},
        )
