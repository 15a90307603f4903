"""Recordings left by recorded meeting instances, with the recycle bin."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from ...core.errors import NotFoundError
from ...core.state import Backend
from ..meetings.instances import Instance
from ..meetings.models import SITE_URL, Series, iso

_UTC = ZoneInfo("UTC")


class RecordingStatus(StrEnum):
    """``status`` of a recording."""

    AVAILABLE = "available"
    DELETED = "deleted"
    """In the recycle bin: restorable."""
    PURGED = "purged"


@dataclass
class Recording:
    """One recording of a meeting instance."""

    id: str
    host_uuid: str
    topic: str
    meeting_id: str
    scheduled_meeting_id: str
    series_id: str
    recorded: datetime
    created: datetime
    duration: int
    password: str
    status: RecordingStatus = RecordingStatus.AVAILABLE
    integration_tags: list[str] = field(default_factory=list)

    def belongs_to(self, meeting_id: str) -> bool:
        """True when ``meeting_id`` is its series, scheduled meeting or instance."""
        return meeting_id in (self.series_id, self.scheduled_meeting_id, self.meeting_id)

    def json(self, base_url: str, *, direct_links: bool = False) -> dict[str, Any]:
        """Render as ``RecordingObject`` (with the direct links of a single GET)."""
        zone = _UTC
        out: dict[str, Any] = {
            "id": self.id,
            "meetingId": self.meeting_id,
            "scheduledMeetingId": self.scheduled_meeting_id,
            "meetingSeriesId": self.series_id,
            "topic": self.topic,
            "createTime": iso(self.created, zone),
            "timeRecorded": iso(self.recorded, zone),
            "siteUrl": SITE_URL,
            "downloadUrl": f"https://{SITE_URL}/emulator/lsr.php?RCID={self.id}",
            "playbackUrl": f"https://{SITE_URL}/emulator/ldr.php?RCID={self.id}",
            "password": self.password,
            "format": "MP4",
            "serviceType": "MeetingCenter",
            "durationSeconds": self.duration,
            # Roughly a low-bitrate MP4: 60 kB per second.
            "sizeBytes": self.duration * 60_000,
            "shareToMe": False,
            "integrationTags": list(self.integration_tags),
            "status": str(self.status),
        }
        if direct_links:
            out["temporaryDirectDownloadLinks"] = {
                "recordingDownloadLink": f"{base_url}/emulator-files/recordings/{self.id}.mp4",
                "audioDownloadLink": f"{base_url}/emulator-files/recordings/{self.id}.m4a",
                # Direct links expire three hours after the request (spec).
                "expiration": iso(datetime.now(_UTC) + timedelta(hours=3), zone),
            }
        return out


class RecordingsBackend(Backend):
    """Every recording, by id."""

    def reset(self) -> None:
        """No recordings."""
        self.recordings: dict[str, Recording] = {}

    def add(self, series: Series, instance: Instance) -> Recording:
        """Record an ended (or running) meeting instance."""
        end = instance.ended or datetime.fromtimestamp(int(self.state.clock()), _UTC)
        recording = Recording(
            id=secrets.token_hex(16),
            host_uuid=series.host.uuid,
            topic=series.title,
            meeting_id=instance.id,
            scheduled_meeting_id=instance.scheduled_id,
            series_id=series.id,
            recorded=instance.started,
            created=end,
            duration=max(1, int((end - instance.started).total_seconds())),
            password=series.password,
        )
        self.recordings[recording.id] = recording
        return recording

    def get(self, recording_id: str, host_uuid: str) -> Recording:
        """Return a recording of ``host_uuid`` that is not purged.

        Raises:
            NotFoundError: Unknown, someone else's, or purged.
        """
        found = self.recordings.get(recording_id)
        if found is None or found.host_uuid != host_uuid or found.status == RecordingStatus.PURGED:
            raise NotFoundError(f"Recording '{recording_id}' not found.")
        return found

    def of_host(self, host_uuid: str, status: RecordingStatus) -> list[Recording]:
        """The host's recordings with ``status``, newest first."""
        found = [
            r for r in self.recordings.values() if r.host_uuid == host_uuid and r.status == status
        ]
        return sorted(found, key=lambda r: r.created, reverse=True)

    def move(
        self,
        host_uuid: str,
        ids: Iterable[str],
        *,
        source: RecordingStatus,
        target: RecordingStatus,
    ) -> None:
        """Move recordings from ``source`` to ``target`` (recycle bin in, out or purged).

        Every id is checked before any moves, so a bad id changes nothing.

        Raises:
            NotFoundError: An id is unknown, someone else's, or not in ``source``.
        """
        found = [self.get(recording_id, host_uuid) for recording_id in ids]
        for recording in found:
            if recording.status != source:
                raise NotFoundError(f"Recording '{recording.id}' is not {source}.")
        for recording in found:
            recording.status = target
