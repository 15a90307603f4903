"""Captcha challenges after repeated wrong passwords, one state per (meeting, caller)."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from ...core.ids import new_uuid

#: Wrong passwords in a row after which a captcha is required.
MAX_WRONG_PASSWORDS = 3

_ALPHABET = string.ascii_lowercase + string.digits

Key = tuple[str, str]
"""(meeting uuid, caller's person uuid)."""


@dataclass(frozen=True)
class Captcha:
    """One captcha challenge and the code its image shows."""

    id: str
    code: str
    key: Key


class CaptchaGuard:
    """Counts wrong passwords and holds the pending captcha of each (meeting, caller)."""

    def __init__(self) -> None:
        """Start with no failures and no captchas."""
        self._failures: dict[Key, int] = {}
        self._pending: dict[Key, Captcha] = {}
        self._by_id: dict[str, Captcha] = {}

    def pending(self, key: Key) -> Captcha | None:
        """Return the captcha the caller must solve, if any."""
        return self._pending.get(key)

    def by_id(self, captcha_id: str) -> Captcha | None:
        """Return a still-pending captcha by id."""
        captcha = self._by_id.get(captcha_id)
        return (
            captcha if captcha is not None and self._pending.get(captcha.key) is captcha else None
        )

    def of_meeting(self, room_id: str) -> list[Captcha]:
        """Return the pending captchas of one meeting, newest last."""
        return [captcha for key, captcha in self._pending.items() if key[0] == room_id]

    def issue(self, key: Key) -> Captcha:
        """Replace the caller's captcha with a fresh one."""
        captcha = Captcha(new_uuid(), "".join(secrets.choice(_ALPHABET) for _ in range(6)), key)
        self._pending.pop(key, None)
        self._pending[key] = captcha  # re-inserted so that of_meeting() lists it last
        self._by_id[captcha.id] = captcha
        return captcha

    def wrong_password(self, key: Key) -> bool:
        """Count a wrong password; returns True once a captcha becomes required."""
        count = self._failures.get(key, 0) + 1
        self._failures[key] = count
        return count >= MAX_WRONG_PASSWORDS

    def clear(self, key: Key) -> None:
        """Forget failures and captcha after a successful lookup."""
        self._failures.pop(key, None)
        self._pending.pop(key, None)
