"""The emulated media server behind Locus ``PUT <self>/media`` (ROAP protocol).

It is the :class:`~..locus.media.MediaProvider` of every emulator. A join gets a media
session (``mediaId``) and, when its body carries a TURN discovery request, the response;
ROAP messages then go through :class:`~.roap.RoapSession` and, for an OFFER, into an
aiortc peer connection (:mod:`.engine`, loaded on the first OFFER).

Replies go where the client asked: inside the HTTP response (``remoteSdp``) when the
message has ``includeAnswerInHttpResponse``, else as a Mercury ``locus.message.roap``
event to the device, sent right after the response.

TURN discovery: the server has no TURN relay. On loopback (the usual case) the response
carries no ``x-cisco-turn-*`` headers, so the client carries on without TURN, as it
should for a peer on the same machine; otherwise (or with ``turn="always"``) they point
at the emulator's host, port 443, where nothing relays.
"""

from __future__ import annotations

import asyncio
import importlib
import ipaddress
import json
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ...core.errors import ConflictError
from ...core.ids import new_uuid
from ...core.state import EmulatorState
from ..locus import errors
from ..locus.floor import CONTENT, holder, simulated_sharer
from ..locus.media import MediaRequest
from ..locus.model import DeviceSession, Locus, Participant
from ..mercury.models import MercuryHub
from .mixer import RelayCounts, new_csi
from .models import DeviceMedia, FaultKind, MediaBackend, SessionState, TurnMode
from .roap import (
    NO_OK_IN_TRANSACTION,
    SERVER_TIE_BREAKER,
    ErrorType,
    MessageType,
    OfferVerdict,
    RoapFormatError,
    RoapMessage,
    error,
    message,
)
from .sdp import ice_ufrag, media_lines, reverse, with_origin, without_candidates

if TYPE_CHECKING:
    from .engine import PeerSession

#: The ``o=`` username of answers: clients store it as the media server type.
MEDIA_SERVER_NAME = "linus"
_CONNECTION_STATES = {
    "connected": SessionState.CONNECTED,
    "failed": SessionState.FAILED,
    "closed": SessionState.CLOSED,
}

Commit = Callable[[Locus, str | None], object]


def remote_sdp(body: Mapping[str, Any]) -> str:
    """``remoteSdp`` is a JSON string holding JSON (ROAP protocol)."""
    return json.dumps(body, separators=(",", ":"))


def _join_roap(join: Mapping[str, Any]) -> Mapping[str, Any] | None:
    medias = join.get("localMedias")
    first = medias[0] if isinstance(medias, list) and medias else None
    raw = first.get("localSdp") if isinstance(first, dict) else None
    try:
        decoded = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    roap = decoded.get("roapMessage") if isinstance(decoded, dict) else None
    return roap if isinstance(roap, dict) else None


