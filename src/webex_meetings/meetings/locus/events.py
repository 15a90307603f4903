"""Names of the Locus event types and of the internal ``LocusInfo`` events."""

from __future__ import annotations

from typing import Final

from webex_meetings.meetings.constants import MeetingEvents as E

__all__ = ["FULL_DTO_EVENTS", "RECORDING_EVENTS", "LocusInfoEvents"]

#: Mercury ``locus.*`` event types that carry a full DTO; all others are deltas.
FULL_DTO_EVENTS: Final = frozenset(
    {
        "locus.participant_joined",
        "locus.participant_left",
        "locus.participant_declined",
        "locus.participant_updated",
        "locus.participant_controls_updated",
        "locus.participant_roles_updated",
        "locus.participant_audio_muted",
        "locus.participant_audio_unmuted",
        "locus.participant_video_muted",
        "locus.participant_video_unmuted",
        "locus.self_changed",
        "locus.controls_updated",
        "locus.floor_granted",
        "locus.floor_released",
    }
)

RECORDING_EVENTS: Final = {
    "recording": E.RECORDING_STARTED,
    "idle": E.RECORDING_STOPPED,
    "paused": E.RECORDING_PAUSED,
    "resumed": E.RECORDING_RESUMED,
}


class LocusInfoEvents:
    """Internal events emitted on the ``LocusInfo`` for the ``Meeting`` to act on."""

    MEETING_UPDATE: Final = "locus_info:meeting_update"
    """``(changes: dict)``: meeting attributes derived from Locus (JS ``updateMeeting``)."""
    SELF_UPDATED: Final = "locus_info:self_updated"
    """``(old: SelfState | None, new: SelfState)``."""
    SELF_UNADMITTED: Final = "locus_info:self_unadmitted"
    """``(self: dict)``: waiting in the lobby (start the keep-alive)."""
    SELF_ADMITTED: Final = "locus_info:self_admitted"
    """``(self: dict)``: admitted from the lobby (stop the keep-alive)."""
    DISCONNECT_DUE_TO_INACTIVITY: Final = "locus_info:disconnect_due_to_inactivity"
    """``(reason: str | None)``: this device went JOINED → LEFT (INACTIVE/MEDIA_RELEASED)."""
    MEDIA_INACTIVITY: Final = "locus_info:media_inactivity"
    """``()``: a media session of this device became inactive (reconnect media)."""
    MEDIA_SHARES_UPDATED: Final = "locus_info:media_shares_updated"
    """``(current: dict, previous: dict | None)``: parsed floors changed."""
    LINKS_SERVICES: Final = "locus_info:links_services"
    """``(services: dict)``: ``links.services`` changed (breakout, record URLs)."""
    CONTROLS_UPDATED: Final = "locus_info:controls_updated"
    """``(previous: dict | None, current: dict)``: any change of ``controls``."""
    REMOTE_RESPONSE: Final = "locus_info:remote_response"
    """``({remoteDeclined, remoteAnswered})``: the other side of a 1:1 call answered."""
