"""Rendering a locus as the Locus DTO (Locus protocol): sections, participants, self, deltas."""

from __future__ import annotations

from typing import Any

from ..meetinginfo.rooms import https_host
from ..people.models import webex_timestamp
from .deltas import Change, sequence, sync_url
from .errors import INVALID_SINCE_OR_SEQUENCE_HASH, bad_request
from .floor import render_share
from .hints import display_hints
from .model import KEEP_ALIVE_SECS, DeviceSession, Locus, Participant, ParticipantState, Role


def _device(participant_url: str, device: DeviceSession) -> dict[str, Any]:
    out: dict[str, Any] = {
        "url": device.url,
        "deviceType": device.device_type,
        "state": device.state,
        "correlationId": device.correlation_id,
        "callLegId": device.call_leg_id,
        "mediaConnections": [dict(entry) for entry in device.media_connections],
        "mediaSessions": [dict(entry) for entry in device.media_sessions],
        "csis": list(device.csis),
    }
    if device.waiting and device.joined:
        out["intent"] = {"type": "WAIT"}
        out["keepAliveUrl"] = f"{participant_url}/keepAlive"
        out["keepAliveSecs"] = KEEP_ALIVE_SECS
    if device.reason is not None:
        out["reason"] = device.reason
    if device.provisional_type is not None:
        out["provisionalType"] = device.provisional_type
    if device.dialing_status is not None:
        out["dialingStatus"] = device.dialing_status
    return out


def _media_status(participant: Participant, local_muted: bool) -> str:
    if participant.state != ParticipantState.JOINED:
        return "INACTIVE"
    return "RECVONLY" if local_muted else "SENDRECV"


def participant_json(locus: Locus, participant: Participant) -> dict[str, Any]:
    """Render one participant (Locus protocol)."""
    url = locus.participant_url(participant.id)
    person: dict[str, Any] = {
        "id": participant.person_uuid,
        "name": participant.name,
        "orgId": participant.org_uuid,
        "isExternal": participant.org_uuid != locus.host_org_uuid,
        "incomingCallProtocols": [],
    }
    if participant.email is not None:
        person["email"] = participant.email
    if participant.sip_url is not None:
        person["sipUrl"] = participant.sip_url
    roles = [Role.ATTENDEE, *sorted(participant.roles)]
    controls: dict[str, Any] = {
        "audio": {
            "muted": participant.audio_muted,
            "requestedToUnmute": False,
            "disallowUnmute": locus.disallow_unmute and not participant.can_moderate,
            "localAudioUnmuteRequired": False,
            "meta": dict(participant.audio_meta),
        },
        "video": {"muted": participant.video_muted, "meta": dict(participant.video_meta)},
        "role": {"roles": [{"type": role.value, "hasRole": True} for role in roles]},
        "hand": {"raised": participant.hand_raised},
        "localRecord": {"recording": False},
    }
    if participant.layouts:
        controls["layouts"] = [dict(layout) for layout in participant.layouts]
    out: dict[str, Any] = {
        "id": participant.id,
        "url": url,
        "state": participant.state.value,
        "type": participant.type,
        "person": person,
        "identity": participant.person_uuid,
        "devices": [_device(url, device) for device in participant.devices],
        "status": {
            "audioStatus": _media_status(participant, participant.local_audio_muted),
            "videoStatus": _media_status(participant, participant.local_video_muted),
            "csis": [csi for device in participant.devices if device.joined for csi in device.csis],
        },
        "controls": controls,
        "moderator": participant.moderator,
        "guest": participant.guest,
        "resourceGuest": False,
        "panelist": False,
        "isCreator": participant.is_creator,
        "hideInRoster": False,
        "canReclaimHostRole": (
            participant.person_uuid == locus.room.host_uuid and not participant.moderator
        ),
        "moderatorAssignmentNotAllowed": False,
    }
    if participant.removed:
        out["removed"] = True
    return out


def self_json(locus: Locus, participant: dict[str, Any]) -> dict[str, Any]:
    """Render ``self`` from the viewer's rendered participant (Locus protocol)."""
    return {
        **participant,
        "mediaBaseUrl": f"{participant['url']}/media",
        "enableDTMF": True,
        "alertHint": {"action": "NONE"},
        "alertType": {"action": "NONE"},
        "callbackInfo": {"callbackAddress": locus.room.sip_uri, "callbackType": "SIPURI"},
    }


