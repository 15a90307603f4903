"""Loading aiortc on first use, with one clear error when it cannot be imported.

``import webex_meetings`` must not import aiortc (it pulls in PyAV, OpenSSL bindings
and codecs: hundreds of milliseconds). Every media entry point calls
:func:`require_aiortc` before it touches a peer connection.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from webex_meetings.meetings.errors import MediaError

__all__ = ["require_aiortc"]

_INSTALL_HINT = (
    "Media needs aiortc and PyAV, which could not be imported ({cause}). "
    "Install them with: pip install 'aiortc>=1.9'"
)


def require_aiortc() -> ModuleType:
    """Import and return the ``aiortc`` module.

    Raises:
        MediaError: aiortc (or one of its native dependencies) is not importable.
    """
    try:
        return importlib.import_module("aiortc")
    except ImportError as exc:
        raise MediaError(_INSTALL_HINT.format(cause=exc), error=exc) from exc
