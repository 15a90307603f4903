"""Fixtures of the reliability suite; the soak test is collected only with ``WEBEX_SOAK=1``.

The soak runs for minutes, so it is opt-in through its own nox session (``nox -s soak``)
rather than skipped: without the variable a run of the suite does not even import it
(and naming the file on the command line collects nothing, see the module).
"""

from __future__ import annotations

import os
from pathlib import Path

# The emulator on loopback and SDK cores bound to it, shared with the integration tests.
from ..integration.conftest import connect, emulator

__all__ = ["connect", "emulator"]

SOAK = os.environ.get("WEBEX_SOAK") == "1"


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """Leave the soak module out unless ``WEBEX_SOAK=1``, even when named on the command line."""
    if collection_path.name == "test_soak.py" and not SOAK:
        return True
    return None
