"""The httpx auth flow: bearer header where it belongs, and refresh-once-on-401."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Generator
from typing import Protocol

import httpx

from webex_meetings._logging import get_logger
from webex_meetings.credentials.token import Token

__all__ = ["NO_AUTH", "TokenSource", "WebexAuth"]

logger = get_logger(__name__)

# Request extension that tells the flow to leave the request alone (token endpoint,
# pre-auth catalog).
NO_AUTH = "webex_no_auth"


class TokenSource(Protocol):
    """What the auth flow needs from the credentials object."""

    async def get_user_token(self) -> Token:
        """Return a valid token, refreshing it first if it is about to expire."""
        ...

    async def refresh(self, failed: Token | None = None) -> Token:
        """Refresh once for all concurrent callers that saw ``failed`` rejected."""
        ...

    @property
    def can_refresh(self) -> bool:
        """Whether a refresh is possible at all."""
        ...


class WebexAuth(httpx.Auth):
    """Adds ``Authorization`` to catalog/allowed-domain URLs; refreshes once on 401.

    Concurrent requests that all get a 401 for the same token trigger one refresh:
    the credentials object compares the rejected token with its current one under a
    lock, and only the first caller goes to the token endpoint.
    """

    def __init__(
        self,
        credentials: TokenSource,
        should_authorize: Callable[[httpx.URL], bool],
        *,
        max_replays: int = 1,
    ) -> None:
        self._credentials = credentials
        self._should_authorize = should_authorize
        self._max_replays = max_replays

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError("webex_meetings is async-only; use httpx.AsyncClient")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if request.extensions.get(NO_AUTH) or not self._should_authorize(request.url):
            # Untrusted host or a request that carries its own auth (token endpoint).
            yield request
            return
        token = await self._credentials.get_user_token()
        request.headers["authorization"] = token.authorization
        response = yield request
        replays = 0
        while (
            response.status_code == 401
            and replays < self._max_replays
            and self._credentials.can_refresh
        ):
            replays += 1
            logger.info(
                "401 from %s %s; refreshing the access token", request.method, request.url.path
            )
            token = await self._credentials.refresh(failed=token)
            request.headers["authorization"] = token.authorization
            response = yield request
