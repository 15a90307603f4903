"""The Person object of the People API (kept for imports of ``models.person``)."""

from __future__ import annotations

from webex_meetings.models.people import Person
from webex_meetings.models.people import PersonPhoneNumbers as PersonPhoneNumber

__all__ = ["Person", "PersonPhoneNumber"]
