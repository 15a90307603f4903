"""The People resource (``webex.people``)."""

from __future__ import annotations

from webex_meetings.models.person import Person
from webex_meetings.resources._base import APIResource, require_id

__all__ = ["People"]


class People(APIResource):
    """People in the organisation, and the authenticated user (``me``)."""

    async def me(self) -> Person:
        """Get the authenticated user (``GET /people/me``)."""
        return await self._get_model("people/me", Person)

    async def get(self, person_id: str) -> Person:
        """Get one person by id (``GET /people/{personId}``).

        Raises:
            ValueError: ``person_id`` is empty.
            NotFoundError: no such person.
        """
        require_id("person_id", person_id)
        return await self._get_model(f"people/{person_id}", Person)
