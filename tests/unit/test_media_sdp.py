"""SDP munging: golden strings for bandwidth, RTX, extmap, receive limits and slides."""

from __future__ import annotations

from webex_meetings import Webex
from webex_meetings.meetings.media.sdp import (
    SdpSettings,
    add_content_slides,
    macroblocks,
    munge,
    remove_extmap,
    remove_rtx,
    set_bandwidth,
    set_receive_limits,
    settings_from_config,
)

OFFER = "\r\n".join(
    [
        "v=0",
        "o=- 1 1 IN IP4 0.0.0.0",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0 1",
        "m=audio 9 UDP/TLS/RTP/SAVPF 96 0",
        "c=IN IP4 0.0.0.0",
        "a=sendrecv",
        "a=extmap:1 urn:ietf:params:rtp-hdrext:sdes:mid",
        "a=mid:0",
        "a=rtpmap:96 opus/48000/2",
        "a=rtpmap:0 PCMU/8000",
        "m=video 9 UDP/TLS/RTP/SAVPF 97 98 99 100",
        "c=IN IP4 0.0.0.0",
        "a=recvonly",
        "a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
        "a=mid:1",
        "a=ssrc-group:FID 111 222",
        "a=ssrc:111 cname:c",
        "a=ssrc:222 cname:c",
        "a=rtpmap:97 H264/90000",
        "a=rtcp-fb:97 nack",
        "a=fmtp:97 packetization-mode=1;profile-level-id=42e01f",
        "a=rtpmap:98 rtx/90000",
        "a=fmtp:98 apt=97",
        "a=rtpmap:99 VP8/90000",
        "a=rtpmap:100 rtx/90000",
        "a=fmtp:100 apt=99",
        "",
    ]
)


def _lines(sdp: str) -> list[str]:
    assert sdp.endswith("\r\n")
    return sdp.split("\r\n")[:-1]


def test_bandwidth_goes_after_the_connection_line() -> None:
    lines = _lines(set_bandwidth(OFFER, audio_bps=64000, video_bps=4000000))
    audio = lines.index("m=audio 9 UDP/TLS/RTP/SAVPF 96 0")
    assert lines[audio + 1 : audio + 4] == ["c=IN IP4 0.0.0.0", "b=TIAS:64000", "b=AS:64"]
    video = lines.index("m=video 9 UDP/TLS/RTP/SAVPF 97 98 99 100")
    assert lines[video + 2 : video + 4] == ["b=TIAS:4000000", "b=AS:4000"]
    again = set_bandwidth(
        set_bandwidth(OFFER, audio_bps=1, video_bps=0), audio_bps=2000, video_bps=0
    )
    assert again.count("b=TIAS") == 1
    assert "b=TIAS:2000" in again


def test_remove_rtx_drops_payloads_lines_and_ssrc() -> None:
    lines = _lines(remove_rtx(OFFER))
    assert "m=video 9 UDP/TLS/RTP/SAVPF 97 99" in lines
    assert not [line for line in lines if "rtx" in line or "apt=" in line]
    assert "a=ssrc:222 cname:c" not in lines
    assert "a=ssrc:111 cname:c" in lines
    assert not [line for line in lines if line.startswith("a=ssrc-group")]
    assert "a=fmtp:97 packetization-mode=1;profile-level-id=42e01f" in lines


def test_remove_extmap() -> None:
    assert "extmap" not in remove_extmap(OFFER)
    assert remove_extmap(OFFER).count("\r\n") == OFFER.count("\r\n") - 2


def test_receive_limits_per_codec() -> None:
    lines = _lines(set_receive_limits(OFFER, 1, max_fs=3600, max_fr=30))
    assert (
        "a=fmtp:97 packetization-mode=1;profile-level-id=42e01f;max-fs=3600;max-mbps=108000"
        in lines
    )
    vp8 = lines.index("a=rtpmap:99 VP8/90000")
    assert lines[vp8 + 1] == "a=fmtp:99 max-fs=3600;max-fr=30"
    assert set_receive_limits(OFFER, 0, max_fs=3600) == OFFER  # audio: untouched


def test_content_slides_after_mid() -> None:
    lines = _lines(add_content_slides(OFFER, 1))
    assert lines[lines.index("a=mid:1") + 1] == "a=content:slides"
    assert add_content_slides(add_content_slides(OFFER, 1), 1).count("a=content:slides") == 1


def test_munge_with_js_defaults() -> None:
    settings = SdpSettings(video_max_fs=3600, video_max_fr=30, share_index=None)
    munged = munge(OFFER, settings)
    assert "extmap" not in munged  # enableExtmap defaults to false
    assert "rtx/90000" in munged  # enableRtx defaults to true
    assert "b=AS:64" in munged
    assert "b=AS:4000" in munged
    assert "a=content" not in munged
    assert "rtx" not in munge(OFFER, SdpSettings(enable_rtx=False))
    assert "extmap" in munge(OFFER, SdpSettings(enable_extmap=True))
    shared = munge(OFFER, SdpSettings(share_index=1, share_max_fs=8160, share_max_fr=5))
    assert "a=content:slides" in shared
    assert "a=fmtp:99 max-fs=8160;max-fr=5" in shared


def test_settings_from_config() -> None:
    webex = Webex.init(
        credentials="t" * 40,
        config={
            "meetings": {
                "bandwidth": {"audio": 32000, "video": 1000000},
                "enableRtx": False,
                "enableExtMap": True,
                "resolution": {"maxWidth": 640, "maxHeight": 360},
                "videoShareFrameRate": 15,
            }
        },
    )
    settings = settings_from_config(webex.config.meetings)
    assert settings.audio_bps == 32000
    assert settings.video_bps == 1000000
    assert settings.enable_rtx is False
    assert settings.enable_extmap is True
    assert settings.video_max_fs == macroblocks(640, 360) == 920
    assert settings.share_max_fs == macroblocks(1920, 1080) == 8160
    assert settings.share_max_fr == 15
    assert settings.share_index == 2
