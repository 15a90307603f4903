"""The emulator's ``Warning`` header (code 1001) surfaces on SDK results as ``warnings``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from webex_meetings import Webex


def _future(hours: int) -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=hours)


async def test_converged_site_warning_reaches_the_result(connect: Callable[..., Webex]) -> None:
    webex = connect()
    meetings = webex.meetings_api.meetings
    created = await meetings.create_meeting(
        title="Warned", start=_future(2), end=_future(3), public_meeting=True
    )
    assert [w.codes for w in created.warnings] == [(1001,)]
    assert created.warnings[0].descriptions == ("Unsupported attributes on a converged site.",)
    assert "publicMeeting" in created.warnings[0].text
    # The site ignored the attribute: trust the response, not the request.
    assert created.public_meeting is False

    plain = await meetings.create_meeting(title="Plain", start=_future(4), end=_future(5))
    assert plain.warnings == ()
