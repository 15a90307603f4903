"""The Locus backend: every locus, their lifecycle, and commit = new version + push.

Every state change follows one pattern: mutate the locus, then :meth:`LocusBackend.commit`,
which renders it, bumps the version if anything changed and pushes the change to every
device in the meeting (Locus protocol).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...core.ids import new_uuid
from ...core.state import Backend, EmulatorState
from ..media.server import MediaServer
from ..meetinginfo.rooms import MeetingRoom
from ..people.models import PeopleBackend, webex_timestamp
from ..u2c.models import service_url
from . import errors
from .deltas import Change, VersionLog
from .media import MediaProvider
from .model import Locus, LocusState, Participant, ParticipantState
from .push import LocusPusher
from .render import change_delta, full_dto, render_all


def meta(actor_uuid: str | None, now: float) -> dict[str, Any]:
    """The ``meta`` object of a control change: who and when."""
    return {"lastModified": webex_timestamp(now), "modifiedBy": actor_uuid}


class LocusBackend(Backend):
    """Every locus, by id; the media provider is kept across resets."""

    def __init__(self, state: EmulatorState) -> None:
        """Bind the backend with the emulated media server as media provider."""
        super().__init__(state)
        self.media: MediaProvider = MediaServer(state, self.commit)

    def reset(self) -> None:
        """No loci."""
        self.loci: dict[str, Locus] = {}

    @property
    def base(self) -> str:
        """The Locus service URL, ``{base_url}/locus/api/v1``."""
        return service_url(self.state.base_url, "locus")

    # --- lookups ----------------------------------------------------------------------

    def get(self, locus_id: str) -> Locus:
        """Return a locus by id.

        Raises:
            LocusError: 404 for an unknown id.
        """
        locus = self.loci.get(locus_id)
        if locus is None:
            raise errors.not_found(f"Locus {locus_id} not found.")
        return locus

    def by_url(self, url: str) -> Locus | None:
        """Return the locus with this URL (host ignored)."""
        locus_id = url.rstrip("/").rsplit("/", 1)[-1]
        locus = self.loci.get(locus_id)
        return locus if locus is not None and "/loci/" in url else None

    def active(self, room: MeetingRoom) -> Locus | None:
        """Return the running locus of a meeting, if any."""
        locus = self.loci.get(room.locus_id) if room.locus_id else None
        return locus if locus is not None and locus.active else None

    def latest(self, room: MeetingRoom) -> Locus | None:
        """Return the running locus of a meeting, else the last one that ran."""
        found = [locus for locus in self.loci.values() if locus.room is room]
        return self.active(room) or (found[-1] if found else None)

    def participant(self, locus: Locus, participant_id: str) -> Participant:
        """Return a participant of ``locus``.

        Raises:
            LocusError: 404 for an unknown id.
        """
        found = locus.participants.get(participant_id)
        if found is None:
            raise errors.not_found(
                f"Participant {participant_id} not found.", errors.PARTICIPANT_NOT_FOUND
            )
        return found

    # --- lifecycle --------------------------------------------------------------------

    def start(self, room: MeetingRoom) -> Locus:
        """Start a new locus for ``room`` (its first version, no participants)."""
        now = self.state.clock()
        host = self.state.backend(PeopleBackend).people.get(room.host_uuid)
        locus_id = new_uuid()
        locus = Locus(
            id=locus_id,
            url=f"{self.base}/loci/{locus_id}",
            room=room,
            created=now,
            host_uuid=room.host_uuid,
            host_name=host.display_name if host is not None else "Host",
            host_org_uuid=host.org_uuid if host is not None else self.state.seed.org_uuid,
            # Microseconds since the epoch: large like real entries, below 2**53.
            log=VersionLog(version=int(now * 1_000_000)),
            locked=room.locked,
            last_active=now,
            share_ids={"content": new_uuid(), "whiteboard": new_uuid()},
        )
        self.loci[locus_id] = locus
        room.locus_id = locus_id
        self.commit(locus)
        return locus

    def commit(self, locus: Locus, event: str | None = None) -> Change | None:
        """Record the locus's new state and push the change to the meeting's devices.

        Args:
            locus: The locus just changed.
            event: Full-DTO event type describing the change (pushed as such in full
                event mode; a ``locus.difference`` delta otherwise).

        Returns:
            The change, or None when nothing visible changed.
        """
        change = locus.log.record(*render_all(locus))
        if change is None:
            return None
        pusher = self.state.backend(LocusPusher)
        event_type = pusher.event_type(event)
        frames: list[tuple[str, Mapping[str, Any]]] = []
        for participant in locus.participants.values():
            for device in participant.devices:
                if device.wdm_uuid is None or not (device.joined or device.notify_once):
                    continue
                device.notify_once = False
                dto = (
                    change_delta(locus, change, participant.id)
                    if event_type == "locus.difference"
                    else full_dto(locus, participant.id)
                )
                data = {"eventType": event_type, "locusUrl": locus.url, "locus": dto}
                frames.append((device.wdm_uuid, data))
        pusher.push(frames)
        return change

    def leave(self, locus: Locus, participant: Participant, device_url: str | None) -> None:
        """Take one device (all with None) of a participant out of the meeting.

        Without a joined device left the participant is ``LEFT`` and ``removed``, and a
        meeting nobody is in any more ends. Does not commit.
        """
        for device in participant.devices:
            if device.joined and (device_url is None or device.url == device_url):
                device.state = "LEFT"
                device.waiting = False
                device.notify_once = True
                self.media.close(locus, participant, device)
        if not any(device.joined for device in participant.devices):
            for name, floor in locus.floors.items():
                if floor and floor.get("beneficiary", {}).get("id") == participant.id:
                    locus.floors[name] = {**floor, "disposition": "RELEASED"}
            participant.state = ParticipantState.LEFT
            participant.removed = True
            participant.hand_raised = False
            participant.waiting_for_host = False
        self.end_if_empty(locus)

    def end_if_empty(self, locus: Locus) -> None:
        """End a meeting once nobody is joined or waiting in it. Does not commit."""
        if locus.active and not any(p.present for p in locus.participants.values()):
            self._deactivate(locus)

    def end(self, locus: Locus) -> None:
        """End the meeting for everyone: every participant leaves, state ``INACTIVE``."""
        if not locus.active:
            return
        for participant in locus.participants.values():
            if participant.present:
                self.leave(locus, participant, None)
        self._deactivate(locus)
        self.commit(locus)

    def _deactivate(self, locus: Locus) -> None:
        locus.state = LocusState.INACTIVE
        locus.floors.clear()
        if locus.room.locus_id == locus.id:
            locus.room.locus_id = None

    def of_caller(self, person_uuid: str) -> Iterable[Locus]:
        """Active loci a person is in, invited to, or waiting in."""
        wanted = {ParticipantState.JOINED, ParticipantState.IDLE, ParticipantState.NOTIFIED}
        for locus in self.loci.values():
            participant = locus.of_person(person_uuid)
            if locus.active and participant is not None and participant.state in wanted:
                yield locus
