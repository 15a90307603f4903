"""SDP munging for the settings aiortc has no API for (pure string functions).

Applied to every local SDP before it is sent (ROAP protocol); the server's answer only
holds what our SDP offered, so removals take effect on both directions:

* ``b=TIAS`` (bps) and ``b=AS`` (kbps) per m-section: the bitrate we ask the remote to
  send at most (``bandwidth.audio`` / ``bandwidth.video``);
* ``max-fs`` / ``max-fr`` (VP8) and ``max-fs`` / ``max-mbps`` (H.264) in the video and
  share ``a=fmtp`` lines: the largest picture and rate we want to receive
  (``resolution``, ``screenResolution``, ``videoShareFrameRate``);
* RTX payload types, their ``a=fmtp``/``a=rtcp-fb`` lines, the ``FID`` group and the
  RTX SSRC removed when ``enableRtx`` is false;
* ``a=extmap`` lines removed unless ``enableExtmap`` (the JS default strips them);
* ``a=content:slides`` on the screen-share m-section.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from webex_meetings._config_meetings import MeetingsConfig

__all__ = [
    "SdpSettings",
    "add_content_slides",
    "macroblocks",
    "munge",
    "remove_extmap",
    "remove_rtx",
    "set_bandwidth",
    "set_receive_limits",
    "settings_from_config",
    "split_sections",
]

#: Frame rate written as the main video's receive limit (cameras run at 30 fps in JS).
CAMERA_FRAME_RATE: Final = 30

_CRLF: Final = "\r\n"
_RTPMAP: Final = re.compile(r"^a=rtpmap:(\d+) ([^/\s]+)/")
_PT_LINE: Final = re.compile(r"^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)\s")


@dataclass(frozen=True)
class SdpSettings:
    """What :func:`munge` writes into an SDP.

    Attributes:
        audio_bps: audio bandwidth (``b=TIAS``); 0 leaves it out.
        video_bps: video and share bandwidth; 0 leaves it out.
        enable_rtx: keep RTX.
        enable_extmap: keep RTP header extensions.
        video_max_fs: macroblocks per frame for the main video (0 leaves it out).
        video_max_fr: frames per second for the main video.
        share_max_fs: macroblocks per frame for screen share.
        share_max_fr: frames per second for screen share.
        share_index: m-section index of the screen-share video (None: no share line).
    """

    audio_bps: int = 64000
    video_bps: int = 4000000
    enable_rtx: bool = True
    enable_extmap: bool = False
    video_max_fs: int = 0
    video_max_fr: int = 0
    share_max_fs: int = 0
    share_max_fr: int = 0
    share_index: int | None = 2


def settings_from_config(config: MeetingsConfig) -> SdpSettings:
    """The rewrites ``config.meetings`` asks for."""
    video, screen = config.resolution, config.screen_resolution
    return SdpSettings(
        audio_bps=config.bandwidth.audio,
        video_bps=config.bandwidth.video,
        enable_rtx=config.enable_rtx,
        enable_extmap=config.enable_extmap,
        video_max_fs=macroblocks(video.max_width, video.max_height),
        video_max_fr=CAMERA_FRAME_RATE,
        share_max_fs=macroblocks(screen.max_width, screen.max_height),
        share_max_fr=config.video_share_frame_rate,
    )


def macroblocks(width: int, height: int) -> int:
    """16x16 macroblocks in a ``width`` x ``height`` picture (the unit of ``max-fs``)."""
    return math.ceil(width / 16) * math.ceil(height / 16)


def split_sections(sdp: str) -> tuple[list[str], list[list[str]]]:
    """Split an SDP into its session lines and one line list per m-section."""
    lines = [line for line in sdp.replace(_CRLF, "\n").split("\n") if line]
    session: list[str] = []
    sections: list[list[str]] = []
    for line in lines:
        if line.startswith("m="):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
        else:
            session.append(line)
    return session, sections


def _join(session: list[str], sections: list[list[str]]) -> str:
    lines = session + [line for section in sections for line in section]
    return _CRLF.join(lines) + _CRLF


def _kind(section: list[str]) -> str:
    return section[0][2:].split(" ", 1)[0]


def _codecs(section: list[str]) -> dict[int, str]:
    found: dict[int, str] = {}
    for line in section:
        match = _RTPMAP.match(line)
        if match:
            found[int(match.group(1))] = match.group(2).lower()
    return found


def _set_section_bandwidth(section: list[str], bps: int) -> list[str]:
    kept = [line for line in section if not line.startswith("b=")]
    # RFC 4566 order: m=, i=, c=, b=, then attributes.
    at = 1
    while at < len(kept) and kept[at][:2] in ("i=", "c="):
        at += 1
    return [*kept[:at], f"b=TIAS:{bps}", f"b=AS:{max(1, bps // 1000)}", *kept[at:]]


def set_bandwidth(sdp: str, *, audio_bps: int, video_bps: int) -> str:
    """Write ``b=TIAS``/``b=AS`` into audio and video m-sections (0 leaves a kind alone)."""
    session, sections = split_sections(sdp)
    out = []
    for section in sections:
        bps = {"audio": audio_bps, "video": video_bps}.get(_kind(section), 0)
        out.append(_set_section_bandwidth(section, bps) if bps > 0 else section)
    return _join(session, out)


def remove_rtx(sdp: str) -> str:
    """Drop RTX payload types, their attribute lines, ``FID`` groups and RTX SSRCs."""
    session, sections = split_sections(sdp)
    out = []
    for section in sections:
        rtx = {pt for pt, name in _codecs(section).items() if name == "rtx"}
        rtx_ssrcs: set[str] = set()
        for line in section:
            if line.startswith("a=ssrc-group:FID "):
                rtx_ssrcs.update(line.split()[2:])
        kept: list[str] = []
        for line in section:
            match = _PT_LINE.match(line)
            if match and int(match.group(1)) in rtx:
                continue
            if line.startswith("a=ssrc-group:FID "):
                continue
            if line.startswith("a=ssrc:") and line[7:].split(" ", 1)[0] in rtx_ssrcs:
                continue
            kept.append(line)
        if rtx:
            parts = kept[0].split(" ")
            kept[0] = " ".join(
                parts[:3] + [p for p in parts[3:] if not p.isdigit() or int(p) not in rtx]
            )
        out.append(kept)
    return _join(session, out)


def remove_extmap(sdp: str) -> str:
    """Drop ``a=extmap`` and ``a=extmap-allow-mixed`` lines."""
    session, sections = split_sections(sdp)

    def keep(line: str) -> bool:
        return not line.startswith("a=extmap")

    return _join([s for s in session if keep(s)], [[s for s in sec if keep(s)] for sec in sections])


def _with_params(line: str, params: dict[str, int]) -> str:
    head, _, existing = line.partition(" ")
    values = [p for p in existing.split(";") if p and p.split("=", 1)[0] not in params]
    values += [f"{key}={value}" for key, value in params.items()]
    return f"{head} {';'.join(values)}"


def _limit_section(section: list[str], max_fs: int, max_fr: int) -> list[str]:
    codecs = _codecs(section)
    params_for: dict[int, dict[str, int]] = {}
    for pt, name in codecs.items():
        if name == "vp8":
            params_for[pt] = {"max-fs": max_fs, **({"max-fr": max_fr} if max_fr else {})}
        elif name == "h264":
            params_for[pt] = {"max-fs": max_fs, **({"max-mbps": max_fs * max_fr} if max_fr else {})}
    out: list[str] = []
    done: set[int] = set()
    for line in section:
        match = _PT_LINE.match(line)
        pt = int(match.group(1)) if match else -1
        if pt in params_for and line.startswith("a=fmtp:"):
            out.append(_with_params(line, params_for[pt]))
            done.add(pt)
        else:
            out.append(line)
    for pt, params in params_for.items():
        if pt in done:
            continue
        # No fmtp line yet (aiortc writes none for VP8): add one after the rtpmap.
        at = next(i for i, line in enumerate(out) if line.startswith(f"a=rtpmap:{pt} "))
        out.insert(at + 1, _with_params(f"a=fmtp:{pt} ", params))
    return out


def set_receive_limits(sdp: str, index: int, *, max_fs: int, max_fr: int = 0) -> str:
    """Write receive limits into the video codecs of the m-section at ``index``."""
    session, sections = split_sections(sdp)
    if max_fs <= 0 or index >= len(sections) or _kind(sections[index]) != "video":
        return sdp
    sections[index] = _limit_section(sections[index], max_fs, max_fr)
    return _join(session, sections)


def add_content_slides(sdp: str, index: int) -> str:
    """Mark the m-section at ``index`` as screen share (``a=content:slides``)."""
    session, sections = split_sections(sdp)
    if index >= len(sections) or any(line.startswith("a=content:") for line in sections[index]):
        return sdp
    section = sections[index]
    at = next((i for i, line in enumerate(section) if line.startswith("a=mid:")), len(section) - 1)
    section.insert(at + 1, "a=content:slides")
    return _join(session, sections)


def munge(sdp: str, settings: SdpSettings) -> str:
    """Apply every rewrite :class:`SdpSettings` asks for."""
    if not settings.enable_rtx:
        sdp = remove_rtx(sdp)
    if not settings.enable_extmap:
        sdp = remove_extmap(sdp)
    sdp = set_bandwidth(sdp, audio_bps=settings.audio_bps, video_bps=settings.video_bps)
    video_indexes = [
        i for i, section in enumerate(split_sections(sdp)[1]) if _kind(section) == "video"
    ]
    for index in video_indexes:
        if index == settings.share_index:
            sdp = set_receive_limits(
                sdp, index, max_fs=settings.share_max_fs, max_fr=settings.share_max_fr
            )
            sdp = add_content_slides(sdp, index)
        else:
            sdp = set_receive_limits(
                sdp, index, max_fs=settings.video_max_fs, max_fr=settings.video_max_fr
            )
    return sdp
