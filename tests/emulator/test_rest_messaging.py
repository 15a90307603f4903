"""Rooms, memberships, messages, people and teams over real HTTP, plus errors and paging."""

from __future__ import annotations

import time

from webex_meetings.emulator.services.rest.spec import operation

from .rest_support import assert_webex_error, hydra


async def test_quickstart_flow_reads_back() -> None:
    async with hydra() as (emu, client):
        room = (await client.post("/rooms", json={"title": "Quickstart"})).json()
        for email in ("alice@example.com", "bob@example.com"):
            response = await client.post(
                "/memberships", json={"roomId": room["id"], "personEmail": email}
            )
            assert response.status_code == 200
            assert response.json()["personEmail"] == email
        posted = await client.post(
            "/messages",
            json={"roomId": room["id"], "markdown": "**Hello** <@personEmail:alice@example.com>"},
        )
        assert posted.status_code == 200
        message = posted.json()
        alice = (await client.get("/people", params={"email": "alice@example.com"})).json()
        assert message["mentionedPeople"] == [alice["items"][0]["id"]]
        assert message["html"].startswith("<p><strong>Hello</strong>")
        listed = (await client.get("/messages", params={"roomId": room["id"]})).json()
        assert [m["id"] for m in listed["items"]] == [message["id"]]
        got = (await client.get(f"/messages/{message['id']}")).json()
        assert got["markdown"] == "**Hello** <@personEmail:alice@example.com>"
        members = (await client.get("/memberships", params={"roomId": room["id"]})).json()
        emails = {m["personEmail"] for m in members["items"]}
        assert emails == {emu.person_email, "alice@example.com", "bob@example.com"}
        for schema_check in (("GET /messages", listed), ("GET /memberships", members)):
            validator = operation(schema_check[0]).response
            assert validator is not None
            assert validator.is_valid(schema_check[1])


async def test_threads_files_and_direct_messages() -> None:
    async with hydra() as (_, client):
        room = (await client.post("/rooms", json={"title": "T"})).json()["id"]
        parent = (await client.post("/messages", json={"roomId": room, "text": "p"})).json()
        reply = await client.post(
            "/messages",
            json={"roomId": room, "text": "r", "parentId": parent["id"], "files": ["http://x/f"]},
        )
        assert reply.json()["parentId"] == parent["id"]
        assert reply.json()["files"] == ["http://x/f"]
        thread = await client.get("/messages", params={"roomId": room, "parentId": parent["id"]})
        assert [m["text"] for m in thread.json()["items"]] == ["r"]
        direct = await client.post(
            "/messages", json={"toPersonEmail": "dm@example.com", "text": "hi"}
        )
        assert direct.json()["roomType"] == "direct"
        listed = await client.get("/messages/direct", params={"personEmail": "dm@example.com"})
        assert [m["text"] for m in listed.json()["items"]] == ["hi"]


async def test_message_requires_membership_and_unknown_ids_404() -> None:
    async with hydra() as (emu, client):
        room = (await client.post("/rooms", json={"title": "Private"})).json()["id"]
        other = await emu.create_user(email="outsider@example.com")
        headers = {"Authorization": f"Bearer {other['accessToken']}"}
        denied = await client.post("/messages", json={"roomId": room, "text": "x"}, headers=headers)
        assert_webex_error(denied, 403)
        missing = await client.get(f"/rooms/{room[:-4]}AAAA")
        body = assert_webex_error(missing, 404)
        assert "does not implement" not in body["message"]
        duplicate = await client.post(
            "/memberships", json={"roomId": room, "personId": emu.person_id}
        )
        assert_webex_error(duplicate, 409)


async def test_invalid_body_names_the_field() -> None:
    async with hydra() as (_, client):
        missing = await client.post("/rooms", json={})
        assert "title" in assert_webex_error(missing, 400)["message"]
        wrong = await client.post("/rooms", json={"title": 5})
        assert "title" in assert_webex_error(wrong, 400)["message"]
        query = await client.get("/messages")
        assert "roomId" in assert_webex_error(query, 400)["message"]
        garbage = await client.post(
            "/rooms", content=b"{", headers={"Content-Type": "application/json"}
        )
        assert_webex_error(garbage, 400)


async def test_auth_and_routing_gaps() -> None:
    async with hydra() as (_, client):
        assert_webex_error(await client.get("/rooms", headers={"Authorization": "Bearer x"}), 401)
        gap = await client.get("/foo")
        assert assert_webex_error(gap, 404)["message"] == (
            "The Webex emulator does not implement GET /v1/foo"
        )
        method = await client.patch("/rooms")
        assert "does not implement PATCH /v1/rooms" in assert_webex_error(method, 405)["message"]


async def test_people_crud_and_filters() -> None:
    async with hydra() as (emu, client):
        me = (await client.get("/people/me")).json()
        assert me["id"] == emu.person_id
        created = (
            await client.post("/people", json={"emails": ["p@example.com"], "displayName": "Pat Q"})
        ).json()
        by_name = (await client.get("/people", params={"displayName": "pat"})).json()
        assert [p["id"] for p in by_name["items"]] == [created["id"]]
        by_id = (await client.get("/people", params={"id": created["id"]})).json()
        assert len(by_id["items"]) == 1
        updated = await client.put(f"/people/{created['id']}", json={"displayName": "Pat R"})
        assert updated.json()["displayName"] == "Pat R"
        assert (await client.delete(f"/people/{created['id']}")).status_code == 204
        assert_webex_error(await client.get(f"/people/{created['id']}"), 404)
        conflict = await client.post("/people", json={"emails": [emu.person_email]})
        assert_webex_error(conflict, 409)


async def test_pagination_over_link_headers_with_bulk_seed() -> None:
    async with hydra() as (emu, client):
        started = time.perf_counter()
        seeded = await emu.seed(messages=10_000, rooms=150)
        assert time.perf_counter() - started < 5
        url: str | None = "/messages"
        params: dict[str, str] | None = {"roomId": seeded["messagesRoomId"], "max": "100"}
        seen: list[str] = []
        while url is not None:
            response = await client.get(url, params=params)
            assert response.status_code == 200
            seen.extend(m["id"] for m in response.json()["items"])
            link = response.links.get("next")
            url, params = (link["url"], None) if link else (None, None)
            if url is not None:
                assert url.startswith(emu.hydra_url)
        assert len(seen) == len(set(seen)) == 10_000
        rooms = await client.get("/rooms", params={"max": "5000"})
        # 150 seeded rooms plus the messages room; max above the 1000 limit is capped.
        assert len(rooms.json()["items"]) == 151
        first = await client.get("/rooms", params={"max": "100"})
        assert len(first.json()["items"]) == 100
        assert "next" in first.links
        second = await client.get(first.links["next"]["url"])
        assert len(second.json()["items"]) == 51
        assert "next" not in second.links
        assert_webex_error(await client.get("/rooms", params={"max": "0"}), 400)


async def test_teams_and_team_memberships() -> None:
    async with hydra() as (_, client):
        team = (await client.post("/teams", json={"name": "Team"})).json()
        rooms = (await client.get("/rooms", params={"teamId": team["id"]})).json()["items"]
        assert [r["title"] for r in rooms] == ["Team"]
        added = await client.post(
            "/team/memberships", json={"teamId": team["id"], "personEmail": "tm@example.com"}
        )
        assert added.status_code == 200
        listed = (await client.get("/team/memberships", params={"teamId": team["id"]})).json()
        assert len(listed["items"]) == 2
