"""The events derived from a change of ``locus.controls`` (JS ``LocusInfo.updateControls``).

Meeting-wide toggles (mute on entry, share control, reactions...), recording
(started/paused/resumed/stopped), meeting container, entry/exit tone and the "video
allowed" switch, which is reported like a remote video (un)mute.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from webex_meetings.meetings.constants import MeetingEvents as E
from webex_meetings.meetings.locus import sections
from webex_meetings.meetings.locus.events import RECORDING_EVENTS, LocusInfoEvents

if TYPE_CHECKING:
    from webex_meetings.meetings.locus.info import LocusInfo

__all__ = ["emit_controls_events", "recording_state"]

_TOGGLES: tuple[tuple[str, str, str], ...] = (
    ("mute_on_entry", E.CONTROLS_MUTE_ON_ENTRY_UPDATED, "muteOnEntry"),
    ("share_control", E.CONTROLS_SHARE_CONTROL_UPDATED, "shareControl"),
    ("disallow_unmute", E.CONTROLS_DISALLOW_UNMUTE_UPDATED, "disallowUnmute"),
    ("reactions", E.CONTROLS_REACTIONS_UPDATED, "reactions"),
    (
        "view_the_participant_list",
        E.CONTROLS_VIEW_THE_PARTICIPANTS_LIST_UPDATED,
        "viewTheParticipantList",
    ),
    ("raise_hand", E.CONTROLS_RAISE_HAND_UPDATED, "raiseHand"),
    ("video", E.CONTROLS_VIDEO_UPDATED, "video"),
)


def _control_state(controls: Mapping[str, Any], key: str) -> dict[str, Any]:
    section = controls.get(key) or {}
    if key == "shareControl":
        return {"control": section.get("control")}
    if key == "reactions":
        return {
            "enabled": section.get("enabled"),
            "showDisplayNameWithReactions": section.get("showDisplayNameWithReactions"),
        }
    return {"enabled": section.get("enabled")}


def recording_state(record: Mapping[str, Any], change: sections.ControlsChange) -> str:
    """``recording``, ``paused``, ``resumed`` or ``idle`` for a recording change."""
    if change.recording_paused:
        if record.get("paused"):
            return "paused"
        # Un-pausing a recording that is not running is reported as idle, as in JS.
        return "resumed" if record.get("recording") else "idle"
    return "recording" if record.get("recording") else "idle"


def emit_controls_events(
    info: LocusInfo, previous: Mapping[str, Any] | None, controls: Mapping[str, Any]
) -> None:
    """Emit the events for a ``controls`` change and update the derived meeting values."""
    change = sections.controls_change(previous, controls)
    emit = info.emitter.emit

    def meeting_update(**changes: Any) -> None:
        info.emit(LocusInfoEvents.MEETING_UPDATE, changes)

    for attribute, event, key in _TOGGLES:
        if getattr(change, attribute):
            emit(event, {"state": _control_state(controls, key)})
    if change.recording or change.recording_paused:
        record = controls.get("record") or {}
        meta = record.get("meta") or {}
        state = recording_state(record, change)
        info.recording = {
            # a resume is announced as such, then the state is simply "recording"
            "state": "recording" if state == "resumed" else state,
            "modifiedBy": meta.get("modifiedBy"),
            "lastModified": meta.get("lastModified"),
        }
        meeting_update(recording=dict(info.recording))
        emit(RECORDING_EVENTS[state], dict(info.recording))
    if change.meeting_container:
        url = (controls.get("meetingContainer") or {}).get("meetingContainerUrl")
        emit(E.MEETING_CONTAINER_UPDATE, {"meetingContainerUrl": url})
    if change.entry_exit_tone:
        info.entry_exit_tone = sections.entry_exit_tone(controls)
        meeting_update(entry_exit_tone=info.entry_exit_tone)
        emit(E.ENTRY_EXIT_TONE_UPDATE, {"entryExitTone": info.entry_exit_tone})
    if change.video_enabled:
        enabled = (controls.get("video") or {}).get("enabled")
        info.unmute_video_allowed = enabled
        meeting_update(unmute_video_allowed=enabled)
        muted = bool(info.self_state and info.self_state.remote_video_muted)
        emit(
            E.SELF_VIDEO_MUTED_BY_OTHERS if muted else E.SELF_VIDEO_UNMUTED_BY_OTHERS,
            {"payload": {"muted": muted, "unmuteAllowed": enabled}},
        )
