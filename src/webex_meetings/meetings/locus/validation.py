"""Checks of each Locus DTO section before it is applied.

A section whose shape does not match the typed model of :mod:`.dto` (a list where an
object belongs, a number as an id...) is rejected: it is left out of the DTO that gets
applied, so the state keeps the last good value of that section, and a later good DTO
applies cleanly on top. Participants are checked one by one: a bad entry keeps the
participant's last good value (or is skipped when there is none).

The warnings name the section and the kind of problem only, never a value, since DTOs
carry personal data and URLs with tokens in them.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, Final

from pydantic import BaseModel, ValidationError

from webex_meetings._logging import get_logger
from webex_meetings.meetings.locus.dto import Locus, Participant

__all__ = ["clean_dto", "invalid_reason"]

logger = get_logger(__name__)

#: Sections left to the sequence parser (ordering), never rejected here.
_PARSER_SECTIONS: Final = frozenset({"sequence", "baseSequence", "syncUrl"})


@cache
def _aliases() -> frozenset[str]:
    fields = Locus.model_fields
    return frozenset(field.alias or name for name, field in fields.items())


def _problem(error: ValidationError) -> str:
    # Location and error type only: ``str(error)`` would quote the offending value.
    first = error.errors(include_url=False, include_input=False, include_context=False)[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return f"{first.get('type')} at {where or '<root>'}"


def _check(model: type[BaseModel], data: Mapping[str, Any]) -> str | None:
    try:
        model.model_validate(data)
    except ValidationError as error:
        return _problem(error)
    return None


def invalid_reason(key: str, value: Any) -> str | None:
    """Why section ``key`` of a DTO cannot be applied, or None when it can.

    Unknown sections are accepted as they are (Locus adds sections over time).
    """
    if key in _PARSER_SECTIONS or key not in _aliases() or value is None:
        return None
    if key == "participants":
        return None if isinstance(value, list) else f"a {type(value).__name__}, not a list"
    if key == "links":
        if not isinstance(value, Mapping):
            return f"a {type(value).__name__}, not an object"
        services = value.get("services")
        if services is not None and not isinstance(services, Mapping):
            return "links.services is not an object"
        return None
    return _check(Locus, {key: value})


def _participant_reason(entry: Any) -> str | None:
    if not isinstance(entry, Mapping):
        return f"a {type(entry).__name__}, not an object"
    if not isinstance(entry.get("id"), str) or not entry.get("id"):
        return "no string id"
    return _check(Participant, entry)


def _clean_participants(entries: list[Any], previous: Mapping[str, Mapping[str, Any]]) -> list[Any]:
    out: list[Any] = []
    for index, entry in enumerate(entries):
        pid = entry.get("id") if isinstance(entry, Mapping) else None
        kept = previous.get(pid) if isinstance(pid, str) else None
        # An entry equal to the last good one passed already (full DTOs repeat most).
        if (kept is not None and entry == kept) or (reason := _participant_reason(entry)) is None:
            out.append(entry)
            continue
        logger.warning(
            "locus: participant %d rejected (%s); %s",
            index,
            reason,
            "its last good value is kept" if kept is not None else "skipped",
        )
        if kept is not None:
            out.append(kept)
    return out


def clean_dto(
    dto: Mapping[str, Any], previous_participants: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """``dto`` without the sections that cannot be applied (a shallow copy).

    Args:
        dto: a full DTO or a delta, as received.
        previous_participants: the last good participants by id, standing in for
            malformed entries of the same id.

    Returns:
        The sections to apply; rejected ones are left out and logged at WARNING.
    """
    out: dict[str, Any] = {}
    for key, value in dto.items():
        reason = invalid_reason(key, value)
        if reason is not None:
            logger.warning(
                "locus: section %r rejected (%s); the last good value is kept", key, reason
            )
            continue
        if key == "participants" and isinstance(value, list):
            value = _clean_participants(value, previous_participants)
        out[key] = value
    return out
