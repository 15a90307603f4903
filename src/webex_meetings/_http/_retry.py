"""Retry policy: which failures are retried, and how long to wait before the next try."""

from __future__ import annotations

import email.utils
import math
import time
from dataclasses import dataclass
from typing import Final

import httpx

from webex_meetings._backoff import ExponentialBackoff

__all__ = ["RetryDecision", "RetryPolicy", "parse_retry_after"]

# 423 (Webex "Locked: temporarily unavailable") and 429 tell us the request was not
# processed, so even a POST may be sent again.
ALWAYS_RETRY_STATUSES: Final = frozenset({423, 429})
# Gateway-class failures: safe to repeat only for idempotent requests, or for any
# request when the server says when to come back (Retry-After).
IDEMPOTENT_RETRY_STATUSES: Final = frozenset({502, 503, 504})


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Parse ``Retry-After`` as delta-seconds or an HTTP date.

    Returns:
        Seconds to wait (never negative), or ``None`` when the header is absent or
        malformed; a malformed value falls back to backoff instead of failing.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass(frozen=True)
class RetryDecision:
    """Whether to retry and after how many seconds."""

    retry: bool
    delay: float = 0.0
    reason: str = ""


@dataclass
class RetryPolicy:
    """Bounded retries with ``Retry-After`` first and jittered backoff otherwise.

    Attributes:
        max_retries: retries after the first attempt.
        max_wait: bound on the total seconds slept across retries of one request.
        backoff_initial: first backoff step in seconds.
        backoff_max: largest backoff step in seconds.
    """

    max_retries: int = 3
    max_wait: float = 60.0
    backoff_initial: float = 0.5
    backoff_max: float = 8.0

    def new_backoff(self) -> ExponentialBackoff:
        """A fresh backoff sequence for one request."""
        return ExponentialBackoff(initial=self.backoff_initial, maximum=self.backoff_max)

    def decide(
        self,
        *,
        attempt: int,
        max_retries: int,
        slept: float,
        idempotent: bool,
        backoff: ExponentialBackoff,
        response: httpx.Response | None = None,
        error: httpx.TransportError | None = None,
    ) -> RetryDecision:
        """Decide about retry number ``attempt + 1`` after a failed attempt."""
        if attempt >= max_retries:
            return RetryDecision(False, reason=f"gave up after {attempt + 1} attempts")
        retry_after: float | None = None
        if response is not None:
            status = response.status_code
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if status in ALWAYS_RETRY_STATUSES:
                pass
            elif status in IDEMPOTENT_RETRY_STATUSES:
                if not idempotent and retry_after is None:
                    return RetryDecision(False, reason="not idempotent and no Retry-After")
            else:
                return RetryDecision(False, reason=f"status {status} is not retried")
        elif error is not None:
            # A failed connect never reached the server, so any method may be retried;
            # a read error or a timeout after sending might have been processed.
            never_sent = isinstance(error, httpx.ConnectError | httpx.ConnectTimeout)
            if not (idempotent or never_sent):
                return RetryDecision(False, reason="not idempotent and possibly processed")
        delay = retry_after if retry_after is not None else backoff.delay()
        if slept + delay > self.max_wait:
            return RetryDecision(
                False, reason=f"waiting {delay:g}s would exceed the {self.max_wait:g}s retry budget"
            )
        return RetryDecision(True, delay=delay)
