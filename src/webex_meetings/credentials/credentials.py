"""Credentials: holds the supertoken, refreshes it once for all callers, persists it."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from webex_meetings._exceptions import CredentialsError, InvalidRequestError, StorageNotFoundError
from webex_meetings._logging import get_logger, register_secret
from webex_meetings.credentials.grants import refresh_token_grant
from webex_meetings.credentials.token import Token

if TYPE_CHECKING:
    from webex_meetings._http import Transport
    from webex_meetings.storage import Store

__all__ = ["Credentials"]

logger = get_logger(__name__)

NAMESPACE: Final = "Credentials"
KEY: Final = "supertoken"
# Refresh ahead of expiry: within this many seconds, or within the last tenth of the
# token's known lifetime, whichever is larger.
REFRESH_MARGIN: Final = 60.0


class Credentials:
    """The JS SDK's ``webex.credentials``: the supertoken and how to renew it.

    Args:
        token: the token given to ``Webex.init`` (may be ``None`` if storage has one).
        client_id: OAuth client id (needed to refresh).
        client_secret: OAuth client secret (needed to refresh).
        redirect_uri: sent with refresh grants when set.
        token_url: callable returning the token endpoint (the catalog may move it).
        store: the bounded store the token is persisted in.
        on_invalid_request: called when a refresh fails with ``invalid_request``.
    """

    def __init__(
        self,
        *,
        token: Token | None,
        client_id: str | None,
        client_secret: str | None,
        redirect_uri: str | None,
        token_url: Callable[[], str],
        store: Store,
        on_invalid_request: Callable[[], None] | None = None,
    ) -> None:
        self._token = token
        self._origin = _fingerprint(token)
        self._client_id = client_id
        self._client_secret = client_secret
        register_secret(client_secret)
        self._redirect_uri = redirect_uri
        self._token_url = token_url
        self._store = store
        self._on_invalid_request = on_invalid_request
        self._lock = asyncio.Lock()
        self._transport: Transport | None = None
        self.refresh_count = 0

    def bind_transport(self, transport: Transport) -> None:
        """Give the credentials the transport used for grant requests."""
        self._transport = transport

    def __repr__(self) -> str:
        return (
            f"Credentials(can_authorize={self.can_authorize}, can_refresh={self.can_refresh}, "
            f"org_id={self.org_id!r})"
        )

    @property
    def supertoken(self) -> Token | None:
        """The current token, or ``None``."""
        return self._token

    @property
    def org_id(self) -> str | None:
        """The org id encoded in the token, as the JS ``getOrgId``."""
        return self._token.org_id if self._token else None

    @property
    def can_refresh(self) -> bool:
        """True when a refresh token and the OAuth client id/secret are all known."""
        return bool(
            self._token and self._token.can_refresh and self._client_id and self._client_secret
        )

    @property
    def can_authorize(self) -> bool:
        """True when a usable token exists or one can be obtained by refreshing."""
        if self._token is None:
            return False
        return not self._token.is_expired or self.can_refresh

    @property
    def is_unverified_guest(self) -> bool:
        """True for a guest JWT."""
        return bool(self._token and self._token.is_unverified_guest)

    async def load(self) -> None:
        """Restore a newer token from storage if it descends from the one given to init.

        A stored token is used when ``init`` got no token, or when it was stored as the
        refreshed successor of the very token ``init`` got (so a restart does not fall
        back to an expired token and refresh again).
        """
        try:
            record = await self._store.get(NAMESPACE, KEY)
        except StorageNotFoundError:
            return
        if not isinstance(record, dict) or not isinstance(record.get("token"), dict):
            logger.warning("ignoring a stored token record of an unexpected shape")
            return
        if self._token is not None and record.get("origin") != self._origin:
            return
        self._token = Token.parse(record["token"])
        logger.debug("restored the access token from storage")

    async def get_user_token(self) -> Token:
        """Return a usable token, refreshing first when it is about to expire.

        Raises:
            CredentialsError: there is no token.
        """
        token = self._token
        if token is None:
            raise CredentialsError(
                "no access token: pass credentials={'access_token': ...} to Webex.init"
            )
        if self.can_refresh and _needs_refresh(token):
            return await self.refresh(failed=token)
        return token

    async def refresh(self, failed: Token | None = None) -> Token:
        """Refresh the token; concurrent callers share one request.

        Args:
            failed: the token a caller saw rejected. If the current token differs,
                another caller already refreshed and the current token is returned.

        Raises:
            CredentialsError: refreshing is not possible.
            OAuthError: the token endpoint rejected the refresh token.
        """
        async with self._lock:
            current = self._token
            if failed is not None and current is not None and current is not failed:
                return current
            if not self.can_refresh or current is None or current.refresh_token is None:
                raise CredentialsError(
                    "the access token was rejected and cannot be refreshed: configure "
                    "credentials client_id, client_secret and a refresh_token"
                )
            if self._transport is None:
                raise CredentialsError("credentials are not bound to a transport yet")
            assert self._client_id is not None
            assert self._client_secret is not None
            try:
                body = await refresh_token_grant(
                    self._transport,
                    token_url=self._token_url(),
                    client_id=self._client_id,
                    client_secret=self._client_secret,
                    refresh_token=current.refresh_token,
                    redirect_uri=self._redirect_uri,
                )
            except InvalidRequestError:
                self._token = None
                if self._on_invalid_request is not None:
                    self._on_invalid_request()
                raise
            self._token = _successor(current, body)
            self.refresh_count += 1
            logger.info("access token refreshed")
            await self._persist()
            return self._token

    async def set_token(self, token: Token) -> None:
        """Replace the token (and persist it)."""
        async with self._lock:
            self._token = token
            self._origin = _fingerprint(token)
            await self._persist()

    async def invalidate(self) -> None:
        """Forget the token here and in storage."""
        async with self._lock:
            self._token = None
            await self._store.delete(NAMESPACE, KEY)

    async def _persist(self) -> None:
        if self._token is None:
            return
        await self._store.put(
            NAMESPACE, KEY, {"origin": self._origin, "token": self._token.to_storage()}
        )


def _needs_refresh(token: Token) -> bool:
    remaining = token.expires_in()
    return remaining is not None and remaining <= REFRESH_MARGIN


def _successor(old: Token, body: dict[str, Any]) -> Token:
    """The refreshed token; a response without a refresh token keeps the old one."""
    new = Token.parse(body, now=time.time())
    if new.access_token == old.access_token:
        raise CredentialsError("the token endpoint returned the same access token")
    if new.refresh_token is None:
        new = Token(
            access_token=new.access_token,
            token_type=new.token_type,
            expires=new.expires,
            refresh_token=old.refresh_token,
            refresh_token_expires=old.refresh_token_expires,
            scope=new.scope or old.scope,
        )
    register_secret(new.access_token)
    return new


def _fingerprint(token: Token | None) -> str | None:
    """A one-way id of the init token, so storage can tell whose successor it holds."""
    if token is None:
        return None
    return hashlib.sha256(token.access_token.encode()).hexdigest()[:32]
