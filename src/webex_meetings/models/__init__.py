"""Pydantic models of the Webex REST objects."""

from webex_meetings.models._base import WebexModel
from webex_meetings.models.person import Person, PersonPhoneNumber

__all__ = ["Person", "PersonPhoneNumber", "WebexModel"]
