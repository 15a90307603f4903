"""``webex.messages.create`` with a local file: multipart upload, content URL, client checks."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from webex_meetings import APIStatusError, Webex
from webex_meetings.emulator import Emulator

# every byte value, CR/LF pairs and lone CRs, and a multipart-looking line
PAYLOAD = bytes(range(256)) + b"\r\n--boundary\r\n\r\n\rX\n" + os.urandom(4096)


async def _room(webex: Webex) -> str:
    await webex.wait_until_ready()
    room = await webex.rooms.create(title="uploads")
    return room.id


async def _download(emulator: Emulator, url: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(trust_env=False) as http:
        return await http.get(url, headers={"authorization": f"Bearer {token}"})


async def test_upload_bytes_then_download_them(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = connect()
    room_id = await _room(webex)
    await emulator.clear_requests()

    sent = await webex.messages.create(
        room_id=room_id, text="the log", files=[("trace.bin", PAYLOAD, "application/x-trace")]
    )

    posted = await emulator.requests(method="POST", path="/v1/messages")
    assert posted[0]["headers"]["content-type"].startswith("multipart/form-data; boundary=")
    assert sent.text == "the log"
    assert sent.files is not None
    assert len(sent.files) == 1
    fetched = await webex.messages.get(sent.id)
    assert fetched.files == sent.files
    response = await _download(emulator, sent.files[0], emulator.access_token)
    assert response.status_code == 200
    assert response.content == PAYLOAD
    assert response.headers["content-type"] == "application/x-trace"
    assert response.headers["content-disposition"] == 'attachment; filename="trace.bin"'


async def test_upload_a_path_guesses_the_type(
    emulator: Emulator, connect: Callable[..., Webex], tmp_path: Path
) -> None:
    webex = connect()
    room_id = await _room(webex)
    path = tmp_path / "notes.txt"
    path.write_bytes(b"line 1\r\nline 2\n")

    sent = await webex.messages.create(room_id=room_id, markdown="**notes**", files=[path])

    assert sent.files is not None
    response = await _download(emulator, sent.files[0], emulator.access_token)
    assert response.content == b"line 1\r\nline 2\n"
    assert response.headers["content-type"].startswith("text/plain")
    assert 'filename="notes.txt"' in response.headers["content-disposition"]


async def test_content_needs_the_token_and_membership(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = connect()
    room_id = await _room(webex)
    sent = await webex.messages.create(room_id=room_id, files=[("a.txt", b"secret")])
    assert sent.files is not None
    async with httpx.AsyncClient(trust_env=False) as http:
        anonymous = await http.get(sent.files[0])
    assert anonymous.status_code == 401
    outsider = await emulator.create_user(email="outsider@example.com")
    denied = await _download(emulator, sent.files[0], outsider["accessToken"])
    assert denied.status_code == 403


async def test_two_local_files_fail_before_any_request(
    emulator: Emulator, connect: Callable[..., Webex], tmp_path: Path
) -> None:
    webex = connect()
    room_id = await _room(webex)
    await emulator.clear_requests()
    with pytest.raises(ValueError, match="files: Webex takes one local file per message, got 2"):
        await webex.messages.create(
            room_id=room_id, files=[("a.txt", b"a"), tmp_path / "missing.txt"]
        )
    with pytest.raises(ValueError, match="files: a local file cannot be sent together with URLs"):
        await webex.messages.create(
            room_id=room_id, files=[("a.txt", b"a"), "https://example.com/b.png"]
        )
    assert await emulator.requests(method="POST", path="/v1/messages") == []


async def test_url_files_still_send_json(emulator: Emulator, connect: Callable[..., Webex]) -> None:
    webex = connect()
    room_id = await _room(webex)
    await emulator.clear_requests()
    url = "https://example.com/picture.png"

    sent = await webex.messages.create(room_id=room_id, text="look", files=[url])

    posted = await emulator.requests(method="POST", path="/v1/messages")
    assert posted[0]["headers"]["content-type"] == "application/json"
    assert sent.files == [url]


async def test_emulator_validates_multipart_fields_like_json(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = connect()
    room_id = await _room(webex)
    url = f"{emulator.hydra_url.rstrip('/')}/messages"
    headers = {"authorization": f"Bearer {emulator.access_token}"}
    async with httpx.AsyncClient(trust_env=False, headers=headers) as http:
        no_target = await http.post(url, data={"text": "hi"}, files={"files": ("a", b"x")})
        two_files = await http.post(
            url,
            data={"roomId": room_id},
            files=[("files", ("a", b"x")), ("files", ("b", b"y"))],
        )
        no_file = await http.post(url, data={"roomId": room_id, "text": "hi"}, files={})
        wrong_part = await http.post(url, data={"roomId": room_id}, files={"file": ("a", b"x")})
    assert no_target.status_code == 400
    assert "roomId" in no_target.json()["message"]
    assert two_files.status_code == 400
    assert "one file per message, got 2" in two_files.json()["message"]
    # httpx sends a form without files as urlencoded: not JSON, so the spec check fails
    assert no_file.status_code == 400
    assert wrong_part.status_code == 400
    assert "'files'" in wrong_part.json()["message"]


async def test_server_error_reaches_the_caller(
    emulator: Emulator, connect: Callable[..., Webex]
) -> None:
    webex = connect()
    await webex.wait_until_ready()
    with pytest.raises(APIStatusError) as caught:
        await webex.messages.create(room_id="bm90LWEtcm9vbQ", files=[("a.txt", b"a")])
    assert caught.value.status_code in (400, 404)
