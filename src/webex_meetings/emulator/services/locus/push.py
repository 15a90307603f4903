"""Pushing Locus events over Mercury, with delivery faults and the event-type mode.

One state change becomes one *event*: a frame per recipient device (each with its own
``self``). Faults act on whole events, so every recipient sees the same disorder:

* ``drop``: the next N events are never delivered (the client sees a gap and resyncs);
* ``duplicate``: the next N events are delivered twice;
* ``reorder``: the next N events are each held back and delivered right after the
  event that follows them (held events are flushed when the faults are cleared).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ...core.state import Backend
from ..mercury.models import MercuryHub

#: Full-DTO event types (Mercury protocol); anything else is pushed as ``locus.difference``.
FULL_EVENT_TYPES = frozenset(
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

Frame = tuple[str, dict[str, Any]]
"""(WDM device uuid, envelope ``data``)."""


@dataclass
class PushFaults:
    """Counts of upcoming events to drop, duplicate or hold back."""

    drop: int = 0
    duplicate: int = 0
    reorder: int = 0


@dataclass
class PushStats:
    """What the pusher did so far, for the control API."""

    events: int = 0
    frames: int = 0
    dropped: int = 0
    duplicated: int = 0
    reordered: int = 0


class LocusPusher(Backend):
    """Delivers Locus events to device sockets through the Mercury hub."""

    def reset(self) -> None:
        """No faults, delta events, nothing held."""
        self.faults = PushFaults()
        self.stats = PushStats()
        self.full_events = False
        self._held: list[Frame] = []

    def set_faults(self, *, drop: int = 0, duplicate: int = 0, reorder: int = 0) -> None:
        """Add to the pending fault counts."""
        self.faults.drop += drop
        self.faults.duplicate += duplicate
        self.faults.reorder += reorder

    def clear_faults(self) -> int:
        """Drop pending faults and deliver any held event; returns the counts dropped."""
        pending = self.faults.drop + self.faults.duplicate + self.faults.reorder
        self.faults = PushFaults()
        held, self._held = self._held, []
        self._deliver(held)
        return pending

    def to_json(self) -> dict[str, Any]:
        """Render faults, mode and counters for the control API."""
        return {
            "faults": {
                "dropNext": self.faults.drop,
                "duplicate": self.faults.duplicate,
                "reorder": self.faults.reorder,
            },
            "held": len(self._held),
            "mode": "full" if self.full_events else "delta",
            "stats": asdict(self.stats),
        }

    def event_type(self, wanted: str | None) -> str:
        """The event type to push: the full-DTO type in full mode, else a delta."""
        if self.full_events and wanted in FULL_EVENT_TYPES:
            return str(wanted)
        return "locus.difference"

    def _deliver(self, frames: list[Frame]) -> None:
        hub = self.state.backend(MercuryHub)
        for device_uuid, data in frames:
            hub.publish_to_device(device_uuid, data)
            self.stats.frames += 1

    def push(self, frames: list[tuple[str, Mapping[str, Any]]]) -> None:
        """Deliver one event (its frames), applying the pending faults."""
        event = [(device, dict(data)) for device, data in frames]
        if not event:
            return
        self.stats.events += 1
        if self.faults.drop:
            self.faults.drop -= 1
            self.stats.dropped += 1
            return
        if self.faults.reorder and not self._held:
            self.faults.reorder -= 1
            self.stats.reordered += 1
            self._held = event
            return
        self._deliver(event)
        if self.faults.duplicate:
            self.faults.duplicate -= 1
            self.stats.duplicated += 1
            self._deliver(event)
        held, self._held = self._held, []
        self._deliver(held)
