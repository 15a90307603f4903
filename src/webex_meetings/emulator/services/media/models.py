"""Media server state: per-meeting settings and faults, and one session per joined device.

Nothing here imports the WebRTC stack; a session's peer connection is an opaque object
made by :mod:`.engine`, which is loaded on the first OFFER.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import math
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ...core.ids import new_uuid
from ...core.state import Backend
from ..locus.model import DeviceSession, Locus, Participant
from .mixer import LoopReader, Mixer, RelayCounts
from .roap import RoapSession
from .sdp import MediaLine

if TYPE_CHECKING:
    from .engine import PeerSession

SAMPLE_RATE = 48_000
"""Speaker audio is 48 kHz mono 16-bit, Opus's native rate."""
DEFAULT_TONE_HZ = 440.0
MAX_WAV_SECONDS = 60


class SessionState(StrEnum):
    """Where one device's media stands (``media_sessions()[].state``)."""

    NEW = "new"
    """Joined; no offer answered yet."""
    UNANSWERED = "unanswered"
    """An offer was left without answer (``answer_timeout`` fault)."""
    CONNECTING = "connecting"
    CONNECTED = "connected"
    FAILED = "failed"
    CLOSED = "closed"


class FaultKind(StrEnum):
    """Media faults of the control API."""

    ICE_FAILURE = "ice_failure"
    """The next offer's answer names no candidate the client can reach."""
    ANSWER_TIMEOUT = "answer_timeout"
    """The next offer is never answered, over HTTP or Mercury."""
    DROP = "drop"
    """Every live media connection of the meeting is lost now."""


class TurnMode(StrEnum):
    """Whether TURN discovery answers carry ``x-cisco-turn-*`` headers."""

    AUTO = "auto"
    """Only when the emulator is not on loopback (a loopback client needs no relay)."""
    ALWAYS = "always"
    NEVER = "never"


@lru_cache(maxsize=8)
def tone(hz: float) -> bytes:
    """One second of a sine at ``hz``: a whole number of periods for integer ``hz``."""
    amplitude = 0.3 * 32767
    step = 2 * math.pi * hz / SAMPLE_RATE
    samples = array.array("h", (int(amplitude * math.sin(step * i)) for i in range(SAMPLE_RATE)))
    return samples.tobytes()


@dataclass
class SpeakerSource:
    """What the simulated speaker says: a tone, or decoded WAV samples, looped."""

    pcm: bytes
    """16-bit mono samples at :data:`SAMPLE_RATE`."""
    description: str

    @classmethod
    def of_tone(cls, hz: float) -> SpeakerSource:
        """A sine tone."""
        return cls(tone(hz), f"tone {hz:g} Hz")


@dataclass
class MeetingMedia:
    """Media settings and pending faults of one meeting (kept across its loci)."""

    speaker: SpeakerSource = field(default_factory=lambda: SpeakerSource.of_tone(DEFAULT_TONE_HZ))
    video: bool = False
    share: bool = False
    """Always send the synthetic content track (it is also sent while a simulated
    participant holds the content floor)."""
    turn: TurnMode = TurnMode.AUTO
    faults: dict[FaultKind, int] = field(default_factory=dict)
    turn_password: str = field(default_factory=new_uuid)
    speaker_on: bool = True
    """Whether the simulated speaker is heard at all (off: only the participants)."""
    mixer: Mixer = field(init=False, repr=False)
    """The meeting's audio mix and active-speaker choice."""

    def __post_init__(self) -> None:
        """Create the mixer, reading the simulated speaker live from these settings."""
        self.mixer = Mixer(LoopReader(lambda: self.speaker.pcm if self.speaker_on else None))

    @property
    def speaker_description(self) -> str:
        """What the simulated speaker says, or ``off``."""
        return self.speaker.description if self.speaker_on else "off"

    def take_fault(self) -> FaultKind | None:
        """Consume one pending offer fault, if any."""
        for kind in (FaultKind.ANSWER_TIMEOUT, FaultKind.ICE_FAILURE):
            if self.faults.get(kind):
                self.faults[kind] -= 1
                return kind
        return None


@dataclass
class DeviceMedia:
    """The media session of one joined device."""

    locus: Locus
    participant: Participant
    device: DeviceSession
    media_id: str
    meeting: MeetingMedia
    roap: RoapSession = field(default_factory=RoapSession)
    state: SessionState = SessionState.NEW
    peer: PeerSession | None = None
    ufrag: str | None = None
    """The client's ICE username fragment of the offer the peer answered."""
    lines: list[MediaLine] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    frames_before: dict[str, int] = field(default_factory=dict)
    """Frames read by the session's earlier, closed peer connections."""
    content_mids: tuple[str, ...] = ()
    """``mid`` of the client's share (``a=content:slides``) lines, from its last offer."""
    relay_before: RelayCounts = field(default_factory=RelayCounts)
    """Relay counters of the session's earlier, closed peer connections."""


class MediaBackend(Backend):
    """Every device's media session and every meeting's media settings."""

    def reset(self) -> None:
        """No sessions (live ones are closed), default settings."""
        # Also called right after creation, before any attribute exists.
        old = getattr(self, "sessions", {})
        self.sessions: dict[str, DeviceMedia] = {}
        self.meetings: dict[str, MeetingMedia] = {}
        self._tasks: set[asyncio.Task[Any]] = getattr(self, "_tasks", set())
        for session in old.values():
            self.retire(session)

    def meeting(self, room_id: str) -> MeetingMedia:
        """The settings of a meeting (created on first use)."""
        return self.meetings.setdefault(room_id, MeetingMedia())

    def retire(self, session: DeviceMedia, state: SessionState = SessionState.CLOSED) -> None:
        """Close a session's peer connection in the background, keeping its counts."""
        session.state = state
        peer, session.peer = session.peer, None
        if peer is not None:
            peer.leave_mix()  # at once: a closing connection adds nothing to the mix
            for label, count in peer.frames.items():
                session.frames_before[label] = session.frames_before.get(label, 0) + count
            session.relay_before.add(peer.relay)
            self.spawn(peer.close())

    def spawn(self, coroutine: Any) -> None:
        """Run a coroutine in the background, keeping a reference until it ends."""
        try:
            task = asyncio.get_running_loop().create_task(coroutine)
        except RuntimeError:  # no loop (a reset outside the server): nothing to run on
            with contextlib.suppress(Exception):
                coroutine.close()
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close_all(self) -> None:
        """Close every peer connection and wait for the closes (the server stops)."""
        for session in self.sessions.values():
            self.retire(session)
        self.sessions.clear()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def of_locus(self, locus: Locus) -> list[DeviceMedia]:
        """The live sessions of a locus."""
        return [s for s in self.sessions.values() if s.locus is locus]
