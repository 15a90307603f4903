"""Builders of small Locus DTOs for the locus, members and in-meeting-actions tests."""

from __future__ import annotations

import copy
from typing import Any

LOCUS_URL = "https://locus-a.wbx2.com/locus/api/v1/loci/loc-1"
DEVICE_URL = "https://wdm-a.wbx2.com/wdm/api/v1/devices/dev-1"
CORRELATION_ID = "corr-1"
SELF_ID = "part-self"
SELF_PERSON = "person-self"


def seq(n: int) -> dict[str, Any]:
    return {"entries": [n], "rangeStart": 0, "rangeEnd": 0}


def sync_url(n: int, url: str = LOCUS_URL) -> str:
    return f"{url}/sync?since={n}"


def device(
    *, url: str = DEVICE_URL, state: str = "JOINED", intent: str | None = None, **extra: Any
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "url": url,
        "deviceType": "WEB",
        "state": state,
        "correlationId": CORRELATION_ID,
        **extra,
    }
    if intent is not None:
        out["intent"] = {"type": intent}
    return out


def participant(
    pid: str,
    *,
    person: str | None = None,
    name: str = "Someone",
    state: str = "JOINED",
    devices: list[dict[str, Any]] | None = None,
    roles: tuple[str, ...] = (),
    ptype: str = "USER",
    **extra: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": pid,
        "url": f"{LOCUS_URL}/participant/{pid}",
        "state": state,
        "type": ptype,
        "person": {"id": person or f"person-{pid}", "name": name},
        "identity": person or f"person-{pid}",
        "devices": [device(url=f"https://wdm/{pid}")] if devices is None else devices,
        "status": {"audioStatus": "SENDRECV", "videoStatus": "SENDRECV"},
        "controls": {
            "audio": {"muted": False},
            "video": {"muted": False},
            "role": {"roles": [{"type": r, "hasRole": True} for r in roles]},
        },
    }
    for key, value in extra.items():
        if key == "controls":
            out["controls"].update(value)
        else:
            out[key] = value
    return out


def self_part(
    *,
    state: str = "JOINED",
    intent: str | None = None,
    roles: tuple[str, ...] = (),
    audio: dict[str, Any] | None = None,
    video: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    out = participant(
        SELF_ID,
        person=SELF_PERSON,
        name="Me",
        state=state,
        devices=[device(state=state if state != "IDLE" else "IDLE", intent=intent)],
        roles=roles,
    )
    out["controls"]["audio"] = audio if audio is not None else {"muted": False}
    out["controls"]["video"] = video if video is not None else {"muted": False}
    out.update(extra)
    return out


def full_dto(n: int = 1, **sections: Any) -> dict[str, Any]:
    dto: dict[str, Any] = {
        "url": LOCUS_URL,
        "fullState": {"state": "ACTIVE", "type": "MEETING", "active": True, "locked": False},
        "host": {"id": SELF_PERSON, "name": "Me"},
        "info": {
            "sipUri": "room@example.webex.com",
            "displayHints": {
                "joined": ["LOCK_STATUS_UNLOCKED", "RAISE_HAND", "VOIP_IS_ENABLED"],
                "moderator": ["LOCK_CONTROL_LOCK", "LOCK_CONTROL_UNLOCK", "ADD_GUEST"],
                "coHost": ["MUTE_ALL"],
            },
        },
        "controls": {"lock": {"locked": False}, "record": {"recording": False, "meta": {}}},
        "self": self_part(),
        "participants": [self_part(), participant("part-2", name="Bob")],
        "mediaShares": [{"name": "content", "url": f"{LOCUS_URL}/mediashares/c1"}],
        "sequence": seq(n),
        "syncUrl": sync_url(n),
    }
    dto.update(copy.deepcopy(sections))
    return dto


def delta_dto(base: int, n: int, **sections: Any) -> dict[str, Any]:
    dto: dict[str, Any] = {
        "url": LOCUS_URL,
        "baseSequence": seq(base),
        "sequence": seq(n),
        "syncUrl": sync_url(n),
    }
    dto.update(copy.deepcopy(sections))
    return dto
