"""TURN discovery, malformed ROAP, and the media server's lazy start (ROAP protocol).

None of these needs a peer connection, and the emulator must not load aiortc for them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from webex_meetings.emulator import ThreadedEmulator

from .locus_support import User, make_user, self_device
from .media_support import HEADERS, join, next_event, roap_event

TURN_REQUEST = {
    "messageType": "TURN_DISCOVERY_REQUEST",
    "version": "2",
    "seq": 0,
    "headers": HEADERS,
}


@pytest.fixture
def emu(webex_emulator: ThreadedEmulator) -> ThreadedEmulator:
    return webex_emulator


@pytest.fixture
async def user(emu: ThreadedEmulator) -> AsyncIterator[User]:
    async with httpx.AsyncClient(trust_env=False) as http:
        joined = await make_user(emu, http, seeded=True)
        yield joined
        await joined.close()


def _turn_in(connection: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(connection["remoteSdp"])["roapMessage"])


async def test_turn_discovery_inside_the_join(emu: ThreadedEmulator, user: User) -> None:
    room = emu.create_meeting_room(host_email=emu.person_email)
    local = json.dumps({"roapMessage": TURN_REQUEST, "reachability": {}})
    response = await user.join(emu, room["sipUrl"], localMedias=[{"localSdp": local}])
    assert response.status_code == 200, response.text
    (connection,) = response.json()["mediaConnections"]
    assert connection["mediaId"]
    turn = _turn_in(connection)
    assert turn["messageType"] == "TURN_DISCOVERY_RESPONSE"
    assert turn["seq"] == "0"
    # On loopback there is no relay to offer: the client goes on without TURN.
    assert turn["headers"] == ["noOkInTransaction"]
    device = self_device(response.json()["locus"], user.device_url)
    assert device["mediaConnections"] == [{"mediaId": connection["mediaId"], "type": "SDP"}]


async def test_turn_discovery_over_media_with_headers_and_a_new_media_id(
    emu: ThreadedEmulator, user: User
) -> None:
    m = await join(emu, user)
    emu.set_media_options(m.meeting, turn="always")
    old_id, m.media_id = m.media_id, ""  # a reconnection asks for a new media session
    answer = await m.put(TURN_REQUEST)
    (connection,) = answer["mediaConnections"]
    assert connection["mediaId"] not in ("", old_id)
    headers = _turn_in(connection)["headers"]
    assert headers[0] == "x-cisco-turn-url=turns:127.0.0.1:443?transport=tcp"
    assert headers[1] == "x-cisco-turn-username=emulator"
    assert headers[2].startswith("x-cisco-turn-password=")
    assert len(headers[2]) > 30
    assert headers[3] == "noOkInTransaction"
    me = self_device(answer["locus"], user.device_url)
    assert me["mediaConnections"] == [{"mediaId": connection["mediaId"], "type": "SDP"}]
    # Without includeAnswerInHttpResponse the response comes over Mercury.
    m.media_id = connection["mediaId"]
    emu.set_media_options(m.meeting, turn="never")
    quiet = await m.put({**TURN_REQUEST, "headers": []}, correlation_id="corr-turn")
    assert "roapMessage" not in json.loads(quiet["mediaConnections"][0]["remoteSdp"])
    event = await next_event(user, roap_event)
    assert event["correlationId"] == "corr-turn"
    assert event["message"]["messageType"] == "TURN_DISCOVERY_RESPONSE"
    assert event["message"]["headers"] == ["noOkInTransaction"]
    assert await m.roap({"messageType": "OK", "version": "2", "seq": 0}) is None


async def test_malformed_roap_and_unknown_media_id_are_refused(
    emu: ThreadedEmulator, user: User
) -> None:
    m = await join(emu, user)
    url = f"{m.self_url}/media"
    for roap in (
        {"messageType": "OFFER", "version": "2", "seq": 1},
        {"messageType": "BOGUS", "seq": 1},
        {"messageType": "TURN_DISCOVERY_RESPONSE", "seq": 0},
    ):
        body = {
            "device": {"url": user.device_url, "deviceType": "WEB"},
            "correlationId": "c",
            "localMedias": [{"mediaId": m.media_id, "localSdp": json.dumps({"roapMessage": roap})}],
        }
        refused = await user.request("PUT", url, json=body)
        assert refused.status_code == 400, roap
        assert refused.json()["errorCode"] == 2400100
    m.media_id = "not-a-media-id"
    body = {
        "device": {"url": user.device_url, "deviceType": "WEB"},
        "localMedias": [
            {"mediaId": m.media_id, "localSdp": json.dumps({"roapMessage": TURN_REQUEST})}
        ],
    }
    assert (await user.request("PUT", url, json=body)).status_code == 400


_LAZY = textwrap.dedent(
    """
    import asyncio, json, sys
    import httpx
    from webex_meetings.emulator import Emulator

    async def main():
        async with Emulator() as emu:
            room = await emu.create_meeting_room(host_email=emu.person_email)
            token = {"Authorization": f"Bearer {emu.access_token}"}
            async with httpx.AsyncClient(trust_env=False, headers=token) as http:
                device = (await http.post(f"{emu.base_url}/wdm/api/v1/devices",
                    json={"name": "t", "deviceType": "WEB"})).json()
                turn = {"messageType": "TURN_DISCOVERY_REQUEST", "version": "2", "seq": 0,
                        "headers": ["includeAnswerInHttpResponse"]}
                body = {"device": {"url": device["url"], "deviceType": "WEB"},
                        "invitee": {"address": room["sipUrl"]},
                        "localMedias": [{"localSdp": json.dumps({"roapMessage": turn})}]}
                joined = (await http.post(f"{emu.base_url}/locus/api/v1/loci/call",
                    json=body)).json()
                before = "aiortc" in sys.modules
                offer = {"messageType": "OFFER", "version": "2", "seq": 1,
                         "sdps": ["v=0 not really"], "headers": ["includeAnswerInHttpResponse"]}
                media = {"device": {"url": device["url"], "deviceType": "WEB"},
                         "localMedias": [{"mediaId": joined["mediaConnections"][0]["mediaId"],
                                          "localSdp": json.dumps({"roapMessage": offer})}]}
                put = await http.put(joined["locus"]["self"]["url"] + "/media", json=media)
                reply = json.loads(put.json()["mediaConnections"][0]["remoteSdp"])
                print(json.dumps({"before": before, "after": "aiortc" in sys.modules,
                                  "reply": reply["roapMessage"]}))

    asyncio.run(main())
    """
)


def test_aiortc_is_loaded_only_by_the_first_offer() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LAZY], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] is False
    assert seen["after"] is True
    # An SDP aiortc cannot apply is answered with a ROAP ERROR, not an HTTP error.
    assert seen["reply"]["messageType"] == "ERROR"
    assert seen["reply"]["errorType"] == "FAILED"
    assert seen["reply"]["seq"] == 1


async def test_placeholder_media_refuses_roap() -> None:
    from webex_meetings.emulator.services.locus.errors import LocusError
    from webex_meetings.emulator.services.locus.media import MediaRequest, PlaceholderMedia

    placeholder = PlaceholderMedia()
    request: Any = MediaRequest(
        locus=None,  # type: ignore[arg-type]
        participant=None,  # type: ignore[arg-type]
        device=None,  # type: ignore[arg-type]
        media_id="m",
        message={"messageType": "OFFER"},
        correlation_id="c",
    )
    with pytest.raises(LocusError) as caught:
        await placeholder.roap(request)
    assert caught.value.status == 501
    (entry,) = placeholder.open(request.locus, request.participant, request.device, {})
    assert entry["type"] == "SDP"
    assert entry["mediaId"]
