"""Meeting preferences of each user: personal room, audio, video, scheduling, sites."""

from __future__ import annotations

import copy
import functools
import secrets
from dataclasses import dataclass
from typing import Any

from ...core.errors import BadRequestError, NotFoundError
from ...core.state import Backend
from ..meetings.models import SITE_URL
from ..people.models import PeopleBackend, Person
from ..rest.spec import schema_validator
from ..rest.synth import synthesize

#: Sites every emulated user has; the first is the default until changed.
SITES = (SITE_URL,)


@functools.cache
def _template(name: str) -> dict[str, Any]:
    value: dict[str, Any] = synthesize(schema_validator("webex-meeting.json", name))
    return value


@dataclass
class Preferences:
    """One user's preferences, as the spec's objects."""

    personal_room: dict[str, Any]
    audio: dict[str, Any]
    video: dict[str, Any]
    scheduling: dict[str, Any]
    default_site: str = SITE_URL

    def sites(self) -> list[dict[str, Any]]:
        """``SitesObject.sites``."""
        return [{"siteUrl": site, "default": site == self.default_site} for site in SITES]

    def json(self) -> dict[str, Any]:
        """Render as ``MeetingPreferenceObject``."""
        return {
            "personalMeetingRoom": copy.deepcopy(self.personal_room),
            "audio": copy.deepcopy(self.audio),
            "video": copy.deepcopy(self.video),
            "schedulingOptions": copy.deepcopy(self.scheduling),
            "sites": self.sites(),
        }


def _defaults(person: Person) -> Preferences:
    local = person.email.split("@", 1)[0].lower()
    room = copy.deepcopy(_template("PMRObject"))
    room.update(
        topic=f"{person.display_name}'s Personal Room",
        hostPin=f"{secrets.randbelow(9000) + 1000}",
        personalMeetingRoomLink=f"https://{SITE_URL}/meet/{local}",
        sipAddress=f"{local}@{SITE_URL}",
        coHosts=[],
    )
    audio = copy.deepcopy(_template("AudioObject"))
    audio.update(otherTeleconferenceDescription="", audioPin="")
    for key in ("officeNumber", "mobileNumber"):
        audio[key] = {**audio[key], "countryCode": "1", "number": ""}
    video = {
        "videoDevices": [
            {"deviceName": "Video device", "deviceAddress": person.email, "isDefault": True}
        ]
    }
    scheduling = copy.deepcopy(_template("SchedulingOptionsObject"))
    scheduling.update(joinBeforeHostMinutes=0, delegateEmails=[])
    return Preferences(room, audio, video, scheduling)


class PreferencesBackend(Backend):
    """Preferences by person uuid, created with defaults on first read."""

    def reset(self) -> None:
        """Everyone back to the defaults."""
        self.by_person: dict[str, Preferences] = {}

    def of(self, caller_uuid: str, user_email: str | None, site_url: str | None) -> Preferences:
        """The preferences of the caller, or of ``user_email`` (admin use).

        Raises:
            NotFoundError: No user with ``user_email``.
            BadRequestError: ``site_url`` is not one of the user's sites.
        """
        people = self.state.backend(PeopleBackend)
        if user_email:
            found = people.find_by_email(user_email)
            if found is None:
                raise NotFoundError(f"User '{user_email}' not found.")
            person = found
        else:
            person = people.get(caller_uuid)
        if site_url and site_url not in SITES:
            raise BadRequestError(f"siteUrl: {site_url!r} is not a site of this user.")
        prefs = self.by_person.get(person.uuid)
        if prefs is None:
            prefs = self.by_person[person.uuid] = _defaults(person)
        return prefs
