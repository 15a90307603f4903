"""What the media layer reads from its meeting, and the extra events it emits there."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from webex_meetings.meetings.locus.requests import LocusRequests

__all__ = ["MEDIA_NEGOTIATED", "STREAM_PUBLISH_STATE_CHANGED", "MediaHost"]

#: After each completed SDP exchange, with ``experimental.enableMediaNegotiatedEvent``.
MEDIA_NEGOTIATED: Final = "media:negotiated"
#: ``{isPublished, mediaType, stream}`` when a local track is published or unpublished.
STREAM_PUBLISH_STATE_CHANGED: Final = "meeting:streamPublishStateChanged"


class MediaHost(Protocol):
    """The meeting as the media layer sees it (``Meeting`` satisfies it)."""

    @property
    def correlation_id(self) -> str:
        """The current join correlation id (matches Mercury ROAP events)."""
        ...

    @property
    def device_url(self) -> str | None:
        """The WDM device URL."""
        ...

    @property
    def self_url(self) -> str | None:
        """The Locus self URL; ``/media`` requests go to ``<self_url>/media``."""
        ...

    @property
    def media_id(self) -> str | None:
        """The media id of the last join response."""
        ...

    @property
    def state(self) -> str | None:
        """Locus ``self.state`` (``JOINED``, ``LEFT``...)."""
        ...

    @property
    def meeting_state(self) -> str | None:
        """Locus ``fullState.state`` (``ACTIVE``, ``INACTIVE``...)."""
        ...

    @property
    def is_user_unadmitted(self) -> bool:
        """True while waiting in the lobby."""
        ...

    @property
    def remote_muted(self) -> bool | None:
        """Audio muted by a host."""
        ...

    @property
    def unmute_allowed(self) -> bool | None:
        """Whether self may unmute audio after a host mute."""
        ...

    @property
    def remote_video_muted(self) -> bool | None:
        """Video muted by a host."""
        ...

    @property
    def unmute_video_allowed(self) -> bool | None:
        """Whether self may unmute video after a host mute."""
        ...

    @property
    def locus_url(self) -> str | None:
        """The Locus URL."""
        ...

    @property
    def self_id(self) -> str | None:
        """The participant id of self."""
        ...

    @property
    def requests(self) -> LocusRequests:
        """The meeting's Locus requests (sequence, delta handler, member controls)."""
        ...

    def emit(self, event: str, *args: Any) -> bool:
        """Emit a meeting event."""
        ...
