"""OAuth clients and tokens: issuing, validating, refreshing and expiring them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection

from .errors import OAuthError, UnauthorizedError
from .ids import new_token
from .state import Backend, backend_of

#: Lifetimes Webex gives integration tokens: 14 days (access) and 90 days (refresh).
ACCESS_TOKEN_LIFETIME = 14 * 24 * 3600
REFRESH_TOKEN_LIFETIME = 90 * 24 * 3600

#: Scope of issued tokens. Without ``spark:kms`` the JS SDK never tries to downscope
#: (JS SDK HTTP pipeline), which this emulator does not implement.
DEFAULT_SCOPE = "spark:all"


@dataclass(frozen=True)
class OAuthClient:
    """An OAuth integration allowed to refresh tokens."""

    client_id: str
    client_secret: str


@dataclass
class AccessToken:
    """An issued access token and whom it belongs to."""

    token: str
    person_uuid: str
    org_uuid: str
    client_id: str
    scope: str
    expires_at: float
    """Epoch seconds; the token is rejected from this instant on."""


@dataclass
class RefreshToken:
    """An issued refresh token; single use, it rotates on every refresh."""

    token: str
    person_uuid: str
    org_uuid: str
    client_id: str
    scope: str
    expires_at: float
    access_lifetime: int
    """Lifetime in seconds of the access tokens this grant mints."""
    access_token: str
    """The access token issued together with this one, revoked when it is used."""


@dataclass(frozen=True)
class TokenPair:
    """An access token and its refresh token, as one grant returns them."""

    access: AccessToken
    refresh: RefreshToken

    def oauth_json(self, now: float) -> dict[str, Any]:
        """Render the RFC 6749 token response idbroker sends.

        Args:
            now: Current time, epoch seconds.
        """
        return {
            "access_token": self.access.token,
            "token_type": "Bearer",
            "expires_in": _remaining(self.access.expires_at, now),
            "refresh_token": self.refresh.token,
            "refresh_token_expires_in": _remaining(self.refresh.expires_at, now),
            "scope": self.access.scope,
        }


def _remaining(expires_at: float, now: float) -> int:
    return max(0, math.ceil(expires_at - now))


class TokenStore(Backend):
    """All OAuth clients and tokens of the emulator.

    Not implemented: scope reduction, authorization-code and JWT grants.
    """

    def reset(self) -> None:
        """Restore the seeded client and the seeded user's token pair."""
        seed = self.state.seed
        self.clients: dict[str, OAuthClient] = {
            seed.client_id: OAuthClient(seed.client_id, seed.client_secret)
        }
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.issue(
            seed.person_uuid,
            seed.org_uuid,
            access_token=seed.access_token,
            refresh_token=seed.refresh_token,
        )

    @property
    def default_client(self) -> OAuthClient:
        """The seeded OAuth client."""
        return self.clients[self.state.seed.client_id]

    def issue(
        self,
        person_uuid: str,
        org_uuid: str,
        *,
        client_id: str | None = None,
        expires_in: int | None = None,
        access_token: str | None = None,
        refresh_token: str | None = None,
    ) -> TokenPair:
        """Issue a new access and refresh token for a person.

        Args:
            person_uuid: Owner of the tokens.
            org_uuid: The owner's org, embedded in the token strings.
            client_id: OAuth client that may refresh them; the seeded one by default.
            expires_in: Access-token lifetime in seconds (0 = already expired); also the
                lifetime of tokens later minted by refreshing.
            access_token: Fixed token string (used for the seed); random by default.
            refresh_token: Fixed refresh-token string; random by default.
        """
        now = self.state.clock()
        lifetime = ACCESS_TOKEN_LIFETIME if expires_in is None else expires_in
        access = AccessToken(
            token=access_token or new_token(org_uuid),
            person_uuid=person_uuid,
            org_uuid=org_uuid,
            client_id=client_id or self.state.seed.client_id,
            scope=DEFAULT_SCOPE,
            expires_at=now + lifetime,
        )
        refresh = RefreshToken(
            token=refresh_token or new_token(org_uuid),
            person_uuid=person_uuid,
            org_uuid=org_uuid,
            client_id=access.client_id,
            scope=access.scope,
            expires_at=now + REFRESH_TOKEN_LIFETIME,
            access_lifetime=lifetime,
            access_token=access.token,
        )
        self.access_tokens[access.token] = access
        self.refresh_tokens[refresh.token] = refresh
        return TokenPair(access, refresh)

    def authenticate(self, authorization: str | None) -> AccessToken:
        """Validate an ``Authorization`` header value.

        Raises:
            UnauthorizedError: The header is missing or not ``Bearer``, or the token is
                unknown or expired.
        """
        if not authorization:
            raise UnauthorizedError("Missing Authorization header.")
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise UnauthorizedError("The Authorization header must be 'Bearer <access token>'.")
        found = self.access_tokens.get(token.strip())
        if found is None:
            raise UnauthorizedError("The access token is not valid.")
        # Expiry is checked on every request so that a token can lapse mid-session.
        if found.expires_at <= self.state.clock():
            raise UnauthorizedError("The access token has expired.")
        return found

    def check_client(self, client_id: str | None, client_secret: str | None) -> OAuthClient:
        """Authenticate an OAuth client.

        Raises:
            OAuthError: ``invalid_client`` (401) for unknown ids or wrong secrets.
        """
        client = self.clients.get(client_id or "")
        if client is None or client.client_secret != client_secret:
            raise OAuthError("invalid_client", "Client authentication failed.", status_code=401)
        return client

    def refresh(self, client: OAuthClient, refresh_token: str) -> TokenPair:
        """Run the ``refresh_token`` grant.

        The refresh token is single use and the access token issued with it stops
        working immediately, so a client that keeps using the old one is caught.

        Raises:
            OAuthError: ``invalid_grant`` for unknown, used, expired or foreign tokens.
        """
        grant = self.refresh_tokens.get(refresh_token)
        if grant is None or grant.client_id != client.client_id:
            raise OAuthError("invalid_grant", "The refresh token is invalid or was already used.")
        if grant.expires_at <= self.state.clock():
            raise OAuthError("invalid_grant", "The refresh token has expired.")
        del self.refresh_tokens[grant.token]
        self.access_tokens.pop(grant.access_token, None)
        return self.issue(
            grant.person_uuid,
            grant.org_uuid,
            client_id=grant.client_id,
            expires_in=grant.access_lifetime,
        )

    def revoke(self, client: OAuthClient, token: str) -> bool:
        """Revoke an access or refresh token of ``client`` (RFC 7009).

        Revoking a refresh token also revokes the access token issued with it. The
        caller answers 200 whatever this returns: RFC 7009 §2.2 treats an unknown token
        as already revoked, and tokens of another client are left alone without saying
        whether they exist.

        Returns:
            True when a token was revoked.
        """
        access = self.access_tokens.get(token)
        if access is not None and access.client_id == client.client_id:
            del self.access_tokens[token]
            return True
        grant = self.refresh_tokens.get(token)
        if grant is not None and grant.client_id == client.client_id:
            del self.refresh_tokens[token]
            self.access_tokens.pop(grant.access_token, None)
            return True
        return False

    def expire(self, access_token: str) -> bool:
        """Make one access token expired now; returns False when it is unknown."""
        found = self.access_tokens.get(access_token)
        if found is None:
            return False
        found.expires_at = min(found.expires_at, self.state.clock())
        return True

    def expire_all(self) -> int:
        """Make every access token expired now; returns how many were still valid."""
        now = self.state.clock()
        valid = [token for token in self.access_tokens.values() if token.expires_at > now]
        for token in valid:
            token.expires_at = now
        return len(valid)

    def valid_count(self) -> int:
        """Return the number of access tokens that are currently accepted."""
        now = self.state.clock()
        return sum(1 for token in self.access_tokens.values() if token.expires_at > now)


def authenticate(connection: HTTPConnection) -> AccessToken:
    """Return the caller's access token, for handlers of authenticated routes.

    Raises:
        UnauthorizedError: See :meth:`TokenStore.authenticate`.
    """
    return backend_of(connection, TokenStore).authenticate(connection.headers.get("authorization"))
