"""The emulated site is a converged site: warning 1001 and the attributes it ignores.

The Meetings guide (Warnings): when a meeting is created or updated on a converged site,
``publicMeeting``, ``entryAndExitTone``, ``audioConnectionType``,
``meetingOptions.enabledPolling``, ``meetingOptions.enabledNote``,
``meetingOptions.noteType`` and ``meetingOptions.enabledUCFRichMedia`` are not
supported, so the response may differ from the request, and the call answers with a
``Warning`` header carrying code 1001.
"""

from __future__ import annotations

import copy
from typing import Any

#: Code of "Unsupported attributes on a converged site."
CONVERGED_SITE_WARNING = 1001

#: The unsupported attributes, as (parent object or None, attribute).
_UNSUPPORTED: tuple[tuple[str | None, str], ...] = (
    (None, "publicMeeting"),
    ("audioConnectionOptions", "entryAndExitTone"),
    ("audioConnectionOptions", "audioConnectionType"),
    ("meetingOptions", "enabledPolling"),
    ("meetingOptions", "enabledNote"),
    ("meetingOptions", "noteType"),
    ("meetingOptions", "enabledUCFRichMedia"),
)


def strip_unsupported(body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Drop the attributes a converged site ignores from a create/update body.

    Returns:
        The body without them, and their dotted names in the order of the guide.
    """
    out = copy.deepcopy(body)
    ignored: list[str] = []
    for parent, name in _UNSUPPORTED:
        holder = out if parent is None else out.get(parent)
        if isinstance(holder, dict) and name in holder:
            del holder[name]
            ignored.append(name if parent is None else f"{parent}.{name}")
    return out, ignored
