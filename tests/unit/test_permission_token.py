"""The permission token: unverified JWT decode, expiry in ms, clock skew, policies."""

from __future__ import annotations

import base64
import json
import math
from typing import Any

import pytest

from webex_meetings.meetings.errors import ParameterError
from webex_meetings.meetings.permission_token import PermissionToken


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def make_jwt(payload: Any) -> str:
    """An unsigned-but-well-formed JWT with ``payload``."""
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(payload).encode())}.c2lnbmF0dXJl"


def test_parse_keeps_token_and_claims() -> None:
    token = make_jwt({"exp": 1_700_000_060_000, "iat": 1_700_000_000_000, "sub": "u"})
    parsed = PermissionToken.parse(token, received_at=1_700_000_000.0)
    assert parsed.token == token
    assert parsed.payload["sub"] == "u"
    assert parsed.received_at == 1_700_000_000.0
    assert (parsed.expires_at_ms, parsed.issued_at_ms) == (1_700_000_060_000, 1_700_000_000_000)


def test_time_left_corrects_clock_skew() -> None:
    # The token arrives at local T while the server clock reads T - 500 s.
    local = 1_700_000_000.0
    iat = (local - 500) * 1000
    token = PermissionToken.parse(make_jwt({"exp": iat + 60_000, "iat": iat}), received_at=local)
    assert token.time_left(now=local) == pytest.approx(60.0)
    assert token.time_left(now=local + 30) == pytest.approx(30.0)
    assert token.time_left(now=local + 90) == pytest.approx(-30.0)
    # Without the correction the token would look expired 500 s ago.
    assert token.time_left(now=local) > 0


def test_claims_as_strings_and_seconds() -> None:
    as_strings = PermissionToken.parse(
        make_jwt({"exp": "1700000060000", "iat": " 1700000000000 "}), received_at=1_700_000_000.0
    )
    assert as_strings.time_left(now=1_700_000_000.0) == pytest.approx(60.0)
    # Standard JWT seconds are recognised rather than read as 1970 milliseconds.
    in_seconds = PermissionToken.parse(
        make_jwt({"exp": 1_700_000_060, "iat": 1_700_000_000}), received_at=1_700_000_000.0
    )
    assert in_seconds.time_left(now=1_700_000_000.0) == pytest.approx(60.0)


def test_missing_claims() -> None:
    no_exp = PermissionToken.parse(make_jwt({"iat": 1}), received_at=5.0)
    assert no_exp.time_left() == math.inf
    no_iat = PermissionToken.parse(make_jwt({"exp": 1_700_000_060_000}), received_at=0.0)
    assert no_iat.time_left(now=1_700_000_000.0) == pytest.approx(60.0)
    odd = PermissionToken.parse(make_jwt({"exp": True, "iat": "soon"}), received_at=0.0)
    assert odd.expires_at_ms is None
    assert odd.issued_at_ms is None


def test_user_policies_and_background_images() -> None:
    payload = {
        "permission": {
            "userPolicies": {"supportVoIP": True, "supportVideo": False, "junk": "yes"},
            "enforceVBGImagesURL": "https://example.com/bg",
        }
    }
    token = PermissionToken.parse(make_jwt(payload))
    assert token.user_policies == {"supportVoIP": True, "supportVideo": False}
    assert token.enforce_vbg_images_url == "https://example.com/bg"
    bare = PermissionToken.parse(make_jwt({"permission": "none"}))
    assert bare.user_policies == {}
    assert bare.enforce_vbg_images_url is None


def test_repr_hides_the_token() -> None:
    token = make_jwt({"exp": 1_700_000_060_000, "iat": 1_700_000_000_000})
    parsed = PermissionToken.parse(token)
    assert token not in repr(parsed)
    assert token.split(".")[1] not in repr(parsed)
    assert "exp=" in repr(parsed)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "no-dots-at-all",
        "header.",
        "header.!!!notbase64!!!.sig",
        f"h.{_b64(b'not json')}.s",
        f"h.{_b64(json.dumps([1, 2]).encode())}.s",
        f"h.{_b64(bytes([0xFF, 0xFE]))}.s",
    ],
)
def test_malformed_tokens(token: str) -> None:
    with pytest.raises(ParameterError) as info:
        PermissionToken.parse(token)
    if token:
        assert token not in str(info.value)
