"""Share floors of a locus (``mediaShares``, Locus protocol): grant, release, who holds them.

A locus has one floor per share name: ``content`` (screen share) and ``whiteboard``.
A grant gives the floor to one participant's device and takes it from whoever held it;
a release keeps the last beneficiary with ``disposition: RELEASED``. Every change is
committed with the full-DTO event type ``locus.floor_granted`` or
``locus.floor_released``.

The floor ``beneficiary`` carries ``id`` (participant id), ``url``, ``devices`` and
``deviceUrl`` (the sharing device; clients compare it with their own device URL to
tell a local share from the same user sharing elsewhere). A whiteboard's
``resourceUrl`` sits on its ``mediaShares`` entry, where clients read it.

While a simulated participant holds the content floor, the media server sends its
synthetic content track to every device (:func:`sync_content`).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from . import errors
from .model import Locus, Participant, ParticipantState, Role

CONTENT = "content"
WHITEBOARD = "whiteboard"
FLOOR_GRANTED = "locus.floor_granted"
FLOOR_RELEASED = "locus.floor_released"


class Disposition(StrEnum):
    """``mediaShares[].floor.disposition`` values the emulator writes."""

    GRANTED = "GRANTED"
    RELEASED = "RELEASED"


def share_url(locus: Locus, name: str) -> str:
    """``{locusUrl}/mediashares/<id>`` of a share name."""
    return f"{locus.url}/mediashares/{locus.share_ids[name]}"


def name_of(locus: Locus, share_id: str) -> str:
    """The share name behind a ``mediashares/<id>`` path.

    Raises:
        LocusError: 404 for an unknown share.
    """
    name = next((n for n, i in locus.share_ids.items() if i == share_id), None)
    if name is None:
        raise errors.not_found(f"Media share {share_id} not found.")
    return name


def holder(locus: Locus, name: str = CONTENT) -> Participant | None:
    """The participant the floor is granted to, if any."""
    floor = locus.floors.get(name) or {}
    if floor.get("disposition") != Disposition.GRANTED:
        return None
    beneficiary = floor.get("beneficiary") or {}
    return locus.participants.get(str(beneficiary.get("id")))


def simulated_sharer(locus: Locus) -> Participant | None:
    """The simulated participant holding the content floor in a running meeting, if any."""
    sharer = holder(locus, CONTENT) if locus.active else None
    return sharer if sharer is not None and sharer.simulated else None


def grant(
    locus: Locus,
    name: str,
    participant: Participant,
    *,
    device_url: str | None = None,
    requester_url: str | None = None,
    share_instance_id: str | None = None,
    resource_url: str | None = None,
) -> str:
    """Give floor ``name`` to ``participant``, taking it from the previous holder.

    Args:
        locus: The locus.
        name: ``content`` or ``whiteboard``.
        participant: The beneficiary; must be joined.
        device_url: The sharing device (the participant's first joined device if None).
        requester_url: Who asked (the beneficiary's own URL if None).
        share_instance_id: The client's id of this share.
        resource_url: The whiteboard channel (or shared resource), if any.

    Returns:
        ``locus.floor_granted``.

    Raises:
        LocusError: 404 for an unknown share name; 409 for a participant not joined.
    """
    if name not in locus.share_ids:
        raise errors.not_found(f"Media share {name} not found.")
    joined = [d for d in participant.devices if d.joined and not d.waiting]
    if participant.state != ParticipantState.JOINED or not joined:
        raise errors.LocusError(
            409, errors.BAD_REQUEST, "Floor requested but device not yet joined."
        )
    device = next((d for d in joined if d.url == device_url), joined[0])
    url = locus.participant_url(participant.id)
    floor: dict[str, Any] = {
        "disposition": Disposition.GRANTED.value,
        "beneficiary": {
            "id": participant.id,
            "url": url,
            "deviceUrl": device.url,
            "devices": [{"url": device.url, "deviceType": device.device_type}],
        },
        "requester": {"url": requester_url or url},
    }
    if share_instance_id:
        floor["shareInstanceId"] = share_instance_id
    locus.floors[name] = floor
    if resource_url:
        locus.share_resources[name] = resource_url
    else:
        locus.share_resources.pop(name, None)
    return FLOOR_GRANTED


def release(locus: Locus, name: str) -> str:
    """Release floor ``name``; the last beneficiary stays, ``RELEASED``. A no-op if free.

    Returns:
        ``locus.floor_released``.
    """
    current = locus.floors.get(name)
    if current and current.get("disposition") == Disposition.GRANTED:
        locus.floors[name] = {**current, "disposition": Disposition.RELEASED.value}
    locus.share_resources.pop(name, None)
    return FLOOR_RELEASED


def _devices_url(floor: Mapping[str, Any]) -> str | None:
    beneficiary = floor.get("beneficiary")
    devices = beneficiary.get("devices") if isinstance(beneficiary, dict) else None
    first = devices[0] if isinstance(devices, list) and devices else None
    url = first.get("url") if isinstance(first, dict) else None
    return url if isinstance(url, str) else None


def change_floor(locus: Locus, actor: Participant, share_id: str, body: Mapping[str, Any]) -> str:
    """Apply ``PUT <mediaShares[].url>`` with ``{floor: {disposition, ...}, resourceUrl}``.

    A grant goes to the caller's device named in ``floor.beneficiary.devices``; with
    ``shareControl`` ``MODERATOR_PRESENTER`` only moderators, co-hosts and presenters
    may take a floor. Only the holder or a moderator may release it.

    Returns:
        The full-DTO event type of the change.

    Raises:
        LocusError: 404 unknown share or a device not in the meeting, 400 bad body,
            403 not allowed.
    """
    name = name_of(locus, share_id)
    floor = body.get("floor")
    if not isinstance(floor, dict):
        raise errors.bad_request("floor must be an object.")
    disposition = floor.get("disposition")
    if disposition == Disposition.RELEASED:
        current = holder(locus, name)
        if current is not None and current is not actor and not actor.can_moderate:
            raise errors.forbidden("Only the sharer or a moderator can release the floor.")
        return release(locus, name)
    if disposition != Disposition.GRANTED:
        raise errors.bad_request("floor.disposition must be GRANTED or RELEASED.")
    if locus.share_control == "MODERATOR_PRESENTER" and not (
        actor.can_moderate or Role.PRESENTER in actor.roles
    ):
        raise errors.forbidden("Only moderators and presenters may share.")
    device_url = _devices_url(floor)
    device = actor.device(device_url) if device_url is not None else None
    if device_url is not None and (device is None or not device.joined):
        # The SDK classifies floor errors by this text (JS SDK error codes).
        raise errors.not_found("No media session found for device.", errors.PARTICIPANT_NOT_FOUND)
    requester = floor.get("requester")
    requester_url = requester.get("url") if isinstance(requester, dict) else None
    instance = floor.get("shareInstanceId")
    resource = body.get("resourceUrl")
    return grant(
        locus,
        name,
        actor,
        device_url=device_url,
        requester_url=requester_url if isinstance(requester_url, str) else None,
        share_instance_id=instance if isinstance(instance, str) else None,
        resource_url=resource if isinstance(resource, str) else None,
    )


def render_share(locus: Locus, name: str) -> dict[str, Any]:
    """One ``mediaShares`` entry: ``{name, url, resourceUrl?, floor?}``."""
    out: dict[str, Any] = {"name": name, "url": share_url(locus, name)}
    if resource := locus.share_resources.get(name):
        out["resourceUrl"] = resource
    if floor := locus.floors.get(name):
        out["floor"] = floor
    return out


def sync_content(media: object, locus: Locus) -> None:
    """Tell the media server (when it sends content) that the floor may have moved."""
    refresh = getattr(media, "refresh_content", None)
    if callable(refresh):
        refresh(locus)
