"""Pagination: ``await`` a list call for its first page, ``async for`` for every item.

Webex lists follow RFC 5988 ``Link: <url>; rel="next"``. Known server defects are
repaired before a ``next`` link is followed (rest-conventions §4): ``max=null`` is
dropped and query parameters of the first request missing from the link are put back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Mapping
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qsl, urlsplit

import httpx

from webex_meetings._http._options import RequestOptions
from webex_meetings._http._transport import Transport

__all__ = ["AsyncPage", "AsyncPaginator", "repair_next_url"]

T = TypeVar("T")


def repair_next_url(next_url: str, original: Mapping[str, Any] | None) -> str:
    """Fix a ``next`` link: drop ``max=null``, re-add parameters it lost."""
    # Most links need no repair; checking that with the standard library costs a
    # fraction of parsing and re-encoding the URL with httpx on every page.
    pairs = parse_qsl(urlsplit(next_url).query, keep_blank_values=True)
    present = {k for k, _ in pairs}
    if not any(k == "max" and v == "null" for k, v in pairs) and all(
        key in present or value is None for key, value in (original or {}).items()
    ):
        return next_url
    url = httpx.URL(next_url)
    params = [(k, v) for k, v in url.params.multi_items() if not (k == "max" and v == "null")]
    present = {k for k, _ in params}
    for key, value in (original or {}).items():
        if key not in present and value is not None:
            params.append((key, value if isinstance(value, str) else str(value)))
    return str(url.copy_with(params=params))


class AsyncPage(Generic[T]):
    """One page of a list.

    Attributes:
        items: the parsed items of this page.
        next_url: the repaired ``next`` link, or ``None`` on the last page.
        response: the HTTP response of this page.
        body: the decoded JSON body (Meetings lists add sibling fields to ``items``).
    """

    def __init__(
        self,
        paginator: AsyncPaginator[T],
        items: list[T],
        next_url: str | None,
        response: httpx.Response,
        body: Mapping[str, Any],
    ) -> None:
        self._paginator = paginator
        self.items = items
        self.next_url = next_url
        self.response = response
        self.body = body

    def __repr__(self) -> str:
        return f"AsyncPage(items={len(self.items)}, has_next_page={self.has_next_page()})"

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Any:
        return iter(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]

    def has_next_page(self) -> bool:
        """True when the server announced another page (and this one was not empty)."""
        return self.next_url is not None and bool(self.items)

    async def get_next_page(self) -> AsyncPage[T]:
        """Fetch the next page.

        Raises:
            StopAsyncIteration: this is the last page.
        """
        if not self.has_next_page():
            raise StopAsyncIteration
        assert self.next_url is not None
        return await self._paginator._fetch(self.next_url)


class AsyncPaginator(Generic[T]):
    """A lazy list call: awaitable (first page) and async-iterable (every item).

    Args:
        transport: the core's transport.
        options: the first request (its params are kept to repair ``next`` links).
        parse: turns one raw item into ``T``.
        items_key: the body key holding the items.
    """

    def __init__(
        self,
        transport: Transport,
        options: RequestOptions,
        parse: Callable[[Any], T],
        *,
        items_key: str = "items",
    ) -> None:
        self._transport = transport
        self._options = options
        self._parse = parse
        self._items_key = items_key

    def __await__(self) -> Generator[Any, None, AsyncPage[T]]:
        return self._fetch(None).__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item

    async def iter_pages(self) -> AsyncIterator[AsyncPage[T]]:
        """Yield every page, following ``next`` links."""
        page = await self._fetch(None)
        yield page
        while page.has_next_page():
            page = await page.get_next_page()
            yield page

    async def _fetch(self, url: str | None) -> AsyncPage[T]:
        options = self._options if url is None else self._options.with_changes(url=url, params=None)
        response = await self._transport.request(options)
        body = response.json() if response.content else {}
        if not isinstance(body, Mapping):
            body = {self._items_key: body if isinstance(body, list) else []}
        raw_items = body.get(self._items_key) or []
        items = [self._parse(item) for item in raw_items]
        next_link = response.links.get("next", {}).get("url")
        next_url = repair_next_url(next_link, self._options.clean_params()) if next_link else None
        return AsyncPage(self, items, next_url, response, body)
