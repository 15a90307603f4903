"""The service catalog: lookup order, host map, token trust, domain validation."""

from __future__ import annotations

import pytest

from webex_meetings import DomainNotAllowedError, ServiceNotFoundError
from webex_meetings.services import ServiceCatalog, join_url


def _catalog(**kwargs: object) -> ServiceCatalog:
    catalog = ServiceCatalog(
        discovery={
            "u2c": "https://u2c.wbx2.com/u2c/api/v1",
            "hydra": "https://api.ciscospark.com/v1",
        },
        **kwargs,  # type: ignore[arg-type]
    )
    catalog._apply(
        "postauth",
        {
            "serviceLinks": {
                "locus": "https://locus-a.wbx2.com:443/locus/api/v1",
                "hydra": "https://hydra-a.example.org/v1",
            },
            "hostCatalog": {
                "locus-a.wbx2.com:443": [
                    {"host": "locus-b.wbx2.com", "priority": 5, "ttl": -1, "id": "urn:TEAM:x:locus"}
                ]
            },
        },
    )
    return catalog


def test_join_url() -> None:
    assert join_url("https://a/v1/", "/people/me/") == "https://a/v1/people/me"
    assert join_url("https://a/v1", "") == "https://a/v1"


def test_lookup_order_and_host_map() -> None:
    catalog = _catalog(override={"wdm": "http://127.0.0.1:9/wdm"})
    assert catalog.get("hydra") == "https://hydra-a.example.org/v1"  # postauth beats discovery
    assert catalog.get("u2c") == "https://u2c.wbx2.com/u2c/api/v1"  # discovery fallback
    assert catalog.get("wdm") == "http://127.0.0.1:9/wdm"  # override wins
    # the host map replaces the host and keeps the port
    assert catalog.get("locus") == "https://locus-b.wbx2.com:443/locus/api/v1"
    assert catalog.get("nope") is None


async def test_get_url_unknown_service_names_it() -> None:
    catalog = _catalog()
    catalog.state = catalog.state.READY
    with pytest.raises(ServiceNotFoundError, match="'calendar'"):
        await catalog.get_url("calendar")


def test_token_trust() -> None:
    catalog = _catalog()
    assert catalog.should_authorize("https://hydra-a.example.org/v1/people/me")
    assert catalog.should_authorize("https://anything.webex.com/x")
    assert not catalog.should_authorize("https://u2c.wbx2.com/u2c/api/v1/limited/catalog")
    assert not catalog.should_authorize("https://webex.com.evil.net/x")
    assert not catalog.should_authorize("https://evil.example.net/x")


def test_validate_domains_off_trusts_only_catalog() -> None:
    catalog = _catalog(validate_domains=False)
    assert not catalog.should_authorize("https://anything.webex.com/x")
    assert catalog.should_authorize("https://hydra-a.example.org/v1/rooms")


def test_validate_url_rejects_foreign_host() -> None:
    catalog = _catalog(allowed_domains=("corp.example",))
    assert catalog.validate_url("https://media.corp.example/x")
    with pytest.raises(DomainNotAllowedError, match=r"evil\.example\.net"):
        catalog.validate_url("https://evil.example.net/devices/1", what="device url")


def test_fedramp_drops_commercial_domains() -> None:
    catalog = ServiceCatalog(discovery={"u2c": "https://u2c.wbx2.com/u2c/api/v1"}, fedramp=True)
    assert catalog.get("u2c") == "https://u2c.gov.ciscospark.com/u2c/api/v1"
    assert not catalog.is_allowed_domain("https://x.webex.com/")
