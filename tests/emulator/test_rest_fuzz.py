"""Property test: bodies generated from spec request schemas never cause a 500."""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webex_meetings.emulator import ThreadedEmulator

from .rest_support import assert_webex_error

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


def _bodies(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    # Each known field is either left out, given a plausible value, or given junk.
    return st.fixed_dictionaries(
        {}, optional={name: strategy | _JSON for name, strategy in fields.items()}
    )


_CASES = st.sampled_from(["/rooms", "/meetings", "/messages", "/webhooks"]).flatmap(
    lambda path: st.tuples(
        st.just(path),
        _bodies(
            {
                "/rooms": {"title": st.text(max_size=10), "isLocked": st.booleans()},
                "/meetings": {
                    "title": st.text(max_size=10),
                    "start": st.sampled_from(["2030-01-01T10:00:00Z", "2001-01-01T10:00:00Z", "x"]),
                    "end": st.sampled_from(["2030-01-01T11:00:00Z", "2030-01-03T11:00:00Z"]),
                    "recurrence": st.sampled_from(["FREQ=DAILY;COUNT=2", "FREQ=YEARLY", ""]),
                    "timezone": st.sampled_from(["UTC", "Asia/Shanghai", "Nowhere/Zone"]),
                },
                "/messages": {
                    "roomId": st.text(max_size=10),
                    "text": st.text(max_size=10),
                    "toPersonEmail": st.sampled_from(["a@example.com", "bad"]),
                    "parentId": st.text(max_size=5),
                },
                "/webhooks": {
                    "name": st.text(max_size=5),
                    "targetUrl": st.sampled_from(["http://127.0.0.1:9/", "ftp://x", ""]),
                    "resource": st.sampled_from(["messages", "rooms", "nope"]),
                    "event": st.sampled_from(["created", "all"]),
                },
            }[path]
        ),
    )
)


def test_generated_bodies_never_cause_server_errors() -> None:
    with (
        ThreadedEmulator() as emu,
        httpx.Client(
            base_url=emu.hydra_url,
            headers={"Authorization": f"Bearer {emu.access_token}"},
            trust_env=False,
        ) as client,
    ):

        @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(case=_CASES)
        def check(case: tuple[str, dict[str, Any]]) -> None:
            path, body = case
            response = client.post(path, json=body)
            assert response.status_code < 500, response.text
            if response.status_code >= 400:
                assert_webex_error(response)

        check()
