"""Invitees of meeting series and scheduled meetings."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from ...core.errors import BadRequestError, ConflictError, NotFoundError
from ...core.state import Backend
from ..meetings.models import MeetingsBackend


@dataclass
class Invitee:
    """One invitee (``GetInviteeObject``)."""

    id: str
    meeting_id: str
    email: str
    display_name: str
    co_host: bool = False
    panelist: bool = False

    def json(self) -> dict[str, Any]:
        """Render as ``GetInviteeObject``."""
        return {
            "id": self.id,
            "email": self.email,
            "displayName": self.display_name,
            "coHost": self.co_host,
            "meetingId": self.meeting_id,
            "panelist": self.panelist,
        }


class InviteesBackend(Backend):
    """Every invitee, by id."""

    def reset(self) -> None:
        """No invitees."""
        self.invitees: dict[str, Invitee] = {}

    def _meeting(self, meeting_id: str) -> str:
        _, _, is_instance = self.state.backend(MeetingsBackend).find(meeting_id)
        if is_instance:
            message = f"Meeting ID '{meeting_id}' is not allowed for this API."
            raise BadRequestError(message, message=message)
        return meeting_id

    def of_meeting(self, meeting_id: str, *, panelist: bool | None = None) -> list[Invitee]:
        """Invitees of a meeting series or scheduled meeting, oldest first.

        Raises:
            NotFoundError: Unknown meeting id.
        """
        self._meeting(meeting_id)
        return [
            invitee
            for invitee in self.invitees.values()
            if invitee.meeting_id == meeting_id
            and (panelist is None or invitee.panelist == panelist)
        ]

    def add(self, meeting_id: str, item: dict[str, Any]) -> Invitee:
        """Invite ``item["email"]`` to a meeting.

        Raises:
            NotFoundError: Unknown meeting id.
            ConflictError: That address is already invited.
        """
        email = str(item["email"])
        if any(i.email.lower() == email.lower() for i in self.of_meeting(meeting_id)):
            raise ConflictError(f"Invitee {email} already exists.")
        invitee = Invitee(
            id=f"{meeting_id.split('_', 1)[0]}_{secrets.randbelow(9 * 10**6) + 10**6}",
            meeting_id=meeting_id,
            email=email,
            display_name=str(item.get("displayName") or email),
            co_host=bool(item.get("coHost", False)),
            panelist=bool(item.get("panelist", False)),
        )
        self.invitees[invitee.id] = invitee
        return invitee

    def get(self, invitee_id: str) -> Invitee:
        """Return an invitee.

        Raises:
            NotFoundError: Unknown id, or its meeting was deleted.
        """
        invitee = self.invitees.get(invitee_id)
        if invitee is None:
            raise NotFoundError(f"Meeting invitee '{invitee_id}' not found.")
        try:
            self._meeting(invitee.meeting_id)
        except NotFoundError:
            del self.invitees[invitee_id]
            raise NotFoundError(f"Meeting invitee '{invitee_id}' not found.") from None
        return invitee

    def update(self, invitee_id: str, body: dict[str, Any]) -> Invitee:
        """Apply an ``UpdateInviteeObject``."""
        invitee = self.get(invitee_id)
        invitee.email = str(body["email"])
        invitee.display_name = str(body.get("displayName") or invitee.display_name)
        invitee.co_host = bool(body.get("coHost", invitee.co_host))
        invitee.panelist = bool(body.get("panelist", invitee.panelist))
        return invitee

    def delete(self, invitee_id: str) -> None:
        """Remove an invitee."""
        del self.invitees[self.get(invitee_id).id]
