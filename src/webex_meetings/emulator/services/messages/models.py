"""Messages backend: messages per room (newest last), with the Message JSON of the spec.

Besides the webhooks, every change is pushed to the members of the room as a
``conversation.activity`` (JS REST plugins): a new message is a ``post`` (``share``
with files) whose activity id is the message uuid, so the SDK can fetch it with
``GET /messages/<id>``; an edit is another ``post`` with ``parent.type`` ``edit``, whose
activity id resolves to the edited message; a removal is a ``delete``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...core.errors import BadRequestError, NotFoundError
from ...core.ids import hydra_id, new_uuid, parse_hydra_id
from ...core.state import Backend
from ..conversation import activities
from ..people.models import PeopleBackend, Person, webex_timestamp
from ..rooms.models import Room
from ..webhooks.models import WebhooksBackend

_MENTION = re.compile(r"<@(personEmail|personId):([^|>]+)(?:\|([^>]*))?>")
_MARKUP = re.compile(r"[*_`~]+|^#+\s*", re.MULTILINE)
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")


@dataclass(frozen=True)
class Upload:
    """A local file sent with ``POST /messages`` as ``multipart/form-data``."""

    name: str
    content_type: str
    data: bytes


@dataclass
class Content:
    """An uploaded file, served back at its content URL to the room's members."""

    upload: Upload
    message_uuid: str
    room: Room


@dataclass
class Message:
    """One message of a room."""

    uuid: str
    room: Room
    author: Person
    created: float
    text: str
    markdown: str | None = None
    html: str | None = None
    files: list[str] = field(default_factory=list)
    mentioned: list[str] = field(default_factory=list)
    """Hydra ids of mentioned people."""
    parent_uuid: str | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    updated: float | None = None

    @property
    def id(self) -> str:
        """The message's Hydra id."""
        return hydra_id("MESSAGE", self.uuid)

    def to_json(self) -> dict[str, Any]:
        """Render the ``Message`` schema."""
        out: dict[str, Any] = {
            "id": self.id,
            "roomId": self.room.id,
            "roomType": self.room.type,
            "text": self.text,
            "personId": self.author.id,
            "personEmail": self.author.email,
            "created": webex_timestamp(self.created),
        }
        if self.parent_uuid:
            out["parentId"] = hydra_id("MESSAGE", self.parent_uuid)
        if self.markdown is not None:
            out["markdown"] = self.markdown
        if self.html is not None:
            out["html"] = self.html
        if self.files:
            out["files"] = list(self.files)
        if self.mentioned:
            out["mentionedPeople"] = list(self.mentioned)
        if self.attachments:
            out["attachments"] = self.attachments
        if self.updated is not None:
            out["updated"] = webex_timestamp(self.updated)
        return out


def markdown_to_text(markdown: str) -> str:
    """Return the plain text of simple markdown: mentions by name, links by label."""
    text = _MENTION.sub(lambda m: m.group(3) or m.group(2), markdown)
    text = _LINK.sub(r"\1", text)
    return _MARKUP.sub("", text)


def markdown_to_html(markdown: str) -> str:
    """Return a small HTML rendering of markdown (bold, italic, code, links)."""
    out = html.escape(markdown_to_text_keep_marks(markdown))
    out = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", out)
    out = re.sub(r"(?<![*\w])[*_](.+?)[*_](?![*\w])", r"<em>\1</em>", out)
    out = re.sub(r"`(.+?)`", r"<code>\1</code>", out)
    return f"<p>{out}</p>"


def markdown_to_text_keep_marks(markdown: str) -> str:
    """Resolve mentions and links but keep emphasis marks (for the HTML rendering)."""
    return _LINK.sub(r"\1", _MENTION.sub(lambda m: m.group(3) or m.group(2), markdown))


