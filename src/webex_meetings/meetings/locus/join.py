"""The Locus join request: body, URL, redirects and error mapping (Locus protocol).

``POST {locusUrl}/participant?alternateRedirect=true`` when the meeting already has a
locus URL, else ``POST {locus}/loci/call?alternateRedirect=true`` with the invitee
address. The join is not a delta request (no ``sequence``). Errors map to
:class:`~webex_meetings.meetings.errors.IntentToJoinError` (Locus wants a host PIN or a
guest intent) or :class:`~webex_meetings.meetings.errors.JoinMeetingError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "LOCUS_REDIRECT_ERROR",
    "JoinRequest",
    "JoinResponse",
    "build_join_body",
    "join_url",
    "parse_join_response",
]

#: Locus ``errorCode`` meaning "send this request to ``location``" (another cluster).
LOCUS_REDIRECT_ERROR = 2000002

_ALTERNATE_REDIRECT = "alternateRedirect=true"


@dataclass
class JoinRequest:
    """Everything the join body is built from (JS ``MeetingRequest.joinMeeting`` options).

    Attributes:
        device_url: the WDM device URL (``device.url``).
        correlation_id: this join's correlation id (a new one per join).
        locus_url: the meeting's locus URL, when known: joins ``{locus_url}/participant``.
        locus_cluster_url: meeting info ``locusClusterUrl`` (a host name); otherwise the
            catalog ``locus`` service is used for ``/loci/call``.
        invitee_address: meeting link or SIP URI, for ``/loci/call``.
        meeting_number: used as ``wbxmn:<number>`` when there is no invitee address.
        permission_token: the meeting-info permission token.
        pin: host or guest PIN (only sent when given).
        moderator: join as host (only sent when given).
        resource_id: a paired device to use (``usingResource``).
        move_to_resource: move media to ``resource_id``.
        ensure_conversation: ``ensureConversation``.
        prefer_transcoding: ``clientMediaPreferences.preferTranscoding`` (False for
            multistream).
        join_cookie: opaque media-cluster cookie (``clientMediaPreferences.joinCookie``).
        ip_version: ``clientMediaPreferences.ipver`` (0, 1, 4, 6), when known.
        alias: display name override.
        locale: language of the audio disclaimer.
        device_capabilities: extra capability strings.
        breakouts_supported: advertise ``BREAKOUTS_SUPPORTED``.
        live_annotation_supported: advertise ``ANNOTATION_ON_SHARE_SUPPORTED``.
        as_resource_occupant: ``asResourceOccupant``.
        installation_id: ``device.installationId``.
        country_code: geo hint country (``device.countryCode``).
        region_code: geo hint region (``device.regionCode``).
        local_ip: anonymised client address (``device.localIp``).
        roap_message: a ROAP message to send with the join (TURN discovery).
        reachability: reachability results to send with the join.
    """

    device_url: str
    correlation_id: str
    locus_url: str | None = None
    locus_cluster_url: str | None = None
    invitee_address: str | None = None
    meeting_number: str | None = None
    permission_token: str | None = None
    pin: str | None = None
    moderator: bool | None = None
    resource_id: str | None = None
    move_to_resource: bool = False
    ensure_conversation: bool = False
    prefer_transcoding: bool = True
    join_cookie: Mapping[str, Any] | None = None
    ip_version: int | None = None
    alias: str | None = None
    locale: str | None = None
    device_capabilities: Sequence[str] = field(default_factory=tuple)
    breakouts_supported: bool = False
    live_annotation_supported: bool = False
    as_resource_occupant: bool | None = None
    installation_id: str | None = None
    country_code: str | None = None
    region_code: str | None = None
    local_ip: str | None = None
    roap_message: Mapping[str, Any] | None = None
    reachability: Mapping[str, Any] | None = None

    def __repr__(self) -> str:
        return f"JoinRequest({self.safe_options()!r})"

    def safe_options(self) -> dict[str, Any]:
        """The options without secrets (PIN, permission token), for errors and logs."""
        return {
            "locusUrl": self.locus_url,
            "inviteeAddress": self.invitee_address,
            "meetingNumber": self.meeting_number,
            "correlationId": self.correlation_id,
            "moderator": self.moderator,
            "pinProvided": self.pin is not None,
            "resourceId": self.resource_id,
            "moveToResource": self.move_to_resource,
            "locale": self.locale,
            "breakoutsSupported": self.breakouts_supported,
            "liveAnnotationSupported": self.live_annotation_supported,
        }


@dataclass
class JoinResponse:
    """A successful join (JS ``MeetingUtil.parseLocusJoin``).

    Attributes:
        locus: the full Locus DTO of the response.
        media_connections: ``mediaConnections`` entries (``mediaId``, ``remoteSdp``...).
        locus_url: ``locus.url``.
        locus_id: last path segment of the locus URL.
        self_id: ``locus.self.id`` (the participant id of this user).
        media_id: the ``mediaId`` of the last media connection that has one.
    """

    locus: dict[str, Any]
    media_connections: list[dict[str, Any]]
    locus_url: str
    locus_id: str
    self_id: str | None
    media_id: str | None


def build_join_body(request: JoinRequest, *, device_type: str = "WEB") -> dict[str, Any]:
    """The JSON body of the join (Locus protocol), without ``invitee`` (set per URL)."""
    device: dict[str, Any] = {"url": request.device_url, "deviceType": device_type}
    if request.installation_id:
        device["installationId"] = request.installation_id
    if request.country_code:
        device["countryCode"] = request.country_code
    if request.region_code:
        device["regionCode"] = request.region_code
    if request.local_ip:
        device["localIp"] = request.local_ip
    preferences: dict[str, Any] = {
        "preferTranscoding": request.prefer_transcoding,
        "joinCookie": dict(request.join_cookie) if request.join_cookie else None,
    }
    if request.ip_version is not None:
        preferences["ipver"] = request.ip_version
    body: dict[str, Any] = {
        "device": device,
        "usingResource": request.resource_id or None,
        "moveMediaToResource": bool(request.resource_id and request.move_to_resource),
        "correlationId": request.correlation_id,
        "respOnlySdp": True,
        "allowMultiDevice": True,
        "ensureConversation": request.ensure_conversation,
        "supportsNativeLobby": 1,
        "clientMediaPreferences": preferences,
    }
    if request.as_resource_occupant is not None:
        body["asResourceOccupant"] = request.as_resource_occupant
    if request.alias:
        body["alias"] = request.alias
    if request.locale:
        body["locale"] = request.locale
    capabilities = list(request.device_capabilities)
    if request.breakouts_supported:
        capabilities.append("BREAKOUTS_SUPPORTED")
    if request.live_annotation_supported:
        capabilities.append("ANNOTATION_ON_SHARE_SUPPORTED")
    if capabilities:
        body["deviceCapabilities"] = capabilities
    if request.moderator is not None:
        body["moderator"] = request.moderator
    if request.permission_token:
        body["permissionToken"] = request.permission_token
    if request.pin is not None:
        body["pin"] = request.pin
    if request.resource_id and request.resource_id == request.invitee_address:
        # Wireless share: the resource only receives slides.
        body["callPreferences"] = {"requestedMedia": ["SLIDES"]}
    if request.roap_message is not None or request.reachability is not None:
        local_sdp = {
            key: value
            for key, value in (
                ("roapMessage", request.roap_message),
                ("reachability", request.reachability),
            )
            if value is not None
        }
        body["localMedias"] = [{"localSdp": json.dumps(local_sdp, separators=(",", ":"))}]
    return body


def join_url(base: str) -> str:
    """``base`` with the ``alternateRedirect=true`` query the SDK always adds."""
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}{_ALTERNATE_REDIRECT}"


def parse_join_response(body: Any) -> JoinResponse | None:
    """Check and unpack a join response body; ``None`` if it lacks what the SDK needs."""
    if not isinstance(body, Mapping):
        return None
    locus = body.get("locus")
    connections = body.get("mediaConnections")
    if not isinstance(locus, Mapping) or not isinstance(connections, list):
        return None
    url = locus.get("url")
    if not isinstance(url, str) or not url:
        return None
    self_part = locus.get("self")
    self_id = self_part.get("id") if isinstance(self_part, Mapping) else None
    media_id = None
    for connection in connections:
        if isinstance(connection, Mapping) and connection.get("mediaId"):
            media_id = connection["mediaId"]
    return JoinResponse(
        locus=dict(locus),
        media_connections=[dict(c) for c in connections if isinstance(c, Mapping)],
        locus_url=url,
        locus_id=url.rstrip("/").rsplit("/", 1)[-1],
        self_id=self_id,
        media_id=media_id,
    )
