"""The lobby: who waits, admission by a moderator, waiting for the host (Locus protocol).

A waiting participant is ``IDLE`` with a device whose ``intent.type`` is ``WAIT`` and
which carries ``keepAliveUrl``/``keepAliveSecs``; admission makes it ``JOINED`` and drops
the intent.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..meetinginfo.rooms import MeetingRoom
from . import errors
from .model import Locus, Participant, ParticipantState


def must_wait(room: MeetingRoom, locus: Locus | None, *, moderator: bool) -> tuple[bool, bool]:
    """Decide whether a joiner waits in the lobby.

    Returns:
        ``(waits, only_for_host)``: ``only_for_host`` when the wait ends as soon as a
        moderator joins (``wait_for_host`` meetings).
    """
    if moderator:
        return False, False
    if room.lobby:
        return True, False
    host_here = locus is not None and locus.host_present()
    if room.wait_for_host and not host_here:
        return True, True
    return False, False


def admit_one(participant: Participant) -> bool:
    """Move a waiting participant into the meeting; returns False if it was not waiting."""
    if not participant.in_lobby:
        return False
    participant.state = ParticipantState.JOINED
    participant.waiting_for_host = False
    for device in participant.devices:
        device.waiting = False
    return True


def admit(locus: Locus, actor: Participant, participant_ids: Iterable[str]) -> int:
    """Admit participants on a moderator's request; returns how many were waiting.

    Raises:
        LocusError: 403 when ``actor`` is not a moderator or co-host; 404 for an
            unknown participant id.
    """
    if not actor.can_moderate:
        raise errors.forbidden("Only a moderator can admit participants.")
    admitted = 0
    for participant_id in participant_ids:
        participant = locus.participants.get(str(participant_id))
        if participant is None:
            raise errors.not_found(
                f"Participant {participant_id} not found.", errors.PARTICIPANT_NOT_FOUND
            )
        admitted += admit_one(participant)
    return admitted


def admit_waiting_for_host(locus: Locus) -> int:
    """A moderator joined: admit everyone who only waited for the host."""
    return sum(
        admit_one(participant)
        for participant in locus.participants.values()
        if participant.waiting_for_host
    )
