"""verify_signature and parse_event on fixed inputs."""

from __future__ import annotations

import pytest

from webex_meetings import WebexError, WebhookError, WebhookEvent, WebhookSignatureError
from webex_meetings.webhooks import compute_signature, parse_event, verify_signature

# RFC 2202, HMAC-SHA1 test case 2.
KEY = "Jefe"
DATA = b"what do ya want for nothing?"
DIGEST = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"


def test_signature_is_hex_hmac_sha1_of_the_body() -> None:
    assert compute_signature(DATA, KEY) == DIGEST
    assert compute_signature(DATA, KEY.encode()) == DIGEST


@pytest.mark.parametrize(
    ("signature", "secret", "body", "valid"),
    [
        (DIGEST, KEY, DATA, True),
        (DIGEST.upper(), KEY, DATA, True),
        (f" {DIGEST}\t", KEY, DATA, True),
        (DIGEST, "jefe", DATA, False),
        (DIGEST, KEY, DATA + b" ", False),
        (DIGEST[:-1], KEY, DATA, False),
        (DIGEST[:-1] + "\u00e9", KEY, DATA, False),
        ("", KEY, DATA, False),
        (None, KEY, DATA, False),
        (DIGEST, "", DATA, False),
    ],
)
def test_verify_signature(signature: str | None, secret: str, body: bytes, valid: bool) -> None:
    assert verify_signature(body, signature, secret) is valid


def test_parse_event_reads_the_envelope() -> None:
    body = (
        b'{"id":"W","name":"n","resource":"messages","event":"created","orgId":"O",'
        b'"createdBy":"C","appId":"A","ownedBy":"creator","status":"active",'
        b'"actorId":"P","data":{"id":"M","roomId":"R"},"later":1}'
    )
    event = parse_event(body, compute_signature(body, "k"), secret="k")
    assert isinstance(event, WebhookEvent)
    assert (event.org_id, event.actor_id, event.owned_by) == ("O", "P", "creator")
    assert event.data == {"id": "M", "roomId": "R"}
    assert event.model_extra == {"later": 1}
    assert parse_event(body.decode()).id == "W"


@pytest.mark.parametrize("body", [b"not json", b"[1]", b"\xff", b'{"data": 3}'])
def test_parse_event_rejects_what_is_not_an_event(body: bytes) -> None:
    with pytest.raises(WebhookError) as info:
        parse_event(body)
    assert not isinstance(info.value, WebhookSignatureError)
    assert isinstance(info.value, WebexError)
    assert isinstance(info.value, ValueError)


def test_parse_event_checks_before_parsing() -> None:
    with pytest.raises(WebhookSignatureError, match="does not match"):
        parse_event(b"not json", "0" * 40, secret="k")
