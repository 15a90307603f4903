"""When a meeting ends for this client (JS ``LocusInfo.isMeetingActive``, the Locus protocol)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from webex_meetings.meetings.constants import MeetingRemovedReason
from webex_meetings.meetings.locus.sections import SelfState

__all__ = ["Verdict", "find_partner", "removal_reason"]


@dataclass(frozen=True)
class Verdict:
    """The outcome of :func:`removal_reason`.

    Attributes:
        reason: why to remove the meeting, or ``None`` while it is active.
        partner: the other participant of a 1:1 call (``None`` for meetings).
        should_leave: for ``PARTNER_LEFT``, whether this device is still in the call.
    """

    reason: MeetingRemovedReason | None
    partner: dict[str, Any] | None = None
    should_leave: bool = False


def find_partner(
    participants: Sequence[Mapping[str, Any]],
    self_identity: str | None,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The other side of a 1:1 call (JS ``getLocusPartner``)."""
    for participant in participants:
        if participant.get("identity") != self_identity and (
            len(participants) <= 2
            or (participant.get("type") == "USER" and not participant.get("removed"))
        ):
            return dict(participant)
    return previous


def removal_reason(
    *,
    locus_type: str | None,
    full_state: Mapping[str, Any],
    self_state: SelfState | None,
    self_identity: str | None,
    participants: Sequence[Mapping[str, Any]],
    previous_partner: dict[str, Any] | None = None,
) -> Verdict:
    """Decide whether the meeting ended for this client.

    ``MEETING``: ``INACTIVE``/``TERMINATING`` → ``MEETING_INACTIVE_TERMINATING``;
    ``fullState.removed`` → ``FULLSTATE_REMOVED``; ``self.removed`` → ``SELF_REMOVED``.
    ``CALL``/``SIP_BRIDGE``: ``INACTIVE`` → ``CALL_INACTIVE``; partner ``LEFT`` while self
    is ``DECLINED``/``NOTIFIED``/``JOINED`` → ``PARTNER_LEFT``; self ``LEFT`` while the
    partner is ``LEFT``/``DECLINED``/``NOTIFIED``/``IDLE`` → ``SELF_LEFT``.
    """
    state = self_state
    if locus_type in ("CALL", "SIP_BRIDGE"):
        partner = find_partner(participants, self_identity, previous_partner)
        partner_state = (partner or {}).get("state")
        if full_state.get("state") == "INACTIVE":
            return Verdict(MeetingRemovedReason.CALL_INACTIVE, partner)
        if (
            partner_state == "LEFT"
            and state is not None
            and state.state in ("DECLINED", "NOTIFIED", "JOINED")
        ):
            joined_with = state.joined_with
            should_leave = bool(joined_with and joined_with.get("state") != "LEFT")
            return Verdict(MeetingRemovedReason.PARTNER_LEFT, partner, should_leave)
        if (
            state is not None
            and state.state == "LEFT"
            and partner_state in ("LEFT", "DECLINED", "NOTIFIED", "IDLE")
        ):
            return Verdict(MeetingRemovedReason.SELF_LEFT, partner)
        return Verdict(None, partner)
    if locus_type == "MEETING":
        if full_state.get("state") in ("INACTIVE", "TERMINATING"):
            return Verdict(MeetingRemovedReason.MEETING_INACTIVE_TERMINATING)
        if full_state.get("removed"):
            return Verdict(MeetingRemovedReason.FULLSTATE_REMOVED)
        if state is not None and state.removed:
            return Verdict(MeetingRemovedReason.SELF_REMOVED)
    return Verdict(None)
