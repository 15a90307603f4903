"""``whoami``, ``rooms list|create`` and ``messages list|send``."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from datetime import datetime
from typing import TypeVar

from webex_meetings.cli._errors import ExitCode
from webex_meetings.cli._output import Output
from webex_meetings.cli._session import Session
from webex_meetings.models._base import WebexModel

__all__ = ["messages_list", "messages_send", "rooms_create", "rooms_list", "whoami"]

M = TypeVar("M", bound=WebexModel)

#: Largest page the list endpoints serve.
_PAGE = 100


async def _first(items: AsyncIterator[M], limit: int) -> list[M]:
    found: list[M] = []
    if limit <= 0:
        return found
    async for item in items:
        found.append(item)
        if len(found) >= limit:
            break
    return found


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"


async def whoami(session: Session, args: argparse.Namespace, output: Output) -> ExitCode:
    """Print who the token belongs to."""
    async with output.progress.step("asking Webex who you are"):
        me = await session.webex.people.me()
    output.data(me.to_api())
    emails = ", ".join(me.emails or []) or "no e-mail"
    output.line(f"{me.display_name} <{emails}>")
    output.line(f"  person id: {me.id}")
    output.line(f"  org id:    {me.org_id}")
    return ExitCode.OK


async def rooms_list(session: Session, args: argparse.Namespace, output: Output) -> ExitCode:
    """Print the rooms the user is in, most recently active first."""
    async with output.progress.step("listing rooms"):
        rooms = await _first(
            aiter(
                session.webex.rooms.list(
                    type=args.type, sort_by="lastactivity", max=min(args.limit, _PAGE)
                )
            ),
            args.limit,
        )
    output.data([room.to_api() for room in rooms])
    if not rooms:
        output.line("no rooms")
    for room in rooms:
        output.line(f"{room.id}  {room.type or '-':<6}  {_when(room.last_activity)}  {room.title}")
    return ExitCode.OK


async def rooms_create(session: Session, args: argparse.Namespace, output: Output) -> ExitCode:
    """Create a room and print its id."""
    async with output.progress.step("creating the room"):
        room = await session.webex.rooms.create(title=args.title)
    output.data(room.to_api())
    output.line(f"created room {room.title!r}: {room.id}")
    return ExitCode.OK


async def messages_list(session: Session, args: argparse.Namespace, output: Output) -> ExitCode:
    """Print a room's latest messages, oldest first."""
    async with output.progress.step("listing messages"):
        found = await _first(
            aiter(session.webex.messages.list(room_id=args.room, max=min(args.limit, _PAGE))),
            args.limit,
        )
    found.reverse()  # the API answers newest first; a conversation reads oldest first
    output.data([message.to_api() for message in found])
    if not found:
        output.line("no messages")
    for message in found:
        text = message.text if message.text is not None else (message.markdown or "")
        output.line(f"{_when(message.created)}  {message.person_email}: {text}")
    return ExitCode.OK


async def messages_send(session: Session, args: argparse.Namespace, output: Output) -> ExitCode:
    """Post a message to a room or to a person."""
    content = {"markdown": args.text} if args.markdown else {"text": args.text}
    async with output.progress.step("sending the message"):
        message = await session.webex.messages.create(
            room_id=args.room, to_person_email=args.to, **content
        )
    output.data(message.to_api())
    output.line(f"sent message {message.id} to room {message.room_id}")
    return ExitCode.OK
