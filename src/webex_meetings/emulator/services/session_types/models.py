"""Session types of the emulated site and the ones each user may schedule with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.errors import BadRequestError, NotFoundError
from ...core.state import Backend
from ..meetings.models import SITE_URL
from ..people.models import Person


@dataclass(frozen=True)
class SessionType:
    """One session type of the site."""

    id: str
    short_name: str
    name: str
    type: str
    capacity: int

    def site_json(self) -> dict[str, Any]:
        """Render as ``SiteSessionType``."""
        return {
            "id": self.id,
            "shortName": self.short_name,
            "siteUrl": SITE_URL,
            "name": self.name,
            "type": self.type,
        }

    def user_json(self) -> dict[str, Any]:
        """Render as ``SessionType`` (an entry of ``UserSessionTypes``)."""
        return {"id": self.id, "shortName": self.short_name, "name": self.name, "type": self.type}

    def meeting_json(self) -> dict[str, Any]:
        """Render as ``MeetingSessionTypeObject``."""
        return {
            "id": self.id,
            "name": self.name,
            "type": self.type,
            "attendeesCapacity": self.capacity,
        }


#: The site's session types; users get the ones marked default until an admin changes it.
SITE_TYPES = (
    SessionType("3", "PRO", "Pro Meeting", "meeting", 1000),
    SessionType("9", "PRV", "Private Meeting", "privateMeeting", 1000),
    SessionType("628", "EC2", "Webex Meetings EC 2.0 meeting", "meeting", 1000),
    SessionType("629", "WEB", "Webex Webinars", "webinar", 10000),
)
_DEFAULT_IDS = ("3", "628")


class SessionTypesBackend(Backend):
    """Session type ids by person uuid."""

    def reset(self) -> None:
        """Everyone has the default session types."""
        self.by_person: dict[str, tuple[str, ...]] = {}

    def of(self, person: Person) -> list[SessionType]:
        """The session types ``person`` may schedule with."""
        ids = self.by_person.get(person.uuid, _DEFAULT_IDS)
        return [t for t in SITE_TYPES if t.id in ids]

    def get(self, person: Person, session_type_id: str) -> SessionType:
        """One of the person's session types.

        Raises:
            NotFoundError: Not one of theirs.
        """
        found = next((t for t in self.of(person) if t.id == session_type_id), None)
        if found is None:
            raise NotFoundError(f"Session type '{session_type_id}' not found.")
        return found

    def assign(self, person: Person, ids: list[str]) -> list[SessionType]:
        """Replace the person's session types.

        Raises:
            BadRequestError: An id is not a session type of the site.
        """
        known = {t.id for t in SITE_TYPES}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise BadRequestError(f"sessionTypeIds: unknown session types {unknown}.")
        self.by_person[person.uuid] = tuple(ids)
        return self.of(person)


def user_json(person: Person, types: list[SessionType]) -> dict[str, Any]:
    """Render ``UserSessionTypes``."""
    return {
        "personId": person.id,
        "email": person.email,
        "siteUrl": SITE_URL,
        "sessionTypes": [t.user_json() for t in types],
    }
