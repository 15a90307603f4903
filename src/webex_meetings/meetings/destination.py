"""Meeting destinations: what ``meetings.create()`` accepts and how a string is classified.

Without an explicit type a destination string is tested in this order (the JS SDK's
order, with the Python additions marked +):

1. a meeting link: host contains ``webex.com`` and the path ``/meet``, ``/m``,
   ``/cisco``, ``/co`` or ``/join`` → ``MEETING_LINK``;
2. a SIP address (``[sip:]user@host[:port][;params][?headers]``) → ``SIP_URI``;
3. + a number written as ``tel:…``, ``sip:…`` or ``sips:…`` without a host → ``SIP_URI``;
4. + 9 to 11 digits, spaces or dashes between them allowed → ``MEETING_ID`` (the JS SDK
   would take a 10-digit meeting number for a North-American phone number);
5. a North-American phone number (``+1``, parentheses, extension…) → ``SIP_URI``;
6. a URL on a catalog host whose cluster id ends with ``identityLookup`` →
   ``CONVERSATION_URL``;
7. a Hydra person id → the person's SIP address (else their first e-mail), ``SIP_URI``;
8. a Hydra room id → :class:`SpaceIDDeprecatedError` (30105) with unified meetings on,
   else the space's conversation URL;
9. anything else → :class:`ParameterError` naming the input and what is accepted.

Steps 7 and 8 are skipped when ``meetings.disableHydraId`` is set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from webex_meetings._exceptions import NotFoundError, ServiceCatalogError
from webex_meetings._hydra import HydraId, parse_hydra_id
from webex_meetings._logging import get_logger
from webex_meetings.internal.activity import hydra_id
from webex_meetings.meetings.constants import DestinationType
from webex_meetings.meetings.errors import ParameterError, SpaceIDDeprecatedError

if TYPE_CHECKING:
    from webex_meetings._client import Webex
    from webex_meetings.models.people import Person

__all__ = [
    "ACCEPTED_DESTINATIONS",
    "Destination",
    "HydraId",
    "parse_hydra_id",
    "resolve_destination",
]

logger = get_logger(__name__)

#: What ``meetings.create()`` accepts, for error messages.
ACCEPTED_DESTINATIONS: Final = (
    "a SIP address (user@host), a meeting number (9-11 digits, or any number with "
    "type MEETING_ID), a meeting link (https://<site>.webex.com/meet/<name>), a phone "
    "number, a conversation URL, a person ID or e-mail with type PERSON_ID, a personal "
    "room with type PERSONAL_ROOM, a Locus object with type LOCUS_ID, or a meeting UUID "
    "with type MEETING_UUID"
)

_SPACE_ID_MESSAGE: Final = (
    "Using a space (room) ID as a meeting destination is no longer supported. Schedule a "
    "meeting for the space with webex.meetings_api.meetings.create_meeting(..., "
    "room_id=<space id>) and pass its meeting_number (type MEETING_ID) or its sip_address "
    "to meetings.create() instead; to call a person, pass their person ID with type "
    "PERSON_ID."
)

# ``\w``/``\d`` are spelled out: JS classes are ASCII, Python's are Unicode.
_SIP_ADDRESS: Final = re.compile(
    r"(sips?)?:?(?:([^\s>:@]+)(?::([^\s@>]+))?@)([A-Za-z0-9_.-]+)(?::([0-9]+))?"
    r"((?:;[^\s=?>;]+(?:=[^\s?;]+)?)*)(?:\?(([^\s&=>]+=[^\s&=>]+)(&[^\s&=>]+=[^\s&=>]+)*))?"
)
_AREA: Final = r"[2-9]1[02-9]|[2-9][02-8]1|[2-9][02-8][02-9]"
_PHONE_NUMBER: Final = re.compile(
    rf"(?:(?:\+?1\s*(?:[.-]\s*)?)?(?:\(\s*({_AREA})\s*\)|({_AREA}))\s*(?:[.-]\s*)?)?"
    r"([2-9]1[02-9]|[2-9][02-9]1|[2-9][02-9]{2})\s*(?:[.-]\s*)?([0-9]{4})"
    r"(?:\s*(?:#|x\.?|ext\.?|extension)\s*([0-9]+))?"
)
_SCHEMED_NUMBER: Final = re.compile(r"(?:tel|sips?):\+?[0-9][0-9 ().-]{2,30}", re.IGNORECASE)
_MEETING_NUMBER_CHARS: Final = re.compile(r"[0-9](?:[0-9 -]*[0-9])?")
_UUID: Final = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", re.IGNORECASE
)
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LINK_PATHS: Final = ("/meet", "/m", "/cisco", "/co", "/join")
_CONVERSATION_CLUSTER: Final = "identityLookup"


@dataclass(frozen=True)
class Destination:
    """A classified meeting destination.

    Attributes:
        type: what the destination is.
        value: the SIP address, meeting number, link, UUID or conversation URL; for
            ``PERSONAL_ROOM`` ``{"userId", "orgId"}`` (uuids); for ``LOCUS_ID`` the Locus
            object.
        was_hydra_person: the value is a person's address found from a person id or
            e-mail (JS ``wasHydraPerson``).
        original: what the caller passed.
    """

    type: DestinationType
    value: str | dict[str, Any]
    was_hydra_person: bool = False
    original: str | Mapping[str, Any] = ""

    def __repr__(self) -> str:
        value = self.value
        shown = f"<{len(value)} keys>" if isinstance(value, dict) else repr(value[:120])
        extra = ", was_hydra_person=True" if self.was_hydra_person else ""
        return f"Destination({self.type.value}, {shown}{extra})"


async def resolve_destination(
    webex: Webex,
    destination: str | Mapping[str, Any] | None,
    type: DestinationType | str | None = None,  # the JS argument name
) -> Destination:
    """Classify ``destination`` (JS ``MeetingInfoUtil.getDestinationType``).

    Args:
        webex: the SDK core (catalog, config, people lookups).
        destination: what the user wants to join or call; ``None`` only with
            ``PERSONAL_ROOM`` (your own room).
        type: the destination type, when the caller knows it; a
            :class:`DestinationType` or its name.

    Returns:
        The classified destination.

    Raises:
        ParameterError: the destination is empty, unrecognised, or the person or room
            it names cannot be found.
        SpaceIDDeprecatedError: a space (room) id was given with unified meetings on.
        APIError: a people or catalog lookup failed for another reason.
    """
    kind = _coerce_type(type)
    original: str | Mapping[str, Any] = destination if destination is not None else ""
    if kind is DestinationType.PERSONAL_ROOM:
        room = await _personal_room(webex, destination)
        return Destination(kind, room, original=original)
    if kind is DestinationType.LOCUS_ID:
        if not isinstance(destination, Mapping):
            raise ParameterError("type LOCUS_ID needs the Locus object (a mapping) as destination")
        return Destination(kind, dict(destination), original=destination)
    if isinstance(destination, Mapping):
        raise ParameterError(
            "a mapping destination needs type LOCUS_ID (a Locus object) or PERSONAL_ROOM "
            "({'userId', 'orgId'})"
        )
    if not isinstance(destination, str) or not destination.strip():
        raise ParameterError(f"the meeting destination is empty; pass {ACCEPTED_DESTINATIONS}")
    text = destination.strip()
    if kind is None:
        return await _classify(webex, text, destination)
    if kind is DestinationType.PERSON_ID:
        return await _person_destination(webex, text, destination)
    if kind is DestinationType.MEETING_ID:
        return Destination(kind, _meeting_number(text) or text, original=destination)
    return Destination(kind, text, original=destination)


def _coerce_type(value: DestinationType | str | None) -> DestinationType | None:
    if value is None or isinstance(value, DestinationType):
        return value
    if isinstance(value, str):
        try:
            return DestinationType(value.strip().upper())
        except ValueError:
            pass
    names = ", ".join(t.value for t in DestinationType)
    raise ParameterError(f"unknown destination type {value!r}; expected one of {names}")


async def _classify(webex: Webex, text: str, original: str) -> Destination:
    if _is_meeting_link(text):
        logger.warning("meeting links are deprecated as destinations; prefer the SIP address")
        return Destination(DestinationType.MEETING_LINK, text, original=original)
    if _SIP_ADDRESS.fullmatch(text) or _SCHEMED_NUMBER.fullmatch(text):
        return Destination(DestinationType.SIP_URI, text, original=original)
    number = _meeting_number(text)
    if number is not None:
        return Destination(DestinationType.MEETING_ID, number, original=original)
    if _PHONE_NUMBER.fullmatch(text):
        return Destination(DestinationType.SIP_URI, text, original=original)
    if await _is_conversation_url(webex, text):
        return Destination(DestinationType.CONVERSATION_URL, text, original=original)
    config = webex.config.meetings
    hydra = None if config.disable_hydra_id else parse_hydra_id(text)
    if hydra is not None and _UUID.fullmatch(hydra.uuid):
        if hydra.kind == "PEOPLE":
            return await _person_destination(webex, text, original)
        if hydra.kind == "ROOM":
            if config.experimental.enable_unified_meetings:
                logger.error("a space ID was given as meeting destination (error 30105)")
                raise SpaceIDDeprecatedError(_SPACE_ID_MESSAGE)
            base = await webex.internal.services.get_url("conversation")
            url = f"{base.rstrip('/')}/conversations/{hydra.uuid}"
            return Destination(DestinationType.CONVERSATION_URL, url, original=original)
    raise ParameterError(f"cannot tell what {_show(text)} is; pass {ACCEPTED_DESTINATIONS}")


def _show(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _is_meeting_link(text: str) -> bool:
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        host = parts.hostname or ""
    except ValueError:
        return False
    return "webex.com" in host and any(p in parts.path for p in _LINK_PATHS)


def _meeting_number(text: str) -> str | None:
    """The digits of a 9-11 digit meeting number written with optional spaces/dashes."""
    if len(text) > 40 or not _MEETING_NUMBER_CHARS.fullmatch(text):
        return None
    digits = text.replace(" ", "").replace("-", "")
    return digits if 9 <= len(digits) <= 11 else None


async def _is_conversation_url(webex: Webex, text: str) -> bool:
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not host:
        return False
    services = webex.internal.services
    if not services.is_ready:
        try:
            await services.initialize()
        except ServiceCatalogError as exc:
            # Without a catalog no URL can be a conversation URL; the lookup that
            # follows will report the catalog problem itself.
            logger.debug("no catalog to classify a URL destination: %s", exc)
            return False
    cluster = services.get_cluster_id(text)
    return bool(cluster and cluster.endswith(_CONVERSATION_CLUSTER))


# -- people ------------------------------------------------------------------------


def _as_person_id(text: str) -> str:
    """A Hydra person id for ``text`` (a Hydra id already, or a bare uuid)."""
    if _UUID.fullmatch(text):
        return hydra_id("PEOPLE", text.lower())
    return text


def _uuid_of(value: str | None) -> str | None:
    if not value:
        return None
    hydra = parse_hydra_id(value)
    return hydra.uuid if hydra is not None else value


def _address_of(person: Person) -> str | None:
    """The person's SIP address (primary first, never a personal room), else e-mail."""
    sips = [s for s in person.sip_addresses or [] if s.value and s.type != "personal-room"]
    sips.sort(key=lambda s: not s.primary)
    if sips and sips[0].value:
        return sips[0].value
    emails = [e for e in person.emails or [] if e]
    return emails[0] if emails else None


