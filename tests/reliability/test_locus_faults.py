"""Lost, reordered and duplicated Locus deltas while the roster keeps changing.

The integration tests disturb one kind of delivery at a time; here every round mixes
all three (one delta lost, one held back behind the next, one delivered twice) while
simulated participants join, leave, mute and raise hands concurrently and the bot
itself locks and unlocks the meeting. The bot must end with exactly the emulator's
state, apply every Locus version at most once and in order, and announce every
participant once.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from typing import Any

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import MeetingLifecycle
from webex_meetings.meetings.locus.sequence import last_entry

from ._support import (
    assert_no_replayed_writes,
    assert_nothing_left,
    bot,
    converged,
    quick_resync,
)

ROUNDS = 5


async def test_mixed_delta_faults_during_roster_churn_converge(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(host_email=emulator.person_email)
    meeting_id = room["meetingId"]
    webex = await bot(emulator, connect, listen=False)
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join()
    quick_resync(meeting)
    parser = meeting.locus_info.parser
    applied: list[int] = []
    added: Counter[str] = Counter()

    def on_update(payload: dict[str, Any]) -> None:
        # Emitted while a DTO is applied, so the working copy is the version applied.
        entry = last_entry(parser.working_copy or {})
        assert entry is not None
        applied.append(entry)
        added.update(member.id for member in payload["delta"]["added"])

    meeting.members.on("members:update", on_update)
    await meeting.locus_info.wait_settled(10)
    present = [await emulator.add_participant(meeting_id, name=f"Base {n}") for n in range(3)]
    gone: list[str] = []

    for n in range(ROUNDS):
        await emulator.locus_faults(drop_next=1, reorder=1, duplicate=1)
        newcomer = emulator.add_participant(meeting_id, name=f"Round {n}")
        leaver = present.pop(0)
        changes: list[Any] = [
            newcomer,
            emulator.remove_participant(meeting_id, leaver),
            emulator.mute_participant(meeting_id, present[0], n % 2 == 0),
            emulator.raise_hand(meeting_id, present[-1], n % 2 == 1),
            meeting.lock_meeting() if n % 2 == 0 else meeting.unlock_meeting(),
        ]
        results = await asyncio.gather(*changes)
        present.append(results[0])
        gone.append(leaver)
    await emulator.clear_locus_faults()  # a delta still held back arrives late, stale
    # The responses of the bot's own lock requests carry what it missed. Without them a
    # gap shows only when the next delta arrives, and only the resync timer closes it.
    await emulator.clear_requests()
    await emulator.locus_faults(drop_next=1)
    present.append(await emulator.add_participant(meeting_id, name="Last"))
    await emulator.mute_participant(meeting_id, present[-1])

    await converged(emulator, meeting, meeting_id, emulator.person_email)
    stats = (await emulator.locus_push_state())["stats"]
    assert stats["dropped"] == ROUNDS + 1
    assert stats["duplicated"] >= 1
    assert stats["reordered"] >= 1
    assert await emulator.requests(method="GET", path="*/loci/*")
    assert applied == sorted(set(applied))  # each version at most once, never older
    everyone = present + gone
    assert all(added[pid] == 1 for pid in everyone), added
    members = meeting.members.members_collection
    assert all(members.get(pid).is_in_meeting for pid in present)  # type: ignore[union-attr]
    assert not any(members.get(pid).is_in_meeting for pid in gone)  # type: ignore[union-attr]
    assert meeting.locked is True  # the last round (n = 4) locked it
    assert meeting.lifecycle is MeetingLifecycle.JOINED

    await meeting.leave()
    await webex.meetings.unregister()
    await webex.close()
    await assert_no_replayed_writes(emulator)
    await assert_nothing_left(emulator, [meeting_id], emails=[emulator.person_email])
