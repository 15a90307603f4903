"""The media seam: what Locus asks a media server for (roap.md).

:class:`LocusBackend` holds one :class:`MediaProvider`. The default one has no media: a
join gets a placeholder media connection ``{mediaId, type: "SDP"}`` and ROAP messages
are refused. A media server plugs in by replacing ``LocusBackend.media`` with its own
provider, which answers ROAP offers and TURN discovery.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from ...core.ids import new_uuid
from .errors import MEDIA_NOT_EMULATED, LocusError
from .model import DeviceSession, Locus, Participant


class MediaProvider(Protocol):
    """What Locus needs from a media server."""

    def open(
        self, locus: Locus, participant: Participant, device: DeviceSession, join: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Create the media session of a joining device.

        Args:
            locus: The locus joined.
            participant: The joining participant.
            device: The device session just created.
            join: The join body (``localMedias`` may carry a ROAP message).

        Returns:
            The ``mediaConnections`` of the join response and of the device.
        """
        ...

    def roap(
        self,
        locus: Locus,
        participant: Participant,
        device: DeviceSession,
        media_id: str,
        message: Mapping[str, Any],
    ) -> list[dict[str, Any]]:
        """Handle one ROAP message from ``PUT <self>/media``; returns ``mediaConnections``."""
        ...

    def close(self, locus: Locus, participant: Participant, device: DeviceSession) -> None:
        """Release the media of a device that left."""
        ...


class PlaceholderMedia:
    """No media: placeholder connections, ROAP refused."""

    def open(
        self, locus: Locus, participant: Participant, device: DeviceSession, join: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Return one placeholder connection ``{mediaId, type: "SDP"}``."""
        return [{"mediaId": new_uuid(), "type": "SDP"}]

    def roap(
        self,
        locus: Locus,
        participant: Participant,
        device: DeviceSession,
        media_id: str,
        message: Mapping[str, Any],
    ) -> list[dict[str, Any]]:
        """Refuse: there is no media server.

        Raises:
            LocusError: Always (501).
        """
        raise LocusError(501, MEDIA_NOT_EMULATED, "Media is not emulated.")

    def close(self, locus: Locus, participant: Participant, device: DeviceSession) -> None:
        """Nothing to release."""
