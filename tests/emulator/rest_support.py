"""Shared helpers of the REST emulator tests: clients and Webex error checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

from webex_meetings.emulator import Emulator


@asynccontextmanager
async def hydra() -> AsyncIterator[tuple[Emulator, httpx.AsyncClient]]:
    """Run an emulator and give an authenticated client of its Hydra base URL."""
    async with Emulator() as emu:
        headers = {"Authorization": f"Bearer {emu.access_token}"}
        async with httpx.AsyncClient(
            base_url=emu.hydra_url, headers=headers, trust_env=False, timeout=10
        ) as client:
            yield emu, client


def assert_webex_error(response: httpx.Response, status: int | None = None) -> dict[str, Any]:
    """Assert a Webex-shaped error body (message, errors[].description, trackingId)."""
    if status is not None:
        assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["errors"][0]["description"], str)
    assert body["trackingId"] == response.headers["TrackingID"]
    return body
