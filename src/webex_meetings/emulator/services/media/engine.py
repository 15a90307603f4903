"""The WebRTC side of the media server: one aiortc peer connection per device session.

Imported only when the first OFFER arrives, so an emulator that never sees media never
loads aiortc or PyAV.

Two things keep media on the emulator's own address: no ICE servers (aiortc would
otherwise ask a public STUN server), and host candidates gathered only on the address
the emulator serves on. aioice reads the machine's addresses from one module function;
:func:`_gathering_on` wraps it once so that it answers the emulator's address inside the
media server's gathering (a context variable) and is untouched everywhere else.

Every received track is read to its end: aiortc queues decoded frames without bound
while nobody reads them. The reader counts frames per ``m=`` line label, which is what
tests assert on, and feeds the meeting's :class:`~.mixer.Mixer`: audio as 48 kHz mono
samples, main video and (from the content floor holder) screen share as their latest
pictures. What the device gets back is its own mix (:class:`~.tracks.MixedAudioTrack`),
the video of its active speaker (:class:`~.tracks.RelayVideoTrack`) and, on the share
line, the holder's screen share (:class:`~.tracks.RelayContentTrack`, set by the server).

The mixed audio's RTP packets name the device's active speaker as their contributing
source (CSRC, RFC 3550), as a mixer does; clients map that CSI to a participant through
the Locus ``devices[].csis``. aiortc's sender has no way to set CSRCs, so
:func:`_with_contributing_sources` adds them to the finished packets.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import aioice.ice
import av
from aiortc import (
    MediaStreamTrack,
    RTCBundlePolicy,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc.exceptions import InternalError, InvalidAccessError, InvalidStateError
from aiortc.mediastreams import MediaStreamError
from aiortc.rtp import is_rtcp

from .mixer import SAMPLE_RATE, Member, Mixer, RelayCounts
from .sdp import MediaLine, media_lines
from .tracks import MixedAudioTrack, RelayVideoTrack, SyntheticVideoTrack, relay_size

#: What aiortc raises for an SDP it cannot apply.
SDP_ERRORS = (ValueError, InternalError, InvalidAccessError, InvalidStateError)

_HOSTS: ContextVar[tuple[str, ...] | None] = ContextVar("emulator_media_hosts", default=None)
_HOOK_MARK = "_emulator_media_hook"


def _install_hook() -> None:
    current = aioice.ice.get_host_addresses
    if getattr(current, _HOOK_MARK, False):
        return

    def host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        hosts = _HOSTS.get()
        return list(hosts) if hosts is not None else current(use_ipv4, use_ipv6)

    setattr(host_addresses, _HOOK_MARK, True)
    aioice.ice.get_host_addresses = host_addresses


@contextlib.contextmanager
def _gathering_on(hosts: tuple[str, ...]) -> Iterator[None]:
    """Gather host candidates on ``hosts`` only, within this context."""
    # Re-checked every time: a test may have replaced (and later restored) the function.
    _install_hook()
    token = _HOSTS.set(hosts)
    try:
        yield
    finally:
        _HOSTS.reset(token)


_CSRC_MARK = "_emulator_csrc_hook"


def _mono(frame: av.AudioFrame, resampler: av.AudioResampler) -> bytes:
    """16-bit mono 48 kHz samples of a decoded frame, for the mixer."""
    channels = len(frame.layout.channels)
    if frame.format.name == "s16" and frame.sample_rate == SAMPLE_RATE and channels <= 2:
        # aiortc's Opus decoder gives interleaved stereo of a mono voice: keep the left
        # channel (a downmix would cost more and lower the level by 3 dB).
        samples = array.array("h", bytes(frame.planes[0])[: frame.samples * channels * 2])
        return samples[::channels].tobytes()
    return b"".join(bytes(m.planes[0])[: m.samples * 2] for m in resampler.resample(frame))


def _with_contributing_sources(sender: Any, csrcs: Callable[[], list[int]]) -> None:
    """Put ``csrcs()`` into every RTP packet that ``sender`` (an ``RTCRtpSender``) sends.

    aiortc builds and serializes RTP packets inside ``RTCRtpSender`` with an empty CSRC
    list and no hook, then hands the bytes to the DTLS transport's private ``_send_rtp``
    (which encrypts them). Wrapping that one method on this connection's transport, for
    the packets of the sender's (private) ``_ssrc``, is the narrowest way in; the packet
    is changed before SRTP, so it stays valid. This is the only use of aiortc internals
    here; should they change, packets go out without CSRC (and clients see no active
    speaker) rather than failing.
    """
    ssrc, transport = getattr(sender, "_ssrc", None), getattr(sender, "transport", None)
    send = getattr(transport, "_send_rtp", None)
    if not isinstance(ssrc, int) or send is None or getattr(send, _CSRC_MARK, None) == ssrc:
        return
    original = getattr(send, "__wrapped__", send)

    async def send_rtp(data: bytes) -> None:
        if len(data) >= 12 and not is_rtcp(data) and int.from_bytes(data[8:12]) == ssrc:
            sources = csrcs()[:15]
            if sources and data[0] & 0x0F == 0:
                # RFC 3550 5.1: CC is the low 4 bits of byte 0; the list follows byte 11.
                listed = b"".join(csrc.to_bytes(4) for csrc in sources)
                data = bytes([data[0] | len(sources)]) + data[1:12] + listed + data[12:]
        await original(data)

    setattr(send_rtp, _CSRC_MARK, ssrc)
    send_rtp.__wrapped__ = original  # type: ignore[attr-defined]
    setattr(transport, "_send_rtp", send_rtp)  # noqa: B010


class PeerSession:
    """One device's peer connection: answers, server offers, track readers, counters."""

    def __init__(
        self,
        hosts: tuple[str, ...],
        on_state: Callable[[PeerSession, str], None],
        *,
        mixer: Mixer,
        key: str,
        csi: int,
    ) -> None:
        """Create the connection and put the device into the meeting's mix.

        Args:
            hosts: The addresses to gather host candidates on.
            on_state: Called with this session and every new ``connectionState``.
            mixer: The meeting's mixer.
            key: The device's key in the mix (one per device).
            csi: The CSI of the device's audio.
        """
        self._hosts = hosts
        self._mixer = mixer
        self.member: Member = mixer.join(key, csi)
        self._audio: MixedAudioTrack | None = None
        # max-bundle: with aiortc's default policy a second video line keeps a transport
        # of its own that BUNDLE then discards, and the slides line sends nothing.
        config = RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        self.pc = RTCPeerConnection(config)
        self.frames: dict[str, int] = {}
        self._readers: set[asyncio.Task[None]] = set()
        self._lines: dict[str, MediaLine] = {}
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", lambda: on_state(self, self.pc.connectionState))

    @property
    def state(self) -> str:
        """The current ``connectionState``."""
        return str(self.pc.connectionState)

    def _label(self, transceiver: RTCRtpTransceiver) -> str:
        line = self._lines.get(transceiver.mid or "")
        return line.label if line is not None else transceiver.kind

    def _on_track(self, track: MediaStreamTrack) -> None:
        transceiver = next(
            (t for t in self.pc.getTransceivers() if t.receiver.track is track), None
        )
        label = self._label(transceiver) if transceiver is not None else track.kind
        self.frames.setdefault(label, 0)
        task = asyncio.get_running_loop().create_task(self._read(track, label))
        self._readers.add(task)
        task.add_done_callback(self._readers.discard)

    async def _read(self, track: MediaStreamTrack, label: str) -> None:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                self.frames[label] += 1
                if label == "audio" and isinstance(frame, av.AudioFrame):
                    self.member.push(_mono(frame, resampler))
                elif label == "video" and isinstance(frame, av.VideoFrame):
                    self._mixer.push_video(self.member, relay_size(frame))
                elif (
                    label == "share"
                    and isinstance(frame, av.VideoFrame)
                    and self._mixer.content_from == self.member.key
                ):
                    # Only the floor holder's share is relayed: nobody else's is scaled.
                    self._mixer.push_content(self.member, relay_size(frame))

    @property
    def relay(self) -> RelayCounts:
        """What the mixer did for this device so far."""
        return self.member.counts

    def leave_mix(self) -> None:
        """Take the device out of the meeting's mix (idempotent)."""
        self._mixer.leave(self.member)

    async def answer(self, offer: str, *, video: bool, share: bool) -> str:
        """Apply a client OFFER and return the ANSWER SDP.

        The audio line sends the device's mix. The main video line sends the video of
        the device's active speaker when the device sends video itself, or when
        ``video``; with ``video`` the synthetic picture fills in while nobody else sends.

        Args:
            offer: The client's SDP.
            video: Send synthetic video on the main video line (when nobody else does).
            share: Send synthetic video on the slides line.
        """
        self._lines.update((line.mid, line) for line in media_lines(offer) if line.mid)
        await self.pc.setRemoteDescription(RTCSessionDescription(offer, "offer"))
        for transceiver in self.pc.getTransceivers():
            if transceiver.sender.track is not None:
                continue
            label = self._label(transceiver)
            line = self._lines.get(transceiver.mid or "")
            sends_video = line is not None and line.direction == "sendrecv"
            track: MediaStreamTrack | None = None
            if label == "audio":
                self._audio = track = MixedAudioTrack(self._mixer, self.member)
            elif label == "video" and (video or sends_video):
                track = RelayVideoTrack(self._mixer, self.member, synthetic=video)
            elif label == "share" and share:
                track = SyntheticVideoTrack(fps=5)
            if track is not None:
                transceiver.sender.replaceTrack(track)
                transceiver.direction = "sendrecv"
        answer = await self.pc.createAnswer()
        with _gathering_on(self._hosts):
            await self.pc.setLocalDescription(answer)
        self._signal_speaker()
        return str(self.pc.localDescription.sdp)

    def _signal_speaker(self) -> None:
        """Name the active speaker in the mixed audio's packets (CSRC)."""
        audio = self._audio
        for transceiver in self.pc.getTransceivers():
            if audio is not None and transceiver.sender.track is audio:
                _with_contributing_sources(transceiver.sender, lambda: audio.csrcs)

    async def offer(self) -> str:
        """Create a server OFFER for the current media, without applying it yet.

        It is applied only with its answer (:meth:`accept_answer`): aiortc cannot roll
        an offer back, and a client offer may still win glare.
        """
        return str((await self.pc.createOffer()).sdp)

    async def accept_answer(self, offer: str, answer: str) -> None:
        """Apply a server OFFER made by :meth:`offer` and the client's ANSWER to it."""
        with _gathering_on(self._hosts):
            await self.pc.setLocalDescription(RTCSessionDescription(offer, "offer"))
        await self.pc.setRemoteDescription(RTCSessionDescription(answer, "answer"))
        self._signal_speaker()

    async def stats(self) -> dict[str, Any]:
        """Bytes and packets so far, plus frames read per line label."""
        packets: dict[str, int] = {}
        transports: dict[str, tuple[int, int]] = {}
        for transceiver in self.pc.getTransceivers():
            label = self._label(transceiver)
            for entry in (await transceiver.receiver.getStats()).values():
                if entry.type == "inbound-rtp":
                    packets[label] = packets.get(label, 0) + entry.packetsReceived
                elif entry.type == "transport":
                    # Keyed by transport: every line of a BUNDLE group shares one.
                    transports[entry.id] = (entry.bytesSent, entry.bytesReceived)
        return {
            "framesReceived": dict(self.frames),
            "packetsReceived": packets,
            "bytesReceived": sum(received for _, received in transports.values()),
            "bytesSent": sum(sent for sent, _ in transports.values()),
        }

    async def close(self) -> None:
        """Close the connection and leave the mix; the readers end with their tracks."""
        self.leave_mix()
        await self.pc.close()
        for task in list(self._readers):
            task.cancel()
