"""Where this client is with a meeting (``meeting.lifecycle``).

Every transition is logged and emitted on the meeting as ``meeting:lifecycle``
``{previous, current}`` (a Python addition; JS has no such event)::

    NEW ──join()──► JOINING ──► IN_LOBBY ──(admitted)──► JOINED ──leave()──► LEAVING ──► LEFT
     ▲                 │            │                      ▲                            │
     └────(failed)─────┘            └──────────────────────┘ (join response JOINED)     │
                                                                                        ▼
    any state ──(Locus: self removed, meeting ended, sync lost; or destroyed)──► REMOVED

``IN_LOBBY``/``JOINED``/``LEFT`` follow Locus' ``self`` as seen by this device (IDLE +
WAIT intent = lobby), so a host moving us back to the lobby, or removing us, shows here
too. ``REMOVED`` is final: the meeting left ``webex.meetings`` and ``meeting:removed``
was emitted there.
"""

from __future__ import annotations

import enum
from typing import Final

from webex_meetings.meetings.locus.sections import SelfState

__all__ = ["LIFECYCLE_EVENT", "MeetingLifecycle", "lifecycle_for_self"]

#: Python-only event: ``{"previous": MeetingLifecycle, "current": MeetingLifecycle}``.
LIFECYCLE_EVENT: Final = "meeting:lifecycle"


class MeetingLifecycle(enum.Enum):
    """Where this client is with the meeting (see the module docstring)."""

    NEW = "new"
    JOINING = "joining"
    IN_LOBBY = "in_lobby"
    JOINED = "joined"
    LEAVING = "leaving"
    LEFT = "left"
    REMOVED = "removed"


_IN: Final = (MeetingLifecycle.IN_LOBBY, MeetingLifecycle.JOINED, MeetingLifecycle.LEAVING)


def lifecycle_for_self(current: SelfState, lifecycle: MeetingLifecycle) -> MeetingLifecycle | None:
    """The lifecycle Locus' ``self`` implies, or ``None`` to keep ``lifecycle``.

    Only this device's entry of ``self.devices`` counts: the same user may be in the
    meeting on another device, which does not make this client joined.
    """
    if lifecycle is MeetingLifecycle.REMOVED:
        return None
    device = current.joined_with
    if device is not None and current.is_user_unadmitted:
        return MeetingLifecycle.IN_LOBBY
    if device is not None and current.state == "JOINED" and device.get("state") == "JOINED":
        return None if lifecycle is MeetingLifecycle.LEAVING else MeetingLifecycle.JOINED
    gone = device is None or current.state in ("LEFT", "DECLINED") or device.get("state") == "LEFT"
    if lifecycle in _IN and gone:
        return MeetingLifecycle.LEFT
    return None
