"""1,000 reordered and duplicated Locus deltas from the emulator converge to its state.

The deltas are the real ones: a bot joins a meeting on the emulator while simulated
attendees come, mute and raise hands, and every ``locus.difference`` it receives over
Mercury is recorded. Hypothesis then replays them to a fresh :class:`LocusInfo` in any
order, each delta any number of times, up to 1,000 deliveries; whatever gaps that leaves
are closed by the client's own resync (``syncUrl``, then the full DTO) against the same
emulator, whose state by then is final.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webex_meetings import EventEmitter, Webex
from webex_meetings.emulator import ThreadedEmulator
from webex_meetings.meetings.locus.info import LocusInfo
from webex_meetings.meetings.locus.requests import LocusRequests
from webex_meetings.meetings.members import Members

from ._meetings import WAIT, config

DELIVERIES = 1000
ATTENDEES = 40


async def _record(emu: Any, room: dict[str, Any]) -> dict[str, Any]:
    """Join as the seeded user and record the initial DTO and every delta pushed after it."""
    webex = Webex.init(credentials={"access_token": emu.access_token}, config=config(emu))
    async with webex:
        await webex.meetings.register()
        meeting = await webex.meetings.create(room["sipUrl"])
        await meeting.join()
        await meeting.locus_info.wait_settled(WAIT)
        initial = await asyncio.to_thread(emu.locus, room["meetingId"], email=emu.person_email)
        deltas: list[dict[str, Any]] = []
        arrived = asyncio.Event()

        def record(envelope: dict[str, Any]) -> None:
            deltas.append(envelope["data"]["locus"])
            arrived.set()

        webex.internal.mercury.on("event:locus.difference", record)
        meeting_id = room["meetingId"]
        ids = []
        for n in range(ATTENDEES):
            ids.append(await asyncio.to_thread(emu.add_participant, meeting_id, name=f"P{n}"))
        for n, pid in enumerate(ids):
            await asyncio.to_thread(emu.mute_participant, meeting_id, pid, n % 2 == 0)
            if n % 3 == 0:
                await asyncio.to_thread(emu.raise_hand, meeting_id, pid)
            if n % 4 == 0:
                await asyncio.to_thread(emu.mute_participant, meeting_id, pid, True, video=True)
        final = await asyncio.to_thread(emu.locus, meeting_id, email=emu.person_email)
        async with asyncio.timeout(WAIT * 3):  # every push has reached this client
            while not deltas or _version(deltas[-1]) < _version(final):
                arrived.clear()
                await arrived.wait()
        # No leave and no unregister: the emulator's state must stay what the deltas say.
    return {"initial": initial, "deltas": deltas, "final": final}


class _Storm(dict[str, Any]):
    """The recorded scenario; a short repr keeps Hypothesis reports readable."""

    def __repr__(self) -> str:
        return f"<storm: {len(self['deltas'])} deltas>"


def _version(dto: Mapping[str, Any]) -> int:
    return int(dto["sequence"]["entries"][-1])


@pytest.fixture(scope="module")
def storm() -> Iterator[_Storm]:
    with ThreadedEmulator() as emu:
        room = emu.create_meeting_room(host_email=emu.person_email)
        recorded = asyncio.run(_record(emu, room))
        recorded.update(emu=emu, room=room)
        yield _Storm(recorded)


def _state(participants: Mapping[str, Mapping[str, Any]], raw: Mapping[str, Any]) -> Any:
    return {
        "participants": {
            pid: (p.get("state"), p.get("controls"))
            for pid, p in participants.items()
            if not pid.startswith("_")
        },
        "controls": raw.get("controls"),
    }


async def _replay(storm: dict[str, Any], order: list[int]) -> tuple[Any, int]:
    emu = storm["emu"]
    deltas = storm["deltas"]
    syncs = 0

    async with httpx.AsyncClient(headers={"authorization": f"Bearer {emu.access_token}"}) as http:

        async def get_locus(url: str) -> Mapping[str, Any] | None:
            nonlocal syncs
            syncs += 1
            response = await http.get(url)
            response.raise_for_status()
            return response.json() if response.content else None

        webex = Webex.init(credentials={"access_token": emu.access_token}, config=config(emu))
        info = LocusInfo(
            emitter=EventEmitter(),
            members=Members(requests=LocusRequests(webex)),
            get_locus=get_locus,
            ooo_wait=0.005,
            ooo_random_delay=0.005,
        )
        info.init(storm["initial"])
        for count, index in enumerate(order):
            info.handle_delta(deltas[index])
            if count % 25 == 0:
                await asyncio.sleep(0)  # let the parser work between bursts, as a socket would
        await info.wait_settled(WAIT)
        info.close()
        await webex.close()
    return _state(info.raw_participants, info.raw), syncs


def _deliveries(count: int) -> st.SearchStrategy[list[int]]:
    indices = st.integers(min_value=0, max_value=count - 1)
    extra = st.lists(indices, min_size=DELIVERIES - count, max_size=DELIVERIES - count)
    return extra.map(lambda dup: list(range(count)) + dup).flatmap(st.permutations)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(data=st.data())
def test_reordered_duplicated_deltas_converge_to_the_emulator(
    storm: dict[str, Any], data: st.DataObject
) -> None:
    deltas = storm["deltas"]
    assert len(deltas) >= ATTENDEES * 2  # the scenario really produced a stream of deltas
    order = data.draw(_deliveries(len(deltas)), label="delivery order")
    assert len(order) == DELIVERIES

    state, syncs = asyncio.run(_replay(storm, order))

    last = deltas[-1]
    want = {
        "participants": {
            p["id"]: (p.get("state"), p.get("controls")) for p in storm["final"]["participants"]
        },
        "controls": storm["final"].get("controls"),
    }
    assert state == want
    assert syncs <= DELIVERIES  # resyncs are bounded, not one per delivery
    assert _version(last) == _version(storm["final"])
