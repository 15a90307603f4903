"""The OAuth scopes each Messaging and Meetings REST operation needs.

From the scopes tables of the Meetings overview (user, admin, compliance officer,
group and Guest Issuer levels) and the Integrations scopes table for Messaging
(``spark:<resource>_read`` / ``_write``). Any one level's scopes suffice: a user
token needs ``user``, an admin token ``admin``, and so on. An empty entry means the
source lists no scope for that level; ``note`` says what the source says.

The table ships with the package as ``scopes.tsv`` (one row per operation, the cells
as the documentation words them) and is read on first use; ``SCOPES`` holds every
row, sorted by path.

Example::

    >>> required_scopes("GET", "/meetings/123").user
    ('meeting:schedules_read',)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

__all__ = ["SCOPES", "OperationScopes", "required_scopes"]

_ROLES: Final = ("user", "admin", "compliance", "group", "guest")
_LABELS: Final = {"U": "user", "A": "admin", "C": "compliance", "G": "group", "guest": "guest"}


@dataclass(frozen=True)
class OperationScopes:
    """The scopes of one operation, per kind of caller."""

    method: str
    """HTTP method, upper case."""
    path: str
    """Path template below ``/v1``, e.g. ``/meetings/{meetingId}``."""
    user: tuple[str, ...] = ()
    """Scopes for a user (integration acting for the user)."""
    admin: tuple[str, ...] = ()
    """Scopes for an organisation admin."""
    compliance: tuple[str, ...] = ()
    """Scopes for a compliance officer."""
    group: tuple[str, ...] = ()
    """Scopes for a group-level service app."""
    guest: tuple[str, ...] = ()
    """Scopes for a Guest Issuer token."""
    note: str = ""
    """What the source says beyond the scope names (conditions, "unverified")."""

    @property
    def any(self) -> tuple[str, ...]:
        """Every scope named for any kind of caller."""
        out = self.user + self.admin + self.compliance + self.group + self.guest
        return tuple(dict.fromkeys(out))


def _parse_cell(section: str, method: str, path: str, text: str) -> OperationScopes:
    """One scopes cell (``U: `a`; A: `b` (condition)``) → scopes per kind of caller."""
    found: dict[str, tuple[str, ...]] = {role: () for role in _ROLES}
    notes: list[str] = []
    for segment in (s.strip() for s in text.split(";")):
        match = re.match(r"^(U|A|C|G|guest):\s*(.*)$", segment)
        rest = match.group(2) if match else segment
        names = tuple(re.findall(r"`([^`]+)`", rest))
        extra = re.sub(r"`[^`]+`|\+", "", rest).strip(" ,/")
        if match:
            found[_LABELS[match.group(1)]] += names
            if extra:
                notes.append(extra.strip("() "))
        elif section == "messaging" and names:
            # the Integrations table words the roles inline
            if "admin only" in segment:
                found["admin"] += names
            elif "compliance officer" in segment:
                found["compliance"] += names
            elif "(admin:" in segment:
                found["user"] += names[:1]
                found["admin"] += names[1:]
            else:
                found["user"] += names
            extra = re.sub(r"\(admin only\)|\(compliance officer\)|\(admin:\s*\)", "", extra)
            if extra.strip(" -"):
                notes.append(extra.strip(" -"))
        elif segment.startswith("admin role with"):
            found["admin"] += names
            notes.append("admin role required (tracking-codes page)")
        elif segment.startswith("not in scopes table"):
            notes.append(segment)
        else:
            notes.append(" ".join(segment.replace("`", "").split()))
    note = "; ".join(n for n in notes if n)
    return OperationScopes(method, path, note=note, **found)


def parse_table(text: str) -> tuple[OperationScopes, ...]:
    """Parse the scopes table: tab-separated ``section, method, path, scopes`` rows.

    Rows of an operation listed in both families (Webhooks, People) are merged: the
    scopes of each kind of caller are joined and the first row's note is kept.

    Args:
        text: the table; ``#`` lines and blank lines are skipped.

    Returns:
        One entry per operation, sorted by path then method.
    """
    rows: dict[tuple[str, str], OperationScopes] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        section, method, path, cell = line.split("\t")
        parsed = _parse_cell(section, method, path, cell)
        known = rows.get((method, path))
        if known is not None:
            merged: dict[str, Any] = {
                role: tuple(dict.fromkeys(getattr(known, role) + getattr(parsed, role)))
                for role in _ROLES
            }
            parsed = replace(known, **merged)
        rows[(method, path)] = parsed
    return tuple(rows[key] for key in sorted(rows, key=lambda k: (k[1], k[0])))


@cache
def _table() -> tuple[OperationScopes, ...]:
    text = resources.files("webex_meetings").joinpath("scopes.tsv").read_text(encoding="utf-8")
    return parse_table(text)


if TYPE_CHECKING:
    SCOPES: tuple[OperationScopes, ...]
    """Every operation's scopes, sorted by path then method."""


def __getattr__(name: str) -> Any:
    # ``SCOPES`` is read on first access so that importing the package does not parse
    # the table.
    if name == "SCOPES":
        return _table()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str], OperationScopes], ...]:
    def pattern(path: str) -> re.Pattern[str]:
        template = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))
        return re.compile("^" + template + "$")

    # literal templates (``/people/me``) win over ``/people/{personId}``
    ordered = sorted(_table(), key=lambda s: (s.path.count("{"), -len(s.path)))
    return tuple((s.method, pattern(s.path), s) for s in ordered)


def required_scopes(method: str, path: str) -> OperationScopes:
    """The scopes of the operation ``method path``.

    Args:
        method: HTTP method (any case).
        path: a concrete or template path, with or without the ``https://.../v1``
            prefix and query string, e.g. ``/rooms/Y2lz...`` or ``rooms``.

    Returns:
        The scopes per kind of caller.

    Raises:
        KeyError: not a known Messaging or Meetings operation.
    """
    clean = re.sub(r"^https?://[^/]+", "", path).split("?")[0]
    clean = re.sub(r"^/?v1(?=/|$)", "", clean)
    clean = "/" + clean.strip("/")
    verb = method.upper()
    for candidate, regex, scopes in _patterns():
        if candidate == verb and (scopes.path == clean or regex.match(clean)):
            return scopes
    raise KeyError(f"no scopes known for {verb} {clean}")
