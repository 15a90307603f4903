"""Pure parsers of Locus DTO sections and the changes between two versions of them.

One function per JS ``locus-info/*Utils.ts`` helper that the state holder needs:
self (``selfUtils``), info and display hints (``infoUtils``), controls
(``controlsUtils``), full state (``fullState``) and floors (``mediaSharesUtils``).
They work on raw mappings and never raise on missing or unexpected fields.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from webex_meetings.meetings.constants import DisplayHints, SelfRole

__all__ = [
    "ControlsChange",
    "InfoState",
    "SelfState",
    "controls_change",
    "entry_exit_tone",
    "find_this_device",
    "get_roles",
    "need_replace_members",
    "parse_info",
    "parse_media_shares",
    "parse_self",
    "user_display_hints",
]

Raw = Mapping[str, Any]


def _map(value: Any) -> Raw:
    return value if isinstance(value, Mapping) else {}


def _timestamp(value: Any) -> float:
    if not isinstance(value, str) or not value:
        return 0.0
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


# -- self ---------------------------------------------------------------------------


def find_this_device(
    self_part: Raw, device_url: str | None, correlation_id: str | None = None
) -> Raw | None:
    """This client's entry of ``self.devices`` (matched by device URL, then correlation id)."""
    if not device_url:
        return None
    devices = [d for d in self_part.get("devices") or [] if isinstance(d, Mapping)]
    matches = [d for d in devices if d.get("url") == device_url]
    if correlation_id:
        for device in matches:
            if device.get("correlationId") == correlation_id:
                return device
    return matches[0] if matches else None


def get_roles(self_part: Raw | None) -> list[str]:
    """The role types self holds (``controls.role.roles[]`` with ``hasRole``)."""
    role = _map(_map(_map(self_part).get("controls")).get("role"))
    return [
        r["type"]
        for r in role.get("roles") or []
        if isinstance(r, Mapping) and r.get("hasRole") and isinstance(r.get("type"), str)
    ]


def _media_status(device: Raw | None) -> dict[str, Raw | None]:
    sessions = [s for s in _map(device).get("mediaSessions") or [] if isinstance(s, Mapping)]

    def find(media_type: str, content: str) -> Raw | None:
        for session in sessions:
            if session.get("mediaType") == media_type and session.get("mediaContent") == content:
                return session
        return None

    return {
        "audio": find("audio", "main"),
        "video": find("video", "main"),
        "share": find("video", "slides"),
    }


@dataclass(frozen=True)
class SelfState:
    """What the SDK reads from ``locus.self`` (JS ``SelfUtils.parse``)."""

    self_id: str | None
    self_url: str | None
    self_identity: str | None
    state: str | None
    guest: bool | None
    moderator: bool | None
    removed: bool
    reason: str | None
    roles: tuple[str, ...]
    remote_muted: bool | None
    unmute_allowed: bool | None
    remote_video_muted: bool | None
    local_audio_unmute_requested: bool
    local_audio_unmute_requested_at: float
    local_audio_unmute_required: bool
    joined_with: Raw | None
    is_user_unadmitted: bool
    layout: str | None
    can_not_view_the_participant_list: bool
    is_sharing_blocked: bool
    current_media_status: dict[str, Raw | None] = field(default_factory=dict)

    @property
    def intent_type(self) -> str | None:
        """``intent.type`` of this device's entry."""
        value = _map(_map(self.joined_with).get("intent")).get("type")
        return value if isinstance(value, str) else None

    @property
    def is_admitted(self) -> bool:
        """JOINED on this device with an intent other than WAIT."""
        return self.state == "JOINED" and self.intent_type != "WAIT"


