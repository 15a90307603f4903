"""Every in-scope spec operation answers its success status with a spec-valid body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from webex_meetings.emulator import Emulator
from webex_meetings.emulator.services.meetings.models import SITE_URL
from webex_meetings.emulator.services.rest.spec import Operation, operations
from webex_meetings.emulator.services.rest.synth import Synthesizer

from .rest_support import hydra

#: Operations per family, as listed in rest-conventions §11-12 (People/Webhooks once).
EXPECTED_FAMILIES = {
    "Meetings": 45,
    "Invitees": 6,
    "Participants": 7,
    "Preferences": 14,
    "Transcripts": 7,
    "Chats": 2,
    "Closed Captions": 3,
    "Meeting Polls": 3,
    "Meeting Q and A": 2,
    "Meeting Qualities": 1,
    "Recordings": 12,
    "Recording Report": 4,
    "Session Types": 3,
    "Tracking Codes": 7,
    "Meetings Summary Report": 2,
    "Webhooks": 5,
    "Rooms": 6,
    "Memberships": 5,
    "Messages": 6,
    "People": 6,
    "Teams": 5,
    "Team Memberships": 5,
    "Attachment Actions": 2,
    "Room Tabs": 5,
    "Events": 2,
}

#: Deletes run last, children before parents.
_DELETE_ORDER = (
    "/messages",
    "/memberships",
    "/team/",
    "/webhooks",
    "/meetingInvitees",
    "/meetings",
    "/rooms",
)


def _future(hours: int) -> str:
    moment = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=hours)
    return moment.isoformat().replace("+00:00", "Z")


def test_every_in_scope_operation_is_loaded() -> None:
    counts: dict[str, int] = {}
    for op in operations():
        counts[op.family] = counts.get(op.family, 0) + 1
    assert counts == EXPECTED_FAMILIES
    assert len(operations()) == 123 + 47 - 5


class World:
    """Objects created up front so stateful operations have real ids to work on."""

    def __init__(self, ids: dict[str, str]) -> None:
        self.ids = ids

    def path(self, op: Operation) -> str:
        out = op.path
        for name in [part[1:-1] for part in op.path.split("/") if part.startswith("{")]:
            key = "teamMembershipId" if op.path.startswith("/team/") else name
            out = out.replace("{" + name + "}", self.ids.get(key, "emulated-id"))
        return out

    def query(self, op: Operation) -> dict[str, str]:
        params = {p.name: str(self._sample(p.schema)) for p in op.query if p.required}
        if op.path == "/messages":
            params["roomId"] = self.ids["roomId"]
        if op.path == "/team/memberships":
            params["teamId"] = self.ids["teamId"]
        if op.path == "/messages/direct":
            params["personEmail"] = "other@example.com"
        if op.path == "/meetingInvitees":
            params["meetingId"] = self.ids["meetingId"]
        if op.path in ("/meetingParticipants", "/meetingParticipants/query"):
            params["meetingId"] = self.ids["liveInstanceId"]
        return params

    @staticmethod
    def _sample(schema: dict[str, Any]) -> Any:
        value = Synthesizer({}).build(schema, "value")
        value = value[0] if isinstance(value, list) else value
        return str(value).lower() if isinstance(value, bool) else value

    def body(self, op: Operation) -> Any:
        special = {
            "POST /rooms": {"title": "Walk room"},
            "PUT /rooms/{roomId}": {"title": "Walk room 2"},
            "POST /memberships": {"roomId": self.ids["roomId"], "personEmail": "m@example.com"},
            "PUT /memberships/{membershipId}": {"isModerator": True, "isRoomHidden": False},
            "POST /messages": {"roomId": self.ids["roomId"], "markdown": "**walk**"},
            "PUT /messages/{messageId}": {"roomId": self.ids["roomId"], "text": "edited"},
            "POST /attachment/actions": {
                "type": "submit",
                "messageId": self.ids["messageId"],
                "inputs": {"choice": "yes"},
            },
            "POST /people": {"emails": ["new@example.com"], "displayName": "New Person"},
            "PUT /people/{personId}": {"displayName": "Renamed"},
            "POST /teams": {"name": "Walk team"},
            "PUT /teams/{teamId}": {"name": "Walk team 2"},
            "POST /team/memberships": {"teamId": self.ids["teamId"], "personEmail": "t@ex.com"},
            "PUT /team/memberships/{membershipId}": {"isModerator": True},
            "POST /webhooks": {
                "name": "w",
                "targetUrl": "http://127.0.0.1:9/hook",
                "resource": "messages",
                "event": "created",
            },
            "PUT /webhooks/{webhookId}": {"name": "w2", "targetUrl": "http://127.0.0.1:9/h"},
            "POST /meetings": {"title": "Walk", "start": _future(2), "end": _future(3)},
            "PUT /meetings/{meetingId}": {"title": "Walk 2"},
            "PATCH /meetings/{meetingId}": {"agenda": "Agenda"},
            "POST /meetingInvitees": {"meetingId": self.ids["meetingId"], "email": "i@ex.com"},
            "POST /meetingInvitees/bulkInsert": {
                "meetingId": self.ids["meetingId"],
                "items": [{"email": "j@ex.com"}],
            },
            "POST /meetingParticipants/admit": {
                "items": [{"participantId": self.ids["participantId"]}]
            },
            "POST /meetingParticipants/callout": {
                "meetingId": self.ids["liveId"],
                "address": "sip:room@example.com",
                "displayName": "Room",
            },
            "POST /meetingParticipants/cancelCallout": {"participantId": self.ids["calloutId"]},
            "PUT /meetingPreferences/sites": {"siteUrl": SITE_URL},
            "PUT /admin/meeting/userconfig/sessionTypes": {
                "siteUrl": SITE_URL,
                "personId": self.ids["myPersonId"],
                "sessionTypeIds": ["3"],
            },
            "POST /recordings/softDelete": {"recordingIds": [self.ids["recordingId"]]},
            "POST /recordings/restore": {"recordingIds": [self.ids["recordingId"]]},
            "POST /recordings/purge": {"purgeAll": True},
        }
        if op.key in special:
            return special[op.key]
        if op.body is None:
            return None
        for use_examples in (True, False):
            body = Synthesizer(op.body.root, use_examples=use_examples).build(op.body.schema)
            if op.body.is_valid(body):
                return body
        raise AssertionError(f"no valid sample body for {op.key}")


async def _meetings_world(emu: Emulator, client: httpx.AsyncClient) -> dict[str, str]:
    """A running meeting (participants, call-out) and an ended recorded one."""

    async def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = await client.post(path, json=body)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def first(path: str, **params: str) -> str:
        response = await client.get(path, params=params)
        assert response.status_code == 200, response.text
        return str(response.json()["items"][0]["id"])

    live = await post("/meetings", {"title": "Live", "start": _future(7), "end": _future(8)})
    instance = await emu.start_meeting(live["id"])
    recorded = await post(
        "/meetings",
        {
            "title": "Recorded",
            "start": _future(9),
            "end": _future(10),
            "enabledAutoRecordMeeting": True,
        },
    )
    await emu.start_meeting(recorded["id"])
    await emu.end_meeting(recorded["id"])
    transcript = await first("/meetingTranscripts")
    callout = await post(
        "/meetingParticipants/callout",
        {"meetingId": live["id"], "address": "sip:a@example.com", "displayName": "A"},
    )
    return {
        "liveId": live["id"],
        "liveInstanceId": instance,
        "participantId": await first("/meetingParticipants", meetingId=instance),
        "calloutId": callout["participantId"],
        "recordingId": await first("/recordings"),
        "transcriptId": transcript,
        "snippetId": await first(f"/meetingTranscripts/{transcript}/snippets"),
        "sessionTypeId": await first("/meetings/sessionTypes"),
        "myPersonId": emu.person_id,
    }


async def _world(emu: Emulator, client: httpx.AsyncClient) -> World:
    async def post(path: str, body: dict[str, Any]) -> str:
        response = await client.post(path, json=body)
        assert response.status_code in (200, 202), response.text
        return str(response.json()["id"])

    room = await post("/rooms", {"title": "World"})
    other = await post("/people", {"emails": ["other@example.com"], "displayName": "Other"})
    team = await post("/teams", {"name": "World team"})
    message = await post("/messages", {"roomId": room, "text": "hello"})
    meeting_id = await post("/meetings", {"title": "World", "start": _future(5), "end": _future(6)})
    return World(
        {
            **await _meetings_world(emu, client),
            "meetingInviteeId": await post(
                "/meetingInvitees", {"meetingId": meeting_id, "email": "invitee@example.com"}
            ),
            "roomId": room,
            "personId": other,
            "membershipId": await post("/memberships", {"roomId": room, "personId": other}),
            "messageId": message,
            # ``{id}`` of ``/attachment/actions/{id}`` (other ``{id}`` paths are stateless)
            "id": await post(
                "/attachment/actions", {"type": "submit", "messageId": message, "inputs": {}}
            ),
            "teamId": team,
            "teamMembershipId": await post(
                "/team/memberships", {"teamId": team, "personId": other}
            ),
            "webhookId": await post(
                "/webhooks",
                {
                    "name": "w",
                    "targetUrl": "http://127.0.0.1:9/",
                    "resource": "rooms",
                    "event": "created",
                },
            ),
            "meetingId": meeting_id,
        }
    )


def _order(op: Operation) -> tuple[int, int]:
    if op.method != "DELETE":
        return (0, 0)
    ranks = (i for i, prefix in enumerate(_DELETE_ORDER) if op.path.startswith(prefix))
    rank = next(ranks, len(_DELETE_ORDER))
    return (1, rank)


async def test_walk_every_operation() -> None:
    failures: list[str] = []
    async with hydra() as (emu, client):
        world = await _world(emu, client)
        for op in sorted(operations(), key=_order):
            body = world.body(op)
            response = await client.request(
                op.method,
                world.path(op),
                params=world.query(op),
                json=body if body is not None else None,
            )
            if "does not implement" in response.text:
                failures.append(f"{op.key}: not implemented")
            elif response.status_code != op.success_status:
                failures.append(f"{op.key}: {response.status_code} {response.text[:200]}")
            elif op.response is not None:
                error = op.response.first_error(response.json())
                if error is not None:
                    failures.append(f"{op.key}: invalid response: {error.message[:200]}")
    assert not failures, "\n".join(failures)
