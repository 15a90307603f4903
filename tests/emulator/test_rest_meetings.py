"""Meetings: create per the seed's object model, list filters, and update rules 1-5."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from webex_meetings.emulator.services.rest.spec import operation

from .rest_support import assert_webex_error, hydra


def _at(days: int, hour: int, minute: int = 0) -> str:
    base = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return (base + timedelta(days=days, hours=hour, minutes=minute)).isoformat()


async def _series(client: httpx.AsyncClient, **extra: Any) -> dict[str, Any]:
    body = {"title": "Daily", "start": _at(2, 10), "end": _at(2, 11), **extra}
    response = await client.post("/meetings", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def test_create_get_list_delete() -> None:
    async with hydra() as (emu, client):
        series = await _series(client, recurrence="FREQ=DAILY;COUNT=3;INTERVAL=1")
        validator = operation("POST /meetings").response
        assert validator is not None
        assert validator.is_valid(series)
        assert series["meetingType"] == "meetingSeries"
        assert series["state"] == "active"
        assert series["hostEmail"] == emu.person_email
        assert series["sipAddress"].startswith(series["meetingNumber"] + "@")
        assert series["webLink"]
        assert series["password"]
        got = (await client.get(f"/meetings/{series['id']}")).json()
        assert got["id"] == series["id"]
        scheduled = await client.get(
            "/meetings", params={"meetingType": "scheduledMeeting", "meetingSeriesId": series["id"]}
        )
        items = scheduled.json()["items"]
        assert len(items) == 3
        assert {i["state"] for i in items} == {"scheduled"}
        assert items[0]["id"].startswith(series["id"] + "_")
        window = await client.get(
            "/meetings",
            params={"meetingType": "scheduledMeeting", "from": _at(3, 0), "to": _at(4, 0)},
        )
        assert len(window.json()["items"]) == 1
        assert (await client.delete(f"/meetings/{series['id']}")).status_code == 204
        assert_webex_error(await client.get(f"/meetings/{series['id']}"), 404)


async def test_update_rules_each_produce_their_error() -> None:
    async with hydra() as (emu, client):
        series = await _series(client, recurrence="FREQ=DAILY;COUNT=3;INTERVAL=1")
        sid = series["id"]
        past = await client.put(f"/meetings/{sid}", json={"start": _at(-1, 10), "end": _at(-1, 11)})
        assert assert_webex_error(past, 400)["message"] == (
            "Parameter 'start' or 'end' is before current time"
        )
        short = await client.put(
            f"/meetings/{sid}", json={"start": _at(2, 10), "end": _at(2, 10, 5)}
        )
        assert "10 minutes" in assert_webex_error(short, 400)["message"]
        long = await client.patch(f"/meetings/{sid}", json={"start": _at(2, 10), "end": _at(3, 11)})
        assert "24 hours" in assert_webex_error(long, 400)["message"]
        items = (
            await client.get(
                "/meetings", params={"meetingType": "scheduledMeeting", "meetingSeriesId": sid}
            )
        ).json()["items"]
        second = items[1]["id"]
        crossing = await client.put(
            f"/meetings/{second}", json={"start": _at(4, 10), "end": _at(4, 11)}
        )
        assert assert_webex_error(crossing, 400)["message"] == (
            "meeting.err.two_meeting_schedule_at_same_day"
        )
        same_day = await client.put(
            f"/meetings/{second}", json={"start": _at(3, 15), "end": _at(3, 16)}
        )
        assert same_day.status_code == 200, same_day.text
        instance = await emu.start_meeting(second)
        assert (await client.get(f"/meetings/{sid}")).json()["state"] == "inProgress"
        busy = await client.put(f"/meetings/{sid}", json={"title": "New"})
        assert assert_webex_error(busy, 400)["message"] == "Meeting is in progress"
        forbidden = await client.put(f"/meetings/{instance}", json={"title": "New"})
        assert assert_webex_error(forbidden, 400)["message"] == (
            f"Meeting ID '{instance}' is not allowed for this API."
        )
        await emu.end_meeting(sid)
        renamed = await client.put(f"/meetings/{sid}", json={"title": "New"})
        assert renamed.status_code == 200
        assert renamed.json()["title"] == "New"
