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
tests assert on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import aioice.ice
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

from .models import SpeakerSource
from .sdp import MediaLine, media_lines
from .tracks import SpeakerTrack, SyntheticVideoTrack

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


class PeerSession:
    """One device's peer connection: answers, server offers, track readers, counters."""

    def __init__(
        self, hosts: tuple[str, ...], on_state: Callable[[PeerSession, str], None]
    ) -> None:
        """Create the connection.

        Args:
            hosts: The addresses to gather host candidates on.
            on_state: Called with this session and every new ``connectionState``.
        """
        self._hosts = hosts
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
        with contextlib.suppress(MediaStreamError):
            while True:
                await track.recv()
                self.frames[label] += 1

    async def answer(
        self,
        offer: str,
        speaker: Callable[[], SpeakerSource],
        *,
        video: bool,
        share: bool,
    ) -> str:
        """Apply a client OFFER and return the ANSWER SDP.

        Args:
            offer: The client's SDP.
            speaker: Where the speaker track reads its audio.
            video: Send synthetic video on the main video line.
            share: Send synthetic video on the slides line.
        """
        self._lines.update((line.mid, line) for line in media_lines(offer) if line.mid)
        await self.pc.setRemoteDescription(RTCSessionDescription(offer, "offer"))
        for transceiver in self.pc.getTransceivers():
            if transceiver.sender.track is not None:
                continue
            label = self._label(transceiver)
            track: MediaStreamTrack | None = None
            if label == "audio":
                track = SpeakerTrack(speaker)
            elif (label == "video" and video) or (label == "share" and share):
                track = SyntheticVideoTrack(fps=15 if label == "video" else 5)
            if track is not None:
                transceiver.sender.replaceTrack(track)
                transceiver.direction = "sendrecv"
        answer = await self.pc.createAnswer()
        with _gathering_on(self._hosts):
            await self.pc.setLocalDescription(answer)
        return str(self.pc.localDescription.sdp)

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
        """Close the connection; the readers end with their tracks."""
        await self.pc.close()
        for task in list(self._readers):
            task.cancel()