class MediaServer:
    """Media sessions for joined devices; answers ROAP over HTTP or Mercury."""

    def __init__(self, state: EmulatorState, commit: Commit) -> None:
        """Bind the server to the emulator state and to Locus's commit (delta push)."""
        self.state = state
        self._commit = commit
        self._modules: dict[str, ModuleType] = {}

    @property
    def backend(self) -> MediaBackend:
        """The sessions and per-meeting settings."""
        return self.state.backend(MediaBackend)

    @property
    def host(self) -> str:
        """The address media is served on: the host of the emulator's base URL."""
        host = urlsplit(self.state.base_url).hostname or "127.0.0.1"
        return "127.0.0.1" if host == "localhost" else host

    def _loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    async def module(self, name: str) -> ModuleType:
        """Import ``engine`` or ``tracks`` once, off the event loop (aiortc is heavy)."""
        found = self._modules.get(name)
        if found is None:
            found = await asyncio.to_thread(importlib.import_module, f"{__package__}.{name}")
            self._modules[name] = found
        return found

    # --- the MediaProvider seam ------------------------------------------------------

    def open(
        self, locus: Locus, participant: Participant, device: DeviceSession, join: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Open a media session; answer a TURN discovery request riding on the join."""
        session = self._new_session(locus, participant, device, new_uuid())
        entry: dict[str, Any] = {"mediaId": session.media_id, "type": "SDP"}
        raw = _join_roap(join)
        if raw is not None and raw.get("messageType") == MessageType.TURN_DISCOVERY_REQUEST:
            entry["remoteSdp"] = remote_sdp({"roapMessage": self._turn_response(session)})
        return [entry]

    async def roap(self, request: MediaRequest) -> list[dict[str, Any]]:
        """Handle one client ROAP message; returns the response's ``mediaConnections``.

        Raises:
            LocusError: 400 for an unreadable message or an unknown ``mediaId``.
        """
        try:
            received = RoapMessage.parse(request.message)
        except RoapFormatError as exc:
            raise errors.bad_request(str(exc)) from None
        session = self._session_for(request)
        async with session.lock:
            reply = await self._handle(session, received)
        entry: dict[str, Any] = {"mediaId": session.media_id, "type": "SDP"}
        to_http = received.reply_in_http and received.type in (
            MessageType.OFFER,
            MessageType.TURN_DISCOVERY_REQUEST,
        )
        if reply is not None and to_http:
            entry["remoteSdp"] = remote_sdp({"roapMessage": reply})
            return [entry]
        if reply is not None:
            # After the HTTP response, as Locus relays the media server's reply.
            asyncio.get_running_loop().call_soon(
                self.publish, session.device, request.correlation_id, reply
            )
        participant = request.participant
        entry["remoteSdp"] = remote_sdp(
            {
                "audioMuted": participant.local_audio_muted,
                "videoMuted": participant.local_video_muted,
                "csis": [],
                "dtmfReceiveSupported": True,
                "type": "SDP",
            }
        )
        return [entry]

    def close(self, locus: Locus, participant: Participant, device: DeviceSession) -> None:
        """Close the device's media session (it left)."""
        session = self.backend.sessions.pop(device.call_leg_id, None)
        if session is not None:
            self.backend.retire(session)

    # --- sessions ---------------------------------------------------------------------

    def _new_session(
        self, locus: Locus, participant: Participant, device: DeviceSession, media_id: str
    ) -> DeviceMedia:
        backend = self.backend
        old = backend.sessions.get(device.call_leg_id)
        if old is not None:
            backend.retire(old)
        # No entries rather than "inactive" ones: the client treats active -> inactive as a
        # lost connection and would reconnect again.
        device.media_sessions = []
        if not device.csis:
            # The CSIs of the device's audio and video, kept across its media sessions:
            # the CSRC of mixed audio names one of them (Locus ``devices[].csis``).
            device.csis = [new_csi(), new_csi()]
        session = DeviceMedia(
            locus=locus,
            participant=participant,
            device=device,
            media_id=media_id,
            meeting=backend.meeting(locus.room.id),
        )
        backend.sessions[device.call_leg_id] = session
        return session

    def _session_for(self, request: MediaRequest) -> DeviceMedia:
        current = self.backend.sessions.get(request.device.call_leg_id)
        if request.media_id == "" or current is None:
            # "" asks for a new media session (a reconnection, the ROAP protocol).
            media_id = request.media_id or new_uuid()
            return self._new_session(request.locus, request.participant, request.device, media_id)
        if current.media_id != request.media_id:
            raise errors.bad_request(f"Unknown mediaId {request.media_id!r}.")
        return current

    def publish(self, device: DeviceSession, correlation_id: str, reply: dict[str, Any]) -> None:
        """Send a ROAP message to the device as Mercury ``locus.message.roap``."""
        if device.wdm_uuid is None:
            return
        data = {"eventType": "locus.message.roap", "correlationId": correlation_id}
        self.state.backend(MercuryHub).publish_to_device(
            device.wdm_uuid, {**data, "message": reply}
        )

    # --- ROAP -------------------------------------------------------------------------

    async def _handle(self, session: DeviceMedia, received: RoapMessage) -> dict[str, Any] | None:
        roap = session.roap
        if received.type == MessageType.TURN_DISCOVERY_REQUEST:
            return self._turn_response(session)
        if received.type == MessageType.OFFER:
            return await self._offer(session, received)
        if received.type == MessageType.ANSWER:
            pending = roap.on_answer(received)
            if pending is None or session.peer is None:
                return error(received.seq, ErrorType.INVALID_STATE, "No offer awaits an answer.")
            engine = await self.module("engine")
            try:
                await session.peer.accept_answer(pending.sdp, received.sdp or "")
            except engine.SDP_ERRORS as exc:
                return error(received.seq, ErrorType.FAILED, f"Answer not applied: {exc}")
            return message(MessageType.OK, received.seq)
        if received.type == MessageType.OK:
            if roap.on_ok(received):
                return None
            return error(received.seq, ErrorType.INVALID_STATE, "No transaction to confirm.")
        if received.type == MessageType.ERROR:
            roap.on_error(received)
            return None
        raise errors.bad_request(f"A client does not send {received.type}.")

    def _turn_response(self, session: DeviceMedia) -> dict[str, Any]:
        meeting = session.meeting
        headers = []
        if meeting.turn == TurnMode.ALWAYS or (
            meeting.turn == TurnMode.AUTO and not self._loopback()
        ):
            host = f"[{self.host}]" if ":" in self.host else self.host
            headers = [
                f"x-cisco-turn-url=turns:{host}:443?transport=tcp",
                "x-cisco-turn-username=emulator",
                f"x-cisco-turn-password={meeting.turn_password}",
            ]
        # The seq travels as a string here, as the real service sends it.
        return message(
            MessageType.TURN_DISCOVERY_RESPONSE, "0", headers=[*headers, NO_OK_IN_TRANSACTION]
        )

    async def _offer(self, session: DeviceMedia, offer: RoapMessage) -> dict[str, Any] | None:
        verdict, reply = session.roap.on_offer(offer)
        if verdict != OfferVerdict.ANSWER:
            return reply
        fault = session.meeting.take_fault()
        if fault == FaultKind.ANSWER_TIMEOUT:
            session.state = SessionState.UNANSWERED
            return None
        engine = await self.module("engine")
        sdp = offer.sdp or ""
        ufrag = ice_ufrag(sdp)
        if session.peer is not None and session.ufrag != ufrag:
            # A new ICE agent on the client: a new peer connection here too.
            self.backend.retire(session, SessionState.NEW)
        meeting = session.meeting
        if session.peer is None:
            session.peer = engine.PeerSession(
                (self.host,),
                self._on_state_of(session),
                mixer=meeting.mixer,
                key=session.device.call_leg_id,
                csi=session.device.csis[0],
            )
        peer: PeerSession = session.peer
        try:
            # The share line always gets a sending track, so the client's share track
            # exists from the start (as with a real media server); whether it carries
            # frames follows the content floor (:meth:`refresh_content`).
            answer = await peer.answer(sdp, video=meeting.video, share=True)
        except engine.SDP_ERRORS as exc:
            self.backend.retire(session, SessionState.FAILED)
            return error(offer.seq, ErrorType.FAILED, f"Offer not applied: {exc}")
        session.content_mids = tuple(
            line.mid for line in media_lines(sdp) if line.label == "share" and line.mid
        )
        self._apply_content(session)
        session.ufrag = ufrag
        session.lines = media_lines(answer)
        if fault == FaultKind.ICE_FAILURE:
            # No candidate to reach, and nobody answering behind it either.
            answer = without_candidates(answer)
            self.backend.retire(session, SessionState.FAILED)
        elif session.state != SessionState.CONNECTED:
            session.state = SessionState.CONNECTING
        headers = [NO_OK_IN_TRANSACTION] if NO_OK_IN_TRANSACTION in offer.headers else None
        reply = message(
            MessageType.ANSWER,
            offer.seq,
            sdps=[with_origin(answer, MEDIA_SERVER_NAME)],
            headers=headers,
        )
        session.roap.answered(offer, reply)
        self._render_sessions(session)
        return reply

    # --- connection state and Locus ---------------------------------------------------

    def _on_state_of(self, session: DeviceMedia) -> Callable[[PeerSession, str], None]:
        def on_state(peer: PeerSession, state: str) -> None:
            live = self.backend.sessions.get(session.device.call_leg_id) is session
            if not live or session.peer is not peer:
                return  # a replaced or retired connection
            session.state = _CONNECTION_STATES.get(state, SessionState.CONNECTING)
            if session.state in (SessionState.FAILED, SessionState.CLOSED):
                # The client went away or its path broke: free the sockets now.
                self.backend.retire(session, session.state)
            self._render_sessions(session)
            self.commit(session)

        return on_state

    def _render_sessions(self, session: DeviceMedia) -> None:
        """Write ``devices[].mediaSessions`` of the session's device (Locus protocol)."""
        state = "active" if session.state == SessionState.CONNECTED else "inactive"
        session.device.media_sessions = [
            {
                "mediaType": line.kind,
                "mediaContent": line.content,
                "direction": reverse(line.direction),
                "state": state,
            }
            for line in session.lines
        ]

    def commit(self, session: DeviceMedia) -> None:
        """Push the session's Locus change, while its device is still in the meeting."""
        if session.device.joined and session.locus.active:
            self._commit(session.locus, "locus.participant_updated")

    def drop(self, locus: Locus) -> int:
        """Lose every live media connection of a meeting; returns how many."""
        dropped = 0
        for session in self.backend.of_locus(locus):
            if session.peer is None:
                continue
            self.backend.retire(session)
            self._render_sessions(session)
            dropped += 1
        if dropped:
            self._commit(locus, "locus.participant_updated")
        return dropped

    # --- content (screen share) ---------------------------------------------------------

    def content_on(self, locus: Locus) -> bool:
        """True while the meeting's synthetic content track is sent to every device."""
        settings = self.backend.meeting(locus.room.id)
        return settings.share or simulated_sharer(locus) is not None

    @staticmethod
    def content_device(locus: Locus) -> str | None:
        """``call_leg_id`` of the real device holding the content floor, if any.

        Its share is forwarded to every other device, as a transcoding server does.
        """
        sharer = holder(locus, CONTENT) if locus.active else None
        if sharer is None or sharer.simulated:
            return None
        url = ((locus.floors.get(CONTENT) or {}).get("beneficiary") or {}).get("deviceUrl")
        device = next((d for d in sharer.devices if d.url == url), None)
        return device.call_leg_id if device is not None else None

    def refresh_content(self, locus: Locus) -> int:
        """Start or stop the content track of every live session; returns how many changed.

        No renegotiation: the share line of every answer sends, and a sender without a
        track sends no RTP at all.
        """
        return sum(self._apply_content(session) for session in self.backend.of_locus(locus))

    def _apply_content(self, session: DeviceMedia) -> bool:
        peer = session.peer
        if peer is None or not session.content_mids:
            return False
        # Loaded with the engine, which answered this session's offer.
        tracks = importlib.import_module(f"{__package__}.tracks")
        mixer = session.meeting.mixer
        mixer.content_from = self.content_device(session.locus)
        # Another device's share, else the synthetic one (simulated sharer), else nothing.
        kind: type[Any] = type(None)
        if mixer.content_from is not None and mixer.content_from != session.device.call_leg_id:
            kind = tracks.RelayContentTrack
        elif self.content_on(session.locus):
            kind = tracks.SyntheticVideoTrack
        changed = False
        for transceiver in peer.pc.getTransceivers():
            current = transceiver.sender.track
            if transceiver.mid not in session.content_mids or type(current) is kind:
                continue
            if current is not None:
                current.stop()
            new: Any = None
            if kind is tracks.RelayContentTrack:
                new = tracks.RelayContentTrack(mixer, peer.member)
            elif kind is tracks.SyntheticVideoTrack:
                new = tracks.SyntheticVideoTrack(fps=5)
            transceiver.sender.replaceTrack(new)
            changed = True
        return changed

    async def server_offer(self, locus: Locus, tie_breaker: int | None) -> int:
        """Send a server OFFER over Mercury to every connected device; returns how many.

        Raises:
            ConflictError: A device still has an unanswered server offer.
        """
        sent = 0
        for session in self.backend.of_locus(locus):
            peer = session.peer
            if peer is None or session.state != SessionState.CONNECTED:
                continue
            async with session.lock:
                tie = tie_breaker if tie_breaker is not None else SERVER_TIE_BREAKER
                sdp = with_origin(await peer.offer(), MEDIA_SERVER_NAME)
                try:
                    pending = session.roap.start_offer(tie, sdp)
                except ValueError as exc:
                    raise ConflictError(str(exc)) from None
            reply = message(MessageType.OFFER, pending.seq, sdps=[sdp], tieBreaker=tie)
            self.publish(session.device, session.device.correlation_id, reply)
            sent += 1
        return sent

    async def sessions_json(self, locus: Locus) -> list[dict[str, Any]]:
        """Describe every media session of a meeting, for the control API."""
        out = []
        for session in self.backend.of_locus(locus):
            entry: dict[str, Any] = {
                "participantId": session.participant.id,
                "deviceUrl": session.device.url,
                "mediaId": session.media_id,
                "state": session.state.value,
                "roapSeq": session.roap.seq,
                "glare": list(session.roap.glare),
                "clientErrors": list(session.roap.client_errors),
                "framesReceived": dict(session.frames_before),
                "packetsReceived": {},
                "bytesReceived": 0,
                "bytesSent": 0,
                "speaker": session.meeting.speaker_description,
                "csis": list(session.device.csis),
                "activeSpeakerCsi": None,
            }
            relay = RelayCounts()
            relay.add(session.relay_before)
            if session.peer is not None:
                relay.add(session.peer.relay)
                entry["activeSpeakerCsi"] = session.meeting.mixer.csi_of(session.peer.member.active)
            entry["relay"] = relay.as_json()
            if session.peer is not None:
                stats = await session.peer.stats()
                frames = entry["framesReceived"]
                for label, count in stats.pop("framesReceived").items():
                    frames[label] = frames.get(label, 0) + count
                entry.update(stats)
            out.append(entry)
        return out
