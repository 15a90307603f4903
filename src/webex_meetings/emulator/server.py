"""Running the emulator: ``Emulator`` (same event loop) and ``ThreadedEmulator`` (own thread)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
from collections.abc import Coroutine, Generator
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
import uvicorn
from starlette.types import ASGIApp

from . import control_client as calls
from .app import create_app
from .core.ids import hydra_id
from .core.state import EmulatorState, Seed
from .services.media.models import MediaBackend
from .services.u2c.models import service_url

T = TypeVar("T")

#: Seconds allowed for start-up and shut-down of the threaded server.
_THREAD_TIMEOUT = 30.0


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves the host program's signal handlers alone."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """Install nothing.

        uvicorn swaps SIGINT/SIGTERM for its own handlers while serving (and re-raises
        the signal afterwards); an embedded emulator must never take the host's Ctrl-C.
        The CLI installs its own handlers instead.
        """
        yield


def _ws_protocol() -> str:
    # The sans-I/O implementation uses the current websockets API; the older
    # "websockets" one relies on its deprecated legacy module. Older uvicorn lacks it.
    from uvicorn.config import WS_PROTOCOLS

    return "websockets-sansio" if "websockets-sansio" in WS_PROTOCOLS else "websockets"


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # An explicit IPPROTO_TCP matters: asyncio only sets TCP_NODELAY on accepted sockets
    # whose proto says TCP, and without it every response waits ~40 ms for delayed ACKs.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _url_host(host: str) -> str:
    # A wildcard bind is reachable on loopback; advertise that in every URL.
    if host in ("", "0.0.0.0"):  # noqa: S104 - comparing, not binding
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


class AppServer:
    """Serves one ASGI app with uvicorn as a task of the running event loop.

    The socket is bound here rather than by uvicorn, so port 0 works and the real port
    is known before the first request.
    """

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> None:
        """Prepare the server; nothing is bound until :meth:`start`."""
        self.app = app
        self.host = host
        self.port = port
        self._server: _EmbeddedServer | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the listening socket."""
        return f"http://{_url_host(self.host)}:{self.port}"

    async def start(self) -> None:
        """Bind, start serving and return once uvicorn accepts connections.

        Raises:
            RuntimeError: Already started, or uvicorn failed to start.
            OSError: The address could not be bound.
        """
        if self._task is not None:
            raise RuntimeError("the server is already running")
        sock = _bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_config=None,  # never reconfigure the host program's logging
            log_level="warning",
            access_log=False,
            lifespan="off",
            ws=_ws_protocol(),
            timeout_graceful_shutdown=2,
            # Longer than clients keep idle connections (httpx: 5 s). With uvicorn's
            # default of 5 s a request sent on a connection idle for ~5 s can meet the
            # server's close and fail with a read error.
            timeout_keep_alive=30,
        )
        server = _EmbeddedServer(config)
        task = asyncio.create_task(server.serve(sockets=[sock]), name="webex-emulator")
        self._server, self._task = server, task
        while not server.started:
            if task.done():
                sock.close()
                self._server = self._task = None
                try:
                    await task
                except SystemExit as exc:  # uvicorn exits the process on start-up errors
                    raise RuntimeError("the emulator server failed to start") from exc
                raise RuntimeError("the emulator server stopped during start-up")
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        """Stop serving, close open connections and wait for uvicorn to finish."""
        server, task = self._server, self._task
        if server is None or task is None:
            return
        self._server = self._task = None
        server.should_exit = True
        await task


