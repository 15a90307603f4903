"""The storage adapter protocol, the JSON value rules and the SDK-facing :class:`Store`.

The SDK keeps two stores, as the JS SDK does: *bounded* (survives restarts: tokens,
a non-ephemeral device registration) and *unbounded* (session only). Each store wraps
one adapter. An adapter hands out one binding per namespace; namespaces are plugin
names such as ``"Credentials"`` or ``"Device"``.

Writing your own adapter
------------------------

An adapter needs one method, ``bind(namespace)``, awaitable, returning a binding.
A binding needs five coroutine methods:

* ``get(key)`` returns the stored JSON value, or raises
  :class:`~webex_meetings._exceptions.StorageNotFoundError` (a ``KeyError``) when the
  key is absent.
* ``put(key, value)`` stores a JSON-compatible value (``dict``/``list``/``str``/
  ``int``/``float``/``bool``). The :class:`Store` never passes ``None``; it turns
  ``put(ns, key, None)`` into ``delete``.
* ``delete(key)`` removes the key; deleting an absent key is not an error.
* ``clear()`` removes every key of *this namespace only*.
* ``keys()`` lists the keys of this namespace, in no particular order.

``async close()`` on the adapter is optional; :meth:`Store.close` calls it when present.
Stored values contain access and refresh tokens: never log them.

A Redis adapter, for example (with ``redis.asyncio``)::

    import json

    from webex_meetings._exceptions import StorageNotFoundError


    class RedisBinding:
        def __init__(self, redis, namespace):
            self._redis, self._ns = redis, namespace
            self._hash = f"webex:{namespace}"

        async def get(self, key):
            raw = await self._redis.hget(self._hash, key)
            if raw is None:
                raise StorageNotFoundError(f"{self._ns!r} has no key {key!r}")
            return json.loads(raw)

        async def put(self, key, value):
            await self._redis.hset(self._hash, key, json.dumps(value))

        async def delete(self, key):
            await self._redis.hdel(self._hash, key)

        async def clear(self):
            await self._redis.delete(self._hash)

        async def keys(self):
            return [k.decode() for k in await self._redis.hkeys(self._hash)]


    class RedisStoreAdapter:
        def __init__(self, redis):
            self._redis = redis

        async def bind(self, namespace):
            return RedisBinding(self._redis, namespace)
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, Protocol, TypeAlias, cast, runtime_checkable

from pydantic import BaseModel

from webex_meetings._exceptions import StorageNotFoundError

__all__ = ["JSONValue", "StorageAdapter", "StorageBinding", "Store"]

logger = logging.getLogger(__name__)

JSONValue: TypeAlias = (
    Mapping[str, "JSONValue"] | Sequence["JSONValue"] | str | int | float | bool | None
)
"""A value an adapter can store: anything :func:`json.dumps` turns into strict JSON."""


@runtime_checkable
class StorageBinding(Protocol):
    """One namespace of an adapter (the JS binding ``{get, put, del, clear}``)."""

    async def get(self, key: str) -> Any:
        """Return the value stored under ``key``.

        Raises:
            StorageNotFoundError: the key is absent; the message names namespace and key.
            StorageCorruptError: the stored data cannot be decoded.
        """
        ...

    async def put(self, key: str, value: JSONValue) -> None:
        """Store a JSON-compatible value under ``key``, replacing any previous one."""
        ...

    async def delete(self, key: str) -> None:
        """Remove ``key``; an absent key is not an error (the JS ``del``)."""
        ...

    async def clear(self) -> None:
        """Remove every key of this namespace, and nothing outside it."""
        ...

    async def keys(self) -> list[str]:
        """Return the keys of this namespace, in no particular order."""
        ...


@runtime_checkable
class StorageAdapter(Protocol):
    """A storage backend that hands out one :class:`StorageBinding` per namespace."""

    def bind(self, namespace: str) -> Awaitable[StorageBinding]:
        """Return (awaitably) the binding for ``namespace``, e.g. ``"Credentials"``."""
        ...


def not_found(namespace: str, key: str) -> StorageNotFoundError:
    """Build the error for an absent key; it names namespace and key, never a value."""
    return StorageNotFoundError(f"storage namespace {namespace!r} has no key {key!r}")


def encode_value(namespace: str, key: str, value: object) -> str:
    """Serialize ``value`` to strict JSON text, or explain which entry is not JSON.

    Every built-in adapter goes through this, so the memory adapter accepts exactly
    what the persistent ones can write back (no NaN, no sets, no custom objects).

    Raises:
        TypeError: the value is not JSON-serializable (the message names no value).
        ValueError: the value holds NaN/Infinity or a reference cycle.
    """
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except TypeError as exc:
        raise TypeError(
            f"cannot store {namespace!r}/{key!r}: value is not JSON-serializable ({exc})"
        ) from exc
    except ValueError as exc:
        raise ValueError(f"cannot store {namespace!r}/{key!r}: {exc}") from exc


def check_name(kind: str, name: object) -> str:
    """Return ``name`` if it is a non-empty string, else raise ``TypeError``/``ValueError``."""
    if not isinstance(name, str):
        raise TypeError(f"storage {kind} must be a str, got {type(name).__name__}")
    if not name:
        raise ValueError(f"storage {kind} must not be empty")
    return name


class _Backend(Protocol):
    """What :class:`NamespaceBinding` needs from a built-in adapter."""

    async def _get(self, namespace: str, key: str) -> Any: ...

    async def _put(self, namespace: str, key: str, value: JSONValue) -> None: ...

    async def _delete(self, namespace: str, key: str) -> None: ...

    async def _clear(self, namespace: str) -> None: ...

    async def _keys(self, namespace: str) -> list[str]: ...


class NamespaceBinding:
    """The binding the built-in adapters return: it forwards to the adapter with its namespace.

    ``put(key, None)`` deletes, as in the JS store, so the built-in adapters behave the
    same whether they are used through :class:`Store` or directly.
    """

    __slots__ = ("_backend", "_namespace")

    def __init__(self, backend: _Backend, namespace: str) -> None:
        self._backend = backend
        self._namespace = namespace

    @property
    def namespace(self) -> str:
        """The namespace this binding reads and writes."""
        return self._namespace

    async def get(self, key: str) -> Any:
        """Return the value under ``key`` (see :meth:`StorageBinding.get`)."""
        return await self._backend._get(self._namespace, check_name("key", key))

    async def put(self, key: str, value: JSONValue) -> None:
        """Store ``value`` under ``key``; ``None`` deletes the key."""
        check_name("key", key)
        if value is None:
            await self._backend._delete(self._namespace, key)
        else:
            await self._backend._put(self._namespace, key, value)

    async def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        await self._backend._delete(self._namespace, check_name("key", key))

    async def clear(self) -> None:
        """Remove every key of this namespace."""
        await self._backend._clear(self._namespace)

    async def keys(self) -> list[str]:
        """Return the keys of this namespace."""
        return await self._backend._keys(self._namespace)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._namespace!r} of {self._backend!r}>"


def to_storable(value: object) -> object:
    """Convert an SDK object to plain JSON data the way the JS store does before ``put``.

    Objects with a ``serialize()`` method are serialized (JS ``value.serialize()``);
    pydantic models are dumped in JSON mode; anything else is returned unchanged.
    """
    serialize = getattr(value, "serialize", None)
    if callable(serialize):
        return serialize()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


class Store:
    """The SDK-facing facade over one adapter (``webex.boundedStorage`` in JS).

    Namespaces are bound lazily on first use and the bindings are cached.

    Args:
        adapter: the backend; any object that satisfies :class:`StorageAdapter`.
        name: a label for logs and ``repr``, e.g. ``"bounded"``.
    """

    def __init__(self, adapter: StorageAdapter, *, name: str = "store") -> None:
        self._adapter = adapter
        self._name = name
        self._bindings: dict[str, StorageBinding] = {}
        # Two coroutines asking for the same new namespace must share one binding.
        self._bind_lock = asyncio.Lock()

    @property
    def adapter(self) -> StorageAdapter:
        """The adapter this store wraps."""
        return self._adapter

    @property
    def name(self) -> str:
        """The label given at construction."""
        return self._name

    async def binding(self, namespace: str) -> StorageBinding:
        """Return the (cached) binding for ``namespace``, binding it on first use."""
        check_name("namespace", namespace)
        found = self._bindings.get(namespace)
        if found is not None:
            return found
        async with self._bind_lock:
            found = self._bindings.get(namespace)
            if found is None:
                logger.debug("%s store: binding namespace %s", self._name, namespace)
                found = await self._adapter.bind(namespace)
                self._bindings[namespace] = found
            return found

    async def get(self, namespace: str, key: str) -> Any:
        """Return the value of ``namespace``/``key``.

        Raises:
            StorageNotFoundError: the key is absent (also a ``KeyError``).
        """
        return await (await self.binding(namespace)).get(key)

    async def put(self, namespace: str, key: str, value: object) -> None:
        """Store ``value``; ``None`` deletes the key, as ``undefined`` does in JS.

        Values with ``serialize()`` and pydantic models are converted first
        (see :func:`to_storable`).
        """
        storable = to_storable(value)
        binding = await self.binding(namespace)
        if storable is None:
            await binding.delete(key)
        else:
            # The adapter validates the value (built-ins raise TypeError for non-JSON).
            await binding.put(key, cast(JSONValue, storable))

    async def delete(self, namespace: str, key: str) -> None:
        """Remove ``namespace``/``key`` if present."""
        await (await self.binding(namespace)).delete(key)

    async def keys(self, namespace: str) -> list[str]:
        """Return the keys stored in ``namespace``."""
        return await (await self.binding(namespace)).keys()

    async def clear(self, namespace: str | None = None) -> None:
        """Clear one namespace, or (``None``) every namespace bound through this store.

        As in the JS store, "every namespace" means every namespace this store has
        bound so far; bind a namespace (e.g. with :meth:`binding`) to include it.
        """
        if namespace is not None:
            await (await self.binding(namespace)).clear()
            return
        for binding in list(self._bindings.values()):
            await binding.clear()

    async def close(self) -> None:
        """Drop the cached bindings and close the adapter when it has a close coroutine."""
        self._bindings.clear()
        close = getattr(self._adapter, "close", None)
        if callable(close):
            result = close()
            if isinstance(result, Awaitable):
                await result

    def __repr__(self) -> str:
        return f"Store(name={self._name!r}, adapter={self._adapter!r})"
