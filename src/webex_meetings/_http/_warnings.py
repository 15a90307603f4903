"""The ``Warning`` response header: parse its values into codes and text.

Some Meetings APIs succeed but return a ``Warning`` header naming known backend
restrictions (rest-conventions §9), e.g. code 1001, "Unsupported attributes on a
converged site": the response may differ from the request for some attributes. The
exact syntax is not documented; it may be the RFC 7234 form ``299 - "text"``, with
several values comma-separated. Webex codes are the 4-digit numbers in the text that
are not part of a URL or a date.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import httpx

__all__ = ["KNOWN_WARNING_CODES", "ApiWarning", "log_warnings", "parse_warnings"]

KNOWN_WARNING_CODES: Final[dict[int, str]] = {
    1001: "Unsupported attributes on a converged site.",
}

_URL = re.compile(r"https?://[^\s\"',;]+")
_HTTP_DATE = re.compile(r"[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")
_CODE = re.compile(r"(?<![\w.:/#-])\d{4}(?![\w./#-])")
# split "299 - "a", 299 - "b"" between values, never inside a quoted text
_SPLIT = re.compile(r",\s*(?=\d{3}\s)")


@dataclass(frozen=True)
class ApiWarning:
    """One ``Warning`` header value.

    Attributes:
        codes: the Webex warning codes found in the value (e.g. ``(1001,)``).
        text: the whole value as received.
    """

    codes: tuple[int, ...]
    text: str

    @property
    def descriptions(self) -> tuple[str, ...]:
        """The documented meaning of each known code."""
        return tuple(KNOWN_WARNING_CODES[c] for c in self.codes if c in KNOWN_WARNING_CODES)


def _split(value: str) -> list[str]:
    parts: list[str] = []
    start = 0
    in_quotes = False
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\" and in_quotes:
            index += 2
            continue
        if char == '"':
            in_quotes = not in_quotes
        elif char == "," and not in_quotes and _SPLIT.match(value, index):
            parts.append(value[start:index])
            start = index + 1
        index += 1
    parts.append(value[start:])
    return [p.strip() for p in parts if p.strip()]


def parse_warnings(values: Iterable[str]) -> tuple[ApiWarning, ...]:
    """Every warning in the given ``Warning`` header values, in order.

    >>> parse_warnings(['299 - "1001 see https://developer.webex.com/docs/meetings#warnings"'])
    (ApiWarning(codes=(1001,), text='299 - "1001 see https://developer.webex.com/docs/meetings#warnings"'),)
    """
    out: list[ApiWarning] = []
    for value in values:
        for part in _split(value):
            stripped = _HTTP_DATE.sub(" ", _URL.sub(" ", part))
            codes = tuple(dict.fromkeys(int(c) for c in _CODE.findall(stripped)))
            out.append(ApiWarning(codes=codes, text=part))
    return tuple(out)


def log_warnings(
    logger: logging.Logger,
    warnings: tuple[ApiWarning, ...],
    method: str,
    resource: str,
    response: httpx.Response,
) -> None:
    """Log the warnings of one response with their codes and the tracking id."""
    tracking = response.headers.get("trackingid") or response.request.headers.get("trackingid")
    for warning in warnings:
        logger.warning(
            "%s %s succeeded with Warning codes %s (trackingid %s): %s",
            method,
            resource,
            ",".join(str(c) for c in warning.codes) or "none",
            tracking,
            warning.text,
        )