class _EmulatorInfo:
    """Properties shared by both emulator flavours: where it is and the seeded user."""

    _seed: Seed
    _base_url: str | None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>`` of the running emulator."""
        if self._base_url is None:
            raise RuntimeError("the emulator is not running")
        return self._base_url

    @property
    def u2c_url(self) -> str:
        """U2C base URL; give it to the SDK as ``services.discovery.u2c``."""
        return service_url(self.base_url, "u2c")

    @property
    def hydra_url(self) -> str:
        """Hydra (public REST) base URL, ``<base_url>/v1``."""
        return service_url(self.base_url, "hydra")

    @property
    def access_token(self) -> str:
        """Access token of the seeded default user."""
        return self._seed.access_token

    @property
    def refresh_token(self) -> str:
        """Refresh token of the seeded default user."""
        return self._seed.refresh_token

    @property
    def client_id(self) -> str:
        """Id of the seeded OAuth client that may refresh the tokens."""
        return self._seed.client_id

    @property
    def client_secret(self) -> str:
        """Secret of the seeded OAuth client."""
        return self._seed.client_secret

    @property
    def org_id(self) -> str:
        """Hydra id of the seeded org, as in ``Person.orgId``."""
        return hydra_id("ORGANIZATION", self._seed.org_uuid)

    @property
    def org_uuid(self) -> str:
        """Raw uuid of the seeded org, as embedded in the tokens."""
        return self._seed.org_uuid

    @property
    def person_id(self) -> str:
        """Hydra id of the seeded default user."""
        return hydra_id("PEOPLE", self._seed.person_uuid)

    @property
    def person_email(self) -> str:
        """Email address of the seeded default user."""
        return self._seed.email


class Emulator(_EmulatorInfo):
    """The emulator as an async context manager on the current event loop.

    Example::

        async with Emulator() as emu:
            config = {"services": {"discovery": {"u2c": emu.u2c_url}}}
            await emu.add_fault("/v1/people/me", status=429, retry_after="1")
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Prepare an emulator; it starts on ``async with`` or :meth:`start`.

        Args:
            host: Address to listen on.
            port: Port to listen on; 0 picks a free one.
        """
        self._state = EmulatorState()
        self._seed = self._state.seed
        self._base_url = None
        self._server = AppServer(create_app(self._state), host, port)
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        """Start serving; returns once requests are accepted."""
        await self._server.start()
        self._base_url = self._state.base_url = self._server.base_url

    async def stop(self) -> None:
        """Stop serving and close the control client."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None
        # Peer connections hold sockets and tasks on this loop: close them first.
        await self._state.backend(MediaBackend).close_all()
        await self._server.stop()
        self._base_url = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _call(self, call: calls.ControlCall[T]) -> T:
        if self._client is None:
            # trust_env=False: a proxy from the environment must not see loopback calls.
            self._client = httpx.AsyncClient(base_url=self.base_url, trust_env=False)
        response = await self._client.request(
            call.method, call.path, json=call.json, params=call.params
        )
        return call.result(response)

    async def add_fault(
        self,
        path: str,
        *,
        status: int | None = None,
        method: str = "*",
        count: int | None = 1,
        retry_after: str | int | None = None,
        latency_ms: int = 0,
        body: dict[str, Any] | None = None,
    ) -> str:
        """Inject a fault; see ``POST /_emulator/faults``. Returns the rule id."""
        return await self._call(
            calls.add_fault(
                path,
                status=status,
                method=method,
                count=count,
                retry_after=retry_after,
                latency_ms=latency_ms,
                body=body,
            )
        )

    async def faults(self) -> list[dict[str, Any]]:
        """Return the active fault rules."""
        return await self._call(calls.faults())

    async def clear_faults(self) -> int:
        """Drop every fault rule; returns how many there were."""
        return await self._call(calls.clear_faults())

    async def requests(
        self, *, method: str | None = None, path: str | None = None
    ) -> list[dict[str, Any]]:
        """Return logged requests, oldest first, filtered by method and path glob."""
        return await self._call(calls.requests(method=method, path=path))

    async def clear_requests(self) -> int:
        """Forget every logged request."""
        return await self._call(calls.clear_requests())

    async def create_user(
        self,
        *,
        display_name: str | None = None,
        email: str | None = None,
        token_expires_in: int | None = None,
    ) -> dict[str, Any]:
        """Create a user; returns ``person``, ``accessToken``, ``refreshToken``, ..."""
        return await self._call(
            calls.create_user(
                display_name=display_name, email=email, token_expires_in=token_expires_in
            )
        )

    async def issue_token(
        self,
        *,
        email: str | None = None,
        person_id: str | None = None,
        expires_in: int | None = None,
    ) -> dict[str, Any]:
        """Issue a fresh token pair for an existing user (by email or Hydra id)."""
        return await self._call(
            calls.issue_token(email=email, person_id=person_id, expires_in=expires_in)
        )

    async def expire_token(self, access_token: str) -> None:
        """Make ``access_token`` expired; its next use gets a 401."""
        await self._call(calls.expire_token(access_token))

    async def expire_all_tokens(self) -> int:
        """Make every access token expired; returns how many were valid."""
        return await self._call(calls.expire_all_tokens())

    async def reset(self) -> None:
        """Restore the seeded state (also clears faults and the request log)."""
        await self._call(calls.reset())

    async def state(self) -> dict[str, Any]:
        """Return counts of users, valid tokens, faults and logged requests."""
        return await self._call(calls.state())

    async def seed(
        self, *, people: int = 0, rooms: int = 0, messages: int = 0, room_id: str | None = None
    ) -> dict[str, Any]:
        """Bulk-create people, rooms and messages; see ``POST /_emulator/seed``."""
        return await self._call(
            calls.seed(people=people, rooms=rooms, messages=messages, room_id=room_id)
        )

    async def start_meeting(self, meeting_id: str) -> str:
        """Start an instance of a meeting now; returns the instance id."""
        return await self._call(calls.start_meeting(meeting_id))

    async def end_meeting(self, meeting_id: str) -> None:
        """End the running instance of a meeting."""
        await self._call(calls.end_meeting(meeting_id))

    async def devices(self) -> list[dict[str, Any]]:
        """Return every live WDM device (``url``, ``webSocketUrl``, ``userId``, ``ttl``...)."""
        return await self._call(calls.devices())

    async def expire_device(self, device_url: str | None = None) -> int:
        """Make one device (all with None) expire now; its Mercury sockets close (1005)."""
        return await self._call(calls.expire_device(device_url))

    async def publish_event(
        self,
        data: dict[str, Any],
        *,
        device_url: str | None = None,
        person_id: str | None = None,
        email: str | None = None,
    ) -> str:
        """Push one Mercury event (``data`` with ``eventType``); returns the frame id."""
        answer = await self._call(
            calls.publish_event(data, device_url=device_url, person_id=person_id, email=email)
        )
        return str(answer["id"])

    async def mercury_connections(self, *, include_closed: bool = False) -> list[dict[str, Any]]:
        """Return live Mercury sockets (frames sent, acks, ...); optionally closed ones."""
        return await self._call(calls.mercury_connections(include_closed=include_closed))

    async def drop_mercury(
        self,
        *,
        device_url: str | None = None,
        person_id: str | None = None,
        email: str | None = None,
        code: int = 1006,
        reason: str = "",
    ) -> int:
        """Close matching sockets (all without a target) now; returns how many.

        ``code`` 1006 drops the TCP connection without a close frame, 1005 sends a close
        frame without status; any other code is sent with ``reason``.
        """
        answer = await self._call(
            calls.mercury_fault(
                "drop",
                device_url=device_url,
                person_id=person_id,
                email=email,
                code=code,
                reason=reason,
            )
        )
        return int(answer["dropped"])

    async def stop_mercury_pongs(
        self,
        *,
        seconds: float | None = None,
        device_url: str | None = None,
        person_id: str | None = None,
        email: str | None = None,
    ) -> str:
        """Leave pings unanswered for ``seconds`` (None: until cleared); returns the id."""
        answer = await self._call(
            calls.mercury_fault(
                "noPong", device_url=device_url, person_id=person_id, email=email, seconds=seconds
            )
        )
        return str(answer["id"])

    async def delay_mercury(
        self,
        delay_ms: int,
        *,
        seconds: float | None = None,
        device_url: str | None = None,
        person_id: str | None = None,
        email: str | None = None,
    ) -> str:
        """Delay every frame the hub sends by ``delay_ms``; returns the fault id."""
        answer = await self._call(
            calls.mercury_fault(
                "delay",
                device_url=device_url,
                person_id=person_id,
                email=email,
                delayMs=delay_ms,
                seconds=seconds,
            )
        )
        return str(answer["id"])

    async def refuse_mercury(
        self,
        count: int = 1,
        *,
        code: int | None = None,
        reason: str = "",
        status: int | None = None,
        device_url: str | None = None,
        person_id: str | None = None,
        email: str | None = None,
    ) -> str:
        """Refuse the next ``count`` connection attempts; returns the fault id.

        With ``status`` (e.g. 503) the upgrade is rejected with that HTTP status;
        otherwise the socket is accepted and closed with ``code`` (default 1011).
        """
        answer = await self._call(
            calls.mercury_fault(
                "refuse",
                device_url=device_url,
                person_id=person_id,
                email=email,
                count=count,
                code=code,
                reason=reason,
                status=status,
            )
        )
        return str(answer["id"])

    async def mercury_faults(self) -> list[dict[str, Any]]:
        """Return the standing Mercury faults."""
        return await self._call(calls.mercury_faults())

    async def clear_mercury_faults(self) -> int:
        """Drop every standing Mercury fault; returns how many there were."""
        return await self._call(calls.clear_mercury_faults())

    async def create_meeting_room(
        self,
        *,
        title: str | None = None,
        host_email: str | None = None,
        host_person_id: str | None = None,
        password: str | None = None,
        host_key: str | None = None,
        lobby: bool = False,
        wait_for_host: bool = False,
        locked: bool = False,
        host_pin_required: bool = False,
        policy_error: int | None = None,
        token_ttl: int | None = None,
        conversation_url: str | None = None,
        start: bool = False,
    ) -> dict[str, Any]:
        """Create an instant meeting (a new host user unless one is named).

        Args:
            title: Meeting name.
            host_email: Host by e-mail (created if unknown).
            host_person_id: Host by Hydra id.
            password: Meeting password; none by default. The host never needs it.
            host_key: Six-digit host key (also accepted as password, and as host PIN).
            lobby: Non-hosts wait in the lobby until admitted.
            wait_for_host: Non-hosts wait until the host joins.
            locked: New loci of the meeting start locked.
            host_pin_required: Non-hosts joining without the host must state an intent.
            policy_error: wbxappapi policy code every lookup fails with (e.g. 403049).
            token_ttl: Permission-token lifetime, seconds.
            conversation_url: Space bound to the meeting.
            start: Start the locus now (the answer then has ``locusUrl``).

        Returns:
            ``meetingId``, ``meetingNumber``, ``sipUrl``, ``meetingJoinUrl``, ``hostKey``,
            ``password``, ``hostId``, ``hostEmail`` and the settings.
        """
        room = await self._call(
            calls.create_meeting_room(
                title=title,
                host_email=host_email,
                host_person_id=host_person_id,
                password=password,
                host_key=host_key,
                lobby=lobby,
                wait_for_host=wait_for_host,
                locked=locked,
                host_pin_required=host_pin_required,
                policy_error=policy_error,
                token_ttl=token_ttl,
                conversation_url=conversation_url,
            )
        )
        if start:
            room["locusUrl"] = await self._call(calls.start_locus(room["meetingId"]))
        return room

    async def update_meeting_room(
        self,
        meeting: str,
        *,
        title: str | None = None,
        password: str | None = None,
        clear_password: bool = False,
        host_key: str | None = None,
        lobby: bool | None = None,
        wait_for_host: bool | None = None,
        locked: bool | None = None,
        host_pin_required: bool | None = None,
        policy_error: int | None = None,
        token_ttl: int | None = None,
        conversation_url: str | None = None,
    ) -> dict[str, Any]:
        """Change a meeting's settings; None leaves one as is, ``policy_error=0`` clears it."""
        return await self._call(
            calls.update_meeting_room(
                meeting,
                title=title,
                password=password,
                clear_password=clear_password,
                host_key=host_key,
                lobby=lobby,
                wait_for_host=wait_for_host,
                locked=locked,
                host_pin_required=host_pin_required,
                policy_error=policy_error,
                token_ttl=token_ttl,
                conversation_url=conversation_url,
            )
        )

    async def captcha_code(self, meeting: str) -> str:
        """Return the code the meeting's newest pending captcha image shows."""
        return await self._call(calls.captcha_code(meeting))

    async def start_locus(self, meeting: str) -> str:
        """Start the meeting's locus now if it is not running; returns its URL."""
        return await self._call(calls.start_locus(meeting))

    async def locus(self, meeting: str, *, email: str | None = None) -> dict[str, Any]:
        """Return the meeting's full Locus DTO (``self`` of ``email``'s participant if given)."""
        return await self._call(calls.locus(meeting, email=email))

    async def add_participant(
        self,
        meeting: str,
        *,
        name: str | None = None,
        email: str | None = None,
        host: bool = False,
        muted: bool = False,
        video_muted: bool = False,
        in_lobby: bool = False,
    ) -> str:
        """Add a simulated attendee (no socket); starts the meeting. Returns its id."""
        return await self._call(
            calls.add_participant(
                meeting,
                name=name,
                email=email,
                host=host,
                muted=muted,
                video_muted=video_muted,
                in_lobby=in_lobby,
            )
        )

    async def remove_participant(self, meeting: str, participant_id: str) -> None:
        """Make a participant leave (``LEFT``, ``removed``)."""
        await self._call(calls.participant_action("remove", meeting, participant_id))

    async def mute_participant(
        self, meeting: str, participant_id: str, muted: bool = True, *, video: bool = False
    ) -> None:
        """Remotely (un)mute a participant's audio, or video with ``video=True``."""
        await self._call(
            calls.participant_action("mute", meeting, participant_id, muted=muted, video=video)
        )

    async def raise_hand(self, meeting: str, participant_id: str, raised: bool = True) -> None:
        """Raise or lower a participant's hand."""
        await self._call(calls.participant_action("hand", meeting, participant_id, raised=raised))

    async def admit_participant(self, meeting: str, participant_id: str) -> None:
        """Admit a participant waiting in the lobby."""
        await self._call(calls.participant_action("admit", meeting, participant_id))

    async def make_host(self, meeting: str, participant_id: str) -> None:
        """Give a participant the host role (everyone else loses it)."""
        await self._call(calls.participant_action("host", meeting, participant_id))

    async def end_meeting_for_all(self, meeting: str) -> None:
        """End the meeting's locus for everyone (``fullState.state`` ``INACTIVE``)."""
        await self._call(calls.end_meeting_for_all(meeting))

    async def locus_faults(
        self, *, reorder: int = 0, duplicate: int = 0, drop_next: int = 0
    ) -> dict[str, Any]:
        """Disturb the next pushed Locus events; ``True`` counts as one.

        Args:
            reorder: Events each held back and delivered after the one that follows.
            duplicate: Events delivered twice.
            drop_next: Events never delivered (the client must resync).

        Returns:
            Pending faults, event mode and delivery counters.
        """
        return await self._call(
            calls.locus_faults(reorder=reorder, duplicate=duplicate, drop_next=drop_next)
        )

    async def locus_push_state(self) -> dict[str, Any]:
        """Return pending Locus push faults, event mode and delivery counters."""
        return await self._call(calls.locus_push_state())

    async def clear_locus_faults(self) -> int:
        """Drop pending Locus push faults (a held event is delivered); returns the count."""
        return await self._call(calls.clear_locus_faults())

    async def locus_event_mode(self, mode: str) -> None:
        """Push ``locus.difference`` deltas (``"delta"``) or full-DTO events (``"full"``)."""
        await self._call(calls.locus_event_mode(mode))

    async def media_sessions(self, meeting: str) -> list[dict[str, Any]]:
        """Describe the meeting's media sessions, one per joined device.

        Each entry has ``participantId``, ``deviceUrl``, ``mediaId``, ``state``
        (``new``, ``unanswered``, ``connecting``, ``connected``, ``failed``, ``closed``),
        ``roapSeq``, ``framesReceived`` and ``packetsReceived`` per line (``audio``,
        ``video``, ``share``), ``bytesReceived``, ``bytesSent``, ``glare`` and
        ``clientErrors``.
        """
        return await self._call(calls.media_sessions(meeting))

    async def set_speaker_audio(self, meeting: str, source: str | os.PathLike[str] | float) -> None:
        """Set what the simulated speaker sends to every client of the meeting.

        Args:
            meeting: The meeting (number, SIP address, link, uuid or locus URL).
            source: A tone frequency in Hz, or the path of an audio file (WAV or any
                format PyAV reads; the first minute is looped).
        """
        await self._call(calls.set_speaker_audio(meeting, source))

    async def set_media_options(
        self,
        meeting: str,
        *,
        video: bool | None = None,
        share: bool | None = None,
        turn: str | None = None,
    ) -> dict[str, Any]:
        """Change the meeting's media settings; None leaves one as is.

        Args:
            meeting: The meeting.
            video: Send synthetic video on the main video line.
            share: Send synthetic video on the slides line.
            turn: TURN discovery headers: ``"auto"`` (only off loopback), ``"always"``,
                ``"never"``.

        Returns:
            The meeting's media settings and pending faults.
        """
        return await self._call(
            calls.set_media_options(meeting, video=video, share=share, turn=turn)
        )

    async def media_fault(self, meeting: str, kind: str, *, count: int = 1) -> int:
        """Inject a media fault.

        Args:
            meeting: The meeting.
            kind: ``"ice_failure"`` (the next offers' answers name no reachable
                candidate), ``"answer_timeout"`` (the next offers are never answered) or
                ``"drop"`` (every live media connection of the meeting is lost now).
            count: Offers affected by ``ice_failure`` and ``answer_timeout``.

        Returns:
            The offers armed, or the connections dropped.
        """
        return await self._call(calls.media_fault(meeting, kind, count=count))

    async def media_offer(self, meeting: str, *, tie_breaker: int | None = None) -> int:
        """Send a server OFFER (over Mercury) to every connected device of the meeting.

        Args:
            meeting: The meeting.
            tie_breaker: The OFFER's ``tieBreaker``; by default below the web client's,
                so a client OFFER crossing it wins the glare.

        Returns:
            How many devices got it.
        """
        return await self._call(calls.media_offer(meeting, tie_breaker=tie_breaker))


