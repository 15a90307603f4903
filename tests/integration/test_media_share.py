"""Screen share end to end: Locus floors both ways, and the share as a third media track.

A simulated participant's share reaches a bot as ``meeting:startedSharingRemote`` and
then ``media:ready {type: "remoteShare"}``, whose track carries the media server's real
video frames; a bot publishing a screen-share track takes the content floor, which
another bot sees, along with the frames the media server forwards. Everything runs over
loopback sockets against the emulator.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from webex_meetings import Webex
from webex_meetings.emulator import Emulator
from webex_meetings.meetings import Meeting
from webex_meetings.meetings.errors import ShareFloorError
from webex_meetings.meetings.media import MediaKind
from webex_meetings.meetings.media.sources import BlackVideoTrack
from webex_meetings.meetings.share import ScreenShareFloorState, ShareStatus

from ._meetings import WAIT, Recorder, host_of, registered

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SHARE_EVENTS = (
    "meeting:startedSharingRemote",
    "meeting:stoppedSharingRemote",
    "meeting:startedSharingLocal",
    "meeting:stoppedSharingLocal",
    "media:ready",
    "media:stopped",
)


@pytest.fixture(autouse=True)
def _loopback_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    import aioice.ice

    monkeypatch.setattr(aioice.ice, "get_host_addresses", lambda *_, **__: ["127.0.0.1"])


class _MovingTrack(BlackVideoTrack):
    """Black frames with a white band moving down: a screen share that changes."""

    def __init__(self) -> None:
        super().__init__(width=256, height=144, fps=10)
        self._index = 0

    async def recv(self) -> Any:
        frame = await super().recv()
        luma = frame.planes[0]
        top = (self._index * 8) % (self.height - 16)
        self._index += 1
        rows = [b"\xeb" if top <= row < top + 16 else b"\x10" for row in range(self.height)]
        luma.update(b"".join(value * luma.line_size for value in rows))
        return frame


def _share_types(events: Recorder, name: str) -> list[str]:
    return [p["type"] for p in events.payloads(name) if p["type"] == "remoteShare"]


def _content_floor(locus: dict[str, Any]) -> dict[str, Any]:
    content = next(s for s in locus["mediaShares"] if s["name"] == "content")
    return dict(content.get("floor") or {})


def _is_sharing(meeting: Meeting, member_id: str) -> bool:
    member = meeting.members.members_collection.get(member_id)
    assert member is not None
    return bool(member.is_content_sharing)


async def test_a_simulated_share_arrives_as_a_third_track_with_real_frames(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(title="Share")
    webex = await registered(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    events = Recorder(meeting, *SHARE_EVENTS)
    await meeting.join_with_media(audio="recvonly", video="recvonly", share="recvonly")
    presenter = await emulator.add_participant(room["sipUrl"], name="Presenter")
    assert meeting.share_status is ShareStatus.NO_SHARE

    entry = await emulator.start_share(room["sipUrl"], presenter)
    await events.until(lambda: bool(_share_types(events, "media:ready")))
    order = [name for name, p in events.seen if name != "media:ready" or p["type"] == "remoteShare"]
    assert order.index("meeting:startedSharingRemote") < order.index("media:ready")
    assert events.payloads("meeting:startedSharingRemote") == [
        {
            "memberId": presenter,
            "url": entry["url"],
            "shareInstanceId": entry["floor"]["shareInstanceId"],
            "annotationInfo": None,
            "resourceType": None,
        }
    ]
    assert meeting.share_status is ShareStatus.REMOTE_SHARE_ACTIVE
    assert _is_sharing(meeting, presenter)
    ready = next(p for p in events.payloads("media:ready") if p["type"] == "remoteShare")
    track = ready["track"]
    assert ready["stream"] is track
    async with asyncio.timeout(WAIT):
        frames = [await track.recv() for _ in range(3)]
    # The media server's synthetic content picture, decoded from real RTP.
    assert {(frame.width, frame.height) for frame in frames} == {(320, 180)}

    await emulator.stop_share(room["sipUrl"])
    await events.until(lambda: bool(_share_types(events, "media:stopped")))
    assert "meeting:stoppedSharingRemote" in events.names()
    assert meeting.share_status is ShareStatus.NO_SHARE
    assert not _is_sharing(meeting, presenter)
    assert track.readyState == "ended"

    # The next share is a new media:ready with a new reader.
    await emulator.start_share(room["sipUrl"], presenter)
    await events.until(lambda: len(_share_types(events, "media:ready")) == 2)
    second = [p for p in events.payloads("media:ready") if p["type"] == "remoteShare"][1]
    assert second["track"] is not track
    async with asyncio.timeout(WAIT):
        await second["track"].recv()
    await meeting.leave()
    assert _share_types(events, "media:stopped") == ["remoteShare", "remoteShare"]


async def test_publishing_a_screen_share_takes_the_floor_another_bot_sees_it(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(title="Share")
    sharer_webex = await registered(emulator, connect)
    viewer_webex = await host_of(emulator, connect, room)
    sharer = await sharer_webex.meetings.create(room["sipUrl"])
    viewer = await viewer_webex.meetings.create(room["sipUrl"])
    mine, theirs = Recorder(sharer, *SHARE_EVENTS), Recorder(viewer, *SHARE_EVENTS)
    await viewer.join()
    await sharer.join_with_media(audio="recvonly", video=False, share=True)

    screen = BlackVideoTrack()
    await sharer.publish_streams(screen_share=screen)
    assert sharer.screen_share_floor_state is ScreenShareFloorState.GRANTED
    await mine.until(lambda: "meeting:startedSharingLocal" in mine.names())
    await theirs.until(lambda: "meeting:startedSharingRemote" in theirs.names())
    assert sharer.share_status is ShareStatus.LOCAL_SHARE_ACTIVE
    assert viewer.share_status is ShareStatus.REMOTE_SHARE_ACTIVE
    assert theirs.payloads("meeting:startedSharingRemote")[0]["memberId"] == sharer.self_id
    assert _is_sharing(viewer, str(sharer.self_id))
    floor = _content_floor(await emulator.locus(room["sipUrl"]))
    assert floor["disposition"] == "GRANTED"
    assert floor["beneficiary"]["id"] == sharer.self_id
    assert floor["beneficiary"]["deviceUrl"] == sharer.device_url
    assert floor["shareInstanceId"] == sharer.share_floor.local_share_instance_id

    await sharer.unpublish_streams(screen)
    assert sharer.screen_share_floor_state is ScreenShareFloorState.RELEASED
    await mine.until(lambda: "meeting:stoppedSharingLocal" in mine.names())
    await theirs.until(lambda: "meeting:stoppedSharingRemote" in theirs.names())
    assert mine.payloads("meeting:stoppedSharingLocal") == [{"reason": "SELF_STOPPED"}]
    assert sharer.share_status is viewer.share_status is ShareStatus.NO_SHARE
    assert _content_floor(await emulator.locus(room["sipUrl"]))["disposition"] == "RELEASED"
    assert sharer.media.connection is not None
    assert sharer.media.connection.local_track(MediaKind.SHARE) is None
    await sharer.leave()
    await viewer.leave()


async def test_a_bots_share_is_forwarded_to_the_other_bot(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(title="Share")
    sharer = await (await registered(emulator, connect)).meetings.create(room["sipUrl"])
    viewer = await (await host_of(emulator, connect, room)).meetings.create(room["sipUrl"])
    theirs = Recorder(viewer, *SHARE_EVENTS)
    await viewer.join_with_media(audio="recvonly", video=False, share="recvonly")
    await sharer.join_with_media(audio="recvonly", video=False, share=True)

    screen = _MovingTrack()
    await sharer.publish_streams(screen_share=screen)
    await theirs.until(lambda: bool(_share_types(theirs, "media:ready")))
    ready = next(p for p in theirs.payloads("media:ready") if p["type"] == "remoteShare")
    async with asyncio.timeout(WAIT):
        frames = [await ready["track"].recv() for _ in range(3)]
    # The sharer's own picture size (the synthetic share is 320x180), decoded from RTP.
    assert {(frame.width, frame.height) for frame in frames} == {(256, 144)}
    relay = {
        s["participantId"]: s["relay"]["contentOutFromOthers"]
        for s in await emulator.media_sessions(room["sipUrl"])
    }
    assert relay[viewer.self_id] >= 3
    assert relay[sharer.self_id] == 0  # a share is not sent back to its sharer

    await sharer.unpublish_streams(screen)
    await theirs.until(lambda: "meeting:stoppedSharingRemote" in theirs.names())
    await theirs.until(lambda: bool(_share_types(theirs, "media:stopped")))
    await sharer.leave()
    await viewer.leave()


async def test_a_refused_floor_request_raises_and_unpublishes(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    room = await emulator.create_meeting_room(title="Presenters only")
    host_webex = await host_of(emulator, connect, room)
    host = await host_webex.meetings.create(room["sipUrl"])
    await host.join()
    assert host.locus_url is not None
    await host.requests.patch_controls(
        host.locus_url, {"shareControl": {"control": "MODERATOR_PRESENTER"}}
    )
    webex = await registered(emulator, connect)
    meeting = await webex.meetings.create(room["sipUrl"])
    await meeting.join_with_media(audio="recvonly", video=False, share=True)

    with pytest.raises(ShareFloorError) as refused:
        await meeting.publish_streams(screen_share=BlackVideoTrack())
    assert refused.value.status_code == 403
    assert meeting.screen_share_floor_state is ScreenShareFloorState.RELEASED
    assert meeting.media.connection is not None
    assert meeting.media.connection.local_track(MediaKind.SHARE) is None
    assert meeting.share_status is ShareStatus.NO_SHARE
    await meeting.leave()
    await host.leave()


class _StubMeeting:
    """What ``ShareFloor`` reads from its meeting, recording what it does."""

    def __init__(self) -> None:
        self.self_id = "me"
        self.device_url = "https://wdm/mine"
        self.emitted: list[tuple[str, Any]] = []
        self.active: list[bool] = []
        self.spawned: list[str] = []
        self.media = self
        self.remote_share = self
        self._meetings = self

    def emit(self, event: str, *args: Any) -> bool:
        self.emitted.append((event, args[0] if args else None))
        return True

    def set_active(self, active: bool) -> None:
        self.active.append(active)

    def _spawn(self, coro: Any, *, name: str) -> None:
        coro.close()
        self.spawned.append(name)


def _floors(
    content: tuple[str | None, str | None, str | None] = (None, None, None),
    whiteboard: tuple[str | None, str | None] = (None, None),
) -> dict[str, Any]:
    beneficiary, disposition, device = content
    return {
        "content": {
            "beneficiaryId": beneficiary,
            "disposition": disposition,
            "deviceUrlSharing": device,
            "url": "https://locus/mediashares/c",
            "shareInstanceId": f"{beneficiary}-share",
        },
        "whiteboard": {
            "beneficiaryId": whiteboard[0],
            "disposition": whiteboard[1],
            "resourceUrl": "https://board" if whiteboard[1] else None,
        },
    }


def test_the_share_status_follows_the_floors_as_in_js() -> None:
    from webex_meetings.meetings.share import ShareFloor

    stub = _StubMeeting()
    share = ShareFloor(stub)  # type: ignore[arg-type]
    steps: list[tuple[dict[str, Any], ShareStatus, list[str]]] = [
        (_floors(), ShareStatus.NO_SHARE, []),
        (
            _floors(("me", "GRANTED", "https://wdm/mine")),
            ShareStatus.LOCAL_SHARE_ACTIVE,
            ["meeting:startedSharingLocal"],
        ),
        # Someone takes the floor from this device: our share is unpublished.
        (
            _floors(("bob", "GRANTED", "https://wdm/bob")),
            ShareStatus.REMOTE_SHARE_ACTIVE,
            ["meeting:stoppedSharingLocal", "meeting:startedSharingRemote"],
        ),
        # A remote sharer takes over from another one: started again, no stop.
        (
            _floors(("carol", "GRANTED", "https://wdm/carol")),
            ShareStatus.REMOTE_SHARE_ACTIVE,
            ["meeting:startedSharingRemote"],
        ),
        # Self sharing from another device counts as remote.
        (
            _floors(("me", "GRANTED", "https://wdm/phone")),
            ShareStatus.REMOTE_SHARE_ACTIVE,
            ["meeting:startedSharingRemote"],
        ),
        (
            _floors(("me", "RELEASED", "https://wdm/phone"), ("bob", "GRANTED")),
            ShareStatus.WHITEBOARD_SHARE_ACTIVE,
            ["meeting:stoppedSharingRemote", "meeting:startedSharingWhiteboard"],
        ),
        (
            _floors(("me", "RELEASED", "https://wdm/phone"), ("bob", "RELEASED")),
            ShareStatus.NO_SHARE,
            ["meeting:stoppedSharingWhiteboard"],
        ),
    ]
    previous: dict[str, Any] | None = None
    for floors, status, expected in steps:
        stub.emitted.clear()
        share.on_media_shares(floors, previous)
        assert share.status is status, floors
        assert [name for name, _ in stub.emitted] == expected, floors
        previous = floors
    assert stub.spawned == ["meeting-share-taken-over"]
    assert stub.active == [True, True, True, False]
    # The same floors again emit nothing.
    stub.emitted.clear()
    share.on_media_shares(previous, previous)  # type: ignore[arg-type]
    assert stub.emitted == []


def test_share_watcher_example_counts_frames(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "WEBEX_ACCESS_TOKEN"}
    result = subprocess.run(
        [
            sys.executable,
            str(EXAMPLES / "share_watcher.py"),
            "--frames",
            "5",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Presenter started sharing" in result.stdout
    assert "5 frames of 320x180" in result.stdout
    assert "Presenter stopped sharing" in result.stdout
    assert len(list(tmp_path.glob("*.png"))) == 5
