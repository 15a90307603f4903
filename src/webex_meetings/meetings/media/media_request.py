"""``PUT <selfUrl>/media``: ROAP and local-mute requests, one at a time (ROAP protocol).

Both kinds share the endpoint and the queue rules of the JS ``LocusMediaRequest``:

* one request in flight per meeting, the others wait in order;
* queued local-mute requests collapse into one, and a ROAP request drops them (it
  carries the mute state too); their callers get ``None``;
* a local mute is not sent before the media session ("confluence") exists: the values
  go out with the next OFFER, which reads them when it is sent.

Mute values are read through ``mute_state()`` when a request leaves the queue, so the
server always gets the latest ones.
"""

from __future__ import annotations

import asyncio
import enum
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from webex_meetings._logging import get_logger
from webex_meetings.meetings.errors import MediaError, UserNotJoinedError
from webex_meetings.meetings.media.roap import RoapMessage, RoapMessageType, dump_local_sdp

if TYPE_CHECKING:
    from webex_meetings._client import Webex

__all__ = ["ConfluenceState", "LocusMediaRequest", "MediaRequestContext"]

logger = get_logger(__name__)

_LOCAL_MUTE: Final = "LocalMute"
_ROAP: Final = "RoapMessage"


class ConfluenceState(enum.StrEnum):
    """Whether the server-side media session exists (JS ``confluenceState``)."""

    NOT_CREATED = "not created"
    CREATION_IN_PROGRESS = "creation in progress"
    CREATED = "created"


@dataclass
class MediaRequestContext:
    """Where the body values come from; each callable is read when a request is sent.

    Attributes:
        self_url: the self participant URL (requests go to ``<self_url>/media``).
        device_url: the WDM device URL.
        correlation_id: the meeting's current join correlation id.
        mute_state: ``(audio_muted, video_muted)`` as the app last set them.
        sequence: the current Locus ``sequence`` (sent with local mutes only).
        on_locus: receives ``body.locus`` of local-mute responses (applied as a delta).
        device_type: ``device.deviceType``.
        prefer_transcoding: ``clientMediaPreferences.preferTranscoding``.
        ip_version: ``clientMediaPreferences.ipver`` for ROAP requests, when known.
        join_cookie: ``clientMediaPreferences.joinCookie`` for ROAP requests, when known.
    """

    self_url: Callable[[], str | None]
    device_url: Callable[[], str | None]
    correlation_id: Callable[[], str]
    mute_state: Callable[[], tuple[bool, bool]]
    sequence: Callable[[], Mapping[str, Any] | None] = lambda: None
    on_locus: Callable[[dict[str, Any]], None] | None = None
    device_type: str = "WEB"
    prefer_transcoding: bool = True
    ip_version: int | None = None
    join_cookie: Mapping[str, Any] | None = None


@dataclass
class _Request:
    kind: str
    media_id: str
    roap: RoapMessage | None = None
    futures: list[asyncio.Future[Any]] = field(default_factory=list)


