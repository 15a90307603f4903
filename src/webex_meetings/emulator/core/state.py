"""Emulator state: the seeded defaults and the registry of per-service backends."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from starlette.requests import HTTPConnection

from .ids import new_client_id, new_client_secret, new_token, new_uuid

#: Reserved path prefix of the control API; never faulted, logged or authenticated.
CONTROL_PREFIX = "/_emulator"

B = TypeVar("B", bound="Backend")


def is_control_path(path: str) -> bool:
    """Return True when ``path`` belongs to the control API."""
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


@dataclass(frozen=True)
class Seed:
    """The default org, user, OAuth client and tokens that every reset restores.

    Generated once per emulator instance, so the same token strings stay valid across
    resets of one instance and tests can keep them in variables.
    """

    org_uuid: str
    person_uuid: str
    access_token: str
    refresh_token: str
    client_id: str
    client_secret: str
    created: float
    """Creation time of the seeded objects, epoch seconds."""
    display_name: str = "Emulated User"
    email: str = "user@example.com"

    @classmethod
    def generate(cls, now: float) -> Seed:
        """Draw fresh random ids and tokens.

        Args:
            now: Creation time to record, epoch seconds.
        """
        org_uuid = new_uuid()
        return cls(
            org_uuid=org_uuid,
            person_uuid=new_uuid(),
            access_token=new_token(org_uuid),
            refresh_token=new_token(org_uuid),
            client_id=new_client_id(),
            client_secret=new_client_secret(),
            # Whole seconds keep rendered timestamps stable and readable.
            created=float(int(now)),
        )


class Backend:
    """Base of every per-service backend: in-memory state plus the service's rules.

    A backend is created on first use by :meth:`EmulatorState.backend` and must restore
    its seeded state in :meth:`reset`, which is also called right after creation. Backends
    are only ever touched from the server's event loop, so they need no locks.
    """

    def __init__(self, state: EmulatorState) -> None:
        """Bind the backend to the emulator state (for the seed, clock and base URL)."""
        self.state = state

    def reset(self) -> None:
        """Drop everything and restore the seeded state."""
        raise NotImplementedError


class EmulatorState:
    """Everything one emulator instance knows, reachable from every handler.

    Attributes:
        seed: The default objects restored by :meth:`reset`.
        clock: Wall-clock source in epoch seconds (token expiry, timestamps).
        base_url: Where the server listens, e.g. ``http://127.0.0.1:8123``; set by the
            server once its socket is bound, and used to build every advertised URL.
    """

    def __init__(self, seed: Seed | None = None, clock: Callable[[], float] = time.time) -> None:
        """Create the state.

        Args:
            seed: Default objects; drawn at random when omitted.
            clock: Wall-clock source in epoch seconds.
        """
        self.clock = clock
        self.seed = seed or Seed.generate(clock())
        self.base_url = "http://127.0.0.1"
        self._backends: dict[type[Backend], Backend] = {}

    def backend(self, kind: type[B]) -> B:
        """Return the backend of type ``kind``, creating and seeding it on first use.

        Creating on demand means a new service needs no registration line here: its
        backend joins the reset cycle the first time a handler asks for it.
        """
        found = self._backends.get(kind)
        if found is None:
            found = kind(self)
            found.reset()
            self._backends[kind] = found
        return cast(B, found)

    def reset(self) -> None:
        """Restore every backend to the seeded state."""
        for backend in self._backends.values():
            backend.reset()

    def url(self, path: str) -> str:
        """Return the absolute URL of ``path`` on this emulator."""
        return self.base_url + path


def get_state(connection: HTTPConnection) -> EmulatorState:
    """Return the emulator state of the app serving ``connection``."""
    return cast(EmulatorState, connection.app.state.emulator)


def backend_of(connection: HTTPConnection, kind: type[B]) -> B:
    """Return the backend of type ``kind`` for the app serving ``connection``."""
    return get_state(connection).backend(kind)
