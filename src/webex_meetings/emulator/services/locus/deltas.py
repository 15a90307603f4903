"""Locus versions: one integer counter per locus, and what changed at each version.

The log keeps the last rendering of every top-level section and of every participant,
and the version at which each last changed. A delta since version ``n`` is then exactly
the sections and participants whose version is above ``n`` (Locus protocol), so a sync
from any past version needs no history of snapshots.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any


def sequence(version: int) -> dict[str, Any]:
    """The sequence object of one version: ``{entries: [n], rangeStart: 0, rangeEnd: 0}``."""
    return {"entries": [version], "rangeStart": 0, "rangeEnd": 0}


def sequence_hash(version: int) -> int:
    """The ``sequenceHash`` the emulator pairs with a version in sync URLs."""
    return zlib.crc32(str(version).encode())


def sync_url(locus_url: str, version: int) -> str:
    """``{locusUrl}/sync?since=<n>&sequenceHash=<h>``."""
    return f"{locus_url}/sync?since={version}&sequenceHash={sequence_hash(version)}"


def version_of(value: Any) -> int | None:
    """Return the last entry of a sequence object a client sent, or None."""
    if not isinstance(value, dict):
        return None
    entries = value.get("entries")
    if not isinstance(entries, list) or not entries:
        return None
    last = entries[-1]
    if isinstance(last, bool):
        return None
    try:
        return int(last)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Change:
    """What one version changed."""

    base: int
    version: int
    sections: frozenset[str]
    participants: tuple[str, ...]


@dataclass
class VersionLog:
    """The version counter of one locus and the last rendering of each part."""

    version: int
    """Current version; the first rendering is ``floor + 1``."""
    floor: int = 0
    sections: dict[str, Any] = field(default_factory=dict)
    section_versions: dict[str, int] = field(default_factory=dict)
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)
    participant_versions: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.floor = self.version

    def record(
        self, sections: dict[str, Any], participants: dict[str, dict[str, Any]]
    ) -> Change | None:
        """Compare a fresh rendering with the last one; bump the version if it differs.

        Returns:
            The change, or None when nothing changed (the version stays).
        """
        changed = frozenset(
            name for name, value in sections.items() if self.sections.get(name) != value
        )
        moved = tuple(
            pid for pid, value in participants.items() if self.participants.get(pid) != value
        )
        if not changed and not moved:
            return None
        base = self.version
        self.version += 1
        for name in changed:
            self.sections[name] = sections[name]
            self.section_versions[name] = self.version
        for pid in moved:
            self.participants[pid] = participants[pid]
            self.participant_versions[pid] = self.version
        return Change(base, self.version, changed, moved)

    def since(self, version: int) -> tuple[list[str], list[str]]:
        """Return the sections and participant ids changed after ``version``."""
        names = [name for name, at in self.section_versions.items() if at > version]
        pids = [pid for pid, at in self.participant_versions.items() if at > version]
        return names, pids
