"""The meetings held by ``webex.meetings``, keyed by local meeting id (JS ``MeetingCollection``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from webex_meetings.meetings.meeting import Meeting

__all__ = ["MEETING_KEYS", "MeetingCollection", "property_name"]

#: Property names ``get_by_key`` is meant for (JS ``MEETING_KEY`` plus ``id``).
MEETING_KEYS: frozenset[str] = frozenset(
    {"id", "conversation_url", "sip_uri", "locus_url", "meeting_number", "correlation_id"}
)

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def property_name(key: str) -> str:
    """Map a JS property name to its Python spelling (``sipUri`` → ``sip_uri``).

    Snake-case names are returned unchanged, so both spellings work.
    """
    return _CAMEL.sub("_", key).lower() if key != key.lower() else key


class MeetingCollection:
    """An insertion-ordered map of local meeting id → :class:`Meeting`."""

    def __init__(self) -> None:
        self._meetings: dict[str, Meeting] = {}

    def __len__(self) -> int:
        return len(self._meetings)

    def __iter__(self) -> Iterator[Meeting]:
        return iter(list(self._meetings.values()))

    def __contains__(self, meeting_id: object) -> bool:
        return meeting_id in self._meetings

    def __repr__(self) -> str:
        return f"MeetingCollection({len(self._meetings)} meetings)"

    def set(self, meeting: Meeting) -> Meeting:
        """Add (or replace) ``meeting`` under its id and return it."""
        self._meetings[meeting.id] = meeting
        return meeting

    def get(self, meeting_id: str) -> Meeting | None:
        """The meeting with local id ``meeting_id``, or ``None``."""
        return self._meetings.get(meeting_id)

    def get_all(self) -> dict[str, Meeting]:
        """A copy of the map: local meeting id → meeting."""
        return dict(self._meetings)

    def delete(self, meeting_id: str) -> Meeting | None:
        """Remove and return the meeting with ``meeting_id`` (``None`` when absent)."""
        return self._meetings.pop(meeting_id, None)

    def get_by_key(self, key: str, value: Any) -> Meeting | None:
        """The first meeting whose property ``key`` equals ``value``.

        As in JS, an empty ``key`` or a falsy ``value`` never matches, so meetings whose
        property is still unset are not found by ``None``.

        Args:
            key: a property name, snake_case (``sip_uri``) or the JS camelCase
                (``sipUri``); see :data:`MEETING_KEYS`.
            value: the value to compare with ``==``.
        """
        if not key or not value:
            return None
        name = property_name(key)
        for meeting in list(self._meetings.values()):
            if getattr(meeting, name, None) == value:
                return meeting
        return None
