"""The generator is in sync; the ``Warning`` parser; the scopes table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from webex_meetings import required_scopes
from webex_meetings._http._warnings import ApiWarning, parse_warnings
from webex_meetings.scopes import SCOPES

ROOT = Path(__file__).resolve().parents[2]


def test_generated_files_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_rest.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_generated_modules_stay_readable() -> None:
    for folder in ("models", "resources"):
        for path in (ROOT / "src" / "webex_meetings" / folder).glob("*.py"):
            assert path.read_text().count("\n") <= 1500, path.name


def test_coverage_doc_counts() -> None:
    text = (ROOT / "docs" / "rest-coverage.md").read_text()
    assert "## Messaging (47 operations" in text
    assert "## Meetings (123 operations" in text
    assert "170 operations in scope" in text
    assert "`await webex.rooms.create(title=..., ...)`" in text


# -- Warning header ----------------------------------------------------------------------


def test_parse_rfc7234_values_and_comma_joined_warnings() -> None:
    link = "https://developer.webex.com/docs/meetings#warnings"
    joined = f'299 - "1001 see {link}", 299 - "1002 and 1003"'
    parsed = parse_warnings([joined])
    assert [w.codes for w in parsed] == [(1001,), (1002, 1003)]
    assert parsed[0].text == f'299 - "1001 see {link}"'


def test_parse_ignores_3_digit_warn_codes_urls_and_dates() -> None:
    value = (
        '299 webexapis.com "code 1001, https://x.example/2024/1999" "Sat, 25 Aug 2012 23:34:45 GMT"'
    )
    assert parse_warnings([value]) == (ApiWarning(codes=(1001,), text=value),)


def test_parse_several_header_values_and_free_text() -> None:
    parsed = parse_warnings(["Warning 1001: unsupported attributes", "no code here"])
    assert parsed[0].codes == (1001,)
    assert parsed[0].descriptions == ("Unsupported attributes on a converged site.",)
    assert parsed[1] == ApiWarning(codes=(), text="no code here")
    assert parse_warnings([]) == ()


# -- scopes ------------------------------------------------------------------------------


def test_scopes_of_meetings_operations() -> None:
    get = required_scopes("GET", "/meetings/870f51ff287b41be84648412901e0402")
    assert get.path == "/meetings/{meetingId}"
    assert get.user == ("meeting:schedules_read",)
    assert get.admin == ("meeting:admin_schedule_read",)
    assert get.compliance == ()
    listing = required_scopes("get", "https://webexapis.com/v1/meetingTranscripts?max=1")
    assert listing.user == ("meeting:transcripts_read", "meeting:schedules_read")
    assert listing.compliance == ("spark-compliance:meetings_read",)
    registrants = required_scopes("GET", "/meetings/m1/registrants")
    assert registrants.guest == ("webex-squared:locus_participant", "spark:all")


def test_literal_paths_win_over_templates() -> None:
    assert required_scopes("GET", "/meetings/controls").user == ("meeting:controls_read",)
    me = required_scopes("GET", "people/me")
    assert me.path == "/people/me"
    assert me.user == ("spark:people_read",)
    assert me.admin == ("spark-admin:people_read",)


def test_messaging_scopes_and_roles() -> None:
    assert required_scopes("POST", "/rooms").user == ("spark:rooms_write",)
    assert required_scopes("DELETE", "/people/p1").admin == ("spark-admin:people_write",)
    assert required_scopes("DELETE", "/people/p1").user == ()
    assert required_scopes("GET", "/events").compliance == ("spark-compliance:events_read",)
    assert "unverified" in required_scopes("GET", "/room/tabs").note


def test_unknown_operation_raises() -> None:
    with pytest.raises(KeyError):
        required_scopes("PATCH", "/rooms/r1")


def test_every_operation_has_a_scopes_row() -> None:
    # 123 Meetings + 6 related + 47 Messaging rows; the 5 Webhooks rows of both merged
    assert len(SCOPES) == 123 + 6 + 47 - 5
    assert len({(s.method, s.path) for s in SCOPES}) == len(SCOPES)
