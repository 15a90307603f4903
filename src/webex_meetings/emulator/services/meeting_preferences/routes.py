"""Preference operations: ``/meetingPreferences`` and its sections, GET and PUT."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from ...core.errors import BadRequestError
from ..rest.call import Call, Handler, no_content, ok
from .models import SITES, Preferences, PreferencesBackend


def _prefs(call: Call) -> Preferences:
    return call.backend(PreferencesBackend).of(
        call.token.person_uuid, call.query("userEmail"), call.query("siteUrl")
    )


def get_all(call: Call) -> JSONResponse:
    """``GET /meetingPreferences``."""
    return ok(_prefs(call).json())


def _section(name: str) -> tuple[Handler, Handler]:
    def read(call: Call) -> JSONResponse:
        section: dict[str, Any] = getattr(_prefs(call), name)
        return ok(section)

    def write(call: Call) -> JSONResponse:
        section: dict[str, Any] = getattr(_prefs(call), name)
        section.update(call.body)
        return ok(section)

    read.__doc__ = f"GET one preferences section ({name})."
    write.__doc__ = f"PUT one preferences section ({name}); the given fields replace the old."
    return read, write


_ROOM = _section("personal_room")
_AUDIO = _section("audio")
_VIDEO = _section("video")
_SCHEDULING = _section("scheduling")


def get_sites(call: Call) -> JSONResponse:
    """``GET /meetingPreferences/sites``."""
    return ok({"sites": _prefs(call).sites()})


def update_default_site(call: Call) -> JSONResponse:
    """``PUT /meetingPreferences/sites?defaultSite=true``: make a site the default."""
    site = str(call.body["siteUrl"])
    if site not in SITES:
        raise BadRequestError(f"siteUrl: {site!r} is not a site of this user.")
    prefs = _prefs(call)
    if call.query("defaultSite") == "true":
        prefs.default_site = site
    return ok({"siteUrl": site, "default": prefs.default_site == site})


def _delegates(call: Call) -> list[str]:
    emails: list[str] = _prefs(call).scheduling.setdefault("delegateEmails", [])
    return emails


def insert_delegates(call: Call) -> JSONResponse:
    """``POST /meetingPreferences/schedulingOptions/delegateEmails/insert``."""
    emails = _delegates(call)
    for email in call.body.get("emails") or []:
        if str(email) not in emails:
            emails.append(str(email))
    return ok({"emails": list(emails)})


def delete_delegates(call: Call) -> Response:
    """``POST /meetingPreferences/schedulingOptions/delegateEmails/delete``."""
    drop = {str(email).lower() for email in call.body.get("emails") or []}
    emails = _delegates(call)
    emails[:] = [email for email in emails if email.lower() not in drop]
    return no_content()


_P = "/meetingPreferences"

#: Stateful handlers, by ``METHOD /path`` of the spec.
OPERATIONS: dict[str, Handler] = {
    f"GET {_P}": get_all,
    f"GET {_P}/personalMeetingRoom": _ROOM[0],
    f"PUT {_P}/personalMeetingRoom": _ROOM[1],
    f"GET {_P}/audio": _AUDIO[0],
    f"PUT {_P}/audio": _AUDIO[1],
    f"GET {_P}/video": _VIDEO[0],
    f"PUT {_P}/video": _VIDEO[1],
    f"GET {_P}/schedulingOptions": _SCHEDULING[0],
    f"PUT {_P}/schedulingOptions": _SCHEDULING[1],
    f"GET {_P}/sites": get_sites,
    f"PUT {_P}/sites": update_default_site,
    f"POST {_P}/schedulingOptions/delegateEmails/insert": insert_delegates,
    f"POST {_P}/schedulingOptions/delegateEmails/delete": delete_delegates,
}