def parse_self(
    self_part: Raw, device_url: str | None, correlation_id: str | None = None
) -> SelfState:
    """Parse ``locus.self`` for this device."""
    controls = _map(self_part.get("controls"))
    audio = _map(controls.get("audio"))
    video = _map(controls.get("video"))
    joined_with = find_this_device(self_part, device_url, correlation_id)
    layouts = controls.get("layouts")
    layout = None
    if isinstance(layouts, list) and layouts and isinstance(layouts[0], Mapping):
        layout = layouts[0].get("type")
    state = self_part.get("state")
    intent = _map(_map(joined_with).get("intent")).get("type")
    return SelfState(
        self_id=self_part.get("id"),
        self_url=self_part.get("url"),
        self_identity=_map(self_part.get("person")).get("id"),
        state=state,
        guest=self_part.get("guest"),
        moderator=self_part.get("moderator"),
        removed=bool(self_part.get("removed")),
        reason=self_part.get("reason"),
        roles=tuple(get_roles(self_part)),
        remote_muted=audio.get("muted") if "audio" in controls else None,
        unmute_allowed=(not audio.get("disallowUnmute")) if "audio" in controls else None,
        remote_video_muted=video.get("muted") if "video" in controls else None,
        local_audio_unmute_requested=bool(audio.get("requestedToUnmute")),
        local_audio_unmute_requested_at=_timestamp(audio.get("lastModifiedRequestedToUnmute")),
        local_audio_unmute_required=bool(audio.get("localAudioUnmuteRequired")),
        joined_with=joined_with,
        is_user_unadmitted=state == "IDLE" and intent == "WAIT",
        layout=layout if isinstance(layout, str) else None,
        can_not_view_the_participant_list=bool(self_part.get("canNotViewTheParticipantList")),
        is_sharing_blocked=bool(self_part.get("isSharingBlocked")),
        current_media_status=_media_status(joined_with),
    )


# -- info and display hints -----------------------------------------------------------


def _hint_section(info: Raw, key: str) -> list[str]:
    hints = _map(info.get("displayHints")).get(key)
    return [h for h in hints if isinstance(h, str)] if isinstance(hints, list) else []


def user_display_hints(info: Raw | None, roles: Collection[str], is_joined: bool) -> list[str]:
    """The hints that apply to this user (JS ``InfoUtils.parse``, the Locus protocol).

    All ``joined`` hints once self is JOINED (only ``VOIP_IS_ENABLED`` before), plus
    ``coHost`` hints for a cohost and ``moderator`` hints for a moderator; both of those
    also get ``LOWER_SOMEONE_ELSES_HAND``.
    """
    info = _map(info)
    hints: dict[str, None] = {}
    for hint in _hint_section(info, "joined"):
        if is_joined or hint in DisplayHints.INTERSTITIAL:
            hints[hint] = None
    if SelfRole.COHOST in roles:
        hints.update(dict.fromkeys(_hint_section(info, "coHost")))
        hints[DisplayHints.LOWER_SOMEONE_ELSES_HAND] = None
    if SelfRole.MODERATOR in roles:
        hints.update(dict.fromkeys(_hint_section(info, "moderator")))
        hints[DisplayHints.LOWER_SOMEONE_ELSES_HAND] = None
    return list(hints)


@dataclass(frozen=True)
class InfoState:
    """Parsed ``locus.info`` (JS ``InfoUtils.getInfos`` current value)."""

    user_display_hints: tuple[str, ...]
    is_locked: bool
    is_unlocked: bool
    sip_uri: str | None
    meeting_number: str | None
    datachannel_url: str | None


def parse_info(info: Raw, roles: Collection[str], is_joined: bool) -> InfoState:
    """Parse ``locus.info`` for a user with ``roles``; lock state comes from ``joined`` hints."""
    joined = set(_hint_section(info, "joined"))
    return InfoState(
        user_display_hints=tuple(user_display_hints(info, roles, is_joined)),
        is_locked=DisplayHints.LOCK_STATUS_LOCKED in joined,
        is_unlocked=DisplayHints.LOCK_STATUS_UNLOCKED in joined,
        sip_uri=info.get("sipUri"),
        meeting_number=info.get("meetingId"),
        datachannel_url=info.get("datachannelUrl"),
    )


# -- controls -----------------------------------------------------------------------


@dataclass(frozen=True)
class ControlsChange:
    """Which parts of ``controls`` changed (JS ``ControlsUtils.getControls`` updates)."""

    mute_on_entry: bool
    share_control: bool
    disallow_unmute: bool
    reactions: bool
    view_the_participant_list: bool
    raise_hand: bool
    video: bool
    video_enabled: bool
    recording: bool
    recording_paused: bool
    meeting_container: bool
    transcribe: bool
    manual_caption: bool
    entry_exit_tone: bool
    breakout: bool
    interpretation: bool


def _get(controls: Raw, section: str, key: str) -> Any:
    return _map(controls.get(section)).get(key)


def entry_exit_tone(controls: Raw) -> Any:
    """``controls.entryExitTone.mode`` when enabled, else ``None``."""
    tone = _map(controls.get("entryExitTone"))
    return tone.get("mode") if tone.get("enabled") else None


