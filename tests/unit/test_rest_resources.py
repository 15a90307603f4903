"""The generated REST resources against an ``httpx.MockTransport``."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from webex_meetings import ApiWarning, MeetingRuleError
from webex_meetings.models.messages import ListMessage
from webex_meetings.models.rooms import Room

HYDRA = "https://webexapis.com/v1"
ROOM = {
    "id": "Y2lzY29zcGFyazovL3VzL1JPT00vYmJj",
    "title": "Project Unicorn",
    "type": "group",
    "isLocked": True,
    "lastActivity": "2016-04-21T19:12:48.920Z",
    "created": "2016-04-21T19:01:55.966Z",
    "brandNewField": {"x": 1},
}
SERIES_ID = "870f51ff287b41be84648412901e0402"
INSTANCE_ID = "870f51ff287b41be84648412901e0402_I_167427437874906709"


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


# -- pagination ------------------------------------------------------------------------


async def test_list_follows_three_pages_and_repairs_max_null(make_webex: Any) -> None:
    pages = {
        None: ([{"id": "m1", "created": "2015-10-18T14:26:16.000Z"}, {"id": "m2"}], "after=m2"),
        "m2": ([{"id": "m3"}, {"id": "m4"}], "after=m4&max=null"),  # defect: max=null, no roomId
        "m4": ([{"id": "m5"}], None),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        items, link = pages[request.url.params.get("after")]
        headers = {"Link": f'<{HYDRA}/messages?{link}>; rel="next"'} if link else {}
        return httpx.Response(200, json={"items": items}, headers=headers)

    webex, rec, _ = make_webex(handler)
    messages = [m async for m in webex.messages.list(room_id="R1", max=2)]

    assert [m.id for m in messages] == ["m1", "m2", "m3", "m4", "m5"]
    assert all(isinstance(m, ListMessage) for m in messages)
    assert messages[0].created == datetime(2015, 10, 18, 14, 26, 16, tzinfo=UTC)
    assert len(rec.requests) == 3
    first, second, third = (dict(r.url.params) for r in rec.requests)
    assert first == {"roomId": "R1", "max": "2"}
    assert second == {"after": "m2", "roomId": "R1", "max": "2"}
    assert third == {"after": "m4", "roomId": "R1", "max": "2"}  # max=null dropped, re-added


async def test_await_list_gives_first_page_only(make_webex: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        link = f'<{HYDRA}/rooms?after=r1>; rel="next"'
        return httpx.Response(200, json={"items": [ROOM]}, headers={"Link": link})

    webex, rec, _ = make_webex(handler)
    page = await webex.rooms.list(sort_by="lastactivity", max=1)
    assert [r.title for r in page.items] == ["Project Unicorn"]
    assert page.has_next_page()
    assert len(rec.requests) == 1
    assert dict(rec.requests[0].url.params) == {"sortBy": "lastactivity", "max": "1"}


# -- path ids ----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", "   "])
async def test_empty_path_ids_raise_before_any_request(make_webex: Any, bad: str) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json={}))
    with pytest.raises(ValueError, match="room_id"):
        await webex.rooms.get(bad)
    with pytest.raises(ValueError, match="membership_id"):
        await webex.memberships.remove(bad)
    with pytest.raises(ValueError, match="meeting_id"):
        webex.meetings_api.meetings.list_interpreters(bad)  # a list: raises on the call
    with pytest.raises(ValueError, match="snippet_id"):
        await webex.meetings_api.transcripts.get_transcript_snippet("t1", bad)
    assert rec.requests == []


async def test_path_ids_fill_the_path_in_order(make_webex: Any) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json={"id": "s1", "text": "hi"}))
    snippet = await webex.meetings_api.transcripts.get_transcript_snippet("T1", "S9")
    assert snippet.id == "s1"
    assert rec.requests[0].url.path == "/v1/meetingTranscripts/T1/snippets/S9"


# -- names on the wire -------------------------------------------------------------------


async def test_bodies_and_params_are_sent_in_camel_case(make_webex: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "x1"})

    webex, rec, _ = make_webex(handler)
    await webex.memberships.create(room_id="R1", person_email="a@example.com", is_moderator=True)
    await webex.messages.create(room_id="R1", markdown="**hi**")
    page = await webex.messages.list(
        room_id="R1", mentioned_people=["me", "p2"], before_message="M"
    )
    assert page.items == []
    await webex.meetings_api.meetings.get_meeting_by_id(SERIES_ID, timezone="Asia/Shanghai")

    membership, message, listing, meeting = rec.requests
    assert (membership.method, membership.url.path) == ("POST", "/v1/memberships")
    assert body_of(membership) == {
        "roomId": "R1",
        "personEmail": "a@example.com",
        "isModerator": True,
    }
    assert body_of(message) == {"roomId": "R1", "markdown": "**hi**"}
    assert dict(listing.url.params) == {
        "roomId": "R1",
        "mentionedPeople": "me,p2",
        "beforeMessage": "M",
    }
    assert meeting.headers["timezone"] == "Asia/Shanghai"  # a header parameter of the spec


async def test_nested_models_datetimes_and_escape_hatches(make_webex: Any) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json={"id": "m1"}))
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    await webex.meetings_api.meetings.create_meeting(
        title="Weekly",
        start=start,
        end=start + timedelta(hours=1),
        enabled_join_before_host=False,
        invitees=[{"email": "a@example.com"}],
        extra_headers={"X-Test": "1"},
        timeout=5.0,
    )
    request = rec.requests[0]
    assert body_of(request) == {
        "title": "Weekly",
        "start": start.isoformat(),
        "end": (start + timedelta(hours=1)).isoformat(),
        "enabledJoinBeforeHost": False,
        "invitees": [{"email": "a@example.com"}],
    }
    assert request.headers["X-Test"] == "1"
    assert request.extensions["timeout"]["read"] == 5.0


# -- responses ---------------------------------------------------------------------------


async def test_response_is_parsed_into_its_model(make_webex: Any) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json=ROOM))
    room = await webex.rooms.get(ROOM["id"])
    assert isinstance(room, Room)
    assert room.title == "Project Unicorn"
    assert room.is_locked is True
    assert room.created == datetime(2016, 4, 21, 19, 1, 55, 966000, tzinfo=UTC)
    assert room.last_activity is not None
    assert room.last_activity.tzinfo is not None
    assert room.model_extra == {"brandNewField": {"x": 1}}
    assert room.warnings == ()
    assert rec.requests[0].url.path == f"/v1/rooms/{ROOM['id']}"


async def test_remove_returns_none_on_204(make_webex: Any) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(204))
    assert await webex.rooms.remove("R1") is None
    assert (rec.requests[0].method, rec.requests[0].url.path) == ("DELETE", "/v1/rooms/R1")


async def test_download_returns_text(make_webex: Any) -> None:
    vtt = "WEBVTT\n\n1\n00:00:20.904 --> 00:00:24.564\nHello.\n"
    webex, rec, _ = make_webex(
        lambda r: httpx.Response(200, text=vtt, headers={"Content-Type": "text/vtt"})
    )
    text = await webex.meetings_api.transcripts.download_meeting_transcript("T1", format="vtt")
    assert text == vtt
    assert dict(rec.requests[0].url.params) == {"format": "vtt"}


async def test_people_keeps_me_and_get(make_webex: Any) -> None:
    me = {"id": "p1", "emails": ["a@example.com"], "displayName": "A", "created": ROOM["created"]}
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json=me))
    person = await webex.people.me()
    assert person.display_name == "A"
    assert person.emails == ["a@example.com"]
    assert (await webex.people.get("p1")).id == "p1"
    assert [r.url.path for r in rec.requests] == ["/v1/people/me", "/v1/people/p1"]


# -- Warning header ----------------------------------------------------------------------


async def test_warning_header_is_logged_and_surfaced(
    make_webex: Any, caplog: pytest.LogCaptureFixture
) -> None:
    warning = '299 - "1001 Unsupported attributes; see https://developer.webex.com/docs/meetings#warnings"'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={"id": SERIES_ID, "title": "T", "publicMeeting": False},
            headers={"Warning": warning, "TrackingID": "ROUTER_123"},
        )

    webex, _, _ = make_webex(handler)
    with caplog.at_level(logging.WARNING, logger="webex_meetings"):
        meeting = await webex.meetings_api.meetings.patch_meeting(SERIES_ID, title="T")
    assert meeting.warnings == (ApiWarning(codes=(1001,), text=warning),)
    assert meeting.warnings[0].descriptions == ("Unsupported attributes on a converged site.",)
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(messages) == 1
    assert "1001" in messages[0]
    assert "ROUTER_123" in messages[0]


# -- meeting rules -----------------------------------------------------------------------


def _future(hours: float = 24) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours)


async def test_rule_1_start_before_now_raises_before_any_request(make_webex: Any) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json={}))
    past = datetime.now(UTC) - timedelta(days=1)
    with pytest.raises(MeetingRuleError) as info:
        await webex.meetings_api.meetings.update_meeting(
            SERIES_ID, title="x", start=past, end=past + timedelta(hours=1)
        )
    assert info.value.rule == 1
    assert "start and end cannot be a time before the current time" in str(info.value)
    assert isinstance(info.value, ValueError)
    with pytest.raises(MeetingRuleError, match="Rule 1"):
        await webex.meetings_api.meetings.create_meeting(
            title="x", start=_future(), end=(past + timedelta(minutes=30)).isoformat()
        )
    assert rec.requests == []


async def test_rule_1_reads_naive_times_in_the_given_timezone(make_webex: Any) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json={"id": SERIES_ID}))
    # 30 minutes ago in Shanghai (UTC+8), written without an offset
    shanghai_past = (datetime.now(UTC) + timedelta(hours=8, minutes=-30)).replace(tzinfo=None)
    start = shanghai_past.isoformat(timespec="seconds")
    end = (shanghai_past + timedelta(hours=1)).isoformat(timespec="seconds")
    with pytest.raises(MeetingRuleError, match="Rule 1"):
        await webex.meetings_api.meetings.patch_meeting(
            SERIES_ID, start=start, end=end, timezone="Asia/Shanghai"
        )
    assert rec.requests == []
    # the same wall-clock time read as UTC is 7.5 hours ahead: allowed
    await webex.meetings_api.meetings.patch_meeting(SERIES_ID, start=start, end=end)
    assert len(rec.requests) == 1


@pytest.mark.parametrize("minutes", [5, 9, 24 * 60 + 1])
async def test_rule_2_duration_raises_before_any_request(make_webex: Any, minutes: int) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json={}))
    start = _future()
    with pytest.raises(MeetingRuleError) as info:
        await webex.meetings_api.meetings.create_meeting(
            title="x", start=start, end=start + timedelta(minutes=minutes)
        )
    assert info.value.rule == 2
    assert "shorter than 10 minutes or longer than 24 hours" in str(info.value)
    assert rec.requests == []


async def test_rule_2_accepts_the_limits(make_webex: Any) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json={"id": SERIES_ID}))
    start = _future()
    for minutes in (10, 24 * 60):
        await webex.meetings_api.meetings.update_meeting(
            SERIES_ID, title="x", start=start, end=start + timedelta(minutes=minutes)
        )
    assert len(rec.requests) == 2


async def test_rule_4_meeting_instance_cannot_be_updated(make_webex: Any) -> None:
    webex, rec, _ = make_webex(lambda r: httpx.Response(200, json={"id": SERIES_ID}))
    for call in (
        webex.meetings_api.meetings.update_meeting,
        webex.meetings_api.meetings.patch_meeting,
    ):
        with pytest.raises(MeetingRuleError) as info:
            await call(INSTANCE_ID, title="renamed")
        assert info.value.rule == 4
        assert "Update is forbidden for a meeting instance" in str(info.value)
        assert INSTANCE_ID in str(info.value)
    assert rec.requests == []
    # an occurrence id (``<series>_<date>``) is not an instance
    await webex.meetings_api.meetings.patch_meeting(f"{SERIES_ID}_20991101T120000Z", title="t")
    assert len(rec.requests) == 1
