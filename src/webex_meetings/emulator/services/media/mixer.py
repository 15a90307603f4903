"""The per-meeting audio mixer and active-speaker choice of the media server.

The media server behaves like a transcoding media server: every device sends its audio
up, and gets back one mixed stream of everybody else plus the simulated speaker. Here is
that mix, with no WebRTC in it (the engine decodes and encodes around it):

- each device is a :class:`Member` with an input queue of 20 ms mono 16-bit frames at
  48 kHz. The queue is bounded (the oldest frame goes when it is full), so a device that
  sends faster than it is read, or that nobody reads, costs a fixed amount of memory;
- the mix runs on one clock of 20 ms ticks. An output asks for the tick it is due to
  send; the first one to ask for a tick takes one frame from every input, the others
  reuse it. An input with nothing queued contributes silence, so a device that stops
  sending never holds the mix up;
- a device's output is the sum of the simulated speaker and every *other* input,
  saturated to 16 bits (it never hears itself). As in conference mixers, only the
  :data:`MIX_LIMIT` loudest audible sources of a tick are mixed, so the cost of a tick
  does not grow with the number of silent participants;
- every 300 ms the energy of each source over that window picks, per device, the
  loudest of the others as its active speaker. The current speaker is kept until another
  is at least twice as loud (3 dB) or goes away, and stays while everybody is silent.

Pure standard library: it is imported by the media models, which must not load the
WebRTC stack. Sums are Python integer maps over ``array`` samples; a single source is a
copy, listeners outside the mixed sources share one mix per tick, and saturation is
only computed when a sum overflows.
"""

from __future__ import annotations

import array
import collections
import heapq
import operator
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeAlias

SAMPLE_RATE = 48_000
PTIME = 0.020
FRAME_SAMPLES = int(SAMPLE_RATE * PTIME)
FRAME_BYTES = FRAME_SAMPLES * 2
SILENCE = bytes(FRAME_BYTES)
MAX_QUEUED = 10
"""Frames an input keeps at most (200 ms); more drop the oldest."""
PRIME_FRAMES = 2
"""Frames an empty input collects before it is mixed again (absorbs arrival jitter)."""
WINDOW_TICKS = 15
"""Ticks per active-speaker window (300 ms)."""
SPEAKING_ENERGY = 150.0**2
"""Mean square above which a source counts as speaking (about -47 dBFS)."""
SWITCH_RATIO = 2.0
"""How much louder a challenger must be to take over (3 dB of hysteresis)."""
AUDIBLE_ENERGY = 4.0
"""Mean square below which a frame is left out of the mix (digital silence, -84 dBFS)."""
MIX_LIMIT = 4
"""Sources mixed at most per tick, the loudest (silent ones cost nothing)."""
KEPT_TICKS = 8
"""Ticks remembered for outputs that ask a little late."""
VIDEO_FRESH = 1.0
"""Seconds after its last frame that a device still counts as sending video."""
SPEAKER = "speaker"
"""The source key of the simulated speaker."""

Samples: TypeAlias = "array.array[int]"
"""One 20 ms frame: ``array("h")`` of :data:`FRAME_SAMPLES` samples."""


def new_csi() -> int:
    """A random 32-bit CSI (capture source id) for a media source, never 0."""
    return secrets.randbits(32) or 1


def _energy(frame: Samples) -> float:
    # A quarter of the samples is plenty for a loudness estimate, at a quarter the cost.
    part = frame[::4]
    return float(sum(map(operator.mul, part, part))) / len(part)


def _saturated(values: list[int]) -> bytes:
    try:
        return array.array("h", values).tobytes()
    except OverflowError:  # a sum left the 16-bit range: clip it
        return array.array("h", [min(32767, max(-32768, v)) for v in values]).tobytes()


def _sum(frames: list[Samples]) -> list[int]:
    total = list(frames[0])
    for frame in frames[1:]:
        total = list(map(operator.add, total, frame))
    return total


def _mixed(frames: list[Samples]) -> bytes:
    if not frames:
        return SILENCE
    if len(frames) == 1:
        return frames[0].tobytes()
    return _saturated(_sum(frames))


