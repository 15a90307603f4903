"""Share floors: ``PUT <mediaShares[].url>`` grants or releases content or whiteboard."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import errors
from .model import Locus, Participant, Role


def change_floor(locus: Locus, actor: Participant, share_id: str, body: Mapping[str, Any]) -> str:
    """Grant or release a floor; returns the full-DTO event type.

    Raises:
        LocusError: 404 for an unknown share, 400 for a bad body, 403 when only
            moderators and presenters may share.
    """
    name = next((n for n, i in locus.share_ids.items() if i == share_id), None)
    if name is None:
        raise errors.not_found(f"Media share {share_id} not found.")
    floor = body.get("floor")
    if not isinstance(floor, dict):
        raise errors.bad_request("floor must be an object.")
    disposition = floor.get("disposition")
    current = locus.floors.get(name) or {}
    if disposition == "RELEASED":
        locus.floors[name] = {**current, "disposition": "RELEASED"}
        return "locus.floor_released"
    if disposition != "GRANTED":
        raise errors.bad_request("floor.disposition must be GRANTED or RELEASED.")
    if locus.share_control == "MODERATOR_PRESENTER" and not (
        actor.can_moderate or Role.PRESENTER in actor.roles
    ):
        raise errors.forbidden("Only moderators and presenters may share.")
    beneficiary = floor.get("beneficiary")
    beneficiary = beneficiary if isinstance(beneficiary, dict) else {}
    requester = floor.get("requester")
    requester = requester if isinstance(requester, dict) else {}
    granted: dict[str, Any] = {
        "disposition": "GRANTED",
        "beneficiary": {
            "id": actor.id,
            "url": locus.participant_url(actor.id),
            "devices": list(beneficiary.get("devices") or []),
        },
        "requester": {"url": requester.get("url") or locus.participant_url(actor.id)},
        "shareInstanceId": floor.get("shareInstanceId"),
    }
    if isinstance(body.get("resourceUrl"), str):
        granted["resourceUrl"] = body["resourceUrl"]
    locus.floors[name] = granted
    return "locus.floor_granted"
