"""Mercury closes of every class while a bot sits in a meeting and listens to messages.

One case per class of close code (mercury.md §6.3, established socket): transient
closes reconnect by themselves, ``replaced`` stops quietly, permanent closes stop with
an error that names the code, and an explicit ``connect()`` brings the bot back. In
every case each message and roster change reaches the bot once, its Locus state ends
equal to the emulator's, and nothing is left on the emulator once the bot is done.
(Fifty transient drops in a row, missed pongs and the close codes of a refused
connection attempt are covered by the integration tests.)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from webex_meetings import MercuryConnectionClosed, Webex
from webex_meetings.emulator import Emulator
from webex_meetings.internal.mercury import MercuryState
from webex_meetings.meetings import MeetingLifecycle

from ._support import (
    WAIT,
    Inbox,
    assert_no_replayed_writes,
    assert_nothing_left,
    bot,
    converged,
    shared_room,
    user_client,
)

#: (code, reason, what the client does): every class of close after the handshake.
CLOSES = [
    (1006, "", "reconnect"),  # TCP lost without a close frame
    (1000, "idle", "reconnect"),  # normal close with a reconnect reason
    (1011, "server error", "reconnect"),
    (4000, "replaced", "replaced"),
    (1000, "done", "permanent"),  # normal close with any other reason
    (4403, "not entitled", "permanent"),
    (3999, "unknown code", "permanent"),
]


@pytest.mark.parametrize(
    ("code", "reason", "outcome"), CLOSES, ids=[f"{c}-{o}" for c, _, o in CLOSES]
)
async def test_close_class_keeps_meeting_and_messages_exactly_once(
    emulator: Emulator, connect: Callable[..., Webex], code: int, reason: str, outcome: str
) -> None:
    room = await emulator.create_meeting_room(host_email=emulator.person_email)
    webex = await bot(emulator, connect)
    inbox = Inbox(webex)
    mercury = webex.internal.mercury
    lifecycle: list[str] = []
    for name in ("online", "offline.transient", "offline.permanent", "offline.replaced"):
        mercury.on(name, lambda *_, name=name: lifecycle.append(name))
    errors: list[BaseException] = []
    mercury.on("error", errors.append)
    sender, _ = await user_client(emulator, connect, "Sender")
    space = await shared_room(sender, emulator.person_id)
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join()
    first = await sender.messages.create(room_id=space, text="before")
    await inbox.until(first.id)

    settled = asyncio.ensure_future(
        mercury.wait_for(
            {"reconnect": "online", "replaced": "offline.replaced"}.get(outcome, "error"),
            timeout=WAIT,
        )
    )
    await asyncio.sleep(0)
    assert await emulator.drop_mercury(
        device_url=webex.internal.device.url, code=code, reason=reason
    )
    result = await settled

    if outcome == "reconnect":
        assert lifecycle == ["offline.transient", "online"]
        assert errors == []
    elif outcome == "replaced":
        await asyncio.sleep(0.2)  # a client that reconnected anyway would show up now
        assert mercury.state is MercuryState.DISCONNECTED
        assert lifecycle == ["offline.replaced"]
        assert errors == []
        assert await emulator.mercury_connections() == []
    else:
        assert isinstance(result, MercuryConnectionClosed)
        assert (result.code, result.reason) == (code, reason)
        assert str(code) in str(result)
        assert mercury.state is MercuryState.DISCONNECTED
        assert mercury.error is result
        assert lifecycle == ["offline.permanent"]
    if outcome != "reconnect":
        # The application decides to come back; REST never stopped working meanwhile.
        assert (await webex.people.me()).id == emulator.person_id
        await mercury.connect()
        assert mercury.connected

    second = await sender.messages.create(room_id=space, text="after")
    await inbox.until(second.id)
    await emulator.add_participant(room["meetingId"], name="Late")
    await converged(emulator, meeting, room["meetingId"], emulator.person_email)
    assert inbox.ids == [first.id, second.id]  # each once, none lost
    assert meeting.lifecycle is MeetingLifecycle.JOINED
    assert len(await emulator.mercury_connections()) == 1

    await meeting.leave()
    await webex.meetings.unregister()
    await webex.close()
    await assert_no_replayed_writes(emulator)
    await assert_nothing_left(emulator, [room["meetingId"]], emails=[emulator.person_email])