@dataclass
class RelayCounts:
    """What the mixer did for one device (the control API's ``relay`` counters)."""

    audio_in: int = 0
    """Frames of this device's audio taken into the mix."""
    audio_dropped: int = 0
    """Frames of this device's audio dropped because its queue was full."""
    audio_out: int = 0
    """Mixed frames made for this device."""
    audio_out_from_others: int = 0
    """Of those, frames holding at least one other participant's audible audio."""
    video_out_from_others: int = 0
    """Video frames of another participant relayed to this device."""
    content_out_from_others: int = 0
    """Frames of another participant's screen share relayed to this device."""

    def add(self, other: RelayCounts) -> None:
        """Add ``other``'s counts to these."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_json(self) -> dict[str, int]:
        """The counters with camelCase names."""
        return {
            "audioIn": self.audio_in,
            "audioDropped": self.audio_dropped,
            "audioOut": self.audio_out,
            "audioOutFromOthers": self.audio_out_from_others,
            "videoOutFromOthers": self.video_out_from_others,
            "contentOutFromOthers": self.content_out_from_others,
        }


@dataclass(eq=False)
class Member:
    """One device in the mix: its input queue, its active speaker and its counters."""

    key: str
    csi: int
    """The CSI of this device's audio (the CSRC others see when it is the speaker)."""
    counts: RelayCounts = field(default_factory=RelayCounts)
    active: str | None = None
    """Key of this device's active speaker (among the others)."""
    video: object | None = None
    """The latest video frame this device sent (any object; the engine's business)."""
    video_at: float = 0.0
    content: object | None = None
    """The latest screen-share frame this device sent (like :attr:`video`)."""
    content_at: float = 0.0
    _queue: collections.deque[Samples] = field(
        default_factory=lambda: collections.deque(maxlen=MAX_QUEUED)
    )
    _partial: bytearray = field(default_factory=bytearray)
    _primed: bool = False

    def push(self, pcm: bytes) -> None:
        """Queue mono 16-bit 48 kHz samples (any length; cut into 20 ms frames)."""
        self._partial += pcm
        while len(self._partial) >= FRAME_BYTES:
            if len(self._queue) == MAX_QUEUED:
                self.counts.audio_dropped += 1
            self._queue.append(array.array("h", self._partial[:FRAME_BYTES]))
            del self._partial[:FRAME_BYTES]

    @property
    def queued(self) -> int:
        """Frames waiting to be mixed."""
        return len(self._queue)

    def take(self) -> Samples | None:
        """The next frame to mix, or None (silence) when the input runs dry."""
        if not self._primed:
            if len(self._queue) < PRIME_FRAMES:
                return None
            self._primed = True
        if not self._queue:
            self._primed = False
            return None
        self.counts.audio_in += 1
        return self._queue.popleft()


@dataclass
class _Tick:
    frames: dict[str, Samples]
    """The sources mixed at this tick: the loudest audible ones."""
    total: list[int] | None = None
    heard_by_others: bytes | None = None
    """The mix for every listener that is not itself one of ``frames``."""


