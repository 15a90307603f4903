"""The SQLite storage adapter: one ``(namespace, key) -> JSON text`` table, for long-lived bots."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from webex_meetings._exceptions import StorageCorruptError, StorageError
from webex_meetings.storage.base import (
    JSONValue,
    NamespaceBinding,
    check_name,
    encode_value,
    not_found,
)

__all__ = ["SqliteStoreAdapter"]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

_FILE_MODE = 0o600
_DIR_MODE = 0o700
_MEMORY = ":memory:"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS webex_storage (
    namespace TEXT NOT NULL,
    key       TEXT NOT NULL,
    value     TEXT NOT NULL,  -- JSON
    PRIMARY KEY (namespace, key)
) WITHOUT ROWID
"""

# SQLite result codes that mean "this file is not (or no longer) a sound database".
_CORRUPT_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


class SqliteStoreAdapter:
    """Persists every namespace in one SQLite table, one row per key.

    Unlike :class:`~webex_meetings.storage.JsonFileStoreAdapter`, a write touches one
    row instead of rewriting the whole document, so it suits long-lived bots with many
    keys and frequent writes.

    * One connection (opened lazily, ``check_same_thread=False``) is used from worker
      threads via ``asyncio.to_thread``; an ``asyncio.Lock`` keeps it to one operation
      at a time. WAL journal mode; a busy timeout lets other processes read alongside.
    * A new database file is created with mode ``0600`` (SQLite gives its ``-wal`` and
      ``-shm`` files the same mode); a missing parent directory is created ``0700``.
    * A row whose value is not valid JSON, or a file that is not a database, raises
      :class:`StorageCorruptError`; nothing is rewritten or dropped.
    * :meth:`close` releases the connection; a later operation reopens it.

    Args:
        path: the database file (``~`` is expanded), or ``":memory:"`` for a private
            in-memory database (lost on :meth:`close`).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        raw = os.fspath(path)
        self._path: Path | None = None if raw == _MEMORY else Path(raw).expanduser()
        self._conn: sqlite3.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def path(self) -> Path | None:
        """The database file, or ``None`` for ``":memory:"``."""
        return self._path

    @property
    def _label(self) -> str:
        return _MEMORY if self._path is None else str(self._path)

    async def bind(self, namespace: str) -> NamespaceBinding:
        """Return the binding for ``namespace``; the database is opened on first use."""
        check_name("namespace", namespace)
        logger.debug("sqlite storage %s: bind %s", self._label, namespace)
        return NamespaceBinding(self, namespace)

    async def close(self) -> None:
        """Close the connection, if open."""
        await asyncio.shield(self._close_locked())

    async def _close_locked(self) -> None:
        async with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                await asyncio.to_thread(conn.close)
                logger.debug("sqlite storage %s: closed", self._label)

    # -- connection and execution ----------------------------------------------------

    async def _run(self, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``operation`` on the connection in a worker thread, one at a time.

        Shielded: a cancelled caller must not release the lock while the thread still
        uses the connection.
        """
        return await asyncio.shield(self._run_locked(operation))

    async def _run_locked(self, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        async with self._lock:
            return await asyncio.to_thread(self._call, operation)

    def _call(self, operation: Callable[[sqlite3.Connection], _T]) -> _T:
        try:
            if self._conn is None:
                self._conn = self._open()
            return operation(self._conn)
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc

    def _open(self) -> sqlite3.Connection:
        if self._path is not None:
            self._create_private_file(self._path)
        # isolation_level=None: autocommit; every statement here is a single write.
        conn = sqlite3.connect(
            self._label, check_same_thread=False, isolation_level=None, timeout=5.0
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)
        except BaseException:
            conn.close()
            raise
        logger.debug("sqlite storage %s: opened", self._label)
        return conn

    def _create_private_file(self, path: Path) -> None:
        try:
            path.parent.mkdir(mode=_DIR_MODE, parents=True, exist_ok=True)
            # Create the file ourselves so it is 0600 before SQLite writes a token to it.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _FILE_MODE)
        except FileExistsError:
            return
        except OSError as exc:
            raise StorageError(f"cannot create storage database {path}: {exc}") from exc
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, _FILE_MODE)  # the umask may have stripped bits
        finally:
            os.close(fd)

    def _translate(self, exc: sqlite3.Error) -> StorageError:
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and code & 0xFF in _CORRUPT_CODES:
            return StorageCorruptError(
                f"storage database {self._label} is corrupt or not a SQLite database "
                f"({exc}); it was left untouched"
            )
        return StorageError(f"storage database {self._label} failed: {exc}")

    # -- backend for NamespaceBinding --------------------------------------------------

    async def _get(self, namespace: str, key: str) -> Any:
        def select(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                "SELECT value FROM webex_storage WHERE namespace = ? AND key = ?",
                (namespace, key),
            ).fetchone()
            return None if row is None else str(row[0])

        text = await self._run(select)
        if text is None:
            raise not_found(namespace, key)
        logger.debug("sqlite storage %s: get %s/%s", self._label, namespace, key)
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            # exc.msg describes the problem without echoing the (secret) value.
            raise StorageCorruptError(
                f"storage database {self._label}: the value of {namespace!r}/{key!r} "
                f"is not valid JSON ({exc.msg}); the row was left untouched"
            ) from None

    async def _put(self, namespace: str, key: str, value: JSONValue) -> None:
        text = encode_value(namespace, key, value)

        def upsert(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR REPLACE INTO webex_storage (namespace, key, value) VALUES (?, ?, ?)",
                (namespace, key, text),
            )

        await self._run(upsert)
        logger.debug("sqlite storage %s: put %s/%s", self._label, namespace, key)

    async def _delete(self, namespace: str, key: str) -> None:
        def delete(conn: sqlite3.Connection) -> int:
            return conn.execute(
                "DELETE FROM webex_storage WHERE namespace = ? AND key = ?", (namespace, key)
            ).rowcount

        if await self._run(delete):
            logger.debug("sqlite storage %s: delete %s/%s", self._label, namespace, key)

    async def _clear(self, namespace: str) -> None:
        def clear(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM webex_storage WHERE namespace = ?", (namespace,))

        await self._run(clear)
        logger.debug("sqlite storage %s: clear %s", self._label, namespace)

    async def _keys(self, namespace: str) -> list[str]:
        def select(conn: sqlite3.Connection) -> list[str]:
            rows = conn.execute(
                "SELECT key FROM webex_storage WHERE namespace = ? ORDER BY key", (namespace,)
            ).fetchall()
            return [str(row[0]) for row in rows]

        return await self._run(select)

    def __repr__(self) -> str:
        return f"SqliteStoreAdapter(path={self._label!r})"
