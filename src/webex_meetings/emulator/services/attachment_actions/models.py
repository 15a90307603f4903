"""Attachment actions backend: Adaptive Card submissions on messages.

A submission is stored, answered with the ``AttachmentActivity`` JSON of the spec and
pushed over Mercury as a ``cardAction`` activity (``parent`` = the card's message,
``object.objectType`` = the action type, ``object.inputs``) to the card's author and to
the submitter; the inputs are not shown to the rest of the space.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...core.errors import NotFoundError
from ...core.ids import hydra_id, new_uuid, parse_hydra_id
from ...core.state import Backend
from ..conversation import activities
from ..messages.models import Message
from ..people.models import Person, webex_timestamp


@dataclass
class AttachmentAction:
    """One submission of a card."""

    uuid: str
    type: str
    message: Message
    person: Person
    inputs: dict[str, Any]
    created: float

    @property
    def id(self) -> str:
        """The action's Hydra id."""
        return hydra_id("ATTACHMENT_ACTION", self.uuid)

    def to_json(self) -> dict[str, Any]:
        """Render the ``AttachmentActivity`` schema."""
        return {
            "id": self.id,
            "type": self.type,
            "messageId": self.message.id,
            "inputs": self.inputs,
            "personId": self.person.id,
            "roomId": self.message.room.id,
            "created": webex_timestamp(self.created),
        }


class AttachmentActionsBackend(Backend):
    """Every submission, by uuid."""

    def reset(self) -> None:
        """No submissions."""
        self.actions: dict[str, AttachmentAction] = {}

    def create(self, message: Message, person: Person, body: dict[str, Any]) -> AttachmentAction:
        """Store a validated ``POST /attachment/actions`` body and push ``cardAction``."""
        inputs = body.get("inputs")
        action = AttachmentAction(
            uuid=new_uuid(),
            type=str(body["type"]),
            message=message,
            person=person,
            inputs=dict(inputs) if isinstance(inputs, dict) else {},
            created=self.state.clock(),
        )
        self.actions[action.uuid] = action
        activities.publish(
            self.state,
            "cardAction",
            actor=person,
            obj={"objectType": action.type, "inputs": action.inputs},
            recipients=[message.author.uuid, person.uuid],
            target=message.room,
            parent={"id": message.uuid, "type": "cardAction"},
            activity_uuid=action.uuid,
        )
        return action

    def get(self, action_id: str) -> AttachmentAction:
        """Return a submission by Hydra id.

        Raises:
            NotFoundError: No such submission.
        """
        decoded = parse_hydra_id(action_id)
        found = None
        if decoded is not None and decoded.kind == "ATTACHMENT_ACTION":
            found = self.actions.get(decoded.uuid)
        if found is None:
            raise NotFoundError(f"Attachment action {action_id} not found.")
        return found
