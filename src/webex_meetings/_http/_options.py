"""The immutable per-request options object and the ``NOT_GIVEN`` sentinel."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal

__all__ = ["IDEMPOTENT_METHODS", "NOT_GIVEN", "NotGiven", "RequestOptions"]

IDEMPOTENT_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


class NotGiven(enum.Enum):
    """Sentinel type: "use the client default", as distinct from an explicit ``None``."""

    NOT_GIVEN = enum.auto()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven.NOT_GIVEN


@dataclass(frozen=True)
class RequestOptions:
    """Everything one request needs; resources build these, the transport sends them.

    Either ``url`` (absolute) or ``service`` + ``resource`` (resolved through the U2C
    catalog) addresses the request.

    Attributes:
        method: HTTP method, upper case.
        service: catalog service name (``hydra``, ``wdm``, ``locus``...).
        resource: path below the service URL, e.g. ``people/me``.
        url: absolute URL; wins over ``service``/``resource``.
        params: query parameters; ``None`` values are dropped.
        json: JSON body.
        data: form body (the text fields of a ``multipart/form-data`` body with ``files``).
        files: ``multipart/form-data`` file parts, as ``httpx`` takes them.
        headers: extra request headers.
        timeout: seconds for this request, or ``NOT_GIVEN`` for the client default.
        max_retries: retries for this request, or ``NOT_GIVEN`` for the client default.
        auth: send the user's token (when the URL is a catalog or allowed-domain URL).
        idempotent: override the method-based idempotency used to decide retries.
    """

    method: str
    service: str | None = None
    resource: str = ""
    url: str | None = None
    params: Mapping[str, Any] | None = None
    json: Any = None
    data: Mapping[str, Any] | None = None
    files: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: float | NotGiven | None = NOT_GIVEN
    max_retries: int | NotGiven = NOT_GIVEN
    auth: bool = True
    idempotent: bool | None = None

    def __post_init__(self) -> None:
        if self.url is None and not self.service:
            raise ValueError("a request needs a url or a service name")

    @property
    def is_idempotent(self) -> bool:
        """Whether replaying the request cannot duplicate an effect on the server."""
        if self.idempotent is not None:
            return self.idempotent
        return self.method.upper() in IDEMPOTENT_METHODS

    def with_changes(self, **changes: Any) -> RequestOptions:
        """Return a copy with some fields replaced."""
        return replace(self, **changes)

    def clean_params(self) -> dict[str, Any] | None:
        """Query parameters without ``None``/``NOT_GIVEN`` values; booleans as JSON."""
        if not self.params:
            return None
        out: dict[str, Any] = {}
        for key, value in self.params.items():
            if value is None or value is NOT_GIVEN:
                continue
            out[key] = ("true" if value else "false") if isinstance(value, bool) else value
        return out
