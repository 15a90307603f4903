"""The Token value object: access/refresh token, expiry, scope, and the org id it encodes."""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from webex_meetings._exceptions import CredentialsError
from webex_meetings._logging import register_secret

__all__ = ["Token", "org_id_from_token"]


@dataclass(frozen=True)
class Token:
    """One OAuth token as the JS SDK's ``Token`` holds it.

    The secret parts never appear in ``repr()``/``str()``; use :attr:`authorization`
    to build a header.

    Attributes:
        access_token: the bearer token.
        token_type: the scheme, ``Bearer`` unless the server said otherwise.
        expires: expiry as a Unix timestamp in seconds, when known.
        refresh_token: the refresh token, when the grant gave one.
        refresh_token_expires: the refresh token's expiry (Unix seconds), when known.
        scope: space-separated scopes, sorted (as the JS SDK stores them).
    """

    access_token: str = field(repr=False)
    token_type: str = "Bearer"  # noqa: S105 - a scheme name, not a secret
    expires: float | None = None
    refresh_token: str | None = field(default=None, repr=False)
    refresh_token_expires: float | None = None
    scope: str | None = None

    def __post_init__(self) -> None:
        if not self.access_token or any(c.isspace() for c in self.access_token):
            raise CredentialsError("access token is empty or contains whitespace")
        register_secret(self.access_token)
        register_secret(self.refresh_token)

    @classmethod
    def parse(cls, value: str | Mapping[str, Any], *, now: float | None = None) -> Token:
        """Build a token from the JS SDK's accepted shapes.

        Accepts a plain token string, ``"Bearer <token>"``, or a mapping with
        ``access_token`` (and optionally ``token_type``, ``expires`` in ms,
        ``expires_in`` in seconds, ``refresh_token``, ``refresh_token_expires_in``,
        ``scope``), or the same under ``supertoken`` / ``authorization``.

        Raises:
            CredentialsError: no access token can be found in ``value``.
        """
        now = time.time() if now is None else now
        if isinstance(value, str):
            scheme, access = _split_scheme(value)
            return cls(access_token=access, token_type=scheme)
        for nested in ("supertoken", "authorization"):
            inner = value.get(nested)
            if isinstance(inner, Mapping | str):
                return cls.parse(inner, now=now)
        raw = value.get("access_token")
        if not isinstance(raw, str) or not raw.strip():
            raise CredentialsError(
                "credentials need an 'access_token' (a string, or a mapping with that key)"
            )
        token_type, access = _split_scheme(raw)
        token_type = str(value.get("token_type") or token_type)
        scope = value.get("scope")
        return cls(
            access_token=access,
            token_type=token_type,
            expires=_expiry(value.get("expires"), value.get("expires_in"), now),
            refresh_token=value.get("refresh_token") or None,
            refresh_token_expires=_expiry(
                value.get("refresh_token_expires"), value.get("refresh_token_expires_in"), now
            ),
            scope=" ".join(sorted(str(scope).split())) if scope else None,
        )

    @property
    def authorization(self) -> str:
        """The ``Authorization`` header value, e.g. ``Bearer abc``."""
        return f"{self.token_type} {self.access_token}"

    def expires_in(self, now: float | None = None) -> float | None:
        """Seconds until expiry (negative once expired), or ``None`` when unknown."""
        if self.expires is None:
            return None
        return self.expires - (time.time() if now is None else now)

    @property
    def is_expired(self) -> bool:
        """True once the known expiry has passed."""
        remaining = self.expires_in()
        return remaining is not None and remaining <= 0

    @property
    def can_refresh(self) -> bool:
        """True when a refresh token is held and not known to be expired."""
        if not self.refresh_token:
            return False
        return self.refresh_token_expires is None or self.refresh_token_expires > time.time()

    @property
    def org_id(self) -> str | None:
        """The org id encoded in the token (JWT ``realm`` or ``<a>_<b>_<orgId>``)."""
        return org_id_from_token(self.access_token)

    @property
    def is_unverified_guest(self) -> bool:
        """True for a guest JWT (claim ``user_type == "guest"``)."""
        claims = _jwt_claims(self.access_token)
        return bool(claims and claims.get("user_type") == "guest")

    def to_storage(self) -> dict[str, Any]:
        """The JSON form kept by the bounded storage adapter (and only there)."""
        return {
            "access_token": self.access_token,
            "token_type": self.token_type,
            "expires": None if self.expires is None else int(self.expires * 1000),
            "refresh_token": self.refresh_token,
            "refresh_token_expires": (
                None
                if self.refresh_token_expires is None
                else int(self.refresh_token_expires * 1000)
            ),
            "scope": self.scope,
        }

    def __str__(self) -> str:
        return repr(self)


def _split_scheme(raw: str) -> tuple[str, str]:
    """Split ``"Bearer xyz"`` into (scheme, token); a bare token gets ``Bearer``."""
    parts = raw.strip().split()
    if len(parts) == 2 and parts[0].lower() == "bearer":
        return "Bearer", parts[1]
    if len(parts) != 1:
        raise CredentialsError("access token must be a single word, optionally after 'Bearer'")
    return "Bearer", parts[0]


def _expiry(expires_ms: Any, expires_in: Any, now: float) -> float | None:
    """Absolute expiry in seconds from JS ``expires`` (ms epoch) or ``expires_in`` (s)."""
    if isinstance(expires_ms, int | float) and expires_ms > 0:
        return float(expires_ms) / 1000.0
    if isinstance(expires_in, int | float | str):
        try:
            return now + float(expires_in)
        except ValueError:
            return None
    return None


def _jwt_claims(token: str) -> dict[str, Any] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return claims if isinstance(claims, dict) else None


def org_id_from_token(token: str) -> str | None:
    """Derive the org id the way the JS SDK does (``Credentials.getOrgId``).

    A JWT's ``realm`` claim wins; otherwise a token of exactly three ``_``-separated
    parts carries the org id in its third part. Anything else has no org id.
    """
    claims = _jwt_claims(token)
    if claims is not None:
        realm = claims.get("realm")
        return realm if isinstance(realm, str) and realm else None
    parts = token.split("_")
    if len(parts) == 3 and parts[2]:
        return parts[2]
    return None