class Mixer:
    """The mix of one meeting.

    Args:
        speaker: Returns the simulated speaker's next 20 ms (``FRAME_BYTES``), or None
            while it is off.
        clock: Seconds, monotonic (a test may drive it by hand).
    """

    def __init__(
        self,
        speaker: Callable[[], bytes | None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._speaker = speaker
        self._clock = clock
        self.speaker_csi = new_csi()
        self.members: dict[str, Member] = {}
        self._start: float | None = None
        self._tick = -1
        self._ticks: dict[int, _Tick] = {}
        self._window: dict[str, float] = {}
        self._window_ticks = 0
        self.content_from: str | None = None
        """Key of the member holding the content floor, whose share is relayed."""

    # --- membership -------------------------------------------------------------------

    def join(self, key: str, csi: int) -> Member:
        """Add a device (replacing an earlier member of the same key)."""
        member = Member(key, csi)
        self.members[key] = member
        return member

    def leave(self, member: Member) -> None:
        """Remove a device, if ``member`` is still the one in the mix."""
        if self.members.get(member.key) is member:
            del self.members[member.key]
            for other in self.members.values():
                if other.active == member.key:
                    other.active = None

    def csi_of(self, key: str | None) -> int | None:
        """The CSI of a source key (a member or the simulated speaker)."""
        if key == SPEAKER:
            return self.speaker_csi
        member = self.members.get(key or "")
        return member.csi if member is not None else None

    # --- the clock --------------------------------------------------------------------

    def clock(self) -> float:
        """The mixer's clock, in seconds."""
        return self._clock()

    def now_tick(self) -> int:
        """The tick due now (the clock starts at the first call)."""
        now = self._clock()
        if self._start is None:
            self._start = now
        return int((now - self._start) / PTIME)

    def due(self, tick: int) -> float:
        """Clock time at which ``tick`` is due."""
        if self._start is None:
            self._start = self._clock()
        return self._start + tick * PTIME

    def _advance(self, tick: int) -> None:
        # Never more than a few ticks at once: after a stall, skipped time is just lost.
        first = max(self._tick + 1, tick - KEPT_TICKS + 1)
        for number in range(first, tick + 1):
            frames: dict[str, Samples] = {}
            speaker = self._speaker()
            if speaker is not None:
                frames[SPEAKER] = array.array("h", speaker)
            for key, member in self.members.items():
                frame = member.take()
                if frame is not None:
                    frames[key] = frame
            energies = {key: _energy(frame) for key, frame in frames.items()}
            self._measure(energies)
            audible = [key for key, energy in energies.items() if energy >= AUDIBLE_ENERGY]
            if len(audible) > MIX_LIMIT:
                audible = heapq.nlargest(MIX_LIMIT, audible, key=energies.__getitem__)
            self._ticks[number] = _Tick({key: frames[key] for key in audible})
            self._ticks.pop(number - KEPT_TICKS, None)
        self._tick = max(self._tick, tick)

    # --- mixing -----------------------------------------------------------------------

    def mix(self, member: Member, tick: int) -> bytes:
        """The 20 ms ``member`` hears at ``tick``: everything but itself, saturated."""
        if tick > self._tick:
            self._advance(tick)
        state = self._ticks.get(tick)
        member.counts.audio_out += 1
        if state is None:  # asked too late: that tick is gone
            return SILENCE
        frames = state.frames
        if any(key not in (member.key, SPEAKER) for key in frames):
            member.counts.audio_out_from_others += 1
        own = frames.get(member.key)
        if own is None:
            # Most listeners are silent: they all get the same mix, made once per tick.
            if state.heard_by_others is None:
                state.heard_by_others = _mixed(list(frames.values()))
            return state.heard_by_others
        others = [frame for key, frame in frames.items() if key != member.key]
        if len(others) < 3:
            return _mixed(others)
        # Many sources: the tick's total once, minus each talking listener's own voice.
        if state.total is None:
            state.total = _sum(list(frames.values()))
        return _saturated(list(map(operator.sub, state.total, own)))

    # --- active speaker ---------------------------------------------------------------

    def _measure(self, energies: dict[str, float]) -> None:
        for key, energy in energies.items():
            self._window[key] = self._window.get(key, 0.0) + energy
        self._window_ticks += 1
        if self._window_ticks >= WINDOW_TICKS:
            energies = {key: total / self._window_ticks for key, total in self._window.items()}
            self._window, self._window_ticks = {}, 0
            self.choose_speakers(energies)

    def choose_speakers(self, energies: dict[str, float]) -> None:
        """Update every member's active speaker from one window's mean energies."""
        for member in self.members.values():
            candidates = {
                key: energy
                for key, energy in energies.items()
                if key != member.key and energy >= SPEAKING_ENERGY
            }
            current = member.active
            if current is not None and current not in self.members and current not in energies:
                current = None  # it left (or, for the simulated speaker, was turned off)
            if candidates:
                best = max(candidates, key=candidates.__getitem__)
                if current is None or (
                    best != current
                    and candidates[best] >= SWITCH_RATIO * energies.get(current, 0.0)
                ):
                    current = best
            member.active = current

    def active_csrcs(self, member: Member) -> list[int]:
        """The CSRC list of ``member``'s mix: its active speaker's CSI, if any."""
        csi = self.csi_of(member.active)
        return [csi] if csi is not None else []

    # --- video ------------------------------------------------------------------------

    def push_video(self, member: Member, frame: object) -> None:
        """Keep ``frame`` as ``member``'s latest video (only the latest is kept)."""
        member.video, member.video_at = frame, self._clock()

    def video_for(self, member: Member) -> Member | None:
        """Whose video ``member`` sees: its active speaker's, else the latest sender's.

        Only other members that sent video within :data:`VIDEO_FRESH` seconds count.
        """
        fresh = self._clock() - VIDEO_FRESH
        senders = [
            other
            for other in self.members.values()
            if other is not member and other.video is not None and other.video_at >= fresh
        ]
        if not senders:
            return None
        speaker = self.members.get(member.active or "")
        if speaker in senders:
            return speaker
        return max(senders, key=lambda other: other.video_at)

    # --- content (screen share) -------------------------------------------------------

    def push_content(self, member: Member, frame: object) -> None:
        """Keep ``frame`` as ``member``'s latest screen-share frame (only the latest)."""
        member.content, member.content_at = frame, self._clock()

    def content_for(self, member: Member) -> Member | None:
        """Whose share ``member`` sees: the content floor holder's, when another member's.

        Only a holder that sent a frame within :data:`VIDEO_FRESH` seconds counts, so a
        share that stopped sending leaves no frozen picture behind.
        """
        holder = self.members.get(self.content_from or "")
        if holder is None or holder is member or holder.content is None:
            return None
        return holder if holder.content_at >= self._clock() - VIDEO_FRESH else None


class LoopReader:
    """Reads 20 ms at a time from looped samples that may be replaced at any time.

    Args:
        source: Returns the current samples (16-bit mono, 48 kHz), or None while off.
            A different object starts over from its beginning.
    """

    def __init__(self, source: Callable[[], bytes | None]) -> None:
        self._source = source
        self._current: bytes | None = None
        self._offset = 0

    def __call__(self) -> bytes | None:
        """The next 20 ms, or None while the source is off."""
        pcm = self._source()
        if not pcm:
            return None
        if pcm is not self._current:
            self._current, self._offset = pcm, 0
        chunk = pcm[self._offset : self._offset + FRAME_BYTES]
        while len(chunk) < FRAME_BYTES:  # wrap around the loop
            chunk += pcm[: FRAME_BYTES - len(chunk)]
        self._offset = (self._offset + FRAME_BYTES) % len(pcm)
        return chunk