class ThreadedEmulator(_EmulatorInfo):
    """The emulator on its own thread and event loop, for sync code and pytest fixtures.

    All emulator state lives on that loop; this object only talks to it over HTTP.

    Example::

        with ThreadedEmulator() as emu:
            emu.add_fault("/v1/people/me", status=503)
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Prepare an emulator; it starts on ``with`` or :meth:`start`.

        Args:
            host: Address to listen on.
            port: Port to listen on; 0 picks a free one.
        """
        self._emulator = Emulator(host, port)
        self._seed = self._emulator._seed
        self._base_url = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._client: httpx.Client | None = None

    def start(self) -> None:
        """Start the thread and the server; returns once requests are accepted.

        Raises:
            RuntimeError: Already running.
        """
        if self._thread is not None:
            raise RuntimeError("the emulator is already running")
        loop = asyncio.new_event_loop()
        thread = threading.Thread(
            target=self._run_loop, args=(loop,), name="webex-emulator", daemon=True
        )
        thread.start()
        self._loop, self._thread = loop, thread
        try:
            self._run(self._emulator.start())
        except BaseException:
            self._stop_loop()
            raise
        self._base_url = self._emulator.base_url
        self._client = httpx.Client(base_url=self._base_url, trust_env=False)

    def stop(self) -> None:
        """Stop the server and join its thread."""
        if self._thread is None:
            return
        if self._client is not None:
            self._client.close()
            self._client = None
        try:
            self._run(self._emulator.stop())
        finally:
            self._base_url = None
            self._stop_loop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    def _run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(_THREAD_TIMEOUT)

    def _stop_loop(self) -> None:
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(_THREAD_TIMEOUT)

    def _call(self, call: calls.ControlCall[T]) -> T:
        if self._client is None:
            raise RuntimeError("the emulator is not running")
        response = self._client.request(call.method, call.path, json=call.json, params=call.params)
        return call.result(response)

    def add_fault(
        self,
        path: str,
        *,
        status: int | None = None,
        method: str = "*",
        count: int | None = 1,
        retry_after: str | int | None = None,
        latency_ms: int = 0,
        body: dict[str, Any] | None = None,
    ) -> str:
        """Inject a fault; see ``POST /_emulator/faults``. Returns the rule id."""
        return self._call(
            calls.add_fault(
                path,
                status=status,
                method=method,
                count=count,
                retry_after=retry_after,
                latency_ms=latency_ms,
                body=body,
            )
        )

    def faults(self) -> list[dict[str, Any]]:
        """Return the active fault rules."""
        return self._call(calls.faults())

    def clear_faults(self) -> int:
        """Drop every fault rule; returns how many there were."""
        return self._call(calls.clear_faults())

    def requests(
        self, *, method: str | None = None, path: str | None = None
    ) -> list[dict[str, Any]]:
        """Return logged requests, oldest first, filtered by method and path glob."""
        return self._call(calls.requests(method=method, path=path))

    def clear_requests(self) -> int:
        """Forget every logged request."""
        return self._call(calls.clear_requests())

    def create_user(
        self,
        *,
        display_name: str | None = None,
        email: str | None = None,
        token_expires_in: int | None = None,
    ) -> dict[str, Any]:
        """Create a user; returns ``person``, ``accessToken``, ``refreshToken``, ..."""
        return self._call(
            calls.create_user(
                display_name=display_name, email=email, token_expires_in=token_expires_in
            )
        )

    def issue_token(
        self,
        *,
        email: str | None = None,
        person_id: str | None = None,
        expires_in: int | None = None,
    ) -> dict[str, Any]:
        """Issue a fresh token pair for an existing user (by email or Hydra id)."""
        return self._call(
            calls.issue_token(email=email, person_id=person_id, expires_in=expires_in)
        )

    def expire_token(self, access_token: str) -> None:
        """Make ``access_token`` expired; its next use gets a 401."""
        self._call(calls.expire_token(access_token))

    def expire_all_tokens(self) -> int:
        """Make every access token expired; returns how many were valid."""
        return self._call(calls.expire_all_tokens())

    def reset(self) -> None:
        """Restore the seeded state (also clears faults and the request log)."""
        self._call(calls.reset())

    def state(self) -> dict[str, Any]:
        """Return counts of users, valid tokens, faults and logged requests."""
        return self._call(calls.state())

    def seed(
        self, *, people: int = 0, rooms: int = 0, messages: int = 0, room_id: str | None = None
    ) -> dict[str, Any]:
        """Bulk-create people, rooms and messages; see ``POST /_emulator/seed``."""
        return self._call(
            calls.seed(people=people, rooms=rooms, messages=messages, room_id=room_id)
        )

    def start_meeting(self, meeting_id: str) -> str:
        """Start an instance of a meeting now; returns the instance id."""
        return self._call(calls.start_meeting(meeting_id))

    def end_meeting(self, meeting_id: str) -> None:
        """End the running instance of a meeting."""
        self._call(calls.end_meeting(meeting_id))

    def devices(self) -> list[dict[str, Any]]:
        """Return every live WDM device (``url``, ``webSocketUrl``, ``userId``, ``ttl``...)."""
        return self._call(calls.devices())

    def expire_device(self, device_url: str | None = None) -> int:
        """Make one device (all with None) expire now; its Mercury sockets close (1005)."""
        return self._call(calls.expire_device(device_url))

    def publish_event(
        self,
        data: dict[str, Any],
        *,
        device_url: str | None = None,
        person_id: str | None = None,
        email: str | None = None,
    ) -> str:
        """Push one Mercury event (``data`` with ``eventType``); returns the frame id."""
        answer = self._call(
            calls.publish_event(data, device_url=device_url, person_id=person_id, email=email)
        )
        return str(answer["id"])

    def mercury_connections(self, *, include_closed: bool = False) -> list[dict[str, Any]]:
        """Return live Mercury sockets (frames sent, acks, ...); optionally closed ones."""
        return self._call(calls.mercury_connections(include_closed=include_closed))

    def drop_mercury(
        self,
        *,
        device_url: str | None = None,
        person_id: str | None = None,
        email: str | None = None,
        code: int = 1006,
        reason: str = "",
    ) -> int:
        """Close matching sockets (all without a target) now; returns how many.

        ``code`` 1006 drops the TCP connection without a close frame, 1005 sends a close
        frame without status; any other code is sent with ``reason``.
        """
        answer = self._call(
            calls.mercury_fault(
                "drop",
                device_url=device_url,
                person_id=person_id,
                email=email,
                code=code,
                reason=reason,
            )
        )
        return int(answer["dropped"])

    def stop_mercury_pongs(
        self,
        *,
        seconds: float | None = None,
        device_url: str | None = None,
        person_id: str | None = None,
        email: str | None = None,
    ) -> str:
        """Leave pings unanswered for ``seconds`` (None: until cleared); returns the id."""
        answer = self._call(
            calls.mercury_fault(
                "noPong", device_url=device_url, person_id=person_id, email=email, seconds=seconds
            )
        )
        return str(answer["id"])

    def delay_mercury(
        self,
        delay_ms: int,
        *,
        seconds: float | None = None,
        device_url: str | None = None,
        person_id: str | None = None,
        email: str | None = None,
    ) -> str:
        """Delay every frame the hub sends by ``delay_ms``; returns the fault id."""
        answer = self._call(
            calls.mercury_fault(
                "delay",
                device_url=device_url,
                person_id=person_id,
                email=email,
                delayMs=delay_ms,
                seconds=seconds,
            )
        )
        return str(answer["id"])

    def refuse_mercury(
        self,
        count: int = 1,
        *,
        code: int | None = None,
        reason: str = "",
        status: int | None = None,
        device_url: str | None = None,
        person_id: str | None = None,
        email: str | None = None,
    ) -> str:
        """Refuse the next ``count`` connection attempts; returns the fault id.

        With ``status`` (e.g. 503) the upgrade is rejected with that HTTP status;
        otherwise the socket is accepted and closed with ``code`` (default 1011).
        """
        answer = self._call(
            calls.mercury_fault(
                "refuse",
                device_url=device_url,
                person_id=person_id,
                email=email,
                count=count,
                code=code,
                reason=reason,
                status=status,
            )
        )
        return str(answer["id"])

    def mercury_faults(self) -> list[dict[str, Any]]:
        """Return the standing Mercury faults."""
        return self._call(calls.mercury_faults())

    def clear_mercury_faults(self) -> int:
        """Drop every standing Mercury fault; returns how many there were."""
        return self._call(calls.clear_mercury_faults())

    def create_meeting_room(
        self,
        *,
        title: str | None = None,
        host_email: str | None = None,
        host_person_id: str | None = None,
        password: str | None = None,
        host_key: str | None = None,
        lobby: bool = False,
        wait_for_host: bool = False,
        locked: bool = False,
        host_pin_required: bool = False,
        policy_error: int | None = None,
        token_ttl: int | None = None,
        conversation_url: str | None = None,
        start: bool = False,
    ) -> dict[str, Any]:
        """Create an instant meeting (a new host user unless one is named).

        Args:
            title: Meeting name.
            host_email: Host by e-mail (created if unknown).
            host_person_id: Host by Hydra id.
            password: Meeting password; none by default. The host never needs it.
            host_key: Six-digit host key (also accepted as password, and as host PIN).
            lobby: Non-hosts wait in the lobby until admitted.
            wait_for_host: Non-hosts wait until the host joins.
            locked: New loci of the meeting start locked.
            host_pin_required: Non-hosts joining without the host must state an intent.
            policy_error: wbxappapi policy code every lookup fails with (e.g. 403049).
            token_ttl: Permission-token lifetime, seconds.
            conversation_url: Space bound to the meeting.
            start: Start the locus now (the answer then has ``locusUrl``).

        Returns:
            ``meetingId``, ``meetingNumber``, ``sipUrl``, ``meetingJoinUrl``, ``hostKey``,
            ``password``, ``hostId``, ``hostEmail`` and the settings.
        """
        room = self._call(
            calls.create_meeting_room(
                title=title,
                host_email=host_email,
                host_person_id=host_person_id,
                password=password,
                host_key=host_key,
                lobby=lobby,
                wait_for_host=wait_for_host,
                locked=locked,
                host_pin_required=host_pin_required,
                policy_error=policy_error,
                token_ttl=token_ttl,
                conversation_url=conversation_url,
            )
        )
        if start:
            room["locusUrl"] = self._call(calls.start_locus(room["meetingId"]))
        return room

    def update_meeting_room(
        self,
        meeting: str,
        *,
        title: str | None = None,
        password: str | None = None,
        clear_password: bool = False,
        host_key: str | None = None,
        lobby: bool | None = None,
        wait_for_host: bool | None = None,
        locked: bool | None = None,
        host_pin_required: bool | None = None,
        policy_error: int | None = None,
        token_ttl: int | None = None,
        conversation_url: str | None = None,
    ) -> dict[str, Any]:
        """Change a meeting's settings; None leaves one as is, ``policy_error=0`` clears it."""
        return self._call(
            calls.update_meeting_room(
                meeting,
                title=title,
                password=password,
                clear_password=clear_password,
                host_key=host_key,
                lobby=lobby,
                wait_for_host=wait_for_host,
                locked=locked,
                host_pin_required=host_pin_required,
                policy_error=policy_error,
                token_ttl=token_ttl,
                conversation_url=conversation_url,
            )
        )

    def captcha_code(self, meeting: str) -> str:
        """Return the code the meeting's newest pending captcha image shows."""
        return self._call(calls.captcha_code(meeting))

    def start_locus(self, meeting: str) -> str:
        """Start the meeting's locus now if it is not running; returns its URL."""
        return self._call(calls.start_locus(meeting))

    def locus(self, meeting: str, *, email: str | None = None) -> dict[str, Any]:
        """Return the meeting's full Locus DTO (``self`` of ``email``'s participant if given)."""
        return self._call(calls.locus(meeting, email=email))

    def add_participant(
        self,
        meeting: str,
        *,
        name: str | None = None,
        email: str | None = None,
        host: bool = False,
        muted: bool = False,
        video_muted: bool = False,
        in_lobby: bool = False,
    ) -> str:
        """Add a simulated attendee (no socket); starts the meeting. Returns its id."""
        return self._call(
            calls.add_participant(
                meeting,
                name=name,
                email=email,
                host=host,
                muted=muted,
                video_muted=video_muted,
                in_lobby=in_lobby,
            )
        )

    def remove_participant(self, meeting: str, participant_id: str) -> None:
        """Make a participant leave (``LEFT``, ``removed``)."""
        self._call(calls.participant_action("remove", meeting, participant_id))

    def mute_participant(
        self, meeting: str, participant_id: str, muted: bool = True, *, video: bool = False
    ) -> None:
        """Remotely (un)mute a participant's audio, or video with ``video=True``."""
        self._call(
            calls.participant_action("mute", meeting, participant_id, muted=muted, video=video)
        )

    def raise_hand(self, meeting: str, participant_id: str, raised: bool = True) -> None:
        """Raise or lower a participant's hand."""
        self._call(calls.participant_action("hand", meeting, participant_id, raised=raised))

    def admit_participant(self, meeting: str, participant_id: str) -> None:
        """Admit a participant waiting in the lobby."""
        self._call(calls.participant_action("admit", meeting, participant_id))

    def make_host(self, meeting: str, participant_id: str) -> None:
        """Give a participant the host role (everyone else loses it)."""
        self._call(calls.participant_action("host", meeting, participant_id))

    def end_meeting_for_all(self, meeting: str) -> None:
        """End the meeting's locus for everyone (``fullState.state`` ``INACTIVE``)."""
        self._call(calls.end_meeting_for_all(meeting))

    def locus_faults(
        self, *, reorder: int = 0, duplicate: int = 0, drop_next: int = 0
    ) -> dict[str, Any]:
        """Disturb the next pushed Locus events; ``True`` counts as one.

        Args:
            reorder: Events each held back and delivered after the one that follows.
            duplicate: Events delivered twice.
            drop_next: Events never delivered (the client must resync).

        Returns:
            Pending faults, event mode and delivery counters.
        """
        return self._call(
            calls.locus_faults(reorder=reorder, duplicate=duplicate, drop_next=drop_next)
        )

    def locus_push_state(self) -> dict[str, Any]:
        """Return pending Locus push faults, event mode and delivery counters."""
        return self._call(calls.locus_push_state())

    def clear_locus_faults(self) -> int:
        """Drop pending Locus push faults (a held event is delivered); returns the count."""
        return self._call(calls.clear_locus_faults())

    def locus_event_mode(self, mode: str) -> None:
        """Push ``locus.difference`` deltas (``"delta"``) or full-DTO events (``"full"``)."""
        self._call(calls.locus_event_mode(mode))

    def media_sessions(self, meeting: str) -> list[dict[str, Any]]:
        """Describe the meeting's media sessions, one per joined device.

        Each entry has ``participantId``, ``deviceUrl``, ``mediaId``, ``state``
        (``new``, ``unanswered``, ``connecting``, ``connected``, ``failed``, ``closed``),
        ``roapSeq``, ``framesReceived`` and ``packetsReceived`` per line (``audio``,
        ``video``, ``share``), ``bytesReceived``, ``bytesSent``, ``glare`` and
        ``clientErrors``.
        """
        return self._call(calls.media_sessions(meeting))

    def set_speaker_audio(self, meeting: str, source: str | os.PathLike[str] | float) -> None:
        """Set what the simulated speaker sends to every client of the meeting.

        Args:
            meeting: The meeting (number, SIP address, link, uuid or locus URL).
            source: A tone frequency in Hz, or the path of an audio file (WAV or any
                format PyAV reads; the first minute is looped).
        """
        self._call(calls.set_speaker_audio(meeting, source))

    def set_media_options(
        self,
        meeting: str,
        *,
        video: bool | None = None,
        share: bool | None = None,
        turn: str | None = None,
    ) -> dict[str, Any]:
        """Change the meeting's media settings; None leaves one as is.

        Args:
            meeting: The meeting.
            video: Send synthetic video on the main video line.
            share: Send synthetic video on the slides line.
            turn: TURN discovery headers: ``"auto"`` (only off loopback), ``"always"``,
                ``"never"``.

        Returns:
            The meeting's media settings and pending faults.
        """
        return self._call(calls.set_media_options(meeting, video=video, share=share, turn=turn))

    def media_fault(self, meeting: str, kind: str, *, count: int = 1) -> int:
        """Inject a media fault.

        Args:
            meeting: The meeting.
            kind: ``"ice_failure"`` (the next offers' answers name no reachable
                candidate), ``"answer_timeout"`` (the next offers are never answered) or
                ``"drop"`` (every live media connection of the meeting is lost now).
            count: Offers affected by ``ice_failure`` and ``answer_timeout``.

        Returns:
            The offers armed, or the connections dropped.
        """
        return self._call(calls.media_fault(meeting, kind, count=count))

    def media_offer(self, meeting: str, *, tie_breaker: int | None = None) -> int:
        """Send a server OFFER (over Mercury) to every connected device of the meeting.

        Args:
            meeting: The meeting.
            tie_breaker: The OFFER's ``tieBreaker``; by default below the web client's,
                so a client OFFER crossing it wins the glare.

        Returns:
            How many devices got it.
        """
        return self._call(calls.media_offer(meeting, tie_breaker=tie_breaker))
