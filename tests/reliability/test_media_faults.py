"""Media that never connects: unanswered offers and failed ICE, judged from the server side.

The media tests check the errors and the retry itself; here the question is what the
emulator saw and what is left on it. ``join_with_media`` tries twice and then leaves:
every request is sent once (no replayed POST or PUT), exactly two joins arrive, and
afterwards no media session, participant or device remains.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import MeetingLifecycle
from webex_meetings.meetings.errors import AddMediaFailedError
from webex_meetings.meetings.media import MediaState, MediaTimeouts

from ._support import WAIT, assert_no_secret, assert_nothing_left, bot

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _loopback_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda *_, **__: ["127.0.0.1"])


@pytest.mark.parametrize(
    ("fault", "count", "timeouts", "message"),
    [
        ("answer_timeout", 2, MediaTimeouts(answer=1.0), "Timed out waiting for REMOTE SDP"),
        # Each attempt also retries with forced TURN discovery: four offers fail.
        ("ice_failure", 4, MediaTimeouts(connect=3.0), "ICE and DTLS did not connect"),
    ],
    ids=["answer-timeout", "ice-failure"],
)
async def test_media_that_never_connects_sends_nothing_twice_and_leaves_nothing(
    emulator: Emulator,
    connect: Callable[..., Webex],
    fault: str,
    count: int,
    timeouts: MediaTimeouts,
    message: str,
) -> None:
    room = await emulator.create_meeting_room(title="No media")
    webex = await bot(emulator, connect, listen=False)
    meeting = await webex.meetings.create(room["sipUrl"])
    meeting.media.timeouts = timeouts
    await emulator.media_fault(room["sipUrl"], fault, count=count)
    await emulator.clear_requests()

    with pytest.raises(AddMediaFailedError, match=message) as info:
        async with asyncio.timeout(WAIT * 3):
            await meeting.join_with_media(audio="recvonly", video=False, share=False)

    assert_no_secret(f"{info.value} {info.value!r}", [emulator.access_token])
    assert meeting.lifecycle in (MeetingLifecycle.LEFT, MeetingLifecycle.REMOVED)
    assert meeting.media.state is MediaState.CLOSED
    log = await emulator.requests()
    sent = [r for r in log if r["method"] in ("POST", "PUT", "PATCH", "DELETE")]
    replays = [tid for tid, n in Counter(r["trackingid"] for r in sent).items() if n > 1]
    assert replays == []  # no request with a body went out twice
    joins = [r for r in sent if r["path"].endswith(("/loci/call", "/participant"))]
    assert len(joins) == 2  # the documented single retry, nothing more
    assert await emulator.media_sessions(room["sipUrl"]) == []

    await webex.meetings.unregister()
    await webex.close()
    await assert_nothing_left(emulator, [room["meetingId"]], emails=[emulator.person_email])