async def _person_destination(webex: Webex, text: str, original: str) -> Destination:
    person: Person | None
    if _EMAIL.fullmatch(text):
        page = await webex.people.list(email=text)
        person = page.items[0] if page.items else None
        if person is None:
            # Not in the directory: the address itself is still callable.
            logger.info("no person listed for the e-mail destination; calling it as given")
            return Destination(
                DestinationType.SIP_URI, text, was_hydra_person=True, original=original
            )
    else:
        person_id = _as_person_id(text)
        hydra = parse_hydra_id(person_id)
        if hydra is None or hydra.kind != "PEOPLE":
            raise ParameterError(
                f"{_show(text)} is not a person ID or e-mail; type PERSON_ID needs one"
            )
        try:
            person = await webex.people.get(person_id)
        except NotFoundError as exc:
            raise ParameterError(f"no person found for {_show(text)}", error=exc) from exc
    address = _address_of(person)
    if not address:
        raise ParameterError(f"the person {_show(text)} has no SIP address and no e-mail")
    return Destination(DestinationType.SIP_URI, address, was_hydra_person=True, original=original)


async def _personal_room(
    webex: Webex, destination: str | Mapping[str, Any] | None
) -> dict[str, Any]:
    user_id: str | None
    org_id: str | None
    if isinstance(destination, Mapping):
        user_id, org_id = destination.get("userId"), destination.get("orgId")
    elif destination is None or not str(destination).strip():
        device = webex.internal.device
        user_id, org_id = device.user_id, device.org_id
        if not (user_id and org_id):
            me = await webex.people.me()
            user_id, org_id = me.id, me.org_id
    else:
        text = str(destination).strip()
        if _EMAIL.fullmatch(text):
            page = await webex.people.list(email=text)
        else:
            page = await webex.people.list(id=_as_person_id(text))
        if not page.items:
            raise ParameterError(f"no person found for the personal room of {_show(text)}")
        user_id, org_id = page.items[0].id, page.items[0].org_id
    user_uuid, org_uuid = _uuid_of(user_id), _uuid_of(org_id)
    if not (user_uuid and org_uuid):
        raise ParameterError("a personal room needs both a user id and an org id")
    return {"userId": user_uuid, "orgId": org_uuid}
