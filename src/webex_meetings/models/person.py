"""The Person object of the People API."""

from __future__ import annotations

from datetime import datetime

from webex_meetings.models._base import WebexModel

__all__ = ["Person", "PersonPhoneNumber"]


class PersonPhoneNumber(WebexModel):
    """A phone number of a person."""

    type: str | None = None
    """The type of phone number (``work``, ``mobile``, ``fax``...)."""
    value: str | None = None
    """The phone number."""
    primary: bool | None = None
    """Whether this is the person's primary number."""


class Person(WebexModel):
    """A Webex user (``GET /people/me``, ``GET /people/{personId}``)."""

    id: str
    """A unique identifier for the person."""
    emails: list[str] = []
    """The email addresses of the person."""
    phone_numbers: list[PersonPhoneNumber] = []
    """Phone numbers of the person."""
    display_name: str | None = None
    """The full name of the person."""
    nick_name: str | None = None
    """The nickname of the person, if configured."""
    first_name: str | None = None
    """The first name of the person."""
    last_name: str | None = None
    """The last name of the person."""
    avatar: str | None = None
    """The URL of the person's avatar in PNG format."""
    org_id: str | None = None
    """The ID of the organization to which this person belongs."""
    created: datetime | None = None
    """When the person was created."""
    last_modified: datetime | None = None
    """When the person was last changed."""
    last_activity: datetime | None = None
    """When the person was last active."""
    status: str | None = None
    """The current presence status of the person."""
    type: str | None = None
    """The type of person account (``person``, ``bot``, ``appuser``)."""
