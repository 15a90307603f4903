"""Assertions shared by the emulator tests, written from the protocol documents."""

from __future__ import annotations

import base64
import re
from typing import Any

import httpx

TRACKING_ID = re.compile(
    r"^EMULATOR_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TOKEN = re.compile(r"^[0-9a-f]{64}_PF84_(?P<org>[0-9a-f-]{36})$")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def decode_hydra(value: str) -> str:
    """Decode a Hydra id independently of the emulator's own helper."""
    return base64.b64decode(value + "=" * (-len(value) % 4)).decode("ascii")


def assert_tracking(response: httpx.Response) -> str:
    tracking_id = response.headers["TrackingID"]
    assert TRACKING_ID.match(tracking_id), tracking_id
    return tracking_id


def assert_webex_error(response: httpx.Response, status: int) -> dict[str, Any]:
    """Check the Webex error body (rest-conventions §5) and the TrackingID header."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"message", "errors", "trackingId"}
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["errors"], list)
    assert len(body["errors"]) == 1
    assert isinstance(body["errors"][0]["description"], str)
    assert body["errors"][0]["description"]
    assert assert_tracking(response) == body["trackingId"]
    return body
