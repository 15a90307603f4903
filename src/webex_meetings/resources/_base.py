"""The base of every REST resource: one client reference and the shared request verbs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from webex_meetings._http import NOT_GIVEN, NotGiven, RequestOptions

if TYPE_CHECKING:
    from webex_meetings._client import Webex

__all__ = ["APIResource", "require_id"]

M = TypeVar("M", bound=BaseModel)


def require_id(name: str, value: str) -> str:
    """Return ``value``, or raise before any I/O when a path id is empty.

    Raises:
        ValueError: naming the parameter.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


class APIResource:
    """A group of REST operations on one service (``hydra`` unless said otherwise)."""

    service: str = "hydra"

    def __init__(self, client: Webex) -> None:
        self._client = client

    async def _request(
        self,
        method: str,
        resource: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | NotGiven | None = NOT_GIVEN,
    ) -> Any:
        options = RequestOptions(
            method=method,
            service=self.service,
            resource=resource,
            params=params,
            json=json,
            headers=dict(headers or {}),
            timeout=timeout,
        )
        return await self._client.transport.request_json(options)

    async def _get_model(self, resource: str, model: type[M], **kwargs: Any) -> M:
        return model.model_validate(await self._request("GET", resource, **kwargs))
