"""Joinable meetings ("rooms"): control-API rooms, personal rooms and scheduled REST meetings.

Every meeting a client can look up or join is a :class:`MeetingRoom`. Rooms come from
three places: the control API, a person's personal room (created on first lookup), and
the REST Meetings backend, whose series are mirrored here on every lookup so that a
meeting scheduled with ``POST /v1/meetings`` is joinable by its number, SIP address or
web link. Locus keeps the id of a room's active locus in :attr:`MeetingRoom.locus_id`.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ...core.errors import BadRequestError, NotFoundError
from ...core.ids import new_uuid
from ...core.state import Backend
from ..meetings.models import SITE_URL, MeetingsBackend, Series
from ..people.models import PeopleBackend, Person

#: Default lifetime of a permission token, seconds.
DEFAULT_TOKEN_TTL = 2 * 3600


@dataclass
class MeetingRoom:
    """One joinable meeting and its security and lobby settings."""

    id: str
    """The meeting's uuid (``meetingUUID``); the REST meeting id for mirrored series."""
    number: str
    """Meeting number (``meetingKey``, ``wbxmn:<number>``)."""
    title: str
    host_uuid: str
    sip_uri: str
    join_url: str
    host_key: str
    password: str | None = None
    """Meeting password; None when the meeting has none."""
    conversation_url: str | None = None
    lobby: bool = False
    """Non-hosts wait in the lobby until a moderator admits them."""
    wait_for_host: bool = False
    """Non-hosts wait in the lobby until the host joins, then are admitted together."""
    locked: bool = False
    """Lock state a new locus of this meeting starts with."""
    host_pin_required: bool = False
    """Non-hosts joining while the host is absent must state an intent (``moderator`` and
    ``pin`` = host key, or ``moderator: false`` to join as a guest)."""
    policy_error: int | None = None
    """wbxappapi policy code (403049, ...) every lookup fails with."""
    token_ttl: int = DEFAULT_TOKEN_TTL
    """Lifetime in seconds of the permission tokens issued for this meeting."""
    personal: bool = False
    series_id: str | None = None
    """Id of the mirrored REST meeting series, if any."""
    locus_id: str | None = None
    """Id of the meeting's active locus, set by Locus while the meeting runs."""
    conf_id: int = field(default_factory=lambda: secrets.randbelow(9 * 10**17) + 10**17)

    def partial_info(self) -> dict[str, Any]:
        """The partial meeting info that password errors carry (meeting-info protocol)."""
        return {"meetingNumber": self.number, "meetingName": self.title, "sipUrl": self.sip_uri}

    def to_control_json(self) -> dict[str, Any]:
        """Render the room for the control API."""
        return {
            "meetingId": self.id,
            "meetingNumber": self.number,
            "title": self.title,
            "hostId": self.host_uuid,
            "sipUrl": self.sip_uri,
            "meetingJoinUrl": self.join_url,
            "password": self.password,
            "hostKey": self.host_key,
            "conversationUrl": self.conversation_url,
            "lobby": self.lobby,
            "waitForHost": self.wait_for_host,
            "locked": self.locked,
            "hostPinRequired": self.host_pin_required,
            "policyError": self.policy_error,
            "tokenTtl": self.token_ttl,
            "personal": self.personal,
        }


def https_host(base_url: str) -> str | None:
    """``host:port`` of the emulator when it serves HTTPS, else None.

    The SDK turns ``locusClusterUrl`` and ``info.webExSite`` into ``https://`` URLs
    whatever scheme the catalog uses, so a plain-HTTP emulator must not advertise them
    (the SDK then uses the catalog's ``locus`` and ``webex-appapi-service`` URLs).
    """
    parts = urlsplit(base_url)
    return parts.netloc if parts.scheme == "https" else None


def normalize_sip(value: str) -> str:
    """Lower-case a SIP address and drop the scheme, parameters and headers."""
    text = value.strip().lower()
    for scheme in ("sips:", "sip:"):
        if text.startswith(scheme):
            text = text[len(scheme) :]
    for separator in (";", "?"):
        text = text.split(separator, 1)[0]
    return text


def normalize_url(value: str) -> str:
    """Compare links without scheme, case or trailing slash."""
    text = value.strip().lower()
    for scheme in ("https://", "http://"):
        if text.startswith(scheme):
            text = text[len(scheme) :]
    return text.rstrip("/")


def _digits(value: str) -> str:
    return "".join(ch for ch in value if not ch.isspace() and ch != "-")


