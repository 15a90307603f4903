"""The in-scope operations of the official Webex OpenAPI specs, loaded once on first use."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .schema import SchemaValidator, to_json_schema

_SPEC_DIR = Path(__file__).resolve().parents[2] / "openapi"

#: In-scope tags of each spec file (rest-conventions §11-12), in loading order. People
#: and Webhooks are identical in both specs; the first file to define one is served.
SPEC_FAMILIES: dict[str, frozenset[str]] = {
    "webex-messaging.json": frozenset(
        {
            "Rooms",
            "Memberships",
            "Messages",
            "People",
            "Teams",
            "Team Memberships",
            "Attachment Actions",
            "Room Tabs",
            "Events",
            "Webhooks",
        }
    ),
    "webex-meeting.json": frozenset(
        {
            "Meetings",
            "Invitees",
            "Participants",
            "Preferences",
            "Transcripts",
            "Chats",
            "Closed Captions",
            "Meeting Polls",
            "Meeting Q and A",
            "Meeting Qualities",
            "Recordings",
            "Recording Report",
            "Session Types",
            "Tracking Codes",
            "Meetings Summary Report",
            "Webhooks",
        }
    ),
}

_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class QueryParam:
    """One declared query parameter."""

    name: str
    required: bool
    schema: dict[str, Any]


@dataclass
class Operation:
    """One spec operation: what it accepts and what its success response looks like."""

    spec: str
    """File name of the spec that defines it."""
    family: str
    """Its tag, e.g. ``Rooms``."""
    method: str
    """Upper-case HTTP method."""
    path: str
    """Spec path template, e.g. ``/rooms/{roomId}``."""
    operation_id: str | None
    summary: str
    query: list[QueryParam] = field(default_factory=list)
    body: SchemaValidator | None = None
    """Validator of the JSON request body, when the operation takes one."""
    body_required: bool = False
    success_status: int = 200
    response: SchemaValidator | None = None
    """Validator of the JSON success body; None for empty or non-JSON bodies."""
    response_example: Any = None
    """The spec's example of the success body, if any."""
    response_media_type: str | None = None

    @property
    def key(self) -> str:
        """``METHOD /path`` of the spec, e.g. ``GET /rooms/{roomId}``."""
        return f"{self.method} {self.path}"


def _success(responses: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    codes = sorted(code for code in responses if code.startswith("2"))
    if not codes:
        # e.g. DELETE /meetings/postMeetingChats declares only errors; deletes answer 204.
        return 204, {}
    # 200 before 204 (GET-or-empty), 204 before 207 (reassignHost: all succeeded).
    return int(codes[0]), responses[codes[0]]


def _operation(
    spec: str, method: str, path: str, raw: dict[str, Any], components: dict[str, Any]
) -> Operation:
    op = Operation(
        spec=spec,
        family=raw["tags"][0],
        method=method.upper(),
        path=path,
        operation_id=raw.get("operationId"),
        summary=raw.get("summary", ""),
    )
    for param in raw.get("parameters", []):
        if param.get("in") == "query":
            schema = to_json_schema(param.get("schema", {"type": "string"}))
            op.query.append(QueryParam(param["name"], bool(param.get("required")), schema))
    body = raw.get("requestBody")
    if body:
        media: dict[str, Any] = next(iter(body.get("content", {}).values()), {})
        if "schema" in media:
            op.body = SchemaValidator(to_json_schema(media["schema"]), components)
            op.body_required = bool(body.get("required", False))
    op.success_status, response = _success(raw["responses"])
    content = response.get("content", {})
    if op.success_status != 204 and content:
        media_type, media = next(iter(content.items()))
        op.response_media_type = media_type
        op.response_example = media.get("example")
        if "json" in media_type and "schema" in media:
            op.response = SchemaValidator(to_json_schema(media["schema"]), components)
    return op


@functools.cache
def operations() -> tuple[Operation, ...]:
    """Return every in-scope operation of both specs, each ``METHOD /path`` once."""
    found: dict[str, Operation] = {}
    for spec, families in SPEC_FAMILIES.items():
        document = json.loads((_SPEC_DIR / spec).read_text(encoding="utf-8"))
        components = _components(spec)
        for path, item in document["paths"].items():
            for method in _METHODS:
                raw = item.get(method)
                if raw is None or raw.get("tags", [""])[0] not in families:
                    continue
                op = _operation(spec, method, path, raw, components)
                found.setdefault(op.key, op)
    return tuple(found.values())


def operation(key: str) -> Operation:
    """Return the operation ``METHOD /path`` (spec template).

    Raises:
        KeyError: No such in-scope operation.
    """
    for op in operations():
        if op.key == key:
            return op
    raise KeyError(key)


@functools.cache
def _components(spec: str) -> dict[str, Any]:
    document = json.loads((_SPEC_DIR / spec).read_text(encoding="utf-8"))
    converted: dict[str, Any] = to_json_schema(document.get("components", {}))
    return converted


def schema_validator(spec: str, name: str) -> SchemaValidator:
    """Return a validator of ``components.schemas.<name>`` of a spec file."""
    return SchemaValidator({"$ref": f"#/components/schemas/{name}"}, _components(spec))
