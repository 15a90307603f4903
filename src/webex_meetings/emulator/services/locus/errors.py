"""Locus error bodies ``{errorCode, message}`` and the codes the emulator answers with.

Codes marked (JS SDK error codes) are the documented Locus numbers; the others have no documented
number, so the emulator picks one in the same 7-digit ``2<status><nnn>`` pattern.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import EmulatorError

INVALID_SINCE_OR_SEQUENCE_HASH = 2400014  # (JS SDK error codes)
PHONE_NUMBER_NOT_A_NUMBER = 2400008  # (JS SDK error codes)
PHONE_NUMBER_TOO_LONG = 2400011  # (JS SDK error codes)
PHONE_NUMBER_TOO_SHORT = 2400009  # (JS SDK error codes)
INVALID_INVITEE_ADDRESS = 2400025  # (JS SDK error codes)
BAD_REQUEST = 2400100  # emulator-chosen: malformed body
LOCUS_INACTIVE = 2403004  # (JS SDK error codes)
MEETING_NOT_FOUND = 2403014  # (JS SDK error codes)
PERMISSION_TOKEN_REQUIRED = 2403032  # emulator-chosen, mirrors wbxappapi 403032
NOT_A_PARTICIPANT = 2403100  # emulator-chosen: the caller is not in the meeting
RECLAIM_HOST_WRONG_KEY = 2403136  # (JS SDK error codes)
LOCUS_NOT_FOUND = 2404100  # emulator-chosen
PARTICIPANT_NOT_FOUND = 2404101  # emulator-chosen
ALREADY_HOST = 2409150  # (JS SDK error codes)
LOCKED = 2423003  # (JS SDK error codes)
REQUIRES_MODERATOR_PIN_OR_GUEST = 2423005  # (JS SDK error codes) no intent given
REQUIRES_MODERATOR_PIN_OR_GUEST_PIN = 2423006  # (JS SDK error codes) wrong host PIN
REQUIRES_MODERATOR_ROLE = 2423007  # (JS SDK error codes) also for moderator-only actions
MEDIA_NOT_EMULATED = 2501100  # emulator-chosen: ROAP without a media provider


class LocusError(EmulatorError):
    """A Locus error, rendered as ``{errorCode, message, trackingId}``."""

    def __init__(self, status: int, error_code: int, message: str) -> None:
        """Create the error.

        Args:
            status: HTTP status.
            error_code: The Locus ``errorCode``.
            message: Human-readable ``message``.
        """
        super().__init__(message, message=message, status_code=status)
        self.error_code = error_code

    def body(self, tracking_id: str) -> dict[str, Any]:
        """Return the Locus error body."""
        return {"errorCode": self.error_code, "message": self.message, "trackingId": tracking_id}


def bad_request(message: str, code: int = BAD_REQUEST) -> LocusError:
    """A 400 for a malformed or invalid request."""
    return LocusError(400, code, message)


def forbidden(message: str, code: int = REQUIRES_MODERATOR_ROLE) -> LocusError:
    """A 403, by default for a non-moderator asking for a moderator action."""
    return LocusError(403, code, message)


def not_found(message: str, code: int = LOCUS_NOT_FOUND) -> LocusError:
    """A 404 for an unknown locus or participant."""
    return LocusError(404, code, message)
