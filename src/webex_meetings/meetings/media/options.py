"""Media options: what to send and receive per kind (audio, video, screen share).

Each kind takes one value:

=====================  ============  ====================================================
value                  direction     meaning
=====================  ============  ====================================================
``True``               ``sendrecv``  receive, and send whatever track gets published
                                     (nothing until then), as JS ``audioEnabled: true``
a ``MediaStreamTrack`` ``sendrecv``  receive, and send this track from the start
``"sendrecv"``         ``sendrecv``  same as ``True``
``"recvonly"``         ``recvonly``  receive only (a listening bot)
``"sendonly"``         ``sendonly``  send only
``False``/``"inactive"`` ``inactive`` neither; the m-line stays in the SDP, as in JS
=====================  ============  ====================================================

The SDP always has the three m-lines audio, video, share (JS media-core does the same);
share sends only once a track is published (JS ``publishStreams({screenShare})``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeAlias, Union

from webex_meetings.meetings.errors import ParameterError

if TYPE_CHECKING:
    from aiortc.mediastreams import MediaStreamTrack

__all__ = ["KINDS", "Direction", "KindOption", "MediaKind", "MediaOptions", "parse_kind_option"]

#: A per-kind option: bool, a direction string, or an aiortc track.
KindOption: TypeAlias = Union[bool, str, "MediaStreamTrack"]  # forward ref


class MediaKind(enum.StrEnum):
    """The three media lines, in m-line order."""

    AUDIO = "audio"
    VIDEO = "video"
    SHARE = "share"


KINDS: Final = (MediaKind.AUDIO, MediaKind.VIDEO, MediaKind.SHARE)

#: ``media:ready`` / ``media:stopped`` ``type`` per kind.
REMOTE_TYPES: Final = {
    MediaKind.AUDIO: "remoteAudio",
    MediaKind.VIDEO: "remoteVideo",
    MediaKind.SHARE: "remoteShare",
}

#: The aiortc track kind of each media kind.
TRACK_KINDS: Final = {MediaKind.AUDIO: "audio", MediaKind.VIDEO: "video", MediaKind.SHARE: "video"}


class Direction(enum.StrEnum):
    """SDP directions."""

    SENDRECV = "sendrecv"
    SENDONLY = "sendonly"
    RECVONLY = "recvonly"
    INACTIVE = "inactive"

    @property
    def sends(self) -> bool:
        """True for ``sendrecv`` and ``sendonly``."""
        return self in (Direction.SENDRECV, Direction.SENDONLY)

    @property
    def receives(self) -> bool:
        """True for ``sendrecv`` and ``recvonly``."""
        return self in (Direction.SENDRECV, Direction.RECVONLY)


@dataclass(frozen=True)
class KindSetting:
    """One kind's direction and initial track."""

    direction: Direction
    track: Any = None  # MediaStreamTrack | None; Any keeps aiortc out of the import

    def __repr__(self) -> str:
        track = f", track={type(self.track).__name__}" if self.track is not None else ""
        return f"KindSetting({self.direction.value}{track})"


def _is_track(value: Any) -> bool:
    from webex_meetings.meetings.media._aiortc import require_aiortc

    require_aiortc()
    from aiortc.mediastreams import MediaStreamTrack

    return isinstance(value, MediaStreamTrack)


def parse_kind_option(kind: MediaKind | str, value: Any) -> KindSetting:
    """Turn one option value into a :class:`KindSetting`.

    Raises:
        ParameterError: the value is none of the accepted forms, or a track of the wrong
            kind (an audio track for video, say).
    """
    kind = MediaKind(kind)
    if value is True:
        return KindSetting(Direction.SENDRECV)
    if value is False:
        return KindSetting(Direction.INACTIVE)
    if isinstance(value, str):
        try:
            return KindSetting(Direction(value.lower()))
        except ValueError:
            raise ParameterError(
                f"{kind.value}: {value!r} is not a direction; use True, False, "
                "'sendrecv', 'sendonly', 'recvonly', 'inactive' or a MediaStreamTrack"
            ) from None
    if _is_track(value):
        if value.kind != TRACK_KINDS[kind]:
            raise ParameterError(
                f"{kind.value} needs a {TRACK_KINDS[kind]} track, got {value.kind}"
            )
        return KindSetting(Direction.SENDRECV, value)
    raise ParameterError(
        f"{kind.value}: expected a bool, a direction string or a MediaStreamTrack, "
        f"got {type(value).__name__}"
    )


@dataclass(frozen=True)
class MediaOptions:
    """Directions and initial tracks of the three kinds.

    Attributes:
        audio: the audio line.
        video: the main video line.
        share: the screen-share video line.
    """

    audio: KindSetting
    video: KindSetting
    share: KindSetting

    @classmethod
    def parse(cls, audio: Any = True, video: Any = True, share: Any = True) -> MediaOptions:
        """Build options from the per-kind values (see the module table)."""
        return cls(
            audio=parse_kind_option(MediaKind.AUDIO, audio),
            video=parse_kind_option(MediaKind.VIDEO, video),
            share=parse_kind_option(MediaKind.SHARE, share),
        )

    def get(self, kind: MediaKind | str) -> KindSetting:
        """The setting of ``kind``."""
        value: KindSetting = getattr(self, MediaKind(kind).value)
        return value

    def replace(self, **changes: KindSetting) -> MediaOptions:
        """A copy with some kinds changed."""
        values = {kind.value: self.get(kind) for kind in KINDS}
        values.update(changes)
        return MediaOptions(**values)
