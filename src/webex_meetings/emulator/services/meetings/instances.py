"""Meeting instances: the ``meeting`` objects a started scheduled meeting creates (seed 004).

An instance exists from the moment a scheduled meeting starts; it is ``inProgress``
while it runs and ``ended`` afterwards, and it can never be updated (rule 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class InstanceState(StrEnum):
    """``state`` of a ``meeting`` object (Meeting Lifecycle of the Meetings guide)."""

    LOBBY = "lobby"
    IN_PROGRESS = "inProgress"
    ENDED = "ended"


@dataclass
class Instance:
    """One meeting instance (``<seriesId>_I_<digits>``) of a scheduled meeting."""

    id: str
    series_id: str
    scheduled_id: str
    """Id of the scheduled meeting it belongs to."""
    occurrence_index: int
    """Index of that scheduled meeting in its series."""
    started: datetime
    ended: datetime | None = None
    state: InstanceState = InstanceState.IN_PROGRESS
    locus_id: str | None = None
    """The Locus meeting it mirrors, when it was started by a join."""
    recorded: bool = False
    """Recorded while it ran: ending it leaves a recording and a transcript."""

    @property
    def running(self) -> bool:
        """True until it ended."""
        return self.state != InstanceState.ENDED
