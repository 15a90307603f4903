"""The base of every REST resource: one client reference and the shared request verbs.

Resources only build :class:`RequestOptions` and parse results; retries, auth and error
mapping live in the transport. The generated resources call the ``_call_*`` and
``_paginate`` helpers below; :func:`body` turns keyword arguments into a JSON body.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
from pydantic import BaseModel

from webex_meetings._http import NOT_GIVEN, NotGiven, RequestOptions
from webex_meetings._http._pagination import AsyncPaginator
from webex_meetings._http._warnings import ApiWarning, log_warnings, parse_warnings
from webex_meetings._logging import get_logger
from webex_meetings.models._base import WebexModel

if TYPE_CHECKING:
    from webex_meetings._client import Webex

__all__ = ["APIResource", "body", "require_id", "to_json"]

M = TypeVar("M", bound=BaseModel)

logger = get_logger(__name__)


def require_id(name: str, value: str) -> str:
    """Return ``value``, or raise before any I/O when a path id is empty.

    Raises:
        ValueError: naming the parameter.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def to_json(value: Any) -> Any:
    """A keyword-argument value as JSON: models by alias, datetimes as ISO 8601."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_unset=True)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items() if v is not None}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [to_json(v) for v in value]
    return value


def body(values: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON body from camelCase keys; ``None`` values (arguments not given) are left out."""
    return {key: to_json(value) for key, value in values.items() if value is not None}


def _query(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Query parameters: ``None`` dropped, datetimes ISO 8601, lists comma-joined."""
    if not values:
        return None
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
            value = ",".join(str(v) for v in value)
        out[key] = value
    return out or None


def _headers(values: Mapping[str, Any] | None, extra: Mapping[str, str] | None) -> dict[str, str]:
    out = {k: str(v) for k, v in (values or {}).items() if v is not None}
    out.update(extra or {})
    return out


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

    # -- helpers of the generated resources ------------------------------------------

    def _options(
        self,
        method: str,
        resource: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Any = None,
        headers: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | NotGiven | None = NOT_GIVEN,
    ) -> RequestOptions:
        return RequestOptions(
            method=method,
            service=self.service,
            resource=resource,
            params=_query(params),
            json=json,
            data=data,
            files=files,
            headers=_headers(headers, extra_headers),
            timeout=timeout,
        )

    async def _send(
        self, method: str, resource: str, **kwargs: Any
    ) -> tuple[httpx.Response, tuple[ApiWarning, ...]]:
        response = await self._client.transport.request(self._options(method, resource, **kwargs))
        warnings = parse_warnings(response.headers.get_list("warning"))
        if warnings:
            log_warnings(logger, warnings, method, resource, response)
        return response, warnings

    async def _call_model(self, method: str, resource: str, model: type[M], **kwargs: Any) -> M:
        response, warnings = await self._send(method, resource, **kwargs)
        result = model.model_validate(response.json() if response.content else {})
        if warnings and isinstance(result, WebexModel):
            result._set_warnings(warnings)
        return result

    async def _call_none(self, method: str, resource: str, **kwargs: Any) -> None:
        await self._send(method, resource, **kwargs)

    async def _call_text(self, method: str, resource: str, **kwargs: Any) -> str:
        response, _ = await self._send(method, resource, **kwargs)
        return response.text

    async def _call_json(self, method: str, resource: str, **kwargs: Any) -> Any:
        response, _ = await self._send(method, resource, **kwargs)
        return response.json() if response.content else None

    def _paginate(
        self,
        resource: str,
        model: type[M],
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        timeout: float | NotGiven | None = NOT_GIVEN,
    ) -> AsyncPaginator[M]:
        options = self._options(
            "GET",
            resource,
            params=params,
            headers=headers,
            extra_headers=extra_headers,
            timeout=timeout,
        )
        return AsyncPaginator(self._client.transport, options, model.model_validate)
