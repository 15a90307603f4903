"""Media reconnection, as the JS ``ReconnectionManager`` (ROAP protocol, the JS SDK configuration).

Only with ``meetings.reconnection.enabled`` (off by default). One run:

1. ``meeting:reconnectionStarting``;
2. if self has ``LEFT`` the meeting: rejoin when ``autoRejoin`` (up to
   ``maxRejoinAttempts``), else fail;
3. forced TURN discovery with ``mediaId ""`` (a new media session), a new peer
   connection (aiortc cannot restart ICE) and a new OFFER;
4. ``meeting:reconnectionSuccess``, or ``meeting:reconnectionFailure {error}``.

A run is started by ``meeting.reconnect()``, by the peer connection failing (ICE
consent lost) when ``detection`` is on, or by Locus showing a media session of this
device go ``inactive`` while its direction is not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from webex_meetings._logging import get_logger
from webex_meetings.meetings.constants import MeetingEvents
from webex_meetings.meetings.errors import ReconnectionError, ReconnectionNotStartedError

if TYPE_CHECKING:
    from webex_meetings._config_meetings import ReconnectionConfig

__all__ = ["ReconnectionManager", "media_sessions_went_inactive"]

logger = get_logger(__name__)


def media_sessions_went_inactive(
    previous: Sequence[Mapping[str, Any]] | None, current: Sequence[Mapping[str, Any]]
) -> bool:
    """True when a session became ``inactive`` although its direction is not inactive.

    Sessions are ``self.devices[].mediaSessions`` entries
    (``{mediaType, mediaContent, direction, state}``), matched by type and content.
    """
    before = {
        (s.get("mediaType"), s.get("mediaContent")): s.get("state")
        for s in previous or ()
        if isinstance(s, Mapping)
    }
    for session in current:
        if not isinstance(session, Mapping):
            continue
        key = (session.get("mediaType"), session.get("mediaContent"))
        if (
            session.get("state") == "inactive"
            and str(session.get("direction") or "inactive").lower() != "inactive"
            and before.get(key) not in (None, "inactive")
        ):
            return True
    return False


class ReconnectionManager:
    """Runs reconnections and emits their events.

    Args:
        config: ``meetings.reconnection``.
        emit: the meeting's ``emit``.
        reconnect_media: tears media down and sets it up again (``rejoined`` tells it
            whether the join, and so the media id, is new).
        self_left: True when Locus shows self ``LEFT``.
        rejoin: joins the meeting again (None: rejoining is impossible).
    """

    def __init__(
        self,
        config: ReconnectionConfig,
        *,
        emit: Callable[..., Any],
        reconnect_media: Callable[[bool], Awaitable[None]],
        self_left: Callable[[], bool],
        rejoin: Callable[[], Awaitable[Any]] | None = None,
    ) -> None:
        self.config = config
        self._emit = emit
        self._reconnect_media = reconnect_media
        self._self_left = self_left
        self._rejoin = rejoin
        self.in_progress = False
        #: Completed runs (successful or not).
        self.attempts = 0

    def __repr__(self) -> str:
        return f"ReconnectionManager(enabled={self.config.enabled}, in_progress={self.in_progress})"

    @property
    def detects(self) -> bool:
        """True when a lost connection starts a reconnection by itself."""
        return self.config.enabled and self.config.detection

    async def reconnect(self) -> None:
        """Run one reconnection.

        Raises:
            ReconnectionNotStartedError: reconnection is disabled or already running.
            ReconnectionError: it ran and failed (the cause is chained).
        """
        if not self.config.enabled:
            raise ReconnectionNotStartedError(
                "reconnection is disabled (config meetings.reconnection.enabled)"
            )
        if self.in_progress:
            raise ReconnectionNotStartedError("a reconnection is already in progress")
        self.in_progress = True
        logger.info("media: reconnection starting")
        self._emit(MeetingEvents.RECONNECTION_STARTING)
        try:
            rejoined = False
            if self._self_left():
                await self._rejoin_meeting()
                rejoined = True
            await self._reconnect_media(rejoined)
        except Exception as exc:
            error = (
                exc
                if isinstance(exc, ReconnectionError)
                else ReconnectionError(f"media reconnection failed: {exc}", error=exc)
            )
            logger.warning("media: reconnection failed: %s", exc)
            self._emit(MeetingEvents.RECONNECTION_FAILURE, {"error": error})
            if error is exc:
                raise
            raise error from exc
        else:
            logger.info("media: reconnection succeeded")
            self._emit(MeetingEvents.RECONNECTION_SUCCESS)
        finally:
            self.in_progress = False
            self.attempts += 1

    async def _rejoin_meeting(self) -> None:
        if not self.config.auto_rejoin or self._rejoin is None:
            raise ReconnectionError("self has left the meeting and autoRejoin is off")
        last: Exception | None = None
        for attempt in range(1, max(1, self.config.max_rejoin_attempts) + 1):
            try:
                await self._rejoin()
                return
            except Exception as exc:
                last = exc
                logger.info("media: rejoin attempt %d failed: %s", attempt, exc)
        raise ReconnectionError(
            f"rejoining failed {self.config.max_rejoin_attempts} times", error=last
        )
