"""Stateful Meetings objects: instances, recordings, transcripts, invitees, participants.

Every success body is checked against the spec's response schema of its operation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from webex_meetings.emulator.services.rest.spec import operation

from .rest_support import assert_webex_error, hydra


def _future(hours: int) -> str:
    moment = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours)
    return moment.isoformat().replace("+00:00", "Z")


def valid(key: str, response: httpx.Response, status: int = 200) -> Any:
    """Assert the status and, for JSON bodies, the spec schema of operation ``key``."""
    assert response.status_code == status, f"{key}: {response.status_code} {response.text}"
    op = operation(key)
    if op.response is None or status == 204:
        return None
    body = response.json()
    error = op.response.first_error(body)
    assert error is None, f"{key}: {error.message if error else ''}"
    return body


async def _meeting(client: httpx.AsyncClient, title: str = "Standup", **extra: Any) -> Any:
    body = {"title": title, "start": _future(2), "end": _future(3), **extra}
    return valid("POST /meetings", await client.post("/meetings", json=body))


async def test_lifecycle_creates_instance_recording_and_transcript() -> None:
    async with hydra() as (emu, client):
        series = await _meeting(client, enabledAutoRecordMeeting=True)
        none = await client.get("/meetings", params={"meetingType": "meeting"})
        assert valid("GET /meetings", none)["items"] == []

        instance_id = await emu.start_meeting(series["id"])
        assert instance_id.startswith(series["id"] + "_I_")
        listed = valid(
            "GET /meetings",
            await client.get("/meetings", params={"meetingType": "meeting", "state": "inProgress"}),
        )["items"]
        assert [item["id"] for item in listed] == [instance_id]
        got = valid("GET /meetings/{meetingId}", await client.get(f"/meetings/{instance_id}"))
        assert (got["meetingType"], got["state"]) == ("meeting", "inProgress")
        assert got["meetingSeriesId"] == series["id"]
        scheduled = await client.get(f"/meetings/{got['scheduledMeetingId']}")
        assert valid("GET /meetings/{meetingId}", scheduled)["state"] == "ready"
        forbidden = await client.put(f"/meetings/{instance_id}", json={"title": "New"})
        assert assert_webex_error(forbidden, 400)["message"] == (
            f"Meeting ID '{instance_id}' is not allowed for this API."
        )

        ended = await client.post(f"/meetings/{series['id']}/end", json={})
        valid("POST /meetings/{meetingId}/end", ended, 204)
        got = valid("GET /meetings/{meetingId}", await client.get(f"/meetings/{instance_id}"))
        assert got["state"] == "ended"
        window = {"meetingType": "meeting", "state": "ended", "from": _future(-1)}
        assert len(valid("GET /meetings", await client.get("/meetings", params=window))["items"])
        later = {"meetingType": "meeting", "from": _future(1)}
        assert valid("GET /meetings", await client.get("/meetings", params=later))["items"] == []
        scheduled = await client.get(f"/meetings/{got['scheduledMeetingId']}")
        assert valid("GET /meetings/{meetingId}", scheduled)["state"] == "ended"

        recordings = valid(
            "GET /recordings", await client.get("/recordings", params={"meetingId": instance_id})
        )["items"]
        assert len(recordings) == 1
        assert recordings[0]["topic"] == "Standup"
        assert recordings[0]["meetingSeriesId"] == series["id"]
        transcripts = valid(
            "GET /meetingTranscripts",
            await client.get("/meetingTranscripts", params={"meetingId": instance_id}),
        )["items"]
        assert [t["status"] for t in transcripts] == ["available"]


async def test_recycle_bin_round_trip() -> None:
    async with hydra() as (emu, client):
        series = await _meeting(client)
        await emu.start_meeting(series["id"])
        await emu.record_meeting(series["id"])
        await emu.end_meeting(series["id"])
        (recording,) = valid("GET /recordings", await client.get("/recordings"))["items"]
        rid = recording["id"]
        detail = valid("GET /recordings/{recordingId}", await client.get(f"/recordings/{rid}"))
        assert detail["temporaryDirectDownloadLinks"]["recordingDownloadLink"]

        body = {"recordingIds": [rid]}
        moved = await client.post("/recordings/softDelete", json=body)
        valid("POST /recordings/softDelete", moved, 204)
        assert valid("GET /recordings", await client.get("/recordings"))["items"] == []
        binned = await client.get("/recordings", params={"status": "deleted"})
        assert [r["status"] for r in valid("GET /recordings", binned)["items"]] == ["deleted"]
        restored = await client.post("/recordings/restore", json={"restoreAll": True})
        valid("POST /recordings/restore", restored, 204)
        assert len(valid("GET /recordings", await client.get("/recordings"))["items"]) == 1
        # Purging needs the recycle bin: an available recording is refused.
        assert_webex_error(await client.post("/recordings/purge", json=body), 404)
        await client.post("/recordings/softDelete", json=body)
        valid("POST /recordings/purge", await client.post("/recordings/purge", json=body), 204)
        assert_webex_error(await client.get(f"/recordings/{rid}"), 404)
        assert_webex_error(await client.delete(f"/recordings/{rid}"), 404)


async def test_transcript_download_and_snippets() -> None:
    async with hydra() as (emu, client):
        series = await _meeting(client, title="Planning")
        await emu.start_meeting(series["id"])
        await emu.end_meeting(series["id"])
        made = await emu.record_meeting(series["id"])
        tid = made["transcriptId"]
        assert tid is not None
        vtt = await client.get(f"/meetingTranscripts/{tid}/download")
        assert vtt.status_code == 200
        assert vtt.headers["content-type"].startswith("text/vtt")
        assert vtt.text.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:04.000\n")
        assert "Welcome to Planning." in vtt.text
        txt = await client.get(f"/meetingTranscripts/{tid}/download", params={"format": "txt"})
        assert txt.text.splitlines()[0].endswith("Welcome to Planning.")
        assert txt.text.startswith("[00:00:00] ")

        snippets = valid(
            "GET /meetingTranscripts/{transcriptId}/snippets",
            await client.get(f"/meetingTranscripts/{tid}/snippets", params={"max": 1}),
        )["items"]
        assert len(snippets) == 1
        sid = snippets[0]["id"]
        path = f"/meetingTranscripts/{tid}/snippets/{sid}"
        fixed = await client.put(path, json={"text": "Welcome to planning!", "reason": "typo"})
        assert valid("PUT " + _snippet, fixed)["text"] == "Welcome to planning!"
        assert valid("GET " + _snippet, await client.get(path))["text"] == "Welcome to planning!"
        assert (
            "Welcome to planning!" in (await client.get(f"/meetingTranscripts/{tid}/download")).text
        )
        assert_webex_error(await client.get(f"/meetingTranscripts/{tid}/snippets/nope"), 404)
        gone = await client.request("DELETE", f"/meetingTranscripts/{tid}", json={})
        valid("DELETE /meetingTranscripts/{transcriptId}", gone, 204)
        assert_webex_error(await client.get(f"/meetingTranscripts/{tid}/download"), 404)


_snippet = "/meetingTranscripts/{transcriptId}/snippets/{snippetId}"


async def test_invitee_crud_round_trip() -> None:
    async with hydra() as (_, client):
        series = await _meeting(client)
        body = {"meetingId": series["id"], "email": "ann@example.com", "displayName": "Ann"}
        ann = valid("POST /meetingInvitees", await client.post("/meetingInvitees", json=body))
        assert ann["meetingId"] == series["id"]
        assert_webex_error(await client.post("/meetingInvitees", json=body), 409)
        bulk = {
            "meetingId": series["id"],
            "items": [{"email": "bob@example.com"}, {"email": "cy@example.com", "panelist": True}],
        }
        inserted = await client.post("/meetingInvitees/bulkInsert", json=bulk)
        assert len(valid("POST /meetingInvitees/bulkInsert", inserted)["items"]) == 2

        first = await client.get("/meetingInvitees", params={"meetingId": series["id"], "max": 2})
        assert len(valid("GET /meetingInvitees", first)["items"]) == 2
        assert 'rel="next"' in first.headers["Link"]
        rest = await client.get(first.links["next"]["url"])
        assert [i["email"] for i in valid("GET /meetingInvitees", rest)["items"]] == [
            "cy@example.com"
        ]
        panelists = await client.get(
            "/meetingInvitees", params={"meetingId": series["id"], "panelist": "true"}
        )
        assert [i["email"] for i in panelists.json()["items"]] == ["cy@example.com"]

        path = f"/meetingInvitees/{ann['id']}"
        update = {"email": "ann@example.com", "displayName": "Ann B", "coHost": True}
        changed = valid(
            "PUT /meetingInvitees/{meetingInviteeId}", await client.put(path, json=update)
        )
        assert (changed["displayName"], changed["coHost"]) == ("Ann B", True)
        assert valid("GET /meetingInvitees/{meetingInviteeId}", await client.get(path))["coHost"]
        valid("DELETE /meetingInvitees/{meetingInviteeId}", await client.delete(path), 204)
        assert_webex_error(await client.get(path), 404)
        unknown = await client.get("/meetingInvitees", params={"meetingId": "0" * 32})
        assert_webex_error(unknown, 404)


async def test_participants_of_a_running_meeting_follow_locus() -> None:
    async with hydra() as (emu, client):
        series = await _meeting(client)
        guest = await emu.add_participant(series["id"], name="Guest", email="g@example.com")
        await emu.add_participant(series["id"], name="Waiting", in_lobby=True)
        listed = await client.get("/meetings", params={"meetingType": "meeting"})
        (instance,) = valid("GET /meetings", listed)["items"]
        assert instance["state"] == "inProgress"

        found = valid(
            "GET /meetingParticipants",
            await client.get("/meetingParticipants", params={"meetingId": instance["id"]}),
        )["items"]
        by_name = {p["displayName"]: p for p in found}
        assert by_name["Guest"]["state"] == "joined"
        assert by_name["Waiting"]["state"] == "lobby"
        assert by_name["Guest"]["id"] == f"{instance['id']}_{guest}"
        queried = await client.post(
            "/meetingParticipants/query",
            params={"meetingId": instance["id"]},
            json={"emails": ["G@example.com"]},
        )
        assert [p["displayName"] for p in valid(_query, queried)["items"]] == ["Guest"]

        path = f"/meetingParticipants/{by_name['Guest']['id']}"
        muted = valid(_update, await client.put(path, json={"muted": True}))
        assert muted["muted"] is True
        locus = await emu.locus(series["id"])
        assert any(p.get("id") == guest for p in locus["participants"])
        guest_dto = next(p for p in locus["participants"] if p["id"] == guest)
        assert guest_dto["controls"]["audio"]["muted"] is True
        admit = {"items": [{"participantId": by_name["Waiting"]["id"]}]}
        valid("POST /meetingParticipants/admit", await client.post(_admit, json=admit), 204)
        waiting = await client.get(f"/meetingParticipants/{by_name['Waiting']['id']}")
        assert valid("GET /meetingParticipants/{participantId}", waiting)["state"] == "joined"
        valid(_update, await client.put(path, json={"expel": True}))
        expelled = await client.get(path)
        assert valid("GET /meetingParticipants/{participantId}", expelled)["state"] == "end"

        await emu.end_meeting_for_all(series["id"])
        got = valid("GET /meetings/{meetingId}", await client.get(f"/meetings/{instance['id']}"))
        assert got["state"] == "ended"


_query = "POST /meetingParticipants/query"
_update = "PUT /meetingParticipants/{participantId}"
_admit = "/meetingParticipants/admit"


async def test_control_started_meeting_lists_its_host_and_call_outs() -> None:
    async with hydra() as (emu, client):
        series = await _meeting(client)
        instance_id = await emu.start_meeting(series["id"])
        listed = await client.get("/meetingParticipants", params={"meetingId": series["id"]})
        (host,) = valid("GET /meetingParticipants", listed)["items"]
        assert (host["email"], host["host"], host["meetingId"]) == (
            emu.person_email,
            True,
            instance_id,
        )
        call = {"meetingId": series["id"], "address": "sip:room@example.com", "displayName": "R"}
        out = await client.post("/meetingParticipants/callout", json=call)
        placed = valid("POST /meetingParticipants/callout", out)
        assert placed["state"] == "pending"
        cancel = {"participantId": placed["participantId"]}
        done = await client.post("/meetingParticipants/cancelCallout", json=cancel)
        valid("POST /meetingParticipants/cancelCallout", done, 204)
        again = await client.post("/meetingParticipants/cancelCallout", json=cancel)
        assert_webex_error(again, 404)
        assert_webex_error(await client.get(f"/meetingParticipants/{instance_id}_nobody"), 404)


async def test_preferences_persist_per_user() -> None:
    async with hydra() as (emu, client):
        audio = valid(
            "GET /meetingPreferences/audio", await client.get("/meetingPreferences/audio")
        )
        audio["defaultAudioType"] = "voipOnly"
        put = await client.put("/meetingPreferences/audio", json=audio)
        assert valid("PUT /meetingPreferences/audio", put)["defaultAudioType"] == "voipOnly"
        options = {
            "enabledJoinBeforeHost": True,
            "joinBeforeHostMinutes": 5,
            "enabledAutoShareRecording": True,
        }
        await client.put("/meetingPreferences/schedulingOptions", json=options)
        inserted = await client.post(
            "/meetingPreferences/schedulingOptions/delegateEmails/insert",
            json={"emails": ["d@example.com"]},
        )
        assert inserted.json() == {"emails": ["d@example.com"]}
        room = valid(
            "GET /meetingPreferences/personalMeetingRoom",
            await client.get("/meetingPreferences/personalMeetingRoom"),
        )
        update = {
            key: room[key]
            for key in ("hostPin", "enabledAutoLock", "enabledNotifyHost", "supportCoHost")
        }
        update.update(topic="My room", autoLockMinutes=10, coHosts=[])
        put = await client.put("/meetingPreferences/personalMeetingRoom", json=update)
        valid("PUT /meetingPreferences/personalMeetingRoom", put)

        everything = valid("GET /meetingPreferences", await client.get("/meetingPreferences"))
        assert everything["audio"]["defaultAudioType"] == "voipOnly"
        assert everything["schedulingOptions"]["joinBeforeHostMinutes"] == 5
        assert everything["schedulingOptions"]["delegateEmails"] == ["d@example.com"]
        assert everything["personalMeetingRoom"]["topic"] == "My room"
        (site,) = everything["sites"]
        assert site["default"] is True
        chosen = await client.put(
            "/meetingPreferences/sites",
            params={"defaultSite": "true"},
            json={"siteUrl": site["siteUrl"]},
        )
        assert valid("PUT /meetingPreferences/sites", chosen) == {**site}

        other = await emu.create_user(display_name="Other")
        headers = {"Authorization": f"Bearer {other['accessToken']}"}
        theirs = await client.get("/meetingPreferences/audio", headers=headers)
        assert valid("GET /meetingPreferences/audio", theirs)["defaultAudioType"] == "webexAudio"
        by_email = await client.get(
            "/meetingPreferences/audio", params={"userEmail": emu.person_email}, headers=headers
        )
        assert by_email.json()["defaultAudioType"] == "voipOnly"
        assert_webex_error(
            await client.get("/meetingPreferences", params={"userEmail": "no@example.com"}), 404
        )


async def test_session_types_per_user() -> None:
    async with hydra() as (emu, client):
        mine = valid("GET /meetings/sessionTypes", await client.get("/meetings/sessionTypes"))
        ids = [t["id"] for t in mine["items"]]
        assert ids
        one = await client.get(f"/meetings/sessionTypes/{ids[0]}")
        assert valid("GET /meetings/sessionTypes/{sessionTypeId}", one)["id"] == ids[0]
        site = valid(
            "GET /admin/meeting/config/sessionTypes",
            await client.get("/admin/meeting/config/sessionTypes"),
        )["items"]
        webinar = next(t for t in site if t["type"] == "webinar")
        assert webinar["id"] not in ids
        body = {
            "siteUrl": site[0]["siteUrl"],
            "personId": emu.person_id,
            "sessionTypeIds": [webinar["id"]],
        }
        updated = await client.put("/admin/meeting/userconfig/sessionTypes", json=body)
        types = valid("PUT /admin/meeting/userconfig/sessionTypes", updated)["sessionTypes"]
        assert [t["id"] for t in types] == [webinar["id"]]
        mine = (await client.get("/meetings/sessionTypes")).json()["items"]
        assert [t["id"] for t in mine] == [webinar["id"]]
        assert_webex_error(await client.get(f"/meetings/sessionTypes/{ids[0]}"), 404)


async def test_converged_site_warning_1001() -> None:
    async with hydra() as (_, client):
        plain = await client.post(
            "/meetings", json={"title": "T", "start": _future(2), "end": _future(3)}
        )
        assert "Warning" not in plain.headers
        body = {
            "title": "T",
            "start": _future(2),
            "end": _future(3),
            "publicMeeting": True,
            "meetingOptions": {"enabledChat": True, "enabledNote": True},
        }
        warned = await client.post("/meetings", json=body)
        created = valid("POST /meetings", warned)
        assert created["publicMeeting"] is False  # ignored by the converged site
        value = warned.headers["Warning"]
        assert value.startswith('299 - "1001 Unsupported attributes on a converged site. ')
        assert "(publicMeeting, meetingOptions.enabledNote)" in value
        assert value.endswith('See https://developer.webex.com/docs/meetings#warnings"')
        patched = await client.patch(f"/meetings/{created['id']}", json={"publicMeeting": True})
        valid("PATCH /meetings/{meetingId}", patched)
        assert "1001" in patched.headers["Warning"]
