"""A bot that answers every message it sees, over the Mercury websocket (no webhooks).

``webex.messages.listen()`` connects Mercury and emits ``created`` for every new message
in the bot's rooms; the handler replies in a thread.

Run: ``python examples/mercury_bot.py``. With ``WEBEX_ACCESS_TOKEN`` set (a bot token)
it answers messages until Ctrl-C. Without it, it starts the built-in emulator, where a
second user, Alice, says hello to the bot and prints its reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import Any

from webex_meetings import Webex


async def start_bot(webex: Webex) -> None:
    """Reply to every message from someone else; returns once listening."""
    me = await webex.people.me()

    async def on_message(event: dict[str, Any]) -> None:
        message = event["data"]  # the full message, as GET /messages/{id} returns it
        if message["personId"] == me.id:
            return  # our own replies come back as events too
        await webex.messages.create(
            room_id=message["roomId"],
            parent_id=message.get("parentId") or message["id"],
            text=f"Echo: {message.get('text', '')}",
        )

    webex.messages.on("created", on_message)
    await webex.messages.listen()
    print(f"{me.display_name} is listening")


async def against_webex(token: str) -> None:
    async with Webex.init(credentials={"access_token": token}) as webex:
        await start_bot(webex)
        await asyncio.Event().wait()  # until Ctrl-C


async def against_emulator() -> None:
    from webex_meetings.emulator import Emulator

    async with Emulator() as emulator:
        config: dict[str, Any] = {"services": {"discovery": {"u2c": emulator.u2c_url}}}
        alice_user = await emulator.create_user(display_name="Alice", email="alice@example.com")
        bot_creds = {"access_token": emulator.access_token}
        alice_creds = {"access_token": alice_user["accessToken"]}
        async with (
            Webex.init(credentials=bot_creds, config=config) as bot,
            Webex.init(credentials=alice_creds, config=config) as alice,
        ):
            await start_bot(bot)
            room = await alice.rooms.create(title="Bot demo")
            await alice.memberships.create(room_id=room.id, person_id=emulator.person_id)
            await alice.messages.listen()  # Alice waits for the answer the same way
            reply = asyncio.ensure_future(
                alice.messages.wait_for(
                    "created",
                    timeout=30,
                    check=lambda event: event["data"]["personId"] == emulator.person_id,
                )
            )
            await alice.messages.create(room_id=room.id, text="hello bot")
            print(f"bot replied: {(await reply)['data']['text']}")


if __name__ == "__main__":
    token = os.environ.get("WEBEX_ACCESS_TOKEN")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how the real bot stops
        asyncio.run(against_webex(token) if token else against_emulator())
