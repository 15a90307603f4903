"""Exponential backoff with full jitter, shared by REST retries and Mercury reconnects."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["ExponentialBackoff"]


@dataclass
class ExponentialBackoff:
    """Delays that double from ``initial`` up to ``maximum``, each drawn with jitter.

    Full jitter (a uniform draw between half the step and the step) keeps many clients
    that lost the same server from coming back in lock step.

    Attributes:
        initial: the first step, in seconds.
        maximum: the largest step, in seconds.
        attempts: how many delays were handed out since the last reset.
    """

    initial: float = 0.5
    maximum: float = 8.0
    attempts: int = 0
    _rng: random.Random = field(default_factory=random.Random, repr=False)

    def step(self, attempt: int) -> float:
        """Return the un-jittered step for ``attempt`` (0-based)."""
        return float(min(self.maximum, self.initial * (2 ** min(attempt, 30))))

    def delay(self) -> float:
        """Return the next delay in seconds and count the attempt."""
        step = self.step(self.attempts)
        self.attempts += 1
        return self._rng.uniform(step / 2, step)

    def reset(self) -> None:
        """Start again from ``initial`` (after a success)."""
        self.attempts = 0
