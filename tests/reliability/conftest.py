"""Fixtures of the reliability suite; the soak test is collected only with ``WEBEX_SOAK=1``.

The soak runs for minutes, so it is opt-in through its own nox session (``nox -s soak``)
rather than skipped: without the variable pytest never even imports it.
"""

from __future__ import annotations

import os

# The emulator on loopback and SDK cores bound to it, shared with the integration tests.
from ..integration.conftest import connect, emulator

__all__ = ["connect", "emulator"]

collect_ignore = [] if os.environ.get("WEBEX_SOAK") == "1" else ["test_soak.py"]