class RoomDirectory(Backend):
    """Every joinable meeting, by id."""

    def reset(self) -> None:
        """No rooms (personal rooms and REST mirrors reappear on demand)."""
        self.rooms: dict[str, MeetingRoom] = {}

    def _free_number(self) -> str:
        taken = {room.number for room in self.rooms.values()}
        while True:
            number = str(secrets.randbelow(9 * 10**9) + 10**9)
            if number not in taken:
                return number

    def create(
        self,
        host: Person,
        *,
        title: str | None = None,
        password: str | None = None,
        host_key: str | None = None,
        conversation_url: str | None = None,
        **settings: Any,
    ) -> MeetingRoom:
        """Create an instant meeting hosted by ``host``.

        Args:
            host: The meeting's host.
            title: Meeting name; ``<host>'s meeting`` by default.
            password: Meeting password; none by default.
            host_key: Six-digit host key; random by default.
            conversation_url: Space bound to the meeting.
            **settings: Other :class:`MeetingRoom` fields (``lobby``, ``locked``, ...).
        """
        number = self._free_number()
        room_id = new_uuid()
        room = MeetingRoom(
            id=room_id,
            number=number,
            title=title or f"{host.display_name}'s meeting",
            host_uuid=host.uuid,
            sip_uri=f"{number}@{SITE_URL}",
            join_url=f"https://{SITE_URL}/emulator/j.php?MTID=m{room_id.replace('-', '')}",
            host_key=host_key or f"{secrets.randbelow(10**6):06d}",
            password=password or None,
            conversation_url=conversation_url,
            **settings,
        )
        self.rooms[room.id] = room
        return room

    def personal_room(self, person: Person) -> MeetingRoom:
        """Return ``person``'s personal room, creating it on first use."""
        for room in self.rooms.values():
            if room.personal and room.host_uuid == person.uuid:
                return room
        local = person.email.split("@", 1)[0].lower()
        room = self.create(person, title=f"{person.display_name}'s Personal Room", personal=True)
        room.sip_uri = f"{local}@{SITE_URL}"
        room.join_url = f"https://{SITE_URL}/meet/{local}"
        return room

    # --- REST meetings ----------------------------------------------------------------

    def _mirror(self, series: Series) -> MeetingRoom:
        rendered = series.json("MeetingSeriesObject")
        room = self.rooms.get(series.id)
        if room is None:
            room = MeetingRoom(
                id=series.id,
                number=series.number,
                title=series.title,
                host_uuid=series.host.uuid,
                sip_uri=str(rendered["sipAddress"]),
                join_url=str(rendered["webLink"]),
                host_key=str(rendered.get("hostKey") or "123456"),
                series_id=series.id,
            )
            self.rooms[room.id] = room
        # Refreshed on every lookup, so a REST update shows at once.
        room.title = series.title
        room.password = None if series.fields.get("excludePassword") else series.password
        room.lobby = series.fields.get("unlockedMeetingJoinSecurity") == "allowJoinWithLobby"
        # Only an explicit "enabledJoinBeforeHost": false makes attendees wait for the host.
        room.wait_for_host = series.fields.get("enabledJoinBeforeHost") is False
        return room

    def _all(self) -> Iterator[MeetingRoom]:
        for series in list(self.state.backend(MeetingsBackend).series.values()):
            self._mirror(series)
        yield from list(self.rooms.values())

    # --- lookups ----------------------------------------------------------------------

    def get(self, room_id: str) -> MeetingRoom:
        """Return a room by id (REST meeting ids included).

        Raises:
            NotFoundError: No such meeting.
        """
        for room in self._all():
            if room.id == room_id:
                return room
        raise NotFoundError(f"Meeting {room_id} not found.")

    def by_number(self, number: str) -> MeetingRoom | None:
        """Return the meeting with this number (spaces and dashes ignored)."""
        wanted = _digits(number)
        return next((room for room in self._all() if room.number == wanted), None)

    def by_sip(self, address: str) -> MeetingRoom | None:
        """Return the meeting with this SIP address; personal rooms are found by e-mail."""
        wanted = normalize_sip(address)
        for room in self._all():
            if normalize_sip(room.sip_uri) == wanted:
                return room
        user, _, host = wanted.partition("@")
        if host == SITE_URL and user.isdigit():
            return self.by_number(user)
        if host == SITE_URL:
            people = self.state.backend(PeopleBackend).people.values()
            person = next((p for p in people if p.email.split("@")[0].lower() == user), None)
            if person is not None:
                return self.personal_room(person)
        return None

    def by_url(self, url: str) -> MeetingRoom | None:
        """Return the meeting whose join link is ``url``."""
        wanted = normalize_url(url)
        return next((r for r in self._all() if normalize_url(r.join_url) == wanted), None)

    def by_uuid(self, meeting_uuid: str) -> MeetingRoom | None:
        """Return the meeting with this uuid (dashes and case ignored)."""
        wanted = meeting_uuid.strip().lower().replace("-", "")
        return next((r for r in self._all() if r.id.lower().replace("-", "") == wanted), None)

    def by_conversation(self, conversation_url: str) -> MeetingRoom | None:
        """Return the meeting bound to this space."""
        wanted = normalize_url(conversation_url)
        return next(
            (
                room
                for room in self._all()
                if room.conversation_url and normalize_url(room.conversation_url) == wanted
            ),
            None,
        )

    def by_person(self, user_uuid: str, org_uuid: str | None) -> MeetingRoom | None:
        """Return the personal room of a person, by uuid (and org, when given)."""
        person = self.state.backend(PeopleBackend).people.get(user_uuid.strip().lower())
        if person is None or (org_uuid and person.org_uuid != org_uuid.strip().lower()):
            return None
        return self.personal_room(person)

    def by_address(self, address: str) -> MeetingRoom | None:
        """Resolve a Locus invitee address: join link, SIP address or ``wbxmn:<number>``."""
        text = address.strip()
        if not text:
            raise BadRequestError("The invitee address is empty.")
        if text.lower().startswith("wbxmn:"):
            return self.by_number(text[len("wbxmn:") :])
        if text.lower().startswith(("http://", "https://")):
            return self.by_url(text)
        if "@" in text:
            return self.by_sip(text)
        return self.by_number(text) if _digits(text).isdigit() else None

    def find(self, meeting: str) -> MeetingRoom:
        """Resolve a control-API meeting reference: id, number, SIP address or link.

        Raises:
            NotFoundError: Nothing matches.
        """
        for lookup in (self.by_uuid, self.by_address):
            found = lookup(meeting)
            if found is not None:
                return found
        raise NotFoundError(f"No meeting {meeting!r}.")
