"""Participants of meeting instances, mirrored from the Locus roster when there is one.

An instance started through Locus (someone joined the scheduled meeting) lists the
Locus participants; one started without Locus (control API) has its host as the only
participant. Mute, expel and admit act on the Locus meeting too, so joined clients see
them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ...core.errors import BadRequestError, NotFoundError
from ...core.state import Backend
from ..locus.backend import LocusBackend
from ..locus.lobby import admit_one
from ..locus.model import Locus, ParticipantState, Role
from ..locus.model import Participant as LocusParticipant
from ..meetings.instances import Instance
from ..meetings.locus_link import locus_of, sync
from ..meetings.models import SITE_URL, MeetingsBackend, Series, iso

_UTC = ZoneInfo("UTC")


@dataclass
class MeetingParticipant:
    """One participant of one meeting instance."""

    id: str
    instance_id: str
    series_id: str
    email: str
    name: str
    org_uuid: str
    joined: datetime
    host: bool = False
    co_host: bool = False
    muted: bool = False
    video_on: bool = True
    state: str = "joined"
    """``lobby``, ``joined`` or ``end``."""
    left: datetime | None = None
    locus_participant_id: str | None = None
    devices: list[dict[str, Any]] = field(default_factory=list)

    def json(self, series: Series, start: datetime, *, in_progress: bool = False) -> dict[str, Any]:
        """Render as ``Participant`` (or ``InProgressParticipant``)."""
        out: dict[str, Any] = {
            "id": self.id,
            "orgId": self.org_uuid,
            "host": self.host,
            "coHost": self.co_host,
            "spaceModerator": False,
            "email": self.email,
            "displayName": self.name,
            "invitee": False,
            "muted": self.muted,
            "video": "on" if self.video_on else "off",
            "state": self.state,
            "siteUrl": SITE_URL,
            "meetingId": self.instance_id,
            "hostEmail": series.host.email,
            "devices": [dict(device) for device in self.devices],
        }
        if in_progress:
            if self.state == "end":
                del out["state"]
            return out
        out.update(meetingStartTime=iso(start, _UTC), joinedTime=iso(self.joined, _UTC))
        if self.left is not None:
            out["leftTime"] = iso(self.left, _UTC)
        return out


@dataclass
class Callout:
    """A pending SIP call-out."""

    participant_id: str
    body: dict[str, Any]


class ParticipantsBackend(Backend):
    """Participants of every instance, by id, and the pending call-outs."""

    def reset(self) -> None:
        """No participants."""
        self.participants: dict[str, MeetingParticipant] = {}
        self.callouts: dict[str, Callout] = {}

    def _now(self) -> datetime:
        return datetime.fromtimestamp(int(self.state.clock()), _UTC)

    def instances(self, meeting_id: str) -> list[tuple[Series, Instance]]:
        """The instances a meeting id names: itself, or those of a series or scheduled meeting.

        Raises:
            NotFoundError: Unknown meeting id.
        """
        sync(self.state)
        meetings = self.state.backend(MeetingsBackend)
        series, occurrence, is_instance = meetings.find(meeting_id)
        if is_instance:
            return [meetings.instance(meeting_id)]
        index = None if occurrence is None else series.occurrences.index(occurrence)
        return [
            (series, i) for i in series.instances if index is None or i.occurrence_index == index
        ]

    def of_instance(self, series: Series, instance: Instance) -> list[MeetingParticipant]:
        """The participants of one instance, refreshed from its Locus meeting."""
        locus = locus_of(self.state, instance.locus_id)
        if locus is not None:
            self._mirror(series, instance, locus)
        elif not any(p.instance_id == instance.id for p in self.participants.values()):
            host = series.host
            record = MeetingParticipant(
                id=f"{instance.id}_{host.uuid}",
                instance_id=instance.id,
                series_id=series.id,
                email=host.email,
                name=host.display_name,
                org_uuid=host.org_uuid,
                joined=instance.started,
                host=True,
                devices=[_device("webex_meeting_center", instance.started)],
            )
            self.participants[record.id] = record
        found = [p for p in self.participants.values() if p.instance_id == instance.id]
        if not instance.running:
            for record in found:
                if record.state != "end":
                    record.state, record.left = "end", instance.ended
        return found

    def _mirror(self, series: Series, instance: Instance, locus: Locus) -> None:
        now = self._now()
        for member in locus.participants.values():
            present = member.state == ParticipantState.JOINED or member.in_lobby
            record_id = f"{instance.id}_{member.id}"
            record = self.participants.get(record_id)
            if record is None:
                if not present:
                    continue  # invited or declined: never took part
                record = MeetingParticipant(
                    id=record_id,
                    instance_id=instance.id,
                    series_id=series.id,
                    email=member.email or f"{member.person_uuid}@{SITE_URL}",
                    name=member.name,
                    org_uuid=member.org_uuid,
                    joined=now,
                    locus_participant_id=member.id,
                    devices=[_device(d.device_type, now) for d in member.devices],
                )
                self.participants[record_id] = record
            record.host = member.moderator
            record.co_host = Role.COHOST in member.roles
            record.muted = member.audio_muted
            record.video_on = not member.video_muted
            if member.in_lobby:
                record.state = "lobby"
            elif member.state == ParticipantState.JOINED:
                record.state, record.left = "joined", None
            elif record.state != "end":
                record.state, record.left = "end", now

    def get(self, participant_id: str) -> tuple[Series, Instance, MeetingParticipant]:
        """Return a participant with its instance.

        Raises:
            NotFoundError: Unknown participant id.
        """
        instance_id = participant_id.rsplit("_", 1)[0]
        try:
            pairs = self.instances(instance_id)
        except NotFoundError:
            pairs = []
        for series, instance in pairs:
            for record in self.of_instance(series, instance):
                if record.id == participant_id:
                    return series, instance, record
        raise NotFoundError(f"Participant '{participant_id}' not found.")

    def update(
        self, participant_id: str, body: dict[str, Any]
    ) -> tuple[Series, MeetingParticipant]:
        """Mute or unmute, admit, or expel a participant of a running meeting.

        Raises:
            NotFoundError: Unknown participant id.
            BadRequestError: The meeting has ended.
        """
        series, instance, record = self.get(participant_id)
        if not instance.running:
            raise BadRequestError(f"Meeting '{instance.id}' has ended.")
        locus = locus_of(self.state, instance.locus_id)
        member = None if locus is None else _member(locus, record)
        if "muted" in body:
            record.muted = bool(body["muted"])
            if member is not None:
                member.audio_muted = record.muted
        if body.get("admit") and record.state == "lobby":
            record.state = "joined"
            if member is not None:
                admit_one(member)
        if body.get("expel") and record.state != "end":
            record.state, record.left = "end", self._now()
            if locus is not None and member is not None:
                self.state.backend(LocusBackend).leave(locus, member, None)
        if locus is not None:
            self.state.backend(LocusBackend).commit(locus, "locus.participant_updated")
        return series, record

    def callout(self, body: dict[str, Any]) -> dict[str, Any]:
        """Start calling a SIP address into a running meeting (``CalloutResponse``).

        Raises:
            NotFoundError: Unknown meeting.
            BadRequestError: Neither ``meetingId`` nor ``meetingNumber``, or not running.
        """
        meetings = self.state.backend(MeetingsBackend)
        sync(self.state)
        if body.get("meetingId"):
            series = meetings.find(str(body["meetingId"]))[0]
        elif body.get("meetingNumber"):
            number = str(body["meetingNumber"])
            found = [s for s in meetings.series.values() if s.number == number]
            if not found:
                raise NotFoundError(f"Meeting number '{number}' not found.")
            series = found[0]
        else:
            raise BadRequestError("Give meetingId or meetingNumber.")
        running = series.running
        if running is None:
            raise BadRequestError(f"Meeting '{series.id}' is not in progress.")
        participant_id = f"{running.id}_{secrets.randbelow(10**9)}"
        response = {
            "participantId": participant_id,
            "invitationCorrelationId": str(body.get("invitationCorrelationId") or participant_id),
            "meetingNumber": series.number,
            "meetingId": series.id,
            "address": str(body["address"]),
            "addressType": "sipAddress",
            "displayName": str(body["displayName"]),
            "state": "pending",
        }
        self.callouts[participant_id] = Callout(participant_id, response)
        return response

    def cancel_callout(self, participant_id: str) -> None:
        """Stop a pending call-out.

        Raises:
            NotFoundError: No pending call-out with that participant id.
        """
        if self.callouts.pop(participant_id, None) is None:
            raise NotFoundError(f"Callout participant '{participant_id}' not found.")


def _device(device_type: str, joined: datetime) -> dict[str, Any]:
    return {
        "correlationId": secrets.token_hex(16),
        "deviceType": device_type,
        "audioType": "voip",
        "joinedTime": iso(joined, _UTC),
    }


def _member(locus: Locus, record: MeetingParticipant) -> LocusParticipant | None:
    if record.locus_participant_id is None:
        return None
    return locus.participants.get(record.locus_participant_id)
