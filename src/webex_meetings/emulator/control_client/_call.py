"""A control-API call as data: the request, the parser of its answer, an optional next call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")

#: Path prefix of every control route.
PREFIX = "/_emulator"


class ControlAPIError(RuntimeError):
    """The control API rejected a helper call (bad arguments, unknown user or token)."""

    def __init__(self, status_code: int, message: str) -> None:
        """Create the error from the response status and the body's message."""
        super().__init__(f"{status_code}: {message}")
        self.status_code = status_code


@dataclass(frozen=True)
class ControlCall(Generic[T]):
    """One control-API request and the parser of its JSON answer.

    A sender sends the request and reads the answer with :meth:`result`; when ``then``
    is set, it sends the call ``then`` builds from that answer next, and returns the
    answer of the last call.
    """

    method: str
    path: str
    parse: Callable[[Any], T]
    json: Any = None
    params: dict[str, str] = field(default_factory=dict)
    then: Callable[[T], ControlCall[T]] | None = None

    def result(self, response: httpx.Response) -> T:
        """Return the parsed answer, or raise :class:`ControlAPIError`."""
        if response.is_error:
            try:
                message = str(response.json().get("message", response.text))
            except ValueError:
                message = response.text
            raise ControlAPIError(response.status_code, message)
        return self.parse(response.json())


def items(body: Any) -> list[dict[str, Any]]:
    """Parse an ``{"items": [...]}`` answer."""
    return list(body["items"])


def same(body: Any) -> dict[str, Any]:
    """Parse an answer that is returned as it is."""
    return dict(body)


def nothing(body: Any) -> None:
    """Parse an answer whose content the helper does not return."""
    return None


def int_of(key: str) -> Callable[[Any], int]:
    """Parse the integer at ``key`` of an answer."""
    return lambda body: int(body[key])


def str_of(key: str) -> Callable[[Any], str]:
    """Parse the string at ``key`` of an answer."""
    return lambda body: str(body[key])


def drop_none(values: dict[str, Any]) -> dict[str, Any]:
    """Leave out the unset (None) values, so the emulator applies its defaults."""
    return {key: value for key, value in values.items() if value is not None}
