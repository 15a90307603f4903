"""Print who the token belongs to: the smallest useful program.

Run: ``python examples/whoami.py`` (emulator) or with ``WEBEX_ACCESS_TOKEN`` set.
"""

from __future__ import annotations

import asyncio

from _common import connect


async def main() -> None:
    async with connect() as webex:
        me = await webex.people.me()
        print(f"{me.display_name} <{', '.join(me.emails)}> (org {webex.credentials.org_id})")


if __name__ == "__main__":
    asyncio.run(main())
