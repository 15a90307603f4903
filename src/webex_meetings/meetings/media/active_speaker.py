"""Active speaker of a transcoded meeting: the CSRC of remote audio, mapped to members.

A mixing media server names whose voice leads the mixed audio as the contributing
source (CSRC, RFC 3550) of its RTP packets. The value is a CSI, and Locus lists each
participant device's CSIs in ``devices[].csis`` (JS ``members.findMemberByCsi``). Each
time the set of members so named changes, the meeting emits
``media:activeSpeakerChanged`` with ``{"memberIds": [...]}``, the payload of the JS SDK's
multistream event.

aiortc's ``RTCRtpReceiver`` keeps no contributing sources (it has no
``getContributingSources()``); :func:`watch_contributing_sources` is the one place that
reaches into it for them. Nothing here imports aiortc.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Final

from webex_meetings._logging import get_logger

__all__ = ["MEDIA_ACTIVE_SPEAKER_CHANGED", "ActiveSpeaker", "watch_contributing_sources"]

logger = get_logger(__name__)

#: ``{"memberIds": [...]}`` when the members named by the remote audio's CSRCs change.
MEDIA_ACTIVE_SPEAKER_CHANGED: Final = "media:activeSpeakerChanged"
#: Seconds between tries to map a CSI that no member lists yet (Locus may lag media).
RETRY_SECONDS: Final = 0.5

_MARK = "_webex_csrc_watch"


def watch_contributing_sources(receiver: Any, on_packet: Callable[[tuple[int, ...]], None]) -> bool:
    """Call ``on_packet`` with the CSRC list of every RTP packet ``receiver`` handles.

    aiortc parses each packet's CSRC list (``RtpPacket.csrc``) and then drops it; its
    receiver's private ``_handle_rtp_packet`` is the only place the list can be seen, so
    this wraps that method on this one receiver. Returns False, and watches nothing,
    when the method is missing (another aiortc version): no active speaker then, and
    media works as before.
    """
    handle = getattr(receiver, "_handle_rtp_packet", None)
    if handle is None or getattr(handle, _MARK, False):
        return handle is not None

    async def handle_rtp_packet(packet: Any, arrival_time_ms: int) -> None:
        try:
            on_packet(tuple(getattr(packet, "csrc", ())))
        except Exception:  # a listener's failure must not stop the media
            logger.exception("media: active speaker update failed")
        await handle(packet, arrival_time_ms)

    setattr(handle_rtp_packet, _MARK, True)
    setattr(receiver, "_handle_rtp_packet", handle_rtp_packet)  # noqa: B010
    return True


class ActiveSpeaker:
    """Follows the remote audio's CSRCs and reports the members they name.

    Args:
        resolve: The member id of a CSI, or None if no member lists it.
        emit: Called with the new member ids each time they change.
        clock: Seconds, monotonic.

    Attributes:
        member_ids: The members named by the latest CSRCs (empty at first).
        csrcs: The latest CSRC list.
    """

    def __init__(
        self,
        resolve: Callable[[int], str | None],
        emit: Callable[[list[str]], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._resolve = resolve
        self._emit = emit
        self._clock = clock
        self.member_ids: list[str] = []
        self.csrcs: tuple[int, ...] = ()
        self._unresolved = False
        self._tried = 0.0

    def __repr__(self) -> str:
        return f"ActiveSpeaker(member_ids={self.member_ids!r}, csrcs={self.csrcs!r})"

    def watch(self, receiver: Any) -> bool:
        """Follow the CSRCs of ``receiver`` (an aiortc ``RTCRtpReceiver``)."""
        return watch_contributing_sources(receiver, self.on_csrcs)

    def on_csrcs(self, csrcs: tuple[int, ...]) -> None:
        """One packet's CSRCs: map them again when they changed (or some were unknown)."""
        now = self._clock()
        if csrcs == self.csrcs and not (self._unresolved and now - self._tried >= RETRY_SECONDS):
            return  # the usual case, every 20 ms: nothing new
        self.csrcs = csrcs
        self._tried = now
        ids: list[str] = []
        self._unresolved = False
        for csi in csrcs:
            member_id = self._resolve(csi)
            if member_id is None:
                self._unresolved = True
            elif member_id not in ids:
                ids.append(member_id)
        if ids != self.member_ids:
            self.member_ids = ids
            self._emit(list(ids))

    def reset(self) -> None:
        """Forget the current speaker (media closed); nothing is emitted."""
        self.member_ids, self.csrcs, self._unresolved = [], (), False
