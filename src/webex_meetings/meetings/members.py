"""``meeting.members``: the member list kept from Locus participants, and member actions.

The list is fed by :class:`~webex_meetings.meetings.locus.info.LocusInfo`: every applied
DTO calls :meth:`Members.locus_participants_update` (even without participants, which
gives an empty delta), and self, host and floor changes call the matching ``locus_*``
methods. Participants are merged by id and never deleted (a participant that left stays
with status ``NOT_IN_MEETING``); the list is reset only when the breakout session
changes (``is_replace``).

Member actions go to Locus through :class:`~webex_meetings.meetings.locus.requests.LocusRequests`
as delta requests, so their responses update the list too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from webex_meetings._events import EventEmitter
from webex_meetings._exceptions import APIStatusError
from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import MembersEvents
from webex_meetings.meetings.errors import ASSIGN_ROLES_ERRORS, ParameterError
from webex_meetings.meetings.locus.requests import LocusRequests
from webex_meetings.meetings.member import Member

__all__ = ["Members", "MembersCollection"]

logger = get_logger(__name__)

#: E.164 phone numbers (JS ``DIALER_REGEX.E164_FORMAT``).
E164_FORMAT = re.compile(r"^\+[1-9]\d{1,14}$")
#: Email addresses (JS ``VALID_EMAIL_ADDRESS``).
VALID_EMAIL_ADDRESS = re.compile(
    r"^(([^<>()\[\]\\.,;:\s@\"]+(\.[^<>()\[\]\\.,;:\s@\"]+)*)|(\".+\"))@"
    r"((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$"
)

_NO_LOCUS = "The associated locus url for this meeting object must be defined."


def _csis(section: Mapping[str, Any]) -> tuple[Any, ...]:
    # Locus sends a list; anything else (a number, a mapping) is a malformed section
    # that must not turn a CSI lookup into a TypeError.
    value = section.get("csis")
    return tuple(value) if isinstance(value, list) else ()


class MembersCollection:
    """Members by participant id (JS ``MembersCollection``)."""

    def __init__(self) -> None:
        self.members: dict[str, Member] = {}

    def __len__(self) -> int:
        return len(self.members)

    def __iter__(self) -> Iterator[Member]:
        return iter(list(self.members.values()))

    def __contains__(self, member_id: object) -> bool:
        return member_id in self.members

    def get(self, member_id: str) -> Member | None:
        """The member with this participant id, or ``None``."""
        return self.members.get(member_id)

    def get_all(self) -> dict[str, Member]:
        """A copy of the id → member mapping."""
        return dict(self.members)

    def set(self, member_id: str, member: Member) -> None:
        """Add or replace one member."""
        self.members[member_id] = member

    def reset(self) -> None:
        """Forget every member."""
        self.members.clear()


def _floor(share: Mapping[str, Any] | None) -> tuple[str | None, str | None]:
    if not share:
        return None, None
    return share.get("beneficiaryId"), share.get("disposition")


class Members(EventEmitter):
    """The members of one meeting (JS ``meeting.members``).

    Events: ``members:update`` ``{delta: {added, updated}, full, isReplace}``,
    ``members:self:update`` ``{activeSelfId, endedSelfId}``, ``members:host:update``
    ``{activeHostId, endedHostId}``, ``members:content:update``
    ``{activeSharingId, endedSharingId}``, ``members:clear`` ``{}``.

    Args:
        requests: the Locus request layer (needed for the member actions).
        locus_url: the meeting's locus URL, when already known.

    Attributes:
        self_id: participant id of self.
        host_id: person id of the host (Locus ``host.id``).
        locus_url: the current locus URL (kept up to date by ``LocusInfo``).
        type: ``fullState.type`` of the meeting.
        media_share_content_id / media_share_whiteboard_id: who holds each floor.
        recording_id: who started the recording.
        members_collection: the :class:`MembersCollection`.
    """

    def __init__(self, *, requests: LocusRequests | None = None, locus_url: str | None = None):
        super().__init__()
        self._requests = requests
        self.locus_url = locus_url
        self.self_id: str | None = None
        self.host_id: str | None = None
        self.type: str | None = None
        self.media_share_content_id: str | None = None
        self.media_share_whiteboard_id: str | None = None
        self.recording_id: str | None = None
        self.members_collection = MembersCollection()

    def __repr__(self) -> str:
        return f"Members(count={len(self.members_collection)}, self_id={self.self_id!r})"

    # -- fed by LocusInfo ---------------------------------------------------------

    def _find(self, some_id: str | None) -> Member | None:
        if not some_id:
            return None
        member = self.members_collection.get(some_id)
        if member is not None:
            return member
        for candidate in self.members_collection:
            person = candidate.raw_participant.get("person") or {}
            if person.get("id") == some_id:
                return candidate
        return None

    def _new_member(self, participant: Mapping[str, Any]) -> Member:
        return Member(
            participant,
            self_id=self.self_id,
            host_id=self.host_id,
            content_sharing_id=self.media_share_content_id,
            recording_id=self.recording_id,
            locus_type=self.type,
        )

    def locus_participants_update(
        self,
        participants: Sequence[Mapping[str, Any]] | None,
        *,
        self_id: str | None = None,
        host_id: str | None = None,
        recording_id: str | None = None,
        is_replace: bool = False,
    ) -> None:
        """Merge participants by id and emit ``members:update``."""
        if is_replace:
            self.clear_members()
        self.host_id = host_id or self.host_id
        self.self_id = self_id or self.self_id
        self.recording_id = recording_id
        added: list[Member] = []
        updated: list[Member] = []
        for participant in participants or []:
            if not isinstance(participant, Mapping) or participant.get("hideInRoster"):
                continue
            member_id = participant.get("id")
            if not member_id:
                continue
            member = self._new_member(participant)
            (updated if member_id in self.members_collection else added).append(member)
            self.members_collection.set(member_id, member)
        self.emit(
            MembersEvents.UPDATE,
            {
                "delta": {"added": added, "updated": updated},
                "full": self.members_collection.get_all(),
                "isReplace": bool(is_replace),
            },
        )

    def locus_self_update(self, old_self_id: str | None, new_self_id: str | None) -> None:
        """Self changed: move the ``is_self`` flag and emit ``members:self:update``."""
        ended = old_self_id if old_self_id != new_self_id else None
        if ended and (old := self._find(ended)) is not None:
            old.set_is_self(False)
        if new_self_id and (new := self._find(new_self_id)) is not None:
            new.set_is_self(True)
        self.self_id = new_self_id
        self.emit(MembersEvents.SELF_UPDATE, {"activeSelfId": new_self_id, "endedSelfId": ended})

    def locus_host_update(self, old_host_id: str | None, new_host_id: str | None) -> None:
        """The host changed: move the ``is_host`` flag and emit ``members:host:update``."""
        if old_host_id and (old := self._find(old_host_id)) is not None:
            old.set_is_host(False)
        if new_host_id and (new := self._find(new_host_id)) is not None:
            new.set_is_host(True)
        self.host_id = new_host_id
        self.emit(
            MembersEvents.HOST_UPDATE, {"activeHostId": new_host_id, "endedHostId": old_host_id}
        )

    def locus_media_shares_update(
        self, current: Mapping[str, Any] | None, previous: Mapping[str, Any] | None
    ) -> None:
        """Floors changed: track who shares and emit ``members:content:update``.

        ``current``/``previous`` are parsed floors ``{"content": {beneficiaryId,
        disposition}, "whiteboard": {...}}`` (JS ``MediaSharesUtils.parse``).
        """
        sharing: str | None = None
        stopped: str | None = None
        for name in ("content", "whiteboard"):
            cur_id, cur_disp = _floor((current or {}).get(name))
            prev_id, prev_disp = _floor((previous or {}).get(name))
            if not cur_id:
                continue
            if cur_disp == "GRANTED":
                sharing = cur_id
                if name == "content":
                    self.media_share_content_id, self.media_share_whiteboard_id = cur_id, None
                else:
                    self.media_share_content_id, self.media_share_whiteboard_id = None, cur_id
            if prev_disp == "GRANTED":
                if cur_disp == "RELEASED":
                    stopped = cur_id
                    if name == "content":
                        self.media_share_content_id = None
                    else:
                        self.media_share_whiteboard_id = None
                elif cur_disp == "GRANTED" and cur_id != prev_id:
                    stopped = prev_id
        if sharing and (member := self._find(sharing)) is not None:
            member.set_is_content_sharing(True)
        if stopped and (member := self._find(stopped)) is not None:
            member.set_is_content_sharing(False)
        self.emit(
            MembersEvents.CONTENT_UPDATE, {"activeSharingId": sharing, "endedSharingId": stopped}
        )

    def locus_url_update(self, locus_url: str | None) -> None:
        """The locus URL changed (e.g. a breakout move)."""
        if locus_url:
            self.locus_url = locus_url

    def locus_full_state_type_update(self, locus_type: str | None) -> None:
        """``fullState.type`` changed."""
        if locus_type:
            self.type = locus_type

    def find_member_by_csi(self, csi: int) -> Member | None:
        """The member with a device whose ``csis`` hold ``csi`` (JS ``findMemberByCsi``).

        A member whose ``status.csis`` holds it is taken too, when no device lists it.
        """
        fallback = None
        for member in self.members_collection:
            participant = member.raw_participant
            for device in participant.get("devices") or ():
                if isinstance(device, Mapping) and csi in _csis(device):
                    return member
            status = participant.get("status")
            if fallback is None and isinstance(status, Mapping) and csi in _csis(status):
                fallback = member
        return fallback

    def clear_members(self) -> None:
        """Forget every member and emit ``members:clear``."""
        self.members_collection.reset()
        self.emit(MembersEvents.CLEAR, {})

    # -- actions ------------------------------------------------------------------

    def _ready(self, member_id: str | None = None, *, what: str = "") -> tuple[LocusRequests, str]:
        if not self.locus_url:
            raise ParameterError(_NO_LOCUS)
        if member_id is not None and not member_id:
            raise ParameterError(f"The member id must be defined to {what}.")
        if self._requests is None:
            raise ParameterError("These members have no Locus request layer.")
        return self._requests, self.locus_url

    async def add_member(
        self,
        *,
        email_address: str | None = None,
        phone_number: str | None = None,
        alert_if_active: bool = True,
    ) -> Any:
        """Invite someone by email, or dial out to an E.164 phone number.

        Raises:
            ParameterError: no locus URL, or neither a valid email nor an E.164 number.
        """
        requests, locus_url = self._ready()
        if phone_number:
            if not E164_FORMAT.match(phone_number):
                raise ParameterError("The phone number must be in E.164 format (+15551234567).")
            address = phone_number
        elif email_address and VALID_EMAIL_ADDRESS.match(email_address):
            address = email_address
        else:
            raise ParameterError(
                "The invitee must be defined with either a valid email_address or phone_number."
            )
        return await requests.add_member(locus_url, address, alert_if_active)

    async def cancel_phone_invite(self, *, phone_number: str) -> Any:
        """Cancel a dial-out to ``phone_number``.

        Raises:
            ParameterError: no locus URL or no valid E.164 number.
        """
        requests, locus_url = self._ready()
        if not phone_number or not E164_FORMAT.match(phone_number):
            raise ParameterError("The invitee must be defined with a valid phone_number.")
        return await requests.cancel_phone_invite(locus_url, phone_number)

    async def admit_members(
        self,
        member_ids: Sequence[str],
        *,
        authorizing_locus_url: str | None = None,
        main_locus_url: str | None = None,
    ) -> Any:
        """Admit members from the lobby.

        Raises:
            ParameterError: ``member_ids`` is empty or there is no locus URL.
        """
        if not member_ids:
            raise ParameterError("No member ids provided to admit.")
        requests, locus_url = self._ready()
        return await requests.admit_members(
            locus_url,
            member_ids,
            authorizing_locus_url=authorizing_locus_url,
            main_locus_url=main_locus_url,
        )

    async def remove_member(self, member_id: str) -> Any:
        """Remove a member from the meeting."""
        requests, locus_url = self._ready(member_id, what="remove the member")
        return await requests.remove_member(locus_url, member_id)

    async def mute_member(self, member_id: str, mute: bool = True, is_audio: bool = True) -> Any:
        """Mute or unmute a member's audio (or video with ``is_audio=False``) remotely."""
        requests, locus_url = self._ready(member_id, what="mute the member")
        return await requests.mute_member(locus_url, member_id, mute, is_audio=is_audio)

    async def raise_or_lower_hand(self, member_id: str, raise_hand: bool = True) -> Any:
        """Raise (or lower) a member's hand."""
        requests, locus_url = self._ready(member_id, what="raise/lower the hand of the member")
        return await requests.raise_or_lower_hand(locus_url, member_id, raise_hand)

    async def lower_all_hands(self, requesting_member_id: str) -> Any:
        """Lower every raised hand (host or cohost)."""
        requests, locus_url = self._ready(requesting_member_id, what="lower all hands")
        return await requests.lower_all_hands(locus_url, requesting_member_id)

    async def transfer_host_to_member(self, member_id: str, moderator: bool = True) -> Any:
        """Make ``member_id`` the host."""
        requests, locus_url = self._ready(member_id, what="transfer the host role")
        return await requests.transfer_host(locus_url, member_id, moderator)

    async def assign_roles(self, member_id: str, roles: Sequence[Mapping[str, Any]]) -> Any:
        """Assign roles: ``[{"type": "MODERATOR"|"COHOST"|"PRESENTER", "hasRole": bool}]``.

        Reclaiming host: ``member_id`` = self id, ``{"type": "MODERATOR", "hasRole": True,
        "hostKey": "<key>"}``.

        Raises:
            ParameterError: no locus URL or member id.
            ReclaimHostNotSupportedError: Locus 2400127.
            ReclaimHostNotAllowedError: Locus 2403135.
            ReclaimHostEmptyWrongKeyError: Locus 2403136.
            ReclaimHostIsHostAlreadyError: Locus 2409150.
            APIStatusError: any other failure.
        """
        requests, locus_url = self._ready(member_id, what="assign the roles to a member")
        try:
            return await requests.assign_roles(locus_url, member_id, roles)
        except APIStatusError as error:
            body = error.body if isinstance(error.body, Mapping) else {}
            code = error.error_code or body.get("errorCode")
            cls = ASSIGN_ROLES_ERRORS.get(code) if isinstance(code, int) else None
            if cls is not None:
                raise cls(error=error) from error
            raise

    async def edit_display_name(
        self, member_id: str, requesting_participant_id: str, alias: str
    ) -> Any:
        """Rename a member (``alias``), as ``requesting_participant_id``."""
        requests, locus_url = self._ready(member_id, what="edit the display name")
        if not requesting_participant_id:
            raise ParameterError("requesting_participant_id must be defined.")
        return await requests.edit_display_name(
            locus_url, member_id, requesting_participant_id, alias
        )

    async def send_dial_pad_key(self, tones: str, member_id: str) -> Any:
        """Send DTMF ``tones`` on behalf of a SIP/PSTN member (to its first device)."""
        requests, locus_url = self._ready(member_id, what="send DTMF")
        if not tones:
            raise ParameterError("The DTMF tones must be defined.")
        member = self.members_collection.get(member_id)
        devices = (member.raw_participant.get("devices") or []) if member else []
        url = devices[0].get("url") if devices and isinstance(devices[0], Mapping) else None
        if not url:
            raise ParameterError("The member has no device to send DTMF to.")
        return await requests.send_dial_pad_key(locus_url, member_id, url, tones)
