"""Keeps meeting instances in step with the Locus meetings of scheduled meetings.

Joining a scheduled meeting through Locus starts it, and the Locus meeting ending ends
it. Locus does not know about the REST objects, so REST handlers call :func:`sync`
before they read instances: it starts an instance for every running Locus meeting of a
scheduled meeting and ends the instances whose Locus meeting has ended.
"""

from __future__ import annotations

from ...core.state import EmulatorState
from ..locus.backend import LocusBackend
from ..locus.model import Locus
from .models import MeetingsBackend


def sync(state: EmulatorState) -> None:
    """Start or end meeting instances to match the Locus meetings."""
    meetings = state.backend(MeetingsBackend)
    for locus in list(state.backend(LocusBackend).loci.values()):
        series = meetings.series.get(locus.room.series_id or "")
        if series is None:
            continue
        running = series.running
        seen = any(instance.locus_id == locus.id for instance in series.instances)
        if locus.active and not seen:
            # Also adopts an instance started without Locus (control API) while running.
            meetings.start(series.id, locus_id=locus.id, recorded=locus.recording)
        elif not locus.active and running is not None and running.locus_id == locus.id:
            running.recorded = running.recorded or locus.recording
            meetings.end(series.id)


def end_locus(state: EmulatorState, locus_id: str | None) -> None:
    """End the Locus meeting an ended instance mirrored, for everyone in it."""
    locus = locus_of(state, locus_id)
    if locus is not None and locus.active:
        state.backend(LocusBackend).end(locus)


def locus_of(state: EmulatorState, locus_id: str | None) -> Locus | None:
    """Return the Locus meeting an instance mirrors, if any."""
    if locus_id is None:
        return None
    return state.backend(LocusBackend).loci.get(locus_id)
