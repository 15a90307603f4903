"""Display hints (``info.displayHints``): the capability strings the SDK gates actions on.

Names are the SDK's ``DISPLAY_HINTS`` vocabulary. The SDK applies ``joined`` hints to a
joined user, adds ``moderator`` hints for the ``MODERATOR`` role and ``coHost`` hints for
``COHOST`` (Locus protocol); each toggle hint names the action now possible, so it
flips with the state (``LOCK_CONTROL_LOCK`` while unlocked, ``LOCK_CONTROL_UNLOCK``
while locked, ...).
"""

from __future__ import annotations

from .model import Locus


def _toggle(enabled: bool, when_on: str, when_off: str) -> str:
    return when_on if enabled else when_off


def _recording(locus: Locus) -> list[str]:
    if not locus.recording:
        return ["RECORDING_CONTROL_START"]
    if locus.recording_paused:
        return ["RECORDING_CONTROL_RESUME", "RECORDING_CONTROL_STOP"]
    return ["RECORDING_CONTROL_PAUSE", "RECORDING_CONTROL_STOP"]


def _host_controls(locus: Locus) -> list[str]:
    """Hints moderators and co-hosts share."""
    return [
        "ADD_GUEST",
        "ROSTER_WAITING_TO_JOIN",
        _toggle(locus.locked, "LOCK_CONTROL_UNLOCK", "LOCK_CONTROL_LOCK"),
        "MUTE_ALL",
        "UNMUTE_ALL",
        _toggle(locus.mute_on_entry, "DISABLE_MUTE_ON_ENTRY", "ENABLE_MUTE_ON_ENTRY"),
        _toggle(locus.disallow_unmute, "DISABLE_HARD_MUTE", "ENABLE_HARD_MUTE"),
        *_recording(locus),
        "LOWER_ALL_HANDS",
        "SHARE_CONTROL",
        _toggle(locus.raise_hand_enabled, "DISABLE_RAISE_HAND", "ENABLE_RAISE_HAND"),
        _toggle(locus.video_enabled, "DISABLE_VIDEO", "ENABLE_VIDEO"),
        _toggle(locus.reactions_enabled, "DISABLE_REACTIONS", "ENABLE_REACTIONS"),
        _toggle(
            locus.show_names_with_reactions,
            "DISABLE_SHOW_DISPLAY_NAME",
            "ENABLE_SHOW_DISPLAY_NAME",
        ),
        _toggle(
            locus.view_participant_list,
            "DISABLE_VIEW_THE_PARTICIPANT_LIST",
            "ENABLE_VIEW_THE_PARTICIPANT_LIST",
        ),
        "CAN_RENAME_OTHERS",
        "PRESENTER_CONTROL",
    ]


def display_hints(locus: Locus) -> dict[str, list[str]]:
    """Compute ``info.displayHints`` from the locus state."""
    joined = [
        _toggle(locus.locked, "LOCK_STATUS_LOCKED", "LOCK_STATUS_UNLOCKED"),
        "VOIP_IS_ENABLED",
        "SHARE_CONTENT",
        "SHARE_DESKTOP",
        "SHARE_APPLICATION",
        "SHARE_WHITEBOARD",
        "CAN_RENAME_SELF_AND_OBSERVED",
        _toggle(locus.reactions_enabled, "REACTIONS_ACTIVE", "REACTIONS_INACTIVE"),
    ]
    if locus.raise_hand_enabled:
        joined.append("RAISE_HAND")
    if len(locus.joined()) <= 1:
        joined.append("WAITING_FOR_OTHERS")
    return {
        "joined": joined,
        "moderator": [
            *_host_controls(locus),
            "LEAVE_TRANSFER_HOST_END_MEETING",
            "LEAVE_END_MEETING",
        ],
        "coHost": _host_controls(locus),
    }
