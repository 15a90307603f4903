"""Catalog lookups are cached per catalog; the scopes table is read from package data."""

from __future__ import annotations

import webex_meetings.scopes as scopes_module
from webex_meetings.scopes import SCOPES, OperationScopes, parse_table, required_scopes
from webex_meetings.services import ServiceCatalog


def _catalog() -> ServiceCatalog:
    return ServiceCatalog(
        discovery={"u2c": "https://u2c.wbx2.com/u2c/api/v1", "hydra": "https://api.webex.com/v1"},
        override={"wdm": "http://127.0.0.1:9/wdm"},
        validate_domains=False,
    )


def test_lookups_follow_a_new_catalog() -> None:
    catalog = _catalog()
    assert catalog.get("hydra") == "https://api.webex.com/v1"
    assert catalog.get("locus") is None
    assert catalog.should_authorize("https://api.webex.com/v1/people/me")
    assert not catalog.should_authorize("https://locus-b.example.org/locus/api/v1/loci")

    catalog._apply(
        "postauth",
        {
            "serviceLinks": {
                "hydra": "https://hydra-a.example.org/v1",
                "locus": "https://locus-a.example.org:443/locus/api/v1",
            },
            "hostCatalog": {"locus-a.example.org:443": [{"host": "locus-b.example.org"}]},
        },
    )

    # earlier answers (a miss included) are not served from a stale cache
    assert catalog.get("hydra") == "https://hydra-a.example.org/v1"
    assert catalog.get("locus") == "https://locus-b.example.org:443/locus/api/v1"
    assert catalog.should_authorize("https://locus-b.example.org:443/locus/api/v1/loci")
    assert catalog.should_authorize("https://hydra-a.example.org/v1/rooms")
    assert catalog.get("wdm") == "http://127.0.0.1:9/wdm"


def test_limited_u2c_urls_never_get_the_token() -> None:
    catalog = _catalog()
    assert not catalog.should_authorize("https://u2c.wbx2.com/u2c/api/v1/limited/catalog")
    assert catalog.should_authorize("https://u2c.wbx2.com/u2c/api/v1/catalog")
    # "/limited/" in the query string is not the path
    assert catalog.should_authorize("https://u2c.wbx2.com/u2c/api/v1/catalog?x=/limited/")


def test_scopes_table_is_package_data_parsed_on_first_use() -> None:
    assert scopes_module._table() is SCOPES
    assert tuple(sorted(SCOPES, key=lambda s: (s.path, s.method))) == SCOPES
    assert all(isinstance(entry, OperationScopes) for entry in SCOPES)


def test_parse_table_merges_rows_listed_in_both_families() -> None:
    text = "\n".join(
        [
            "# comment",
            "messaging\tGET\t/webhooks\t`spark:webhooks_read`",
            "meetings\tGET\t/webhooks\tU: `meeting:schedules_read`; A: `meeting:x` (if admin)",
            "meetings\tGET\t/meetings/templates\tnot in scopes table",
            "",
        ]
    )
    templates, webhooks = parse_table(text)
    assert webhooks.user == ("spark:webhooks_read", "meeting:schedules_read")
    assert webhooks.admin == ("meeting:x",)
    assert webhooks.note == ""
    assert templates.note == "not in scopes table"
    assert templates.any == ()
    assert required_scopes("GET", "/meetings/templates").note == "not in scopes table"
