"""People backend: the person directory, with the Person JSON of the Hydra spec."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ...core.errors import BadRequestError, ConflictError, NotFoundError
from ...core.ids import hydra_id, new_uuid, parse_hydra_id
from ...core.state import Backend

#: Path of the avatar images, served by the people routes like a CDN (no auth).
AVATAR_PATH = "/avatars"


def webex_timestamp(epoch: float) -> str:
    """Format a time as Webex messaging does: UTC with milliseconds, ``...16.000Z``."""
    moment = datetime.fromtimestamp(epoch, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Person:
    """A Webex user (``type: person``) of one org."""

    uuid: str
    org_uuid: str
    display_name: str
    email: str
    created: float
    """Epoch seconds."""
    first_name: str = ""
    last_name: str = ""
    status: str = "active"

    @property
    def id(self) -> str:
        """The person's Hydra id (``ciscospark://us/PEOPLE/<uuid>``)."""
        return hydra_id("PEOPLE", self.uuid)

    def to_json(self, base_url: str) -> dict[str, Any]:
        """Render the ``Person`` schema of the messaging OpenAPI spec.

        Args:
            base_url: The emulator's URL, for the avatar link.
        """
        created = webex_timestamp(self.created)
        return {
            "id": self.id,
            "emails": [self.email],
            "phoneNumbers": [],
            "displayName": self.display_name,
            "nickName": self.first_name or self.display_name,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "avatar": f"{base_url}{AVATAR_PATH}/{self.uuid}~1600",
            "orgId": hydra_id("ORGANIZATION", self.org_uuid),
            "roles": [],
            "licenses": [],
            "created": created,
            "lastModified": created,
            "lastActivity": created,
            "status": self.status,
            "invitePending": "false",
            "loginEnabled": "true",
            "type": "person",
        }


class PeopleBackend(Backend):
    """Every person the emulator knows, keyed by uuid."""

    def reset(self) -> None:
        """Keep only the seeded default user."""
        seed = self.state.seed
        self.people: dict[str, Person] = {}
        self._by_email: dict[str, Person] = {}
        self.create(
            seed.display_name,
            seed.email,
            org_uuid=seed.org_uuid,
            person_uuid=seed.person_uuid,
            created=seed.created,
        )

    def create(
        self,
        display_name: str | None = None,
        email: str | None = None,
        *,
        org_uuid: str | None = None,
        person_uuid: str | None = None,
        created: float | None = None,
    ) -> Person:
        """Add a person.

        Args:
            display_name: Full name; ``User <n>`` by default. The first word becomes
                ``firstName``, the rest ``lastName``.
            email: Unique address; ``user<n>@example.com`` by default.
            org_uuid: Org of the person; the seeded org by default.
            person_uuid: Fixed uuid (used for the seed); random by default.
            created: Creation time, epoch seconds; now by default.

        Raises:
            BadRequestError: ``email`` is not an address.
            ConflictError: Another person already has ``email``.
        """
        number = len(self.people) + 1
        email = email if email is not None else self._free_email(number)
        if "@" not in email:
            raise BadRequestError(f"Invalid email address {email!r}.")
        if self.find_by_email(email) is not None:
            raise ConflictError(f"A person with email {email} already exists.")
        name = display_name or f"User {number}"
        first, _, last = name.partition(" ")
        person = Person(
            uuid=person_uuid or new_uuid(),
            org_uuid=org_uuid or self.state.seed.org_uuid,
            display_name=name,
            email=email,
            created=float(int(self.state.clock())) if created is None else created,
            first_name=first,
            last_name=last,
        )
        self.people[person.uuid] = person
        self._by_email[email.strip().lower()] = person
        return person

    def _free_email(self, number: int) -> str:
        while self.find_by_email(f"user{number}@example.com") is not None:
            number += 1
        return f"user{number}@example.com"

    def find_by_email(self, email: str) -> Person | None:
        """Return the person with ``email`` (case-insensitive), if any."""
        return self._by_email.get(email.strip().lower())

    def get(self, person_uuid: str) -> Person:
        """Return a person by uuid.

        Raises:
            NotFoundError: No such person.
        """
        person = self.people.get(person_uuid)
        if person is None:
            raise NotFoundError(f"Person {person_uuid} not found.")
        return person

    def get_by_id(self, person_id: str) -> Person:
        """Return a person by Hydra id (padded or not).

        Raises:
            NotFoundError: ``person_id`` is not a PEOPLE Hydra id, or no such person.
        """
        decoded = parse_hydra_id(person_id)
        if decoded is None or decoded.kind != "PEOPLE" or decoded.uuid not in self.people:
            raise NotFoundError(f"Person {person_id} not found.")
        return self.people[decoded.uuid]

    def find(
        self,
        *,
        email: str | None = None,
        display_name: str | None = None,
        ids: str | None = None,
        org_id: str | None = None,
    ) -> list[Person]:
        """Return people matching every given filter, in creation order.

        Args:
            email: Exact address (case-insensitive).
            display_name: Case-insensitive prefix of the display name.
            ids: Comma-separated Hydra ids.
            org_id: Hydra id of the org.
        """
        found: list[Person] = list(self.people.values())
        if email is not None:
            wanted = email.strip().lower()
            found = [p for p in found if p.email.lower() == wanted]
        if display_name is not None:
            prefix = display_name.lower()
            found = [p for p in found if p.display_name.lower().startswith(prefix)]
        if ids is not None:
            uuids = {
                decoded.uuid
                for part in ids.split(",")
                if (decoded := parse_hydra_id(part.strip())) is not None
            }
            found = [p for p in found if p.uuid in uuids]
        if org_id is not None:
            org = parse_hydra_id(org_id)
            found = [p for p in found if org is not None and p.org_uuid == org.uuid]
        return found

    def create_from_json(self, body: dict[str, Any], org_uuid: str) -> Person:
        """Add a person from a ``POST /people`` body (already schema-validated).

        Raises:
            BadRequestError: ``emails`` is empty or not an address.
            ConflictError: The address is taken.
        """
        emails = body.get("emails") or []
        if not emails:
            raise BadRequestError("emails: at least one email address is required.")
        first, last = body.get("firstName") or "", body.get("lastName") or ""
        name = body.get("displayName") or f"{first} {last}".strip() or None
        person = self.create(name, emails[0], org_uuid=org_uuid)
        person.first_name = first or person.first_name
        person.last_name = last or person.last_name
        return person

    def update(self, person: Person, body: dict[str, Any]) -> Person:
        """Apply a ``PUT /people/{personId}`` body (already schema-validated).

        Raises:
            ConflictError: The new address belongs to someone else.
        """
        emails = body.get("emails") or []
        if emails and emails[0].lower() != person.email.lower():
            if "@" not in emails[0]:
                raise BadRequestError(f"Invalid email address {emails[0]!r}.")
            if self.find_by_email(emails[0]) is not None:
                raise ConflictError(f"A person with email {emails[0]} already exists.")
            self._by_email.pop(person.email.lower(), None)
            person.email = emails[0]
            self._by_email[person.email.lower()] = person
        person.display_name = body.get("displayName") or person.display_name
        person.first_name = body.get("firstName", person.first_name) or ""
        person.last_name = body.get("lastName", person.last_name) or ""
        return person

    def delete(self, person: Person) -> None:
        """Remove a person."""
        self.people.pop(person.uuid, None)
        self._by_email.pop(person.email.lower(), None)
