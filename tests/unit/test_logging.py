"""Token redaction in log lines."""

from __future__ import annotations

import logging

import pytest

from webex_meetings._logging import get_logger, redact, register_secret


def test_redacts_registered_secret_and_shapes() -> None:
    register_secret("registered-secret-value-1")
    text = redact(
        "got registered-secret-value-1; Authorization: Bearer abc.def-123 "
        "refresh_token=xyz789&client_secret=shh access_token: 'tok'"
    )
    for secret in ("registered-secret-value-1", "abc.def-123", "xyz789", "shh", "'tok'"):
        assert secret not in text
    assert text.count("<redacted>") == 5


def test_logger_filter_redacts_args_and_exceptions(caplog: pytest.LogCaptureFixture) -> None:
    register_secret("another-secret-token-2")
    log = get_logger("webex_meetings.test_logging")
    with caplog.at_level(logging.DEBUG, logger="webex_meetings"):
        log.debug("header %s", "Bearer another-secret-token-2")
        try:
            raise RuntimeError("boom another-secret-token-2")
        except RuntimeError:
            log.exception("failed")
    assert "another-secret-token-2" not in caplog.text
    assert "boom <redacted>" in caplog.text