def controls_change(old: Raw | None, new: Raw) -> ControlsChange:
    """Compare two ``controls`` sections field by field as the JS SDK does."""
    old = _map(old)
    rec_old, rec_new = _map(old.get("record")), _map(new.get("record"))
    has_rec = "record" in new
    was_or_is_recording = bool(rec_old.get("recording") or rec_new.get("recording"))
    tr_old, tr_new = _map(old.get("transcribe")), _map(new.get("transcribe"))
    mc_old, mc_new = _map(old.get("manualCaptionControl")), _map(new.get("manualCaptionControl"))
    return ControlsChange(
        mute_on_entry=_get(old, "muteOnEntry", "enabled") != _get(new, "muteOnEntry", "enabled"),
        share_control=_get(old, "shareControl", "control") != _get(new, "shareControl", "control"),
        disallow_unmute=_get(old, "disallowUnmute", "enabled")
        != _get(new, "disallowUnmute", "enabled"),
        reactions=_get(old, "reactions", "enabled") != _get(new, "reactions", "enabled")
        or _get(old, "reactions", "showDisplayNameWithReactions")
        != _get(new, "reactions", "showDisplayNameWithReactions"),
        view_the_participant_list=_get(old, "viewTheParticipantList", "enabled")
        != _get(new, "viewTheParticipantList", "enabled"),
        raise_hand=_get(old, "raiseHand", "enabled") != _get(new, "raiseHand", "enabled"),
        video=_get(old, "video", "enabled") != _get(new, "video", "enabled"),
        video_enabled="enabled" in _map(new.get("video"))
        and _get(old, "video", "enabled") != _get(new, "video", "enabled"),
        # Only report recording changes when something records, so that the first DTO
        # of a meeting that never recorded does not say "stopped".
        recording=has_rec
        and rec_old.get("recording") != rec_new.get("recording")
        and was_or_is_recording,
        recording_paused=has_rec
        and bool(rec_old.get("paused")) != bool(rec_new.get("paused"))
        and was_or_is_recording,
        meeting_container="meetingContainer" in new
        and _get(old, "meetingContainer", "meetingContainerUrl")
        != _get(new, "meetingContainer", "meetingContainerUrl"),
        transcribe="transcribe" in new
        and tr_old.get("transcribing") != tr_new.get("transcribing")
        and bool(tr_old.get("transcribing") or tr_new.get("transcribing")),
        manual_caption="manualCaptionControl" in new
        and mc_old.get("enabled") != mc_new.get("enabled")
        and bool(mc_old.get("enabled") or mc_new.get("enabled")),
        entry_exit_tone="entryExitTone" in new
        and entry_exit_tone(old) != entry_exit_tone(new)
        and bool(entry_exit_tone(old) or entry_exit_tone(new)),
        breakout=old.get("breakout") != new.get("breakout"),
        interpretation=old.get("interpretation") != new.get("interpretation"),
    )


def need_replace_members(old: Raw | None, new: Raw | None) -> bool:
    """True when the breakout session changed (JS ``isNeedReplaceMembers``)."""
    old_b, new_b = _map(_map(old).get("breakout")), _map(_map(new).get("breakout"))
    if not old_b or not new_b:
        return False
    return bool(
        old_b.get("groupId") != new_b.get("groupId")
        or old_b.get("sessionId") != new_b.get("sessionId")
    )


# -- floors -------------------------------------------------------------------------


def parse_media_shares(media_shares: Any) -> dict[str, dict[str, Any]]:
    """``{"content": {...}, "whiteboard": {...}}`` with beneficiary, disposition and URLs."""
    shares = [s for s in media_shares or [] if isinstance(s, Mapping)]

    def by_name(name: str) -> Raw:
        return next((s for s in shares if s.get("name") == name), {})

    content, whiteboard = by_name("content"), by_name("whiteboard")
    c_floor, w_floor = _map(content.get("floor")), _map(whiteboard.get("floor"))
    return {
        "content": {
            "beneficiaryId": _map(c_floor.get("beneficiary")).get("id"),
            "disposition": c_floor.get("disposition"),
            "url": content.get("url"),
            "shareInstanceId": c_floor.get("shareInstanceId"),
            "deviceUrlSharing": _map(c_floor.get("beneficiary")).get("deviceUrl"),
            "resourceType": content.get("resourceType"),
            "annotation": content.get("annotation"),
        },
        "whiteboard": {
            "beneficiaryId": _map(w_floor.get("beneficiary")).get("id"),
            "disposition": w_floor.get("disposition"),
            "resourceUrl": whiteboard.get("resourceUrl"),
        },
    }
