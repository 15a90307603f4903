"""Tests for the storage adapters and the Store facade."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import sqlite3
import stat
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from webex_meetings._exceptions import StorageCorruptError, StorageError, StorageNotFoundError
from webex_meetings.storage import (
    JsonFileStoreAdapter,
    MemoryStoreAdapter,
    SqliteStoreAdapter,
    StorageAdapter,
    StorageBinding,
    Store,
)

SECRET = "tok-SECRET-4f9a1c"  # a stand-in access token that must never leak

Adapter = MemoryStoreAdapter | JsonFileStoreAdapter | SqliteStoreAdapter
Factory = Callable[[], Adapter]


def _factory(kind: str, tmp_path: Path) -> Factory:
    if kind == "memory":
        shared = MemoryStoreAdapter()
        return lambda: shared
    if kind == "file":
        return lambda: JsonFileStoreAdapter(tmp_path / "state" / "webex.json")
    return lambda: SqliteStoreAdapter(tmp_path / "state" / "webex.db")


@pytest.fixture(params=["memory", "file", "sqlite"])
def make_adapter(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    return _factory(request.param, tmp_path)


@pytest.fixture(params=["file", "sqlite"])
def make_persistent(request: pytest.FixtureRequest, tmp_path: Path) -> Factory:
    return _factory(request.param, tmp_path)


@pytest.fixture
async def adapter(make_adapter: Factory) -> AsyncIterator[Adapter]:
    instance = make_adapter()
    yield instance
    await instance.close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# -- the adapter contract, for every built-in adapter ------------------------------------


async def test_get_missing_raises_not_found_naming_namespace_and_key(adapter: Adapter) -> None:
    binding = await adapter.bind("Credentials")
    with pytest.raises(StorageNotFoundError) as info:
        await binding.get("supertoken")
    assert isinstance(info.value, KeyError)
    assert isinstance(info.value, StorageError)
    assert "Credentials" in str(info.value)
    assert "supertoken" in str(info.value)


async def test_put_get_roundtrip_nested(adapter: Adapter) -> None:
    value = {
        "supertoken": {"access_token": SECRET, "expires_in": 1209600, "scopes": ["a", "b"]},
        "nested": [1, 2.5, True, False, None, {"deep": {"deeper": "ü✓"}}],
    }
    binding = await adapter.bind("Credentials")
    await binding.put("@", value)
    assert await binding.get("@") == value
    await binding.put("count", 3)
    assert await binding.get("count") == 3
    await binding.put("@", "replaced")
    assert await binding.get("@") == "replaced"


async def test_put_none_deletes(adapter: Adapter) -> None:
    binding = await adapter.bind("Device")
    await binding.put("url", "https://wdm.example/devices/1")
    await binding.put("url", None)
    with pytest.raises(StorageNotFoundError):
        await binding.get("url")
    assert await binding.keys() == []


async def test_delete_removes_and_missing_key_is_not_an_error(adapter: Adapter) -> None:
    binding = await adapter.bind("Device")
    await binding.put("a", 1)
    await binding.put("b", 2)
    await binding.delete("a")
    await binding.delete("never-stored")
    assert await binding.keys() == ["b"]
    with pytest.raises(StorageNotFoundError):
        await binding.get("a")


async def test_namespaces_are_isolated(adapter: Adapter) -> None:
    creds = await adapter.bind("Credentials")
    device = await adapter.bind("Device")
    await creds.put("@", {"token": SECRET})
    await device.put("@", {"url": "https://wdm.example/d"})
    assert await creds.get("@") == {"token": SECRET}
    assert await device.get("@") == {"url": "https://wdm.example/d"}
    await creds.delete("@")
    assert await device.get("@") == {"url": "https://wdm.example/d"}


async def test_clear_clears_only_its_namespace(adapter: Adapter) -> None:
    creds = await adapter.bind("Credentials")
    device = await adapter.bind("Device")
    await creds.put("a", 1)
    await creds.put("b", 2)
    await device.put("a", 10)
    await creds.clear()
    assert await creds.keys() == []
    with pytest.raises(StorageNotFoundError):
        await creds.get("a")
    assert await device.get("a") == 10
    assert await device.keys() == ["a"]


async def test_keys_lists_the_namespace(adapter: Adapter) -> None:
    binding = await adapter.bind("Reachability")
    assert await binding.keys() == []
    for key in ("zeta", "alpha", "mid"):
        await binding.put(key, key.upper())
    assert sorted(await binding.keys()) == ["alpha", "mid", "zeta"]
    other = await adapter.bind("Other")
    assert await other.keys() == []


async def test_bindings_satisfy_the_protocols(adapter: Adapter) -> None:
    assert isinstance(adapter, StorageAdapter)
    binding = await adapter.bind("Credentials")
    assert isinstance(binding, StorageBinding)


async def test_get_returns_an_independent_copy(adapter: Adapter) -> None:
    binding = await adapter.bind("Device")
    original = {"features": {"flags": ["x"]}}
    await binding.put("@", original)
    original["features"]["flags"].append("mutated-after-put")
    got = await binding.get("@")
    assert got == {"features": {"flags": ["x"]}}
    got["features"]["flags"].append("mutated-after-get")
    assert await binding.get("@") == {"features": {"flags": ["x"]}}


async def test_non_json_value_is_rejected_and_nothing_is_stored(adapter: Adapter) -> None:
    binding = await adapter.bind("Device")
    with pytest.raises(TypeError, match="'Device'/'bad'"):
        await binding.put("bad", {"when": object()})
    with pytest.raises(ValueError, match="'Device'/'nan'"):
        await binding.put("nan", float("nan"))
    assert await binding.keys() == []


async def test_invalid_names_are_rejected(adapter: Adapter) -> None:
    with pytest.raises(ValueError, match="namespace"):
        await adapter.bind("")
    binding = await adapter.bind("Device")
    with pytest.raises(TypeError, match="key"):
        await binding.put(1, "x")  # type: ignore[arg-type]


async def test_fifty_concurrent_puts_all_land(make_adapter: Factory) -> None:
    adapter = make_adapter()
    binding = await adapter.bind("Bot")
    await asyncio.gather(*(binding.put(f"k{i}", {"i": i}) for i in range(50)))
    assert sorted(await binding.keys()) == sorted(f"k{i}" for i in range(50))
    await adapter.close()
    # A fresh instance (the same one for memory) reads what actually reached storage.
    reopened = make_adapter()
    again = await reopened.bind("Bot")
    values = await asyncio.gather(*(again.get(f"k{i}") for i in range(50)))
    assert values == [{"i": i} for i in range(50)]
    await reopened.close()


async def test_repr_and_logs_never_show_values(
    adapter: Adapter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="webex_meetings.storage")
    binding = await adapter.bind("Credentials")
    await binding.put("@", {"access_token": SECRET})
    assert await binding.get("@") == {"access_token": SECRET}
    store = Store(adapter, name="bounded")
    await store.put("Credentials", "other", SECRET)
    assert SECRET not in repr(adapter)
    assert SECRET not in repr(binding)
    assert SECRET not in repr(store)
    assert "Credentials" in caplog.text  # something was logged ...
    assert SECRET not in caplog.text  # ... but never the value


# -- persistent adapters -----------------------------------------------------------------


async def test_data_survives_a_restart(make_persistent: Factory) -> None:
    first = make_persistent()
    await (await first.bind("Credentials")).put("@", {"access_token": SECRET, "n": 1})
    await (await first.bind("Device")).put("url", "https://wdm.example/d/1")
    await first.close()

    second = make_persistent()
    assert await (await second.bind("Credentials")).get("@") == {"access_token": SECRET, "n": 1}
    assert await (await second.bind("Device")).get("url") == "https://wdm.example/d/1"
    await second.close()


async def test_storage_file_is_private(make_persistent: Factory, tmp_path: Path) -> None:
    adapter = make_persistent()
    await (await adapter.bind("Credentials")).put("@", {"access_token": SECRET})
    await adapter.close()
    directory = tmp_path / "state"
    files = [p for p in directory.iterdir() if p.suffix in {".json", ".db"}]
    assert len(files) == 1
    assert _mode(files[0]) == 0o600
    assert _mode(directory) == 0o700
    for sidecar in directory.iterdir():  # sqlite -wal/-shm must not be wider either
        assert _mode(sidecar) & 0o077 == 0


async def test_cancelled_put_still_completes_consistently(make_persistent: Factory) -> None:
    adapter = make_persistent()
    binding = await adapter.bind("Bot")
    await binding.put("before", 1)
    task = asyncio.ensure_future(binding.put("during", 2))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    # The shielded write finishes under the lock; later operations see a consistent state.
    await binding.put("after", 3)
    assert sorted(await binding.keys()) == ["after", "before", "during"]
    await adapter.close()
    reopened = make_persistent()
    assert sorted(await (await reopened.bind("Bot")).keys()) == ["after", "before", "during"]
    await reopened.close()


# -- JSON file adapter -------------------------------------------------------------------


async def test_json_file_layout_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "new-dir" / "webex.json"
    adapter = JsonFileStoreAdapter(path)
    await (await adapter.bind("Credentials")).put("@", {"t": SECRET})
    await (await adapter.bind("Device")).put("url", "u")
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert json.loads(path.read_text()) == {
        "Credentials": {"@": {"t": SECRET}},
        "Device": {"url": "u"},
    }
    assert repr(adapter) == f"JsonFileStoreAdapter(path={str(path)!r})"


async def test_json_file_with_wide_mode_is_tightened_on_write(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "webex.json"
    path.write_text(json.dumps({"Device": {"url": "u"}}))
    path.chmod(0o644)
    adapter = JsonFileStoreAdapter(path)
    binding = await adapter.bind("Device")
    with caplog.at_level(logging.WARNING, logger="webex_meetings.storage"):
        assert await binding.get("url") == "u"
    assert "0644" in caplog.text
    await binding.put("url", "v")
    assert _mode(path) == 0o600
    assert json.loads(path.read_text()) == {"Device": {"url": "v"}}


async def test_json_file_missing_or_empty_is_an_empty_store(tmp_path: Path) -> None:
    missing = JsonFileStoreAdapter(tmp_path / "absent.json")
    assert await (await missing.bind("Device")).keys() == []
    assert not (tmp_path / "absent.json").exists()  # reading never creates the file

    empty = tmp_path / "empty.json"
    empty.write_text("")
    adapter = JsonFileStoreAdapter(empty)
    binding = await adapter.bind("Device")
    with pytest.raises(StorageNotFoundError):
        await binding.get("url")
    await binding.put("url", "u")
    assert json.loads(empty.read_text()) == {"Device": {"url": "u"}}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"Credentials": {"@": {"access_token": "' + SECRET + '"', "not valid JSON"),
        ('["' + SECRET + '"]', "found a JSON array"),
        ('{"Credentials": "' + SECRET + '"}', "namespace 'Credentials' must be a JSON object"),
    ],
)
async def test_corrupt_json_file_raises_and_is_never_overwritten(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "webex.json"
    path.write_text(content)
    adapter = JsonFileStoreAdapter(path)
    binding = await adapter.bind("Credentials")

    with pytest.raises(StorageCorruptError) as info:
        await binding.get("@")
    message = str(info.value)
    assert str(path) in message
    assert problem in message
    assert SECRET not in message

    with pytest.raises(StorageCorruptError):
        await binding.put("@", {"access_token": "new"})
    with pytest.raises(StorageCorruptError):
        await binding.delete("@")
    with pytest.raises(StorageCorruptError):
        await binding.clear()
    with pytest.raises(StorageCorruptError):
        await binding.keys()
    assert path.read_text() == content
    assert _names(tmp_path) == ["webex.json"]


async def test_repaired_json_file_is_picked_up(tmp_path: Path) -> None:
    path = tmp_path / "webex.json"
    path.write_text("{oops")
    binding = await JsonFileStoreAdapter(path).bind("Device")
    with pytest.raises(StorageCorruptError):
        await binding.get("url")
    path.write_text('{"Device": {"url": "fixed"}}')
    assert await binding.get("url") == "fixed"


async def test_atomic_write_leaves_no_temp_files(tmp_path: Path) -> None:
    adapter = JsonFileStoreAdapter(tmp_path / "webex.json")
    binding = await adapter.bind("Bot")
    for i in range(10):
        await binding.put(f"k{i}", i)
    await binding.delete("k0")
    await binding.clear()
    await binding.put("last", True)
    assert _names(tmp_path) == ["webex.json"]
    assert json.loads((tmp_path / "webex.json").read_text()) == {"Bot": {"last": True}}


async def test_failed_write_keeps_old_file_and_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "webex.json"
    adapter = JsonFileStoreAdapter(path)
    binding = await adapter.bind("Credentials")
    await binding.put("@", {"access_token": "old"})
    before = path.read_bytes()

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StorageError, match="No space left"):
        await binding.put("@", {"access_token": "new"})
    monkeypatch.undo()

    assert path.read_bytes() == before
    assert _names(tmp_path) == ["webex.json"]
    assert await binding.get("@") == {"access_token": "old"}


async def test_two_bindings_of_one_file_do_not_lose_updates(tmp_path: Path) -> None:
    adapter = JsonFileStoreAdapter(tmp_path / "webex.json")
    a = await adapter.bind("A")
    b = await adapter.bind("B")
    await asyncio.gather(*(x.put(f"k{i}", i) for i in range(25) for x in (a, b)))
    on_disk = json.loads((tmp_path / "webex.json").read_text())
    assert on_disk == {"A": {f"k{i}": i for i in range(25)}, "B": {f"k{i}": i for i in range(25)}}


# -- SQLite adapter ----------------------------------------------------------------------


async def test_sqlite_corrupt_row_raises(tmp_path: Path) -> None:
    path = tmp_path / "webex.db"
    adapter = SqliteStoreAdapter(path)
    binding = await adapter.bind("Credentials")
    await binding.put("good", {"ok": True})
    raw = sqlite3.connect(path)
    with raw:
        raw.execute(
            "INSERT INTO webex_storage (namespace, key, value) VALUES (?, ?, ?)",
            ("Credentials", "@", '{"access_token": "' + SECRET),
        )
    raw.close()

    with pytest.raises(StorageCorruptError) as info:
        await binding.get("@")
    assert "'Credentials'/'@'" in str(info.value)
    assert str(path) in str(info.value)
    assert SECRET not in str(info.value)
    assert await binding.get("good") == {"ok": True}
    assert sorted(await binding.keys()) == ["@", "good"]  # the bad row is kept
    await adapter.close()


async def test_sqlite_not_a_database_raises_corrupt_and_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "webex.db"
    path.write_bytes(b"this is not a database file at all, " * 40)
    before = path.read_bytes()
    adapter = SqliteStoreAdapter(path)
    binding = await adapter.bind("Credentials")
    with pytest.raises(StorageCorruptError, match="not a SQLite database"):
        await binding.get("@")
    with pytest.raises(StorageCorruptError):
        await binding.put("@", {"access_token": "new"})
    await adapter.close()
    assert path.read_bytes() == before


async def test_sqlite_uses_wal_and_reopens_after_close(tmp_path: Path) -> None:
    path = tmp_path / "webex.db"
    adapter = SqliteStoreAdapter(path)
    binding = await adapter.bind("Device")
    await binding.put("url", "u")
    await adapter.close()
    assert await binding.get("url") == "u"  # the connection is reopened lazily
    await adapter.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("SELECT namespace, key, value FROM webex_storage").fetchall() == [
        ("Device", "url", '"u"')
    ]
    raw.close()
    assert repr(adapter) == f"SqliteStoreAdapter(path={str(path)!r})"


async def test_sqlite_in_memory(tmp_path: Path) -> None:
    adapter = SqliteStoreAdapter(":memory:")
    binding = await adapter.bind("Device")
    await binding.put("url", "u")
    assert await binding.get("url") == "u"
    assert adapter.path is None
    await adapter.close()
    assert _names(tmp_path) == []


# -- memory adapter ----------------------------------------------------------------------


async def test_memory_preload() -> None:
    adapter = MemoryStoreAdapter.preload(
        {"Credentials": {"@": {"access_token": SECRET}}, "Device": {"url": "u", "gone": None}}
    )
    assert await (await adapter.bind("Credentials")).get("@") == {"access_token": SECRET}
    device = await adapter.bind("Device")
    assert await device.keys() == ["url"]
    assert SECRET not in repr(adapter)
    assert repr(adapter) == "MemoryStoreAdapter(namespaces=['Credentials', 'Device'])"


async def test_memory_preload_copies_its_input() -> None:
    data: dict[str, dict[str, Any]] = {"Device": {"@": {"list": [1]}}}
    adapter = MemoryStoreAdapter.preload(data)
    data["Device"]["@"]["list"].append(2)
    assert await (await adapter.bind("Device")).get("@") == {"list": [1]}


async def test_memory_bindings_of_one_namespace_share_data() -> None:
    adapter = MemoryStoreAdapter()
    first = await adapter.bind("Device")
    second = await adapter.bind("Device")
    await first.put("url", "u")
    assert await second.get("url") == "u"


# -- Store -------------------------------------------------------------------------------


class _CountingAdapter:
    """A minimal third-party adapter: only the documented protocol, no close()."""

    def __init__(self) -> None:
        self.bind_calls: list[str] = []
        self.data: dict[str, dict[str, Any]] = {}

    async def bind(self, namespace: str) -> _DictBinding:
        await asyncio.sleep(0)  # let concurrent first uses overlap
        self.bind_calls.append(namespace)
        return _DictBinding(self.data.setdefault(namespace, {}), namespace)


class _DictBinding:
    def __init__(self, data: dict[str, Any], namespace: str) -> None:
        self._data = data
        self._ns = namespace

    async def get(self, key: str) -> Any:
        try:
            return self._data[key]
        except KeyError:
            raise StorageNotFoundError(f"{self._ns!r} has no key {key!r}") from None

    async def put(self, key: str, value: Any) -> None:
        assert value is not None, "the Store must turn None into delete"
        self._data[key] = value

    async def delete(self, key: str) -> None:
        self._data.pop(key, None)

    async def clear(self) -> None:
        self._data.clear()

    async def keys(self) -> list[str]:
        return list(self._data)


async def test_store_binds_lazily_once_per_namespace() -> None:
    adapter = _CountingAdapter()
    assert isinstance(adapter, StorageAdapter)
    store = Store(adapter, name="bounded")
    assert adapter.bind_calls == []
    await asyncio.gather(*(store.put("Device", f"k{i}", i) for i in range(5)))
    await store.get("Device", "k0")
    await store.put("Credentials", "@", {"t": 1})
    assert adapter.bind_calls == ["Device", "Credentials"]
    assert store.adapter is adapter
    assert adapter.data == {
        "Device": {f"k{i}": i for i in range(5)},
        "Credentials": {"@": {"t": 1}},
    }


async def test_store_put_none_deletes_and_get_missing_raises() -> None:
    adapter = _CountingAdapter()
    store = Store(adapter)
    await store.put("Device", "url", "u")
    await store.put("Device", "url", None)
    assert adapter.data == {"Device": {}}
    with pytest.raises(KeyError):
        await store.get("Device", "url")
    await store.put("Device", "x", 1)
    await store.delete("Device", "x")
    assert await store.keys("Device") == []


class _Token:
    def __init__(self, token: str) -> None:
        self.token = token

    def serialize(self) -> dict[str, str]:
        return {"access_token": self.token}


class _Registration(BaseModel):
    url: str
    registered_at: dt.datetime


async def test_store_serializes_objects_and_pydantic_models(make_adapter: Factory) -> None:
    adapter = make_adapter()
    store = Store(adapter)
    await store.put("Credentials", "@", _Token(SECRET))
    assert await store.get("Credentials", "@") == {"access_token": SECRET}
    when = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)
    await store.put("Device", "@", _Registration(url="https://wdm.example/d", registered_at=when))
    assert await store.get("Device", "@") == {
        "url": "https://wdm.example/d",
        "registered_at": "2024-05-01T12:30:00Z",
    }
    await store.close()


async def test_store_clear_one_or_all_bound_namespaces(make_adapter: Factory) -> None:
    adapter = make_adapter()
    store = Store(adapter)
    await store.put("Credentials", "@", {"t": SECRET})
    await store.put("Device", "url", "u")
    await store.put("Reachability", "r", 1)
    await store.clear("Reachability")
    assert await store.keys("Reachability") == []
    assert await store.get("Device", "url") == "u"
    await store.clear()
    assert await store.keys("Credentials") == []
    assert await store.keys("Device") == []
    await store.close()


async def test_store_close_closes_the_adapter(tmp_path: Path) -> None:
    adapter = SqliteStoreAdapter(tmp_path / "webex.db")
    store = Store(adapter, name="bounded")
    await store.put("Device", "url", "u")
    assert adapter._conn is not None
    await store.close()
    assert adapter._conn is None
    await Store(_CountingAdapter()).close()  # an adapter without close() is fine
    assert repr(store) == f"Store(name='bounded', adapter={adapter!r})"
