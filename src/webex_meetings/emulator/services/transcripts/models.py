"""Transcripts of recorded meeting instances, made of speaker snippets."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ...core.errors import NotFoundError
from ...core.state import Backend
from ..meetings.instances import Instance
from ..meetings.models import SITE_URL, Series, iso
from ..u2c.models import service_url

_UTC = ZoneInfo("UTC")

#: Length of every emulated snippet, in milliseconds.
SNIPPET_MS = 4000


@dataclass
class Snippet:
    """One spoken line (``SnippetObject``)."""

    id: str
    text: str
    person_name: str
    person_email: str
    offset_ms: int
    duration_ms: int = SNIPPET_MS

    def json(self) -> dict[str, Any]:
        """Render as ``SnippetObject``."""
        return {
            "id": self.id,
            "text": self.text,
            "personName": self.person_name,
            "personEmail": self.person_email,
            "offsetMillisecond": self.offset_ms,
            "durationMillisecond": self.duration_ms,
        }


def _clock(ms: int, separator: str = ".") -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


@dataclass
class Transcript:
    """One transcript of a meeting instance."""

    id: str
    host_uuid: str
    host_id: str
    topic: str
    meeting_id: str
    scheduled_meeting_id: str
    series_id: str
    started: datetime
    snippets: list[Snippet] = field(default_factory=list)
    deleted: bool = False

    def json(self, base_url: str) -> dict[str, Any]:
        """Render as ``TranscriptObject``."""
        download = f"{service_url(base_url, 'hydra')}/meetingTranscripts/{self.id}/download"
        return {
            "id": self.id,
            "siteUrl": SITE_URL,
            "startTime": iso(self.started, _UTC),
            "meetingTopic": self.topic,
            "meetingId": self.meeting_id,
            "scheduledMeetingId": self.scheduled_meeting_id,
            "meetingSeriesId": self.series_id,
            "hostUserId": self.host_id,
            "vttDownloadLink": f"{download}?format=vtt",
            "txtDownloadLink": f"{download}?format=txt",
            "status": "deleted" if self.deleted else "available",
        }

    def vtt(self) -> str:
        """The transcript as WebVTT, one cue per snippet."""
        cues = [
            f"{n}\n{_clock(s.offset_ms)} --> {_clock(s.offset_ms + s.duration_ms)}\n"
            f"{s.person_name}: {s.text}\n"
            for n, s in enumerate(self.snippets, 1)
        ]
        return "WEBVTT\n\n" + "\n".join(cues)

    def txt(self) -> str:
        """The transcript as plain text: ``[hh:mm:ss] Name: text`` lines."""
        return "".join(
            f"[{_clock(s.offset_ms).split('.')[0]}] {s.person_name}: {s.text}\n"
            for s in self.snippets
        )


class TranscriptsBackend(Backend):
    """Every transcript, by id."""

    def reset(self) -> None:
        """No transcripts."""
        self.transcripts: dict[str, Transcript] = {}

    def add(
        self, series: Series, instance: Instance, speakers: list[tuple[str, str]] | None = None
    ) -> Transcript:
        """Transcribe a meeting instance: a greeting by the host, then one line per speaker.

        Args:
            series: The instance's series.
            instance: The instance.
            speakers: ``(name, email)`` of other participants who spoke.
        """
        transcript_id = secrets.token_hex(16)
        host = series.host
        lines = [(host.display_name, host.email, f"Welcome to {series.title}.")]
        lines += [(name, email, "Hello everyone.") for name, email in speakers or []]
        lines.append((host.display_name, host.email, "Thanks for joining, see you next time."))
        transcript = Transcript(
            id=transcript_id,
            host_uuid=host.uuid,
            host_id=host.id,
            topic=series.title,
            meeting_id=instance.id,
            scheduled_meeting_id=instance.scheduled_id,
            series_id=series.id,
            started=instance.started,
            snippets=[
                Snippet(f"{transcript_id}_{n:05d}", text, name, email, (n - 1) * SNIPPET_MS)
                for n, (name, email, text) in enumerate(lines, 1)
            ],
        )
        self.transcripts[transcript.id] = transcript
        return transcript

    def get(self, transcript_id: str, host_uuid: str) -> Transcript:
        """Return a transcript of ``host_uuid``.

        Raises:
            NotFoundError: Unknown or someone else's.
        """
        found = self.transcripts.get(transcript_id)
        if found is None or found.host_uuid != host_uuid:
            raise NotFoundError(f"Transcript '{transcript_id}' not found.")
        return found

    def snippet(self, transcript: Transcript, snippet_id: str) -> Snippet:
        """Return a snippet of ``transcript``.

        Raises:
            NotFoundError: Unknown snippet id.
        """
        found = next((s for s in transcript.snippets if s.id == snippet_id), None)
        if found is None:
            raise NotFoundError(f"Snippet '{snippet_id}' not found.")
        return found
