"""The JSON-file storage adapter: one private ``{namespace: {key: value}}`` document on disk."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from webex_meetings._exceptions import StorageCorruptError, StorageError
from webex_meetings.storage.base import (
    JSONValue,
    NamespaceBinding,
    check_name,
    encode_value,
    not_found,
)

__all__ = ["JsonFileStoreAdapter"]

logger = logging.getLogger(__name__)

_Document = dict[str, dict[str, Any]]

_FILE_MODE = 0o600
_DIR_MODE = 0o700


class JsonFileStoreAdapter:
    """Persists every namespace in one JSON file, like the JS local-storage adapter.

    * The file and every rewrite of it have mode ``0600`` (it holds tokens); a missing
      parent directory is created with mode ``0700``.
    * Writes are atomic: a temp file in the same directory is written, fsynced and
      ``os.replace``-d over the target, so a crash leaves the old or the new document.
    * A missing (or empty) file is an empty store. A file that is not a JSON object of
      objects raises :class:`StorageCorruptError` on every operation, reads and writes
      alike, and is never overwritten, so nothing is lost before a human looks at it.
    * The document is read once and cached; writes within the process are serialized by
      an ``asyncio.Lock``. Several *processes* must not share one file.

    Suits scripts and small bots; for many keys or frequent writes use
    :class:`~webex_meetings.storage.SqliteStoreAdapter`.

    Args:
        path: the JSON file; ``~`` is expanded.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path).expanduser()
        self._doc: _Document | None = None
        self._lock = asyncio.Lock()

    @property
    def path(self) -> Path:
        """The JSON file this adapter reads and writes."""
        return self._path

    async def bind(self, namespace: str) -> NamespaceBinding:
        """Return the binding for ``namespace``; the file is read on first use, not here."""
        check_name("namespace", namespace)
        logger.debug("file storage %s: bind %s", self._path, namespace)
        return NamespaceBinding(self, namespace)

    async def close(self) -> None:
        """Drop the cached document; the next operation reads the file again."""
        async with self._lock:
            self._doc = None

    # -- reading ---------------------------------------------------------------------

    async def _document(self) -> _Document:
        """Return the cached document, reading the file on first use (lock held)."""
        if self._doc is None:
            # A corrupt file is not cached: every call re-reads and raises again, and a
            # repaired file is picked up without a restart.
            self._doc = await asyncio.to_thread(self._read)
        return self._doc

    def _read(self) -> _Document:
        try:
            raw = self._path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise StorageError(f"cannot read storage file {self._path}: {exc}") from exc
        self._warn_if_exposed()
        if not raw.strip():
            # An empty file (e.g. pre-created with touch + chmod) holds no data to lose.
            return {}
        try:
            doc = json.loads(raw)
        except json.JSONDecodeError as exc:
            # exc.msg/lineno/colno describe the problem without echoing file content;
            # "from None" because the JSONDecodeError carries the whole (secret) text.
            raise StorageCorruptError(
                f"storage file {self._path} is not valid JSON: {exc.msg} "
                f"(line {exc.lineno}, column {exc.colno}); it was left untouched"
            ) from None
        except UnicodeDecodeError as exc:
            raise StorageCorruptError(
                f"storage file {self._path} is not valid JSON text: {exc.reason}; "
                "it was left untouched"
            ) from None
        if not isinstance(doc, dict):
            raise StorageCorruptError(
                f"storage file {self._path} must hold a JSON object of namespaces, "
                f"found a JSON {_json_kind(doc)}; it was left untouched"
            )
        for namespace, entries in doc.items():
            if not isinstance(entries, dict):
                raise StorageCorruptError(
                    f"storage file {self._path}: namespace {namespace!r} must be a JSON "
                    f"object, found a JSON {_json_kind(entries)}; it was left untouched"
                )
        return doc

    def _warn_if_exposed(self) -> None:
        if os.name != "posix":
            return
        try:
            mode = stat.S_IMODE(self._path.stat().st_mode)
        except OSError:
            return
        if mode & 0o077:
            logger.warning(
                "storage file %s has mode %04o and holds tokens; "
                "it is rewritten with mode 0600 on the next write",
                self._path,
                mode,
            )

    # -- writing ---------------------------------------------------------------------

    async def _update(self, change: Callable[[_Document], _Document | None]) -> bool:
        """Read-modify-write under the lock; ``change`` returns ``None`` for "no write".

        The update runs in a shielded task: if the caller is cancelled while the worker
        thread writes, the lock stays held and the cache is updated once the write
        lands, instead of a second writer starting from a stale cache.

        Returns:
            Whether the file was rewritten.
        """
        return await asyncio.shield(self._update_locked(change))

    async def _update_locked(self, change: Callable[[_Document], _Document | None]) -> bool:
        async with self._lock:
            new_doc = change(await self._document())
            if new_doc is None:
                return False
            text = json.dumps(new_doc, ensure_ascii=False, allow_nan=False, indent=2) + "\n"
            await asyncio.to_thread(self._write_atomic, text.encode("utf-8"))
            # Only after the write succeeded: memory never claims what the file lacks.
            self._doc = new_doc
            return True

    def _write_atomic(self, data: bytes) -> None:
        directory = self._path.parent
        try:
            directory.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot create storage directory {directory}: {exc}") from exc
        tmp = directory / f".{self._path.name}.{secrets.token_hex(8)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        try:
            # O_EXCL with mode 0600: the temp file is private from its first byte.
            fd = os.open(tmp, flags, _FILE_MODE)
        except OSError as exc:
            raise StorageError(f"cannot write storage file {self._path}: {exc}") from exc
        try:
            try:
                if hasattr(os, "fchmod"):
                    # The umask may have stripped bits; the file must be exactly 0600.
                    os.fchmod(fd, _FILE_MODE)
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, self._path)
        except OSError as exc:
            _unlink_quietly(tmp)
            raise StorageError(f"cannot write storage file {self._path}: {exc}") from exc
        except BaseException:
            _unlink_quietly(tmp)
            raise
        _fsync_directory(directory)

    # -- backend for NamespaceBinding --------------------------------------------------

    async def _get(self, namespace: str, key: str) -> Any:
        async with self._lock:
            doc = await self._document()
        entries = doc.get(namespace)
        if entries is None or key not in entries:
            raise not_found(namespace, key)
        logger.debug("file storage %s: get %s/%s", self._path, namespace, key)
        # The cached document must not be reachable from callers.
        return copy.deepcopy(entries[key])

    async def _put(self, namespace: str, key: str, value: JSONValue) -> None:
        # Validate and detach from the caller's objects before taking the lock.
        plain = json.loads(encode_value(namespace, key, value))

        def change(doc: _Document) -> _Document:
            return {**doc, namespace: {**doc.get(namespace, {}), key: plain}}

        await self._update(change)
        logger.debug("file storage %s: put %s/%s", self._path, namespace, key)

    async def _delete(self, namespace: str, key: str) -> None:
        def change(doc: _Document) -> _Document | None:
            entries = doc.get(namespace)
            if entries is None or key not in entries:
                return None
            return {**doc, namespace: {k: v for k, v in entries.items() if k != key}}

        if await self._update(change):
            logger.debug("file storage %s: delete %s/%s", self._path, namespace, key)

    async def _clear(self, namespace: str) -> None:
        def change(doc: _Document) -> _Document | None:
            if namespace not in doc:
                return None
            return {ns: entries for ns, entries in doc.items() if ns != namespace}

        if await self._update(change):
            logger.debug("file storage %s: clear %s", self._path, namespace)

    async def _keys(self, namespace: str) -> list[str]:
        async with self._lock:
            doc = await self._document()
        return list(doc.get(namespace, ()))

    def __repr__(self) -> str:
        return f"JsonFileStoreAdapter(path={str(self._path)!r})"


def _json_kind(value: object) -> str:
    """Name the JSON type of ``value`` for error messages (never the value itself)."""
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if value is None:
        return "null"
    return "object"


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _fsync_directory(directory: Path) -> None:
    """Persist the rename itself; best effort, as not every platform can open a directory."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
