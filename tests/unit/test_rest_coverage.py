"""Every in-scope operation of both specs has a client method sending that method + path."""

from __future__ import annotations

import inspect
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from webex_meetings.resources._base import APIResource

SPEC_DIR = Path(__file__).resolve().parents[2] / "src" / "webex_meetings" / "emulator" / "openapi"

# rest-conventions §12.1 and §11.1: the requested families (spec tags) and their counts
MESSAGING_TAGS = {
    "Rooms": 6,
    "Memberships": 5,
    "Messages": 6,
    "People": 6,
    "Teams": 5,
    "Team Memberships": 5,
    "Attachment Actions": 2,
    "Room Tabs": 5,
    "Events": 2,
    "Webhooks": 5,
}
MEETING_TAGS = {
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
}
MESSAGING_ATTRS = (
    "rooms",
    "memberships",
    "messages",
    "people",
    "teams",
    "team_memberships",
    "webhooks",
    "attachment_actions",
    "room_tabs",
    "events",
)
MEETINGS_ATTRS = (
    "meetings",
    "invitees",
    "participants",
    "preferences",
    "transcripts",
    "chats",
    "closed_captions",
    "polls",
    "q_and_a",
    "qualities",
    "recordings",
    "recording_report",
    "session_types",
    "tracking_codes",
    "summary_report",
    "meeting_messages",
    "webhooks",
)


def spec_operations(spec_file: str, tags: dict[str, int]) -> set[tuple[str, str]]:
    spec = json.loads((SPEC_DIR / spec_file).read_text())
    found: dict[str, set[tuple[str, str]]] = {tag: set() for tag in tags}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            tag = op["tags"][0]
            if tag in tags:
                found[tag].add((method.upper(), path))
    assert {tag: len(ops) for tag, ops in found.items()} == tags
    return set().union(*found.values())


def template_of(method: str, path: str, templates: set[tuple[str, str]]) -> str | None:
    """The spec path template a concrete request path matches (literal segments first)."""
    candidates = sorted(
        (t for m, t in templates if m == method), key=lambda t: (t.count("{"), -len(t))
    )
    for template in candidates:
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            return template
    return None


def dummy(name: str, annotation: str) -> Any:
    tomorrow = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    if name == "start":
        return tomorrow.isoformat()
    if name == "end":
        return (tomorrow + timedelta(hours=1)).isoformat()
    if annotation.startswith("Sequence"):
        return []
    if annotation.startswith("bool"):
        return True
    if annotation.startswith(("int", "float")):
        return 1
    if annotation.startswith("Mapping") or "| Mapping" in annotation:
        return {}
    return "x1"


async def call_every_method(resource: APIResource) -> list[str]:
    called = []
    for name, function in inspect.getmembers(type(resource), inspect.isfunction):
        module = function.__module__
        # only generated operations: not the base, the listening mixins or the emitter
        if name.startswith("_") or module == APIResource.__module__:
            continue
        if not module.startswith("webex_meetings.resources.") or module.split(".")[-1][0] == "_":
            continue
        signature = inspect.signature(function)
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for param in list(signature.parameters.values())[1:]:
            if param.default is not inspect.Parameter.empty:
                continue
            if param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD:
                args.append(f"{param.name}-1")
            else:
                kwargs[param.name] = dummy(param.name, str(param.annotation))
        result = getattr(resource, name)(*args, **kwargs)
        await result
        called.append(name)
    return called


async def test_every_in_scope_operation_has_a_method(make_webex: Any) -> None:
    messaging = spec_operations("webex-messaging.json", MESSAGING_TAGS)
    meetings = spec_operations("webex-meeting.json", MEETING_TAGS)
    assert (len(messaging), len(meetings)) == (47, 123)
    templates = messaging | meetings

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"id": "x1", "items": []})

    webex, rec, _ = make_webex(handler)
    resources = [getattr(webex, a) for a in MESSAGING_ATTRS]
    resources += [getattr(webex.meetings_api, a) for a in MEETINGS_ATTRS]
    assert webex.meetings_api.webhooks is webex.webhooks
    calls = 0
    for resource in resources:
        calls += len(await call_every_method(resource))

    sent: set[tuple[str, str]] = set()
    unknown = []
    for request in rec.requests:
        assert str(request.url).startswith("https://webexapis.com/v1/")
        path = request.url.path.removeprefix("/v1")
        template = template_of(request.method, path, templates)
        if template is None:
            unknown.append(f"{request.method} {path}")
        else:
            sent.add((request.method, template))
    missing = sorted(f"{m} {p}" for m, p in templates - sent)
    assert not missing, f"operations without a client method: {missing}"
    # the only request outside the 170 is the related ``DELETE /meeting/messages/{id}``
    assert unknown == ["DELETE /meeting/messages/meeting_message_id-1"]
    assert len(rec.requests) == calls


async def test_messaging_methods_follow_js_plugin_names(make_webex: Any) -> None:
    webex, _, _ = make_webex(lambda r: httpx.Response(200, json={}))
    for attr in ("rooms", "memberships", "messages", "teams", "team_memberships", "webhooks"):
        resource = getattr(webex, attr)
        for name in ("create", "get", "list", "update", "remove"):
            assert callable(getattr(resource, name)), f"webex.{attr}.{name}"
    assert callable(webex.people.me)
    assert callable(webex.people.list)
    assert callable(webex.attachment_actions.create)
