"""Read-only views of the Locus state held by ``LocusInfo`` (models and derived values)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from webex_meetings.meetings.locus.dto import (
    FullState,
    Host,
    LocusControls,
    LocusInfoSection,
    MediaShare,
    Participant,
    Sequence,
)

if TYPE_CHECKING:
    from webex_meetings.meetings.locus.parser import LocusParser
    from webex_meetings.meetings.locus.sections import InfoState, SelfState

__all__ = ["LocusViews"]


class LocusViews:
    """The public read side of ``LocusInfo``: typed sections and values derived from them.

    Raw sections live in :attr:`raw` (wire names); the model properties parse on access,
    so the hot path (applying DTOs) never pays for validation.
    """

    raw: dict[str, Any]
    raw_participants: dict[str, dict[str, Any]]
    self_state: SelfState | None
    info_state: InfoState | None
    parser: LocusParser

    @property
    def url(self) -> str | None:
        """The locus URL (``meeting.locus_url``)."""
        value = self.raw.get("url")
        return value if isinstance(value, str) else None

    @property
    def locus_id(self) -> str | None:
        """The last path segment of the locus URL."""
        return self.url.rstrip("/").rsplit("/", 1)[-1] if self.url else None

    @property
    def full_state(self) -> FullState | None:
        """``fullState`` as a model."""
        raw = self.raw.get("fullState")
        return FullState.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def self(self) -> Participant | None:
        """``self`` as a model."""
        raw = self.raw.get("self")
        return Participant.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def host(self) -> Host | None:
        """``host`` as a model."""
        raw = self.raw.get("host")
        return Host.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def info(self) -> LocusInfoSection | None:
        """``info`` as a model."""
        raw = self.raw.get("info")
        return LocusInfoSection.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def controls(self) -> LocusControls | None:
        """``controls`` as a model."""
        raw = self.raw.get("controls")
        return LocusControls.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def media_shares(self) -> list[MediaShare]:
        """``mediaShares`` as models."""
        return [MediaShare.model_validate(s) for s in self.raw.get("mediaShares") or []]

    @property
    def sequence(self) -> Sequence | None:
        """The last applied ``sequence`` as a model."""
        raw = self.raw.get("sequence")
        return Sequence.model_validate(raw) if isinstance(raw, Mapping) else None

    @property
    def participants(self) -> dict[str, Participant]:
        """Every participant seen, by id, as models."""
        return {k: Participant.model_validate(v) for k, v in self.raw_participants.items()}

    def current_sequence(self) -> dict[str, Any] | None:
        """The raw sequence to send with delta requests."""
        value = self.raw.get("sequence")
        return dict(value) if isinstance(value, Mapping) else None

    @property
    def sync_url(self) -> str | None:
        """The working copy's sync URL."""
        working = self.parser.working_copy or {}
        return working.get("syncUrl") or self.raw.get("syncUrl")

    @property
    def conversation_url(self) -> str | None:
        """``conversationUrl`` (or ``info.conversationUrl``)."""
        return self.raw.get("conversationUrl")

    @property
    def meeting_state(self) -> str | None:
        """``fullState.state`` (``ACTIVE``, ``INACTIVE``...)."""
        return (self.raw.get("fullState") or {}).get("state")

    @property
    def type(self) -> str | None:
        """``fullState.type`` (``MEETING``, ``CALL``, ``SIP_BRIDGE``; ``UNKNOWN`` if absent)."""
        full_state = self.raw.get("fullState")
        return (full_state.get("type") or "UNKNOWN") if full_state else None

    @property
    def self_id(self) -> str | None:
        """The participant id of self."""
        return self.self_state.self_id if self.self_state else None

    @property
    def host_id(self) -> str | None:
        """The person id of the host."""
        return (self.raw.get("host") or {}).get("id")

    @property
    def display_hints(self) -> dict[str, list[str]]:
        """``info.displayHints`` (``joined``, ``moderator``, ``coHost`` lists)."""
        hints = (self.raw.get("info") or {}).get("displayHints") or {}
        return {k: list(v) for k, v in hints.items() if isinstance(v, list)}

    @property
    def user_display_hints(self) -> list[str]:
        """The hints that apply to this user now (Locus protocol)."""
        return list(self.info_state.user_display_hints) if self.info_state else []

    @property
    def is_locked(self) -> bool:
        """True when the display hints say ``LOCK_STATUS_LOCKED``."""
        return bool(self.info_state and self.info_state.is_locked)

    def this_device(self) -> dict[str, Any] | None:
        """This client's entry of ``self.devices`` (keep-alive URL, media connections...)."""
        device = self.self_state.joined_with if self.self_state else None
        return dict(device) if device else None