class MessagesBackend(Backend):
    """Messages by room uuid, oldest first, and an index by message uuid."""

    def reset(self) -> None:
        """No messages."""
        self.by_room: dict[str, list[Message]] = {}
        self.by_uuid: dict[str, Message] = {}
        self.edits: dict[str, str] = {}
        """Activity uuid of an edit -> uuid of the message it changed."""
        self.contents: dict[str, Content] = {}
        """Uploaded files by content id (kept in memory only)."""

    def _mentions(self, markdown: str) -> list[str]:
        people = self.state.backend(PeopleBackend)
        found: list[str] = []
        for kind, value, _ in _MENTION.findall(markdown):
            person = people.find_by_email(value) if kind == "personEmail" else None
            person_id = person.id if person is not None else value
            if (kind == "personId" or person is not None) and person_id not in found:
                found.append(person_id)
        return found

    def post(
        self,
        room: Room,
        author: Person,
        body: dict[str, Any],
        upload: Upload | None = None,
        content_url: Callable[[str], str] | None = None,
    ) -> Message:
        """Store a message from a validated ``POST /messages`` body.

        Args:
            room: Where the message goes.
            author: Who sends it.
            body: The JSON body, or the text fields of a multipart body.
            upload: The file of a multipart body; stored, and its content URL becomes
                the message's ``files``.
            content_url: Turns a content id into its absolute URL (with ``upload``).

        Raises:
            BadRequestError: No text, markdown, files or attachments; unknown parent.
        """
        markdown = body.get("markdown")
        text = body.get("text")
        files = list(body.get("files") or [])
        message_uuid = new_uuid()
        if upload is not None and content_url is not None:
            # A content id encodes ``<activityId>/<index>`` (hydra-plugins §2).
            content_id = hydra_id("CONTENT", f"{message_uuid}/0")
            files = [content_url(content_id)]
        attachments = list(body.get("attachments") or [])
        if not (markdown or text or files or attachments):
            detail = "text: one of text, markdown, files or attachments is required."
            raise BadRequestError(detail, message=detail)
        parent_uuid = None
        if body.get("parentId"):
            parent = self.get(body["parentId"])
            if parent.room.uuid != room.uuid:
                raise BadRequestError("parentId: the parent message is in another room.")
            # Replies to a reply join the thread of its parent: threads are one level deep.
            parent_uuid = parent.parent_uuid or parent.uuid
        message = Message(
            uuid=message_uuid,
            room=room,
            author=author,
            created=self.state.clock(),
            text=text if text is not None else markdown_to_text(markdown or ""),
            markdown=markdown,
            html=markdown_to_html(markdown) if markdown else None,
            files=files,
            mentioned=self._mentions(markdown or ""),
            parent_uuid=parent_uuid,
            attachments=attachments,
        )
        self._store(message)
        if upload is not None and content_url is not None:
            self.contents[content_id] = Content(upload, message_uuid, room)
        room.last_activity = message.created
        self.state.backend(WebhooksBackend).publish(
            "messages", "created", _event_data(message), author.uuid
        )
        reply_to = {"id": parent_uuid, "type": "reply"} if parent_uuid else None
        self._announce(message, message.uuid, reply_to)
        return message

    def _announce(
        self, message: Message, activity_uuid: str, parent: dict[str, str] | None
    ) -> None:
        obj = activities.comment_object(
            activity_uuid, message.text, html=message.html, files=message.files
        )
        activities.publish(
            self.state,
            "share" if message.files else "post",
            actor=message.author,
            obj=obj,
            recipients=list(message.room.members),
            target=message.room,
            parent=parent,
            activity_uuid=activity_uuid,
        )

    def _store(self, message: Message) -> None:
        self.by_room.setdefault(message.room.uuid, []).append(message)
        self.by_uuid[message.uuid] = message

    def bulk(self, room: Room, author: Person, count: int) -> None:
        """Add ``count`` plain messages fast (benchmarks); no webhooks fire."""
        now = self.state.clock()
        for number in range(count):
            self._store(
                Message(new_uuid(), room, author, now + number / 1000, f"Message {number + 1}")
            )

    def get(self, message_id: str) -> Message:
        """Return a message by Hydra id.

        Raises:
            NotFoundError: No such message.
        """
        decoded = parse_hydra_id(message_id)
        found = None
        if decoded is not None and decoded.kind == "MESSAGE":
            uuid = self.edits.get(decoded.uuid, decoded.uuid)
            found = self.by_uuid.get(uuid)
        if found is None:
            raise NotFoundError(f"Message {message_id} not found.")
        return found

    def list(
        self,
        room: Room,
        *,
        parent_id: str | None = None,
        mentioned: str | None = None,
        before: str | None = None,
        before_message: str | None = None,
    ) -> list[Message]:
        """Return a room's messages, newest first, filtered as ``GET /messages`` does."""
        found = self.by_room.get(room.uuid, [])[::-1]
        if parent_id is not None:
            parent = self.get(parent_id)
            found = [m for m in found if m.parent_uuid == parent.uuid]
        if mentioned is not None:
            wanted = set(mentioned.split(","))
            found = [m for m in found if wanted & set(m.mentioned)]
        if before is not None:
            found = [m for m in found if webex_timestamp(m.created) < before]
        if before_message is not None:
            pivot = self.get(before_message)
            found = [m for m in found if m.created < pivot.created]
        return found

    def edit(self, message: Message, body: dict[str, Any]) -> Message:
        """Apply a validated ``PUT /messages/{messageId}`` body."""
        markdown = body.get("markdown")
        message.markdown = markdown
        message.html = markdown_to_html(markdown) if markdown else None
        message.text = body.get("text") or markdown_to_text(markdown or "")
        message.mentioned = self._mentions(markdown or "")
        message.updated = self.state.clock()
        self.state.backend(WebhooksBackend).publish(
            "messages", "updated", _event_data(message), message.author.uuid
        )
        edit_uuid = new_uuid()
        self.edits[edit_uuid] = message.uuid
        self._announce(message, edit_uuid, {"id": message.uuid, "type": "edit"})
        return message

    def content(self, content_id: str) -> Content:
        """Return an uploaded file by content id.

        Raises:
            NotFoundError: No such content (or its message was deleted).
        """
        found = self.contents.get(content_id)
        if found is None:
            raise NotFoundError(f"Content {content_id} not found.")
        return found

    def _drop_contents(self, message_uuids: set[str]) -> None:
        self.contents = {
            k: v for k, v in self.contents.items() if v.message_uuid not in message_uuids
        }

    def delete(self, message: Message, actor_uuid: str) -> None:
        """Remove a message."""
        self.by_uuid.pop(message.uuid, None)
        self._drop_contents({message.uuid})
        room_messages = self.by_room.get(message.room.uuid, [])
        if message in room_messages:
            room_messages.remove(message)
        self.state.backend(WebhooksBackend).publish(
            "messages", "deleted", _event_data(message), actor_uuid
        )
        self.edits = {k: v for k, v in self.edits.items() if v != message.uuid}
        activities.publish(
            self.state,
            "delete",
            actor=self.state.backend(PeopleBackend).get(actor_uuid),
            obj={"objectType": "activity", "id": message.uuid},
            recipients=list(message.room.members),
            target=message.room,
        )

    def drop_room(self, room_uuid: str) -> None:
        """Forget every message of a deleted room."""
        dropped = {message.uuid for message in self.by_room.pop(room_uuid, [])}
        for uuid in dropped:
            self.by_uuid.pop(uuid, None)
        self._drop_contents(dropped)
        self.edits = {k: v for k, v in self.edits.items() if v not in dropped}


def _event_data(message: Message) -> dict[str, Any]:
    # Webhook data of messages carries ids, never the content (it is encrypted).
    data: dict[str, Any] = {
        "id": message.id,
        "roomId": message.room.id,
        "roomType": message.room.type,
        "personId": message.author.id,
        "personEmail": message.author.email,
        "created": webex_timestamp(message.created),
    }
    if message.parent_uuid:
        data["parentId"] = hydra_id("MESSAGE", message.parent_uuid)
    if message.mentioned:
        data["mentionedPeople"] = list(message.mentioned)
    return data
