"""The in-process storage adapter, the default for both stores (JS ``MemoryStoreAdapter``)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from webex_meetings.storage.base import (
    JSONValue,
    NamespaceBinding,
    check_name,
    encode_value,
    not_found,
)

__all__ = ["MemoryStoreAdapter"]

logger = logging.getLogger(__name__)


class MemoryStoreAdapter:
    """Keeps each namespace in a dict for the life of the process.

    Values are kept as their JSON text: every ``put`` validates the value the same way
    the file and SQLite adapters do, and every ``get`` returns a fresh deep copy, so
    callers can never mutate stored state through a reference they hold.

    Unlike the JS adapter, binding the same namespace twice returns views of the same
    data, so two plugins (or two stores) sharing an adapter see each other's writes.
    """

    def __init__(self) -> None:
        self._data: dict[str, dict[str, str]] = {}

    @classmethod
    def preload(cls, data: Mapping[str, Mapping[str, JSONValue]]) -> MemoryStoreAdapter:
        """Return an adapter pre-filled per namespace, as JS ``MemoryStoreAdapter.preload``.

        Args:
            data: ``{namespace: {key: value}}``; ``None`` values are skipped, as a
                ``put`` of ``None`` would delete them.

        Raises:
            TypeError: a value is not JSON-serializable.
        """
        adapter = cls()
        for namespace, entries in data.items():
            check_name("namespace", namespace)
            bucket = adapter._data.setdefault(namespace, {})
            for key, value in entries.items():
                check_name("key", key)
                if value is not None:
                    bucket[key] = encode_value(namespace, key, value)
        return adapter

    async def bind(self, namespace: str) -> NamespaceBinding:
        """Return the binding for ``namespace``."""
        check_name("namespace", namespace)
        logger.debug("memory storage: bind %s", namespace)
        return NamespaceBinding(self, namespace)

    async def close(self) -> None:
        """Do nothing; there is nothing to release (kept for a uniform adapter API)."""

    async def _get(self, namespace: str, key: str) -> Any:
        try:
            text = self._data[namespace][key]
        except KeyError:
            raise not_found(namespace, key) from None
        logger.debug("memory storage: get %s/%s", namespace, key)
        return json.loads(text)

    async def _put(self, namespace: str, key: str, value: JSONValue) -> None:
        text = encode_value(namespace, key, value)
        self._data.setdefault(namespace, {})[key] = text
        logger.debug("memory storage: put %s/%s", namespace, key)

    async def _delete(self, namespace: str, key: str) -> None:
        bucket = self._data.get(namespace)
        if bucket is not None and bucket.pop(key, None) is not None:
            logger.debug("memory storage: delete %s/%s", namespace, key)

    async def _clear(self, namespace: str) -> None:
        self._data.pop(namespace, None)
        logger.debug("memory storage: clear %s", namespace)

    async def _keys(self, namespace: str) -> list[str]:
        return list(self._data.get(namespace, ()))

    def __repr__(self) -> str:
        # Namespace names only: the values hold tokens.
        return f"MemoryStoreAdapter(namespaces={sorted(self._data)!r})"
