"""Storage adapters for the bounded (persistent) and unbounded (session) stores.

Use :class:`MemoryStoreAdapter` (the default) for session data,
:class:`JsonFileStoreAdapter` or :class:`SqliteStoreAdapter` to keep tokens across
restarts, or any object satisfying :class:`StorageAdapter` (see
:mod:`webex_meetings.storage.base` for a Redis example).
"""

from webex_meetings.storage.base import StorageAdapter, StorageBinding, Store
from webex_meetings.storage.file import JsonFileStoreAdapter
from webex_meetings.storage.memory import MemoryStoreAdapter
from webex_meetings.storage.sqlite import SqliteStoreAdapter

__all__ = [
    "JsonFileStoreAdapter",
    "MemoryStoreAdapter",
    "SqliteStoreAdapter",
    "StorageAdapter",
    "StorageBinding",
    "Store",
]
