"""pytest fixtures that run the Webex cloud emulator for the test session.

This module is registered through the ``pytest11`` entry point of ``webex-meetings``, so
pytest loads it in every project that installs the package, even without the
``[emulator]`` extra. It therefore imports nothing heavy at module level: starlette and
uvicorn are imported inside the fixtures, and only when a test asks for one.

Fixtures:
    webex_emulator_server: session scope. One :class:`~webex_meetings.emulator.ThreadedEmulator`
        on ``127.0.0.1`` with a free port, running on its own thread and event loop.
    webex_emulator: function scope. The session server, reset to its seeded state
        (default user and tokens, no faults, empty request log) before the test.

Example::

    import httpx

    def test_me(webex_emulator):
        response = httpx.get(
            f"{webex_emulator.hydra_url}/people/me",
            headers={"Authorization": f"Bearer {webex_emulator.access_token}"},
        )
        assert response.json()["emails"] == [webex_emulator.person_email]

    async def test_sdk(webex_emulator):
        config = {"services": {"discovery": {"u2c": webex_emulator.u2c_url}}}
        ...  # Webex.init(credentials=webex_emulator.access_token, config=config)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .server import ThreadedEmulator


@pytest.fixture(scope="session")
def webex_emulator_server() -> Iterator[ThreadedEmulator]:
    """Run one emulator for the whole test session.

    Yields:
        The running threaded emulator.
    """
    # Imported here so that loading this plugin never needs the [emulator] extra.
    from .server import ThreadedEmulator

    with ThreadedEmulator() as emulator:
        yield emulator


@pytest.fixture
def webex_emulator(webex_emulator_server: ThreadedEmulator) -> ThreadedEmulator:
    """Give a test the session emulator, freshly reset to its seeded state.

    Returns:
        The running threaded emulator.
    """
    webex_emulator_server.reset()
    return webex_emulator_server
