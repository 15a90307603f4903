"""Roster changes: invite and cancel (``PUT {locusUrl}``), rename, decline, simulated people.

Invited e-mail addresses become ``USER`` participants in state ``NOTIFIED`` without a
device; invited phone numbers (E.164) become ``NOTIFIED`` participants with one
``SIP`` device in state ``IDLE``. A cancel (``actionType: REMOVE``) marks the invitee
``LEFT`` and ``removed``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ...core.ids import new_uuid
from ..meetings.models import SITE_URL
from ..people.models import PeopleBackend, Person
from . import errors
from .model import DeviceSession, Locus, Participant, ParticipantState

_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")


def _invitees(body: Mapping[str, Any]) -> list[str]:
    invitees = body.get("invitees")
    if not isinstance(invitees, list) or not invitees:
        raise errors.bad_request("invitees must be a non-empty list.")
    addresses = []
    for invitee in invitees:
        address = invitee.get("address") if isinstance(invitee, dict) else None
        if not isinstance(address, str) or not address.strip():
            raise errors.bad_request(
                "Each invitee needs an address.", errors.INVALID_INVITEE_ADDRESS
            )
        addresses.append(address.strip())
    return addresses


def _check_phone(address: str) -> None:
    digits = address[1:]
    if not digits.isdigit():
        raise errors.bad_request(
            f"{address} is not a phone number.", errors.PHONE_NUMBER_NOT_A_NUMBER
        )
    if len(digits) > 15:
        raise errors.bad_request(f"{address} is too long.", errors.PHONE_NUMBER_TOO_LONG)
    if not _E164.match(address):
        raise errors.bad_request(f"{address} is too short.", errors.PHONE_NUMBER_TOO_SHORT)


def _find_invitee(locus: Locus, address: str) -> Participant | None:
    wanted = address.lower()
    return next(
        (
            p
            for p in locus.participants.values()
            if (p.invited_address or "").lower() == wanted or (p.email or "").lower() == wanted
        ),
        None,
    )


def invite(locus: Locus, actor: Participant, body: Mapping[str, Any], people: PeopleBackend) -> str:
    """Apply ``PUT {locusUrl}``: invite, or cancel with ``actionType: REMOVE``.

    Returns:
        The full-DTO event type of the change.

    Raises:
        LocusError: 403 for non-moderators, 400 for bad addresses, 404 when a cancel
            names nobody invited.
    """
    if not actor.can_moderate:
        raise errors.forbidden("Only a moderator can invite.")
    addresses = _invitees(body)
    if body.get("actionType") == "REMOVE":
        for address in addresses:
            invited = _find_invitee(locus, address)
            if invited is None or invited.state != ParticipantState.NOTIFIED:
                raise errors.not_found(f"{address} is not invited.", errors.PARTICIPANT_NOT_FOUND)
            invited.state, invited.removed = ParticipantState.LEFT, True
            for device in invited.devices:
                device.state = "LEFT"
        return "locus.participant_left"
    for address in addresses:
        _invite_one(locus, address, people)
    return "locus.participant_updated"


def _invite_one(locus: Locus, address: str, people: PeopleBackend) -> None:
    if address.startswith("+"):
        _check_phone(address)
    elif "@" not in address:
        raise errors.bad_request(
            f"{address} is neither an e-mail nor a phone number.", errors.INVALID_INVITEE_ADDRESS
        )
    existing = _find_invitee(locus, address)
    if existing is not None and existing.present:
        return
    if existing is None:
        existing = _new_invitee(locus, address, people)
        locus.participants[existing.id] = existing
    existing.state, existing.removed = ParticipantState.NOTIFIED, False
    for device in existing.devices:
        device.state = "IDLE"


def _new_invitee(locus: Locus, address: str, people: PeopleBackend) -> Participant:
    if address.startswith("+"):
        sip = f"sip:{address}@{SITE_URL};user=phone"
        return Participant(
            id=new_uuid(),
            person_uuid=new_uuid(),
            name=address,
            email=None,
            org_uuid=locus.host_org_uuid,
            sip_url=sip,
            invited_address=address,
            devices=[
                DeviceSession(url=sip, device_type="SIP", correlation_id=new_uuid(), state="IDLE")
            ],
        )
    person = people.find_by_email(address)
    if person is not None:
        return Participant(
            id=new_uuid(),
            person_uuid=person.uuid,
            name=person.display_name,
            email=person.email,
            org_uuid=person.org_uuid,
            invited_address=address,
        )
    return Participant(
        id=new_uuid(),
        person_uuid=new_uuid(),
        name=address.split("@", 1)[0],
        email=address,
        org_uuid=new_uuid(),
        guest=True,
        invited_address=address,
    )


def rename(actor: Participant, target: Participant, body: Mapping[str, Any]) -> None:
    """Apply ``POST {P}/<m>/alias``: the new display name.

    Raises:
        LocusError: 400 without ``aliasValue``; 403 renaming others as a non-moderator.
    """
    alias = body.get("aliasValue")
    if not isinstance(alias, str) or not alias.strip():
        raise errors.bad_request("aliasValue must be a non-empty string.")
    if actor is not target and not actor.can_moderate:
        raise errors.forbidden("Only a moderator can rename others.")
    target.name = alias.strip()


def decline(locus: Locus, participant: Participant | None, person: Person) -> Participant:
    """Apply ``PUT {P}/decline`` for the caller; an uninvited caller is added as declined."""
    if participant is None:
        participant = Participant(
            id=new_uuid(),
            person_uuid=person.uuid,
            name=person.display_name,
            email=person.email,
            org_uuid=person.org_uuid,
        )
        locus.participants[participant.id] = participant
    if participant.present:
        raise errors.LocusError(409, errors.BAD_REQUEST, "Leave the meeting instead of declining.")
    participant.state = ParticipantState.DECLINED
    return participant
