"""The meeting permission token: a JWT from the meeting info that Locus wants at join.

The client never verifies the signature (it cannot; the token is for Locus) and only
reads three things: ``exp`` and ``iat`` (epoch **milliseconds**, sometimes sent as
strings) to know when to refresh, and ``permission.userPolicies`` (what this user may
do in the meeting).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any, Final

from webex_meetings.meetings.errors import ParameterError

__all__ = ["PermissionToken"]

# Below this an ``exp``/``iat`` can only be seconds: 1e11 ms is March 1973, while 1e11 s
# is far in the future. Standard JWTs use seconds; the meetings service uses ms.
_SECONDS_LIMIT: Final = 1e11


def _epoch_ms(value: Any) -> float | None:
    """A claim as epoch milliseconds; ``None`` when absent or not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int | float) or not math.isfinite(value):
        return None
    number = float(value)
    return number * 1000 if 0 < number < _SECONDS_LIMIT else number


@dataclass(frozen=True, repr=False)
class PermissionToken:
    """A decoded permission token.

    Attributes:
        token: the JWT itself, as sent back to Locus (never shown in ``repr``).
        payload: its decoded claims.
        received_at: local epoch seconds when it arrived (for the clock-skew formula).
    """

    token: str = field(repr=False)
    payload: dict[str, Any]
    received_at: float

    @classmethod
    def parse(cls, token: str, *, received_at: float | None = None) -> PermissionToken:
        """Decode ``token`` without verifying it.

        Args:
            token: the compact JWT (``header.payload.signature``).
            received_at: when it arrived (epoch seconds); now by default.

        Raises:
            ParameterError: the token is not a JWT with a JSON object payload. The
                message never contains the token.
        """
        parts = token.split(".") if isinstance(token, str) else []
        if len(parts) < 2 or not parts[1]:
            raise ParameterError("the permission token is not a JWT")
        segment = parts[1]
        try:
            raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
            payload = json.loads(raw)
        except (binascii.Error, ValueError) as exc:
            raise ParameterError("the permission token payload cannot be decoded") from exc
        if not isinstance(payload, dict):
            raise ParameterError("the permission token payload is not a JSON object")
        return cls(token, payload, time.time() if received_at is None else received_at)

    def __repr__(self) -> str:
        return (
            f"PermissionToken(exp={self.expires_at_ms!r}, iat={self.issued_at_ms!r}, "
            f"time_left={self.time_left():.0f}s)"
        )

    @property
    def expires_at_ms(self) -> float | None:
        """``exp`` in epoch milliseconds (server clock), or ``None``."""
        return _epoch_ms(self.payload.get("exp"))

    @property
    def issued_at_ms(self) -> float | None:
        """``iat`` in epoch milliseconds (server clock), or ``None``."""
        return _epoch_ms(self.payload.get("iat"))

    def time_left(self, now: float | None = None) -> float:
        """Seconds until the token expires, corrected for clock skew.

        The server's clock is assumed to have read ``iat`` when the token arrived here,
        so ``time_left = (exp - (now - (received_at - iat))) / 1000`` in milliseconds.
        A token without ``exp`` never expires (``inf``); without ``iat`` no skew
        correction is made.

        Args:
            now: local epoch seconds; the current time by default.
        """
        exp = self.expires_at_ms
        if exp is None:
            return math.inf
        now_ms = (time.time() if now is None else now) * 1000
        iat = self.issued_at_ms
        skew_ms = self.received_at * 1000 - iat if iat is not None else 0.0
        return (exp - (now_ms - skew_ms)) / 1000

    @property
    def user_policies(self) -> dict[str, bool]:
        """``permission.userPolicies``: policy name → allowed (e.g. ``supportVoIP``)."""
        permission = self.payload.get("permission")
        policies = permission.get("userPolicies") if isinstance(permission, dict) else None
        if not isinstance(policies, dict):
            return {}
        return {str(k): v for k, v in policies.items() if isinstance(v, bool)}

    @property
    def enforce_vbg_images_url(self) -> str | None:
        """``permission.enforceVBGImagesURL``, when the org enforces background images."""
        permission = self.payload.get("permission")
        url = permission.get("enforceVBGImagesURL") if isinstance(permission, dict) else None
        return url if isinstance(url, str) else None
