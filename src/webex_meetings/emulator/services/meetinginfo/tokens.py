"""Permission tokens: unsigned but well-formed JWTs whose ``exp``/``iat`` are milliseconds.

The SDK decodes the token without verifying it and reads ``exp``, ``iat`` and
``permission.userPolicies`` (meeting-info protocol). Locus accepts only tokens this
emulator issued, for the same meeting and person, and not yet expired.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from ...core.ids import new_uuid

#: ``permission.userPolicies`` of every token (names from the SDK's ``SELF_POLICY``).
USER_POLICIES: dict[str, bool] = {
    "enforceVirtualBackground": False,
    "supportLocalRecord": True,
    "supportNetworkBasedRecord": True,
    "supportRealtimeCloseCaption": True,
    "supportChat": True,
    "supportDesktopShareRemote": True,
    "supportDesktopShare": True,
    "supportWhiteboard": True,
    "supportFileTransfer": True,
    "supportAppShare": True,
    "supportCameraShare": True,
    "supportFileShare": True,
    "supportAnnotation": True,
    "supportBroadcastMessage": True,
    "supportVideo": True,
    "supportHQV": True,
    "supportHDV": True,
    "supportParticipantList": True,
    "supportVoIP": True,
    "supportPollingAndQA": True,
}


def _b64(value: dict[str, Any]) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_payload(token: str) -> dict[str, Any] | None:
    """Return the claims of a JWT without verifying it, or None when malformed."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except ValueError:
        return None
    return claims if isinstance(claims, dict) else None


@dataclass(frozen=True)
class IssuedToken:
    """A permission token this emulator handed out."""

    token: str
    room_id: str
    person_uuid: str
    issued_ms: int
    expires_ms: int


class PermissionTokens:
    """Mints permission tokens and remembers them for Locus to check."""

    def __init__(self) -> None:
        """Start with no tokens."""
        self._issued: dict[str, IssuedToken] = {}

    def mint(self, room_id: str, person_uuid: str, now: float, ttl: int) -> IssuedToken:
        """Issue a token for one person and meeting.

        Args:
            room_id: The meeting's uuid.
            person_uuid: Whom the token is for.
            now: Current time, epoch seconds.
            ttl: Lifetime in seconds.
        """
        issued_ms = int(now * 1000)
        expires_ms = issued_ms + ttl * 1000
        claims = {
            "iss": "wbxappapi",
            "sub": person_uuid,
            "jti": new_uuid(),
            "iat": issued_ms,
            "exp": expires_ms,
            "meetingUUID": room_id,
            "permission": {"userPolicies": dict(USER_POLICIES)},
        }
        # "alg": "none" with an empty signature is the RFC 7519 unsecured JWT.
        token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
        issued = IssuedToken(token, room_id, person_uuid, issued_ms, expires_ms)
        self._issued[token] = issued
        return issued

    def find(self, token: str, room_id: str, person_uuid: str) -> IssuedToken | None:
        """Return the issued token if it was minted for this meeting and person."""
        issued = self._issued.get(token)
        if issued is None or issued.room_id != room_id or issued.person_uuid != person_uuid:
            return None
        return issued

    def valid(self, token: str, room_id: str, person_uuid: str, now: float) -> bool:
        """Return True when the token is ours, for this meeting and person, and unexpired."""
        issued = self.find(token, room_id, person_uuid)
        return issued is not None and issued.expires_ms > int(now * 1000)
