"""Call control on controls URLs: ``PATCH/PUT {locusUrl}/controls``, ``PATCH {P}/<m>/controls``.

Bodies are those of the Locus protocol. Moderator actions need the ``MODERATOR`` or ``COHOST``
role (403 2423007 otherwise); transferring the host role needs ``MODERATOR``. Unknown
body keys are a 400 naming them, so a client typo fails loudly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import errors
from .backend import meta
from .lobby import admit
from .model import Locus, Participant, Role

#: Keys every controls body may carry besides the actions.
_COMMON = frozenset({"sequence", "requestingParticipantId", "authorizingLocusUrl"})

#: Body key -> locus attribute for simple ``{enabled: bool}`` switches.
_SWITCHES = {
    "muteOnEntry": "mute_on_entry",
    "disallowUnmute": "disallow_unmute",
    "raiseHand": "raise_hand_enabled",
    "video": "video_enabled",
    "viewTheParticipantList": "view_participant_list",
}


def _check_keys(body: Mapping[str, Any], allowed: set[str]) -> None:
    unknown = sorted(set(body) - allowed - _COMMON)
    if unknown:
        raise errors.bad_request(f"Unsupported controls: {', '.join(unknown)}.")
    if not set(body) & allowed:
        raise errors.bad_request("The body names no control.")


def _object(body: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key)
    if not isinstance(value, dict):
        raise errors.bad_request(f"{key} must be an object.")
    return value


def _flag(section: Mapping[str, Any], key: str, where: str) -> bool:
    value = section.get(key)
    if not isinstance(value, bool):
        raise errors.bad_request(f"{where}.{key} must be a boolean.")
    return value


def _moderate(actor: Participant) -> None:
    if not actor.can_moderate:
        raise errors.forbidden("Only a moderator can do that.")


def patch_locus(locus: Locus, actor: Participant, body: Mapping[str, Any], now: float) -> str:
    """Apply ``PATCH {locusUrl}/controls``; returns the full-DTO event type of the change."""
    _check_keys(body, {"lock", "record", "hand", "audio", "reactions", "shareControl", *_SWITCHES})
    _moderate(actor)
    stamp = meta(actor.person_uuid, now)
    if "lock" in body:
        locus.locked = _flag(_object(body, "lock"), "locked", "lock")
        locus.lock_meta = stamp
    if "record" in body:
        record = _object(body, "record")
        locus.recording = _flag(record, "recording", "record")
        locus.recording_paused = locus.recording and bool(record.get("paused"))
        locus.record_meta = stamp
    if "hand" in body:
        if _flag(_object(body, "hand"), "raised", "hand"):
            raise errors.bad_request("Only lowering all hands is supported.")
        for participant in locus.participants.values():
            participant.hand_raised = False
    for key, attribute in _SWITCHES.items():
        if key in body:
            setattr(locus, attribute, _flag(_object(body, key), "enabled", key))
    if "audio" in body:
        _mute_all(locus, actor, _object(body, "audio"), stamp)
    if "reactions" in body:
        _reactions(locus, _object(body, "reactions"))
    if "shareControl" in body:
        control = _object(body, "shareControl").get("control")
        if control not in ("ANYONE", "MODERATOR_PRESENTER"):
            raise errors.bad_request("shareControl.control must be ANYONE or MODERATOR_PRESENTER.")
        locus.share_control = control
    return "locus.controls_updated"


def _mute_all(
    locus: Locus, actor: Participant, audio: Mapping[str, Any], stamp: dict[str, Any]
) -> None:
    if "muted" in audio:
        muted = _flag(audio, "muted", "audio")
        for participant in locus.participants.values():
            if participant is not actor and not participant.can_moderate:
                participant.audio_muted = muted
                participant.audio_meta = stamp
    if "disallowUnmute" in audio:
        locus.disallow_unmute = _flag(audio, "disallowUnmute", "audio")
    if "muteOnEntry" in audio:
        locus.mute_on_entry = _flag(audio, "muteOnEntry", "audio")


def _reactions(locus: Locus, reactions: Mapping[str, Any]) -> None:
    if "enabled" in reactions:
        locus.reactions_enabled = _flag(reactions, "enabled", "reactions")
    if "showDisplayNameWithReactions" in reactions:
        locus.show_names_with_reactions = _flag(
            reactions, "showDisplayNameWithReactions", "reactions"
        )


def put_locus(locus: Locus, actor: Participant, body: Mapping[str, Any]) -> str:
    """Apply ``PUT {locusUrl}/controls``: admit, video layout, reactions."""
    _check_keys(body, {"admit", "layout", "reactions"})
    event = "locus.controls_updated"
    if "admit" in body:
        ids = _object(body, "admit").get("participantIds")
        if not isinstance(ids, list) or not ids:
            raise errors.bad_request("admit.participantIds must be a non-empty list.")
        admit(locus, actor, ids)
        event = "locus.participant_updated"
    if "layout" in body:
        layout = _object(body, "layout")
        if not isinstance(layout.get("type"), str):
            raise errors.bad_request("layout.type must be a string.")
        actor.layouts = [{"type": layout["type"], "deviceUrl": layout.get("deviceUrl")}]
        event = "locus.self_changed"
    if "reactions" in body:
        _moderate(actor)
        _reactions(locus, _object(body, "reactions"))
    return event


def patch_participant(
    locus: Locus,
    actor: Participant,
    target: Participant,
    body: Mapping[str, Any],
    *,
    host_key: str,
    now: float,
) -> str:
    """Apply ``PATCH {P}/<m>/controls``: mute, hand, host transfer, roles."""
    _check_keys(body, {"audio", "video", "hand", "role"})
    stamp = meta(actor.person_uuid, now)
    is_self = actor is target
    event = "locus.participant_controls_updated"
    for kind in ("audio", "video"):
        if kind in body:
            muted = _flag(_object(body, kind), "muted", kind)
            if not is_self and not actor.can_moderate:
                raise errors.forbidden("Only a moderator can mute others.")
            hard_muted = kind == "audio" and locus.disallow_unmute and not actor.can_moderate
            if is_self and not muted and hard_muted:
                raise errors.forbidden("Unmuting is not allowed in this meeting.")
            setattr(target, f"{kind}_muted", muted)
            setattr(target, f"{kind}_meta", stamp)
            event = f"locus.participant_{kind}_{'muted' if muted else 'unmuted'}"
    if "hand" in body:
        raised = _flag(_object(body, "hand"), "raised", "hand")
        if not is_self and (raised or not actor.can_moderate):
            raise errors.forbidden("Only a moderator can lower someone else's hand.")
        if raised and not locus.raise_hand_enabled:
            raise errors.forbidden("Raising hands is disabled.")
        target.hand_raised = raised
    if "role" in body:
        _roles(locus, actor, target, _object(body, "role"), host_key)
        event = "locus.participant_roles_updated"
    return event


def make_host(locus: Locus, target: Participant) -> None:
    """Give ``target`` the host role, taking it from everyone else."""
    for participant in locus.participants.values():
        participant.roles.discard(Role.MODERATOR)
    target.roles.add(Role.MODERATOR)
    locus.host_uuid, locus.host_name = target.person_uuid, target.name
    locus.host_org_uuid = target.org_uuid


def _roles(
    locus: Locus, actor: Participant, target: Participant, role: Mapping[str, Any], host_key: str
) -> None:
    if "moderator" in role:
        if not actor.moderator:
            raise errors.forbidden("Only the host can transfer the host role.")
        if _flag(role, "moderator", "role"):
            make_host(locus, target)
        else:
            target.roles.discard(Role.MODERATOR)
    entries = role.get("roles", [])
    if not isinstance(entries, list):
        raise errors.bad_request("role.roles must be a list.")
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type") not in (
            "MODERATOR",
            "COHOST",
            "PRESENTER",
        ):
            raise errors.bad_request("Each role needs a type MODERATOR, COHOST or PRESENTER.")
        kind, has = Role(entry["type"]), _flag(entry, "hasRole", "role.roles[]")
        if kind is Role.MODERATOR and has and target is actor:
            _reclaim(locus, actor, entry.get("hostKey"), host_key)
        elif kind is Role.MODERATOR:
            if not actor.moderator:
                raise errors.forbidden("Only the host can assign the host role.")
            if has:
                make_host(locus, target)
            else:
                target.roles.discard(Role.MODERATOR)
        else:
            _moderate(actor)
            (target.roles.add if has else target.roles.discard)(kind)


def _reclaim(locus: Locus, actor: Participant, given: Any, host_key: str) -> None:
    """Reclaim the host role with the host key (the Locus protocol ``assignRoles``)."""
    if actor.moderator:
        raise errors.LocusError(409, errors.ALREADY_HOST, "You are already the host.")
    if not isinstance(given, str) or given != host_key:
        raise errors.forbidden("The host key is empty or wrong.", errors.RECLAIM_HOST_WRONG_KEY)
    make_host(locus, actor)
