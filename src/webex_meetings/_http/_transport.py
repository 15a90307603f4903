"""The one HTTP transport of a Webex core: headers, retries, error mapping, concurrency.

Request flow: resolve the URL (catalog) → build the ``httpx.Request`` once (tracking
id, user agent) → take a concurrency slot → send through the auth flow (token, one
refresh on 401) → release the slot → on a retryable failure sleep *without* a slot
and go again → map a final error response to the error tree.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from webex_meetings._backoff import ExponentialBackoff
from webex_meetings._exceptions import APIConnectionError, APITimeoutError
from webex_meetings._http._auth import NO_AUTH
from webex_meetings._http._errors import error_from_response, safe_url
from webex_meetings._http._options import NOT_GIVEN, RequestOptions
from webex_meetings._http._retry import RetryPolicy
from webex_meetings._logging import get_logger

__all__ = ["TrackingIds", "Transport"]

logger = get_logger(__name__)

UrlResolver = Callable[[str, str], Awaitable[str]]


class TrackingIds:
    """``trackingid`` values: ``<prefix>_<base or uuid>[_<suffix>]_<n>`` (http.md §1)."""

    def __init__(self, prefix: str, base: str | None = None, suffix: str = "") -> None:
        session = f"{prefix}_{base or uuid.uuid4()}"
        self.session_id = f"{session}_{suffix}" if suffix else session
        self._counter = itertools.count(1)

    def next(self) -> str:
        """The next tracking id of this session."""
        return f"{self.session_id}_{next(self._counter)}"


class Transport:
    """Sends :class:`RequestOptions` and returns successful ``httpx.Response`` objects.

    Args:
        client: the ``httpx.AsyncClient`` to send with (closed by :meth:`aclose` only
            when ``owns_client``).
        auth: the auth flow that adds the token and refreshes on 401.
        retry: the retry policy (per-call ``max_retries`` overrides its count).
        resolve: coroutine mapping ``(service, resource)`` to an absolute URL.
        tracking: the tracking-id generator.
        user_agent: value of ``user-agent``; ``spark_user_agent`` of ``spark-user-agent``.
        max_concurrency: requests in flight at once (sleeping retries hold no slot).
        timeout: default per-request timeout in seconds.
    """

    def __init__(
        self,
        *,
        client: httpx.AsyncClient,
        owns_client: bool,
        auth: httpx.Auth,
        retry: RetryPolicy,
        resolve: UrlResolver,
        tracking: TrackingIds,
        user_agent: str,
        spark_user_agent: str,
        max_concurrency: int = 64,
        timeout: float | None = 30.0,
    ) -> None:
        self._client = client
        self._owns_client = owns_client
        self._auth = auth
        self._retry = retry
        self._resolve = resolve
        self.tracking = tracking
        self._headers = {
            "user-agent": user_agent,
            "spark-user-agent": spark_user_agent,
            "accept": "application/json",
        }
        if owns_client:
            # Our own client sends these by default, which saves merging them into
            # every request; a caller's client keeps its defaults untouched.
            client.headers.update(self._headers)
            self._headers = {}
        self._slots = asyncio.Semaphore(max_concurrency)
        self._timeout = timeout
        self._default_timeout = httpx.Timeout(timeout)
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    @property
    def client(self) -> httpx.AsyncClient:
        """The underlying ``httpx.AsyncClient``."""
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP client if this transport created it."""
        if self._owns_client:
            await self._client.aclose()

    async def build(self, options: RequestOptions) -> httpx.Request:
        """Resolve the URL and build the request (headers included) once."""
        url = options.url
        if url is None:
            assert options.service is not None
            url = await self._resolve(options.service, options.resource)
        headers = {**self._headers, "trackingid": self.tracking.next(), **options.headers}
        timeout = (
            self._default_timeout
            if options.timeout is NOT_GIVEN
            else httpx.Timeout(options.timeout)
        )
        request = self._client.build_request(
            options.method.upper(),
            url,
            params=options.clean_params(),
            json=options.json,
            data=options.data,
            files=options.files,
            headers=headers,
            timeout=timeout,
            extensions=None if options.auth else {NO_AUTH: True},
        )
        return request

    async def request(self, options: RequestOptions) -> httpx.Response:
        """Send with retries; return the response of a successful attempt.

        Raises:
            APIStatusError: (a subclass of) for a final status >= 400.
            APIConnectionError: no response after the allowed retries.
            APITimeoutError: the last attempt timed out.
        """
        request = await self.build(options)
        max_retries = (
            self._retry.max_retries if options.max_retries is NOT_GIVEN else options.max_retries
        )
        backoff: ExponentialBackoff | None = None
        slept = 0.0
        for attempt in itertools.count():
            response: httpx.Response | None = None
            error: httpx.TransportError | None = None
            # Checked per attempt: formatting the URL for a log line nobody reads is
            # a measurable part of a request's cost.
            debug = logger.isEnabledFor(logging.DEBUG)
            started = time.monotonic() if debug else 0.0
            try:
                async with self._slots:
                    response = await self._client.send(request, auth=self._auth)
            except httpx.TransportError as exc:
                error = exc
                if debug:
                    logger.debug(
                        "%s %s failed: %s (trackingid %s)",
                        request.method,
                        safe_url(request.url),
                        type(exc).__name__,
                        request.headers.get("trackingid"),
                    )
            else:
                if debug:
                    logger.debug(
                        "%s %s -> %d in %.0f ms (trackingid %s)",
                        request.method,
                        safe_url(request.url),
                        response.status_code,
                        (time.monotonic() - started) * 1000,
                        request.headers.get("trackingid"),
                    )
                if response.status_code < 400:
                    return response
            if backoff is None:
                backoff = self._retry.new_backoff()
            decision = self._retry.decide(
                attempt=attempt,
                max_retries=max_retries,
                slept=slept,
                idempotent=options.is_idempotent,
                backoff=backoff,
                response=response,
                error=error,
            )
            if not decision.retry:
                if response is not None:
                    raise error_from_response(response)
                assert error is not None
                raise self._connection_error(request, error, decision.reason) from error
            logger.warning(
                "%s %s: %s; retry %d/%d in %.2fs",
                request.method,
                safe_url(request.url),
                f"status {response.status_code}" if response is not None else type(error).__name__,
                attempt + 1,
                max_retries,
                decision.delay,
            )
            # Sleep outside the concurrency slot so waiting retries never starve
            # requests that could go now.
            await self.sleep(decision.delay)
            slept += decision.delay
        raise AssertionError("unreachable")  # pragma: no cover

    async def request_json(self, options: RequestOptions) -> Any:
        """Send and decode the JSON body (``None`` for an empty body such as 204)."""
        response = await self.request(options)
        if not response.content:
            return None
        return response.json()

    @staticmethod
    def _connection_error(
        request: httpx.Request, error: httpx.TransportError, reason: str
    ) -> APIConnectionError:
        cls = APITimeoutError if isinstance(error, httpx.TimeoutException) else APIConnectionError
        url = safe_url(request.url)
        detail = str(error) or type(error).__name__
        return cls(f"{request.method} {url}: {detail} ({reason})", method=request.method, url=url)
