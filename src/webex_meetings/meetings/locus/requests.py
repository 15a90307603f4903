"""Every Locus request a meeting bot makes (Locus protocol), over ``webex.request``.

"Delta requests" (the *seq* column of the Locus protocol) add the current Locus ``sequence`` to
the body and hand ``response.body.locus`` to ``on_locus`` (the meeting's delta parser),
so the meeting state follows its own actions without waiting for Mercury. Going through
``webex.request`` gives them auth, tracking ids and the transport's retries.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from webex_meetings._exceptions import APIError, APIStatusError
from webex_meetings._logging import get_logger
from webex_meetings.meetings.errors import (
    INTENT_TO_JOIN_CODES,
    IntentToJoinError,
    JoinMeetingError,
    ParameterError,
)
from webex_meetings.meetings.locus.join import (
    LOCUS_REDIRECT_ERROR,
    JoinRequest,
    JoinResponse,
    build_join_body,
    join_url,
    parse_join_response,
)

if TYPE_CHECKING:
    import httpx

    from webex_meetings._client import Webex

__all__ = ["LocusRequests", "RecordingAction"]

logger = get_logger(__name__)


class RecordingAction(enum.StrEnum):
    """Recording control actions (JS ``RecordingAction``)."""

    START = "Start"
    STOP = "Stop"
    PAUSE = "Pause"
    RESUME = "Resume"


#: ``controls.record`` values per action (JS ``deriveRecordingStates``).
_RECORD_STATES: dict[RecordingAction, dict[str, bool]] = {
    RecordingAction.START: {"recording": True, "paused": False},
    RecordingAction.STOP: {"recording": False, "paused": False},
    RecordingAction.RESUME: {"recording": True, "paused": False},
    RecordingAction.PAUSE: {"recording": True, "paused": True},
}


def _body(response: httpx.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _require(value: str | None, what: str) -> str:
    if not value:
        raise ParameterError(f"{what} must be defined.")
    return value


class LocusRequests:
    """The Locus request layer of one meeting.

    Args:
        webex: the core object (``webex.request``, services, config).
        sequence: returns the current Locus ``sequence`` (added to delta requests).
        on_locus: receives ``body.locus`` of every delta-request response.
        device_type: ``device.deviceType`` in bodies; ``config.meetings.device_type``
            when omitted.
    """

    def __init__(
        self,
        webex: Webex,
        *,
        sequence: Callable[[], Mapping[str, Any] | None] | None = None,
        on_locus: Callable[[dict[str, Any]], None] | None = None,
        device_type: str | None = None,
    ) -> None:
        self._webex = webex
        #: Returns the current Locus ``sequence``; settable after construction.
        self.sequence = sequence
        #: Receives ``body.locus`` of delta-request responses; settable after construction.
        self.on_locus = on_locus
        self.device_type = device_type or webex.config.meetings.device_type

    def __repr__(self) -> str:
        return f"LocusRequests(device_type={self.device_type!r})"

    def _device(self, url: str) -> dict[str, str]:
        return {"deviceType": self.device_type, "url": url}

    async def _request(self, method: str, uri: str, body: Mapping[str, Any] | None = None) -> Any:
        response = await self._webex.request(method, uri=uri, json=body)
        return _body(response)

    async def _delta(self, method: str, uri: str, body: Mapping[str, Any] | None = None) -> Any:
        payload = dict(body or {})
        sequence = self.sequence() if self.sequence is not None else None
        if sequence:
            payload["sequence"] = dict(sequence)
        data = await self._request(method, uri, payload)
        if isinstance(data, Mapping):
            locus = data.get("locus")
            if isinstance(locus, Mapping) and self.on_locus is not None:
                self.on_locus(dict(locus))
        return data

    # -- join, leave, incoming calls ----------------------------------------------

    async def join(self, request: JoinRequest) -> JoinResponse:
        """Join (``POST …/participant`` or ``…/loci/call``), following Locus redirects.

        Raises:
            IntentToJoinError: Locus needs a host PIN or a guest intent.
            JoinMeetingError: any other failure (``error`` is the HTTP error).
        """
        body = build_join_body(request, device_type=self.device_type)
        if request.locus_url:
            url = join_url(f"{request.locus_url}/participant")
        else:
            if request.locus_cluster_url:
                base = f"https://{request.locus_cluster_url}/locus/api/v1"
            else:
                base = await self._webex.internal.services.get_url("locus")
            url = join_url(f"{base.rstrip('/')}/loci/call")
            address = request.invitee_address or (
                f"wbxmn:{request.meeting_number}" if request.meeting_number else None
            )
            if not address:
                raise ParameterError("A locus URL, invitee address or meeting number is needed.")
            body["invitee"] = {"address": address}
        max_redirects = int(self._webex.config.max_locus_redirects)
        options = request.safe_options()
        for _ in range(max_redirects + 1):
            try:
                data = await self._request("POST", url, body)
            except APIStatusError as error:
                error_body = error.body if isinstance(error.body, Mapping) else {}
                code = error.error_code or error_body.get("errorCode")
                location = error_body.get("location")
                if code == LOCUS_REDIRECT_ERROR and isinstance(location, str) and location:
                    logger.info("locus: join redirected to another cluster")
                    url = location
                    continue
                if code in INTENT_TO_JOIN_CODES:
                    raise IntentToJoinError(
                        "Error joining the meeting: a host PIN or guest intent is required.",
                        error=error,
                        locus_error_code=code,
                    ) from error
                raise JoinMeetingError(
                    "Error joining the meeting.", error=error, join_options=options
                ) from error
            except APIError as error:
                raise JoinMeetingError(
                    "Error joining the meeting.", error=error, join_options=options
                ) from error
            if isinstance(data, Mapping) and data.get("errorCode") == LOCUS_REDIRECT_ERROR:
                location = data.get("location")
                if isinstance(location, str) and location:
                    url = location
                    continue
            parsed = parse_join_response(data)
            if parsed is None:
                raise JoinMeetingError(
                    "The join response lacks locus.url or mediaConnections.",
                    join_options=options,
                )
            return parsed
        raise JoinMeetingError(
            f"Maximum Locus redirects ({max_redirects}) exceeded.", join_options=options
        )

    async def leave(
        self,
        locus_url: str,
        self_id: str,
        device_url: str,
        correlation_id: str,
        *,
        resource_id: str | None = None,
    ) -> Any:
        """Leave: ``PUT {L}/participant/{self}/leave`` (delta)."""
        return await self._delta(
            "PUT",
            f"{_require(locus_url, 'locusUrl')}/participant/{_require(self_id, 'selfId')}/leave",
            {
                "device": self._device(device_url),
                "usingResource": resource_id or None,
                "correlationId": correlation_id,
            },
        )

    async def acknowledge(self, locus_url: str, device_url: str, correlation_id: str) -> Any:
        """Acknowledge an incoming call: ``PUT {L}/participant/alert`` (delta)."""
        return await self._delta(
            "PUT",
            f"{_require(locus_url, 'locusUrl')}/participant/alert",
            {"device": self._device(device_url), "correlationId": correlation_id},
        )

    async def decline(self, locus_url: str, device_url: str, reason: str | None = None) -> Any:
        """Decline an incoming call: ``PUT {L}/participant/decline`` (delta)."""
        body: dict[str, Any] = {"device": self._device(device_url)}
        if reason:
            body["reason"] = reason
        return await self._delta(
            "PUT", f"{_require(locus_url, 'locusUrl')}/participant/decline", body
        )

    async def end_meeting_for_all(self, locus_url: str) -> Any:
        """End the meeting for everyone: ``POST {L}/end`` (delta)."""
        return await self._delta("POST", f"{_require(locus_url, 'locusUrl')}/end")

    # -- meeting controls ---------------------------------------------------------

    async def lock_meeting(self, locus_url: str, lock: bool) -> Any:
        """Lock or unlock: ``PATCH {L}/controls {lock: {locked}}`` (delta)."""
        return await self._delta(
            "PATCH", f"{_require(locus_url, 'locusUrl')}/controls", {"lock": {"locked": lock}}
        )

    async def patch_controls(self, locus_url: str, controls: Mapping[str, Any]) -> Any:
        """A meeting-wide control update: ``PATCH {L}/controls`` (not a delta request).

        Used for mute on entry, hard mute, mute all and the other scopes of the controls
        options manager, e.g. ``{"muteOnEntry": {"enabled": True}}``.
        """
        return await self._request(
            "PATCH", f"{_require(locus_url, 'locusUrl')}/controls", dict(controls)
        )

    async def set_recording(
        self,
        locus_url: str,
        action: RecordingAction | str,
        *,
        record_service_url: str | None = None,
        locus_session_id: str | None = None,
    ) -> Any:
        """Start, stop, pause or resume recording.

        Uses the record service (``PUT <record url>/loci/<locusId>/recording``) when the
        Locus DTO advertises ``links.services.record.url``, else ``PATCH {L}/controls``.
        """
        act = RecordingAction(action.capitalize() if isinstance(action, str) else action)
        locus_url = _require(locus_url, "locusUrl")
        if record_service_url:
            locus_id = locus_url.rstrip("/").rsplit("/", 1)[-1]
            return await self._request(
                "PUT",
                f"{record_service_url.rstrip('/')}/loci/{locus_id}/recording",
                {
                    "meetingInfo": {"locusSessionId": locus_session_id},
                    "recording": {"action": act.value.lower()},
                },
            )
        return await self._request(
            "PATCH", f"{locus_url}/controls", {"record": dict(_RECORD_STATES[act])}
        )

    async def send_dtmf(self, locus_url: str, device_url: str, tones: str) -> Any:
        """Send DTMF tones from this device: ``POST {L}/sendDtmf`` (delta)."""
        return await self._delta(
            "POST",
            f"{_require(locus_url, 'locusUrl')}/sendDtmf",
            {"deviceUrl": device_url, "dtmf": {"correlationId": str(uuid.uuid4()), "tones": tones}},
        )

    # -- members ------------------------------------------------------------------

    async def admit_members(
        self,
        locus_url: str,
        member_ids: Sequence[str],
        *,
        authorizing_locus_url: str | None = None,
        main_locus_url: str | None = None,
    ) -> Any:
        """Admit from the lobby: ``PUT {L}/controls {admit: {participantIds}}`` (delta)."""
        body: dict[str, Any] = {"admit": {"participantIds": list(member_ids)}}
        if authorizing_locus_url:
            body = {"authorizingLocusUrl": authorizing_locus_url, **body}
        base = main_locus_url or _require(locus_url, "locusUrl")
        return await self._delta("PUT", f"{base}/controls", body)

    async def remove_member(self, locus_url: str, member_id: str) -> Any:
        """Remove a member: ``PUT {P}/<m>/leave {reason: FORCED}`` (delta)."""
        return await self._delta(
            "PUT", f"{self._participant(locus_url, member_id)}/leave", {"reason": "FORCED"}
        )

    async def mute_member(
        self, locus_url: str, member_id: str, muted: bool, *, is_audio: bool = True
    ) -> Any:
        """Remote (un)mute: ``PATCH {P}/<m>/controls {audio|video: {muted}}`` (delta)."""
        key = "audio" if is_audio else "video"
        return await self._delta(
            "PATCH",
            f"{self._participant(locus_url, member_id)}/controls",
            {key: {"muted": muted}},
        )

    async def raise_or_lower_hand(self, locus_url: str, member_id: str, raised: bool) -> Any:
        """Raise or lower a hand: ``PATCH {P}/<m>/controls {hand: {raised}}`` (delta)."""
        return await self._delta(
            "PATCH",
            f"{self._participant(locus_url, member_id)}/controls",
            {"hand": {"raised": raised}},
        )

    async def lower_all_hands(self, locus_url: str, requesting_participant_id: str) -> Any:
        """Lower every hand: ``PATCH {L}/controls`` (delta)."""
        return await self._delta(
            "PATCH",
            f"{_require(locus_url, 'locusUrl')}/controls",
            {
                "hand": {"raised": False},
                "requestingParticipantId": _require(
                    requesting_participant_id, "requestingParticipantId"
                ),
            },
        )

    async def transfer_host(self, locus_url: str, member_id: str, moderator: bool = True) -> Any:
        """Make a member host: ``PATCH {P}/<m>/controls {role: {moderator}}`` (delta)."""
        return await self._delta(
            "PATCH",
            f"{self._participant(locus_url, member_id)}/controls",
            {"role": {"moderator": moderator}},
        )

    async def assign_roles(
        self, locus_url: str, member_id: str, roles: Sequence[Mapping[str, Any]]
    ) -> Any:
        """Assign roles: ``PATCH {P}/<m>/controls {role: {roles: [...]}}`` (delta).

        Each role is ``{"type", "hasRole", "hostKey"?}``; ``hostKey`` is sent only when set.
        """
        shaped = []
        for role in roles:
            entry: dict[str, Any] = {"type": role["type"], "hasRole": role["hasRole"]}
            if role.get("hostKey"):
                entry["hostKey"] = role["hostKey"]
            shaped.append(entry)
        return await self._delta(
            "PATCH",
            f"{self._participant(locus_url, member_id)}/controls",
            {"role": {"roles": shaped}},
        )

    async def edit_display_name(
        self, locus_url: str, member_id: str, requesting_participant_id: str, alias: str
    ) -> Any:
        """Rename a member: ``POST {P}/<m>/alias`` (delta)."""
        return await self._delta(
            "POST",
            f"{self._participant(locus_url, member_id)}/alias",
            {"aliasValue": alias, "requestingParticipantId": requesting_participant_id},
        )

    async def add_member(self, locus_url: str, address: str, alert_if_active: bool = True) -> Any:
        """Invite by email or phone: ``PUT {L} {invitees: [{address}], alertIfActive}`` (delta)."""
        return await self._delta(
            "PUT",
            _require(locus_url, "locusUrl"),
            {"invitees": [{"address": address}], "alertIfActive": alert_if_active},
        )

    async def cancel_phone_invite(self, locus_url: str, phone_number: str) -> Any:
        """Cancel a dial-out: ``PUT {L} {actionType: REMOVE, invitees}`` (delta)."""
        return await self._delta(
            "PUT",
            _require(locus_url, "locusUrl"),
            {"actionType": "REMOVE", "invitees": [{"address": phone_number}]},
        )

    async def send_dial_pad_key(
        self, locus_url: str, member_id: str, device_url: str, tones: str
    ) -> Any:
        """DTMF on behalf of a SIP/PSTN member: ``POST {P}/<m>/sendDtmf`` (delta)."""
        return await self._delta(
            "POST",
            f"{self._participant(locus_url, member_id)}/sendDtmf",
            {
                "device": {"url": device_url},
                "memberId": member_id,
                "dtmf": {
                    "correlationId": str(uuid.uuid4()),
                    "tones": tones,
                    "direction": "transmit",
                },
            },
        )

    async def change_meeting_floor(
        self,
        share_url: str,
        *,
        disposition: str,
        person_url: str | None = None,
        device_url: str | None = None,
        share_instance_id: str | None = None,
        resource_url: str | None = None,
    ) -> Any:
        """Request (``GRANTED``) or release a share floor: ``PUT <mediaShares[].url>``.

        Not a delta request: the new floor arrives as a Locus event (JS
        ``changeMeetingFloor``).
        """
        floor: dict[str, Any] = {"disposition": disposition}
        if disposition == "GRANTED":
            url = _require(person_url, "personUrl")
            floor = {
                "beneficiary": {
                    "url": url,
                    "devices": [{"deviceType": self.device_type, "url": device_url}],
                },
                "disposition": disposition,
                "requester": {"url": url},
            }
        if share_instance_id:
            floor["shareInstanceId"] = share_instance_id
        body: dict[str, Any] = {"floor": floor}
        if resource_url is not None:
            body["resourceUrl"] = resource_url
        return await self._request("PUT", _require(share_url, "share url"), body)

    @staticmethod
    def _participant(locus_url: str, member_id: str) -> str:
        return f"{_require(locus_url, 'locusUrl')}/participant/{_require(member_id, 'memberId')}"

    # -- reading the state --------------------------------------------------------

    async def keep_alive(self, keep_alive_url: str) -> Any:
        """Lobby keep-alive: ``GET <keepAliveUrl>``."""
        return await self._request("GET", _require(keep_alive_url, "keepAliveUrl"))

    async def get_locus_dto(self, url: str) -> dict[str, Any] | None:
        """``GET`` a locus URL (full DTO) or a sync URL (delta; empty body → ``None``)."""
        data = await self._request("GET", _require(url, "url"))
        return dict(data) if isinstance(data, Mapping) and data else None

    async def get_active_loci(self) -> dict[str, list[Any]]:
        """Every active locus of this user: ``GET {locus}/loci`` plus federated clusters.

        Returns:
            ``{"loci": [full DTO...], "locusUrls": [str...]}`` with the loci of every
            ``remoteLocusClusterUrls`` entry appended.
        """
        response = await self._webex.request("GET", service="locus", resource="loci")
        data = _body(response)
        data = data if isinstance(data, Mapping) else {}
        loci = list(data.get("loci") or [])
        urls = list(data.get("locusUrls") or [])
        for remote in data.get("remoteLocusClusterUrls") or []:
            extra = await self._request("GET", remote)
            if isinstance(extra, Mapping):
                loci.extend(extra.get("loci") or [])
                urls.extend(extra.get("locusUrls") or [])
        return {"loci": loci, "locusUrls": urls}
