"""The media server's mixer: sums, clipping, no echo, bounded inputs, active speaker, CSRC."""

from __future__ import annotations

import array
import math

import pytest

from webex_meetings.emulator.services.media import mixer as mixing
from webex_meetings.emulator.services.media.mixer import (
    FRAME_BYTES,
    FRAME_SAMPLES,
    MAX_QUEUED,
    MIX_LIMIT,
    SILENCE,
    SPEAKER,
    LoopReader,
    Member,
    Mixer,
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def frame(value: int) -> bytes:
    """One 20 ms frame holding ``value`` in every sample."""
    return array.array("h", [value] * FRAME_SAMPLES).tobytes()


def tone(hz: float, amplitude: int, frames: int = 1) -> bytes:
    count = FRAME_SAMPLES * frames
    step = 2 * math.pi * hz / mixing.SAMPLE_RATE
    return array.array("h", (int(amplitude * math.sin(step * i)) for i in range(count))).tobytes()


def values(pcm: bytes) -> set[int]:
    return set(array.array("h", pcm))


def primed(mixer: Mixer, key: str, value: int, frames: int = mixing.PRIME_FRAMES) -> Member:
    member = mixer.join(key, csi=len(mixer.members) + 1)
    for _ in range(frames):
        member.push(frame(value))
    return member


def test_each_member_hears_the_sum_of_the_others_and_never_itself() -> None:
    mixer = Mixer(clock=Clock())
    a = primed(mixer, "a", 100)
    b = primed(mixer, "b", 20)
    c = primed(mixer, "c", 3)
    assert values(mixer.mix(a, 0)) == {23}
    assert values(mixer.mix(b, 0)) == {103}
    assert values(mixer.mix(c, 0)) == {120}
    # Every listener read the same tick: one frame was taken from each input.
    assert [m.queued for m in (a, b, c)] == [1, 1, 1]
    assert a.counts.audio_in == 1
    assert a.counts.audio_out == a.counts.audio_out_from_others == 1


def test_many_sources_use_the_total_minus_own_and_match_a_plain_sum() -> None:
    mixer = Mixer(clock=Clock())
    talkers = [primed(mixer, f"m{i}", 10 * (i + 1)) for i in range(MIX_LIMIT)]
    quiet = primed(mixer, "quiet", 0)
    total = sum(10 * (i + 1) for i in range(MIX_LIMIT))
    for i, member in enumerate(talkers):
        assert values(mixer.mix(member, 0)) == {total - 10 * (i + 1)}
    assert values(mixer.mix(quiet, 0)) == {total}


def test_only_the_loudest_sources_are_mixed() -> None:
    mixer = Mixer(clock=Clock())
    for i in range(MIX_LIMIT + 2):
        primed(mixer, f"m{i}", 10 * (i + 1))
    listener = mixer.join("listener", 99)
    loudest = sum(10 * (i + 1) for i in range(2, MIX_LIMIT + 2))
    assert values(mixer.mix(listener, 0)) == {loudest}
    # The quieter ones were still read: nothing piles up behind the limit.
    assert mixer.members["m0"].counts.audio_in == 1
    assert listener.counts.audio_out_from_others == 1


def test_digital_silence_is_not_mixed_and_not_counted_as_someone_heard() -> None:
    mixer = Mixer(clock=Clock())
    silent = primed(mixer, "silent", 0)
    listener = primed(mixer, "listener", 0)
    assert mixer.mix(listener, 0) == SILENCE
    assert listener.counts.audio_out_from_others == 0
    assert silent.counts.audio_in == 1


def test_sums_saturate_to_16_bits() -> None:
    mixer = Mixer(clock=Clock())
    a = primed(mixer, "a", 30_000)
    b = primed(mixer, "b", 20_000)
    listener = primed(mixer, "listener", 0)
    assert values(mixer.mix(listener, 0)) == {32_767}
    low = Mixer(clock=Clock())
    primed(low, "a", -30_000)
    primed(low, "b", -20_000)
    assert values(low.mix(low.join("listener", 9), 0)) == {-32_768}
    assert a is not b


def test_the_simulated_speaker_is_mixed_for_everybody() -> None:
    mixer = Mixer(lambda: frame(7), clock=Clock())
    a = primed(mixer, "a", 100)
    b = primed(mixer, "b", 20)
    assert values(mixer.mix(a, 0)) == {27}
    assert values(mixer.mix(b, 0)) == {107}
    alone = Mixer(lambda: frame(7), clock=Clock())
    lone = alone.join("alone", 1)
    assert values(alone.mix(lone, 0)) == {7}
    # The speaker alone is not "another participant".
    assert lone.counts.audio_out_from_others == 0
    assert a.counts.audio_out_from_others == 1


def test_an_input_that_stops_sending_gives_silence_without_holding_the_mix() -> None:
    clock = Clock()
    mixer = Mixer(lambda: frame(5), clock=clock)
    talker = primed(mixer, "talker", 1000, frames=3)
    listener = mixer.join("listener", 2)
    heard = [values(mixer.mix(listener, tick)) for tick in range(6)]
    # Three frames of the talker, then only the speaker: every tick is answered at once.
    assert heard == [{1005}] * 3 + [{5}] * 3
    assert talker.counts.audio_in == 3
    # Once the talker sends again, it is mixed after PRIME_FRAMES frames of buffering.
    talker.push(frame(1000))
    assert values(mixer.mix(listener, 6)) == {5}
    talker.push(frame(1000))
    assert values(mixer.mix(listener, 7)) == {1005}


def test_nobody_to_hear_is_silence() -> None:
    mixer = Mixer(clock=Clock())
    alone = primed(mixer, "alone", 1234)
    assert mixer.mix(alone, 0) == SILENCE


def test_input_queues_are_bounded_and_drop_the_oldest() -> None:
    mixer = Mixer(clock=Clock())
    member = mixer.join("fast", 1)
    for value in range(MAX_QUEUED + 5):
        member.push(frame(value))
    assert member.queued == MAX_QUEUED
    assert member.counts.audio_dropped == 5
    first = member.take()
    assert first is not None
    assert set(first) == {5}  # the five oldest went


def test_odd_sized_pushes_are_cut_into_whole_frames() -> None:
    member = Mixer(clock=Clock()).join("odd", 1)
    pcm = frame(3) * 2
    member.push(pcm[:1000])
    assert member.queued == 0
    member.push(pcm[1000:])
    assert member.queued == 2


def test_a_member_that_leaves_is_no_longer_mixed_nor_anyone_s_speaker() -> None:
    mixer = Mixer(clock=Clock())
    a = primed(mixer, "a", 100, frames=4)
    b = primed(mixer, "b", 1, frames=4)
    mixer.choose_speakers({"a": 1e6})
    assert b.active == "a"
    mixer.leave(a)
    assert b.active is None
    assert values(mixer.mix(b, 0)) == {0}
    # Leaving twice, or leaving after a newer member took the key, changes nothing.
    newer = mixer.join("a", 42)
    mixer.leave(a)
    assert mixer.members["a"] is newer


def test_active_speaker_is_the_loudest_other_with_hysteresis() -> None:
    mixer = Mixer(clock=Clock())
    a, b, c = (mixer.join(key, csi) for key, csi in (("a", 11), ("b", 22), ("c", 33)))
    loud, louder = 1e6, 1.5e6
    mixer.choose_speakers({"a": loud, "b": 0.0, "c": 0.0})
    assert (a.active, b.active, c.active) == (None, "a", "a")
    assert mixer.active_csrcs(b) == [11]
    assert mixer.active_csrcs(a) == []
    # 1.5x louder is within the hysteresis: the speaker stays.
    mixer.choose_speakers({"a": loud, "b": louder})
    assert c.active == "a"
    assert a.active == "b"  # a's own voice never counts for a
    # Twice as loud takes over.
    mixer.choose_speakers({"a": loud, "b": 2.5e6})
    assert c.active == "b"
    # Everybody silent: the last speaker stays.
    mixer.choose_speakers({"a": 0.0, "b": 0.0, "c": 0.0})
    assert c.active == "b"


def test_the_simulated_speaker_has_its_own_csi_and_goes_when_turned_off() -> None:
    mixer = Mixer(clock=Clock())
    a = mixer.join("a", 1)
    mixer.choose_speakers({SPEAKER: 1e6})
    assert a.active == SPEAKER
    assert mixer.active_csrcs(a) == [mixer.speaker_csi]
    mixer.choose_speakers({"b": 0.0})  # no speaker frames in the window: it was turned off
    assert a.active is None


def test_windows_of_mixed_ticks_pick_the_speaker() -> None:
    mixer = Mixer(clock=Clock())
    talker = mixer.join("talker", 5)
    listener = mixer.join("listener", 6)
    for tick in range(mixing.WINDOW_TICKS + 2):
        talker.push(tone(440, 8000))
        listener.push(SILENCE)
        mixer.mix(listener, tick)
    assert listener.active == "talker"
    assert mixer.active_csrcs(listener) == [5]
    assert talker.active is None


def test_late_ticks_are_forgotten_and_a_stall_skips_ahead() -> None:
    mixer = Mixer(lambda: frame(100), clock=Clock())
    listener = mixer.join("l", 1)
    assert values(mixer.mix(listener, 100)) == {100}
    assert mixer.mix(listener, 100 - mixing.KEPT_TICKS) == SILENCE


def test_the_clock_gives_due_times_on_a_20_ms_grid() -> None:
    clock = Clock()
    mixer = Mixer(clock=clock)
    assert mixer.now_tick() == 0
    clock.now += 0.105
    assert mixer.now_tick() == 5
    assert mixer.due(6) == pytest.approx(100.12)


def test_loop_reader_loops_and_restarts_on_a_new_source() -> None:
    pcm = frame(1) + frame(2)[: FRAME_BYTES // 2]
    current: list[bytes | None] = [pcm]
    reader = LoopReader(lambda: current[0])
    assert values(reader() or b"") == {1}
    assert values(reader() or b"") == {2, 1}  # half of frame 2, then the loop again
    current[0] = None
    assert reader() is None
    current[0] = frame(9)
    assert values(reader() or b"") == {9}


def test_video_follows_the_active_speaker_among_fresh_senders() -> None:
    clock = Clock()
    mixer = Mixer(clock=clock)
    a, b, c = (mixer.join(key, i) for i, key in enumerate("abc"))
    assert mixer.video_for(c) is None
    mixer.push_video(a, "frame-a")
    clock.now += 0.1
    mixer.push_video(b, "frame-b")
    assert mixer.video_for(c) is b  # no speaker yet: the latest sender
    c.active = "a"
    assert mixer.video_for(c) is a
    assert mixer.video_for(a) is b  # never one's own video
    clock.now += mixing.VIDEO_FRESH + 0.2
    assert mixer.video_for(c) is None  # both stopped sending


def test_content_comes_from_the_floor_holder_only_while_it_sends() -> None:
    clock = Clock()
    mixer = Mixer(clock=clock)
    a, b = mixer.join("a", 1), mixer.join("b", 2)
    mixer.push_content(a, "share-a")
    assert mixer.content_for(b) is None  # nobody holds the floor
    mixer.content_from = "a"
    assert mixer.content_for(b) is a
    assert mixer.content_for(a) is None  # never one's own share
    clock.now += mixing.VIDEO_FRESH + 0.2
    assert mixer.content_for(b) is None  # the holder stopped sending
    mixer.push_content(a, "share-a2")
    mixer.content_from = None  # the floor was released
    assert mixer.content_for(b) is None


def test_csis_are_32_bit_and_never_zero() -> None:
    csis = {mixing.new_csi() for _ in range(200)}
    assert all(0 < csi < 2**32 for csi in csis)
    assert len(csis) > 190


class FakeTransport:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def _send_rtp(self, data: bytes) -> None:
        self.sent.append(data)


class FakeSender:
    """What the CSRC hook reads of an aiortc ``RTCRtpSender``."""

    def __init__(self, ssrc: int, transport: FakeTransport) -> None:
        self._ssrc = ssrc
        self.transport = transport


def rtp(ssrc: int, payload: bytes = b"\x01\x02", *, extension: bool = False) -> bytes:
    first = 0x80 | (0x10 if extension else 0)
    header = bytes([first, 111]) + (7).to_bytes(2) + (1234).to_bytes(4) + ssrc.to_bytes(4)
    ext = b"\xbe\xde\x00\x01\x10\xff\x00\x00" if extension else b""
    return header + ext + payload


async def test_csrcs_go_into_the_mixed_audio_packets_only() -> None:
    from aiortc.rtp import RtpPacket

    from webex_meetings.emulator.services.media import engine

    transport = FakeTransport()
    csrcs = [0xDEADBEEF]
    sender = FakeSender(0xAABBCCDD, transport)
    engine._with_contributing_sources(sender, lambda: csrcs)
    engine._with_contributing_sources(sender, lambda: csrcs)  # once only
    wrapped = getattr(transport._send_rtp, "__wrapped__", None)
    assert wrapped == FakeTransport._send_rtp.__get__(transport)
    await transport._send_rtp(rtp(0xAABBCCDD, extension=True))
    await transport._send_rtp(rtp(0x01020304))  # another sender's packet
    rtcp = bytes([0x80, 200]) + bytes(26)
    await transport._send_rtp(rtcp)
    csrcs.clear()
    await transport._send_rtp(rtp(0xAABBCCDD))  # no speaker: unchanged
    mixed, other, report, quiet = transport.sent
    packet = RtpPacket.parse(mixed)
    assert packet.csrc == [0xDEADBEEF]
    assert packet.ssrc == 0xAABBCCDD
    assert packet.payload == b"\x01\x02"
    assert packet.sequence_number == 7
    assert other == rtp(0x01020304)
    assert report == rtcp
    assert quiet == rtp(0xAABBCCDD)
