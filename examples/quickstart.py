"""The JS quickstart in Python: create a room, add two people, say hello in markdown.

Run: ``python examples/quickstart.py`` (emulator) or with ``WEBEX_ACCESS_TOKEN`` set.
"""

from __future__ import annotations

import asyncio

from _common import connect


async def main() -> None:
    async with connect() as webex:
        webex.once("ready", lambda: print("Webex ready"))
        room = await webex.rooms.create(title="My First Room")
        await asyncio.gather(
            webex.memberships.create(room_id=room.id, person_email="alice@example.com"),
            webex.memberships.create(room_id=room.id, person_email="bob@example.com"),
        )
        message = await webex.messages.create(room_id=room.id, markdown="**Hi Everyone**")
        print(f"room {room.title!r}: posted {message.markdown!r}")
        members = [m.person_email async for m in webex.memberships.list(room_id=room.id)]
        print("members:", ", ".join(sorted(str(m) for m in members)))


if __name__ == "__main__":
    asyncio.run(main())