def _controls(locus: Locus) -> dict[str, Any]:
    return {
        "lock": {"locked": locus.locked, "meta": dict(locus.lock_meta)},
        "record": {
            "recording": locus.recording,
            "paused": locus.recording_paused,
            "meta": {**locus.record_meta, "readOnly": False},
        },
        "muteOnEntry": {"enabled": locus.mute_on_entry},
        "disallowUnmute": {"enabled": locus.disallow_unmute},
        "shareControl": {"control": locus.share_control},
        "raiseHand": {"enabled": locus.raise_hand_enabled},
        "video": {"enabled": locus.video_enabled},
        "reactions": {
            "enabled": locus.reactions_enabled,
            "showDisplayNameWithReactions": locus.show_names_with_reactions,
            "reactionChannelUrl": f"{locus.url}/reactions",
        },
        "viewTheParticipantList": {"enabled": locus.view_participant_list},
    }


def sections(locus: Locus) -> dict[str, Any]:
    """Render every versioned top-level section except the participants."""
    room = locus.room
    info: dict[str, Any] = {
        "sipUri": room.sip_uri,
        "webExMeetingId": room.number,
        "webExMeetingName": room.title,
        "topic": room.title,
        "owner": room.host_uuid,
        "isPmr": room.personal,
        "displayHints": display_hints(locus),
    }
    site = https_host(locus.url)
    if site is not None:
        info["webExSite"] = site
    out: dict[str, Any] = {
        "info": info,
        "host": {
            "id": locus.host_uuid,
            "name": locus.host_name,
            "orgId": locus.host_org_uuid,
            "isExternal": False,
            "incomingCallProtocols": [],
        },
        "fullState": {
            "state": locus.state.value,
            "type": "MEETING",
            "active": locus.active,
            "locked": locus.locked,
            "count": len(locus.joined()),
            "lastActive": webex_timestamp(locus.last_active or locus.created),
            "sessionId": locus.session_id,
        },
        "controls": _controls(locus),
        "mediaShares": [render_share(locus, name) for name in locus.share_ids],
    }
    if room.conversation_url:
        info["conversationUrl"] = room.conversation_url
        out["conversationUrl"] = room.conversation_url
    return out


def render_all(locus: Locus) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Render the sections and every participant, for :meth:`VersionLog.record`."""
    participants = {pid: participant_json(locus, p) for pid, p in locus.participants.items()}
    return sections(locus), participants


def _head(locus: Locus) -> dict[str, Any]:
    version = locus.log.version
    return {
        "url": locus.url,
        "sequence": sequence(version),
        "syncUrl": sync_url(locus.url, version),
    }


def full_dto(locus: Locus, viewer: str | None) -> dict[str, Any]:
    """The full DTO as the participant ``viewer`` (an id; None: no ``self``) sees it."""
    log = locus.log
    out: dict[str, Any] = {
        **_head(locus),
        "created": webex_timestamp(locus.created),
        **log.sections,
        "participants": list(log.participants.values()),
    }
    if viewer is not None and viewer in log.participants:
        out["self"] = self_json(locus, log.participants[viewer])
    return out


def delta_dto(locus: Locus, since: int, viewer: str | None) -> dict[str, Any]:
    """What changed after version ``since``, as ``viewer`` sees it (Locus protocol).

    Raises:
        LocusError: 2400014 when ``since`` is older than the locus or in the future.
    """
    log = locus.log
    if not log.floor <= since <= log.version:
        raise bad_request(f"Unknown version {since}.", INVALID_SINCE_OR_SEQUENCE_HASH)
    names, pids = log.since(since)
    out: dict[str, Any] = {**_head(locus), "baseSequence": sequence(since)}
    out.update((name, log.sections[name]) for name in names)
    if pids:
        out["participants"] = [log.participants[pid] for pid in pids]
    if viewer is not None and viewer in pids:
        out["self"] = self_json(locus, log.participants[viewer])
    return out


def change_delta(locus: Locus, change: Change, viewer: str | None) -> dict[str, Any]:
    """The delta of exactly one change (``baseSequence`` = the version before it)."""
    return delta_dto(locus, change.base, viewer)