class LocusMediaRequest:
    """Sends ``/media`` requests for one meeting, in order, one at a time.

    Args:
        webex: the core (``webex.request`` gives auth, tracking ids and retries).
        context: where URLs, ids and mute values come from.
    """

    def __init__(self, webex: Webex, context: MediaRequestContext) -> None:
        self._webex = webex
        self.context = context
        self.confluence = ConfluenceState.NOT_CREATED
        self._queue: deque[_Request] = deque()
        self._worker: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"LocusMediaRequest(confluence={self.confluence.value!r}, queued={len(self._queue)})"

    def reset_confluence(self) -> None:
        """Forget the media session (a reconnection asks for a new one)."""
        self.confluence = ConfluenceState.NOT_CREATED

    async def send_roap(self, message: RoapMessage, *, media_id: str) -> dict[str, Any]:
        """Send one ROAP message and return the response body.

        Returns:
            The body (``locus`` and ``mediaConnections``).

        Raises:
            UserNotJoinedError: there is no self URL yet (not joined).
            MediaError: the response has no ``locus`` object (JS SDK fails then).
            APIError: the HTTP request failed.
        """
        # A ROAP message carries the mute state: queued local mutes are now redundant.
        for queued in [r for r in self._queue if r.kind == _LOCAL_MUTE]:
            self._queue.remove(queued)
            for future in queued.futures:
                if not future.done():
                    future.set_result(None)
        request = _Request(_ROAP, media_id, message)
        result: dict[str, Any] = await self._enqueue(request)
        return result

    async def send_local_mute(self, *, media_id: str) -> dict[str, Any] | None:
        """Report the current mute state; ``None`` when not sent or merged into a ROAP.

        Raises:
            UserNotJoinedError: there is no self URL yet (not joined).
            APIError: the HTTP request failed.
        """
        if self.confluence is ConfluenceState.NOT_CREATED:
            logger.debug("media: local mute kept for the next offer (no media session yet)")
            return None
        for queued in self._queue:
            if queued.kind == _LOCAL_MUTE:
                future = asyncio.get_running_loop().create_future()
                queued.futures.append(future)
                queued.media_id = media_id
                result: dict[str, Any] | None = await future
                return result
        return await self._enqueue(_Request(_LOCAL_MUTE, media_id))  # type: ignore[no-any-return]

    async def aclose(self) -> None:
        """Fail queued requests and stop the worker."""
        while self._queue:
            for future in self._queue.popleft().futures:
                if not future.done():
                    future.set_exception(MediaError("the media connection was closed"))
        worker = self._worker
        if worker is not None and not worker.done():
            worker.cancel()
            await asyncio.gather(worker, return_exceptions=True)

    # -- queue --------------------------------------------------------------------

    async def _enqueue(self, request: _Request) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        request.futures.append(future)
        self._queue.append(request)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain(), name="locus-media-requests")
        return await future

    async def _drain(self) -> None:
        while self._queue:
            request = self._queue.popleft()
            try:
                result = await self._send(request)
            except BaseException as exc:
                for future in request.futures:
                    if not future.done():
                        if isinstance(exc, Exception):
                            future.set_exception(exc)
                        else:
                            future.cancel()
                if not isinstance(exc, Exception):
                    raise
            else:
                for future in request.futures:
                    if not future.done():
                        future.set_result(result)

    async def _send(self, request: _Request) -> Any:
        self_url = self.context.self_url()
        if not self_url:
            raise UserNotJoinedError("media requests need the self URL: join the meeting first")
        is_offer = request.roap is not None and request.roap.message_type is RoapMessageType.OFFER
        if is_offer and self.confluence is ConfluenceState.NOT_CREATED:
            self.confluence = ConfluenceState.CREATION_IN_PROGRESS
        body = self.build_body(request.kind, request.media_id, request.roap)
        try:
            response = await self._webex.request("PUT", uri=f"{self_url}/media", json=body)
        except Exception:
            if is_offer and self.confluence is ConfluenceState.CREATION_IN_PROGRESS:
                self.confluence = ConfluenceState.NOT_CREATED
            raise
        data = response.json() if response.content else {}
        if not isinstance(data, dict):
            data = {}
        locus = data.get("locus")
        if request.kind == _ROAP:
            if not isinstance(locus, Mapping):
                if is_offer and self.confluence is ConfluenceState.CREATION_IN_PROGRESS:
                    self.confluence = ConfluenceState.NOT_CREATED
                raise MediaError("the /media response has no locus object")
            if is_offer:
                self.confluence = ConfluenceState.CREATED
        elif isinstance(locus, Mapping) and self.context.on_locus is not None:
            self.context.on_locus(dict(locus))
        return data

    def build_body(
        self, kind: str, media_id: str, roap: RoapMessage | None = None
    ) -> dict[str, Any]:
        """The JSON body of a ``LocalMute`` or ``RoapMessage`` request (ROAP protocol)."""
        ctx = self.context
        audio_muted, video_muted = ctx.mute_state()
        preferences: dict[str, Any] = {"preferTranscoding": ctx.prefer_transcoding}
        body: dict[str, Any] = {
            "device": {"url": ctx.device_url(), "deviceType": ctx.device_type},
            "correlationId": ctx.correlation_id(),
            "clientMediaPreferences": preferences,
        }
        if kind == _ROAP:
            if ctx.ip_version is not None:
                preferences["ipver"] = ctx.ip_version
            if ctx.join_cookie is not None:
                preferences["joinCookie"] = dict(ctx.join_cookie)
        else:
            body["respOnlySdp"] = True
            body["usingResource"] = None
            sequence = ctx.sequence()
            if sequence:
                body["sequence"] = dict(sequence)
        local_sdp = dump_local_sdp(audio_muted=audio_muted, video_muted=video_muted, roap=roap)
        body["localMedias"] = [{"localSdp": local_sdp, "mediaId": media_id}]
        return body
