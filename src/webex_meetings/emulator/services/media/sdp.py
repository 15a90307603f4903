"""Small SDP readings and rewrites the media server needs (no WebRTC library involved)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIONS = ("sendrecv", "sendonly", "recvonly", "inactive")
_REVERSED = {"sendonly": "recvonly", "recvonly": "sendonly"}


@dataclass(frozen=True)
class MediaLine:
    """One ``m=`` section: its kind, ``mid``, direction and whether it carries slides."""

    kind: str
    mid: str | None
    direction: str
    slides: bool

    @property
    def label(self) -> str:
        """``audio``, ``video`` or ``share`` (video with ``a=content:slides``)."""
        return "share" if self.slides else self.kind

    @property
    def content(self) -> str:
        """``mediaContent`` of a Locus media session: ``slides`` or ``main``."""
        return "slides" if self.slides else "main"


def _lines(sdp: str) -> list[str]:
    return [line.rstrip("\r") for line in sdp.split("\n") if line.strip()]


def media_lines(sdp: str) -> list[MediaLine]:
    """Return the ``m=`` sections of ``sdp`` in order."""
    sections: list[list[str]] = []
    for line in _lines(sdp):
        if line.startswith("m="):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
    out = []
    for section in sections:
        kind = section[0][2:].split(" ", 1)[0]
        mid = next((line[6:] for line in section if line.startswith("a=mid:")), None)
        direction = next(
            (line[2:] for line in section if line[2:] in _DIRECTIONS and line.startswith("a=")),
            "sendrecv",
        )
        slides = "a=content:slides" in section
        out.append(MediaLine(kind=kind, mid=mid, direction=direction, slides=slides))
    return out


def reverse(direction: str) -> str:
    """The direction as seen from the other end."""
    return _REVERSED.get(direction, direction)


def ice_ufrag(sdp: str) -> str | None:
    """The first ``a=ice-ufrag`` value: a new one means a new ICE agent."""
    return next((line[12:] for line in _lines(sdp) if line.startswith("a=ice-ufrag:")), None)


def without_candidates(sdp: str) -> str:
    """Drop every ``a=candidate`` line: the other end then has nothing to connect to."""
    return re.sub(r"a=candidate:[^\r\n]*\r?\n", "", sdp)


def with_origin(sdp: str, username: str) -> str:
    """Set the ``o=`` username; clients read the media server type from it (ROAP protocol)."""
    return re.sub(r"^o=\S+", f"o={username}", sdp, count=1, flags=re.MULTILINE)
