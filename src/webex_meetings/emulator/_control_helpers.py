"""The control helpers, listed once: async on ``Emulator``, sync on ``ThreadedEmulator``.

Each helper is a :class:`ControlCall` builder from :mod:`.control_client`. The
:class:`_Helper` descriptor binds it to the instance's ``_call``: the async emulator
gets a coroutine function, the threaded one a plain function, both with the builder's
parameters, name and docstring. Type checkers see the same: the descriptor's overloads
map ``Callable[P, ControlCall[T]]`` to ``Callable[P, Coroutine[..., T]]`` or
``Callable[P, T]`` by the class of the instance.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable, Coroutine
from typing import Any, Generic, ParamSpec, Self, TypeVar, overload

from . import control_client as calls

P = ParamSpec("P")
T = TypeVar("T")


class _Helper(Generic[P, T]):
    """A control helper: the builder ``build`` sent through the instance's ``_call``."""

    def __init__(self, build: Callable[P, calls.ControlCall[T]]) -> None:
        self._build = build

    def __set_name__(self, owner: type[Any], name: str) -> None:
        # The attribute is the builder's public name; a mismatch is a typo in the table.
        if name != self._build.__name__:
            raise TypeError(f"helper {name!r} is bound to builder {self._build.__name__!r}")

    @functools.cached_property
    def _signature(self) -> inspect.Signature:
        # help() and IDEs show the helper's own return type, not ControlCall[...].
        signature = inspect.signature(self._build, eval_str=True)
        (returns,) = typing.get_args(signature.return_annotation)
        if returns is type(None):
            returns = None
        return signature.replace(return_annotation=returns)

    @overload
    def __get__(self, obj: None, owner: type[Any] | None = None) -> Self: ...

    @overload
    def __get__(
        self, obj: AsyncControl, owner: type[Any] | None = None
    ) -> Callable[P, Coroutine[Any, Any, T]]: ...

    @overload
    def __get__(self, obj: SyncControl, owner: type[Any] | None = None) -> Callable[P, T]: ...

    def __get__(self, obj: ControlHelpers | None, owner: type[Any] | None = None) -> Any:
        if obj is None:
            return self
        build = self._build
        helper: Callable[..., Any]
        if isinstance(obj, AsyncControl):
            helper = _async_helper(obj, build)
        elif isinstance(obj, SyncControl):
            helper = _sync_helper(obj, build)
        else:
            raise TypeError(f"{type(obj).__name__} has no control-API sender")
        functools.update_wrapper(helper, build)
        helper.__qualname__ = f"{type(obj).__name__}.{build.__name__}"
        helper.__signature__ = self._signature  # type: ignore[attr-defined]
        return helper


def _async_helper(
    obj: AsyncControl, build: Callable[..., calls.ControlCall[Any]]
) -> Callable[..., Any]:
    async def helper(*args: Any, **kwargs: Any) -> Any:
        return await obj._call(build(*args, **kwargs))

    return helper


def _sync_helper(
    obj: SyncControl, build: Callable[..., calls.ControlCall[Any]]
) -> Callable[..., Any]:
    def helper(*args: Any, **kwargs: Any) -> Any:
        return obj._call(build(*args, **kwargs))

    return helper


class ControlHelpers:
    """The control helpers, one line each; see :mod:`.control_client` for their docs."""

    add_fault = _Helper(calls.add_fault)
    faults = _Helper(calls.faults)
    clear_faults = _Helper(calls.clear_faults)
    requests = _Helper(calls.requests)
    clear_requests = _Helper(calls.clear_requests)
    create_user = _Helper(calls.create_user)
    issue_token = _Helper(calls.issue_token)
    expire_token = _Helper(calls.expire_token)
    expire_all_tokens = _Helper(calls.expire_all_tokens)
    reset = _Helper(calls.reset)
    state = _Helper(calls.state)
    seed = _Helper(calls.seed)
    start_meeting = _Helper(calls.start_meeting)
    end_meeting = _Helper(calls.end_meeting)
    record_meeting = _Helper(calls.record_meeting)

    devices = _Helper(calls.devices)
    expire_device = _Helper(calls.expire_device)
    publish_event = _Helper(calls.publish_event)
    mercury_connections = _Helper(calls.mercury_connections)
    drop_mercury = _Helper(calls.drop_mercury)
    stop_mercury_pongs = _Helper(calls.stop_mercury_pongs)
    delay_mercury = _Helper(calls.delay_mercury)
    refuse_mercury = _Helper(calls.refuse_mercury)
    mercury_faults = _Helper(calls.mercury_faults)
    clear_mercury_faults = _Helper(calls.clear_mercury_faults)

    create_meeting_room = _Helper(calls.create_meeting_room)
    update_meeting_room = _Helper(calls.update_meeting_room)
    captcha_code = _Helper(calls.captcha_code)
    start_locus = _Helper(calls.start_locus)
    locus = _Helper(calls.locus)
    add_participant = _Helper(calls.add_participant)
    remove_participant = _Helper(calls.remove_participant)
    mute_participant = _Helper(calls.mute_participant)
    raise_hand = _Helper(calls.raise_hand)
    admit_participant = _Helper(calls.admit_participant)
    make_host = _Helper(calls.make_host)
    start_share = _Helper(calls.start_share)
    stop_share = _Helper(calls.stop_share)
    end_meeting_for_all = _Helper(calls.end_meeting_for_all)
    locus_faults = _Helper(calls.locus_faults)
    locus_push_state = _Helper(calls.locus_push_state)
    clear_locus_faults = _Helper(calls.clear_locus_faults)
    locus_event_mode = _Helper(calls.locus_event_mode)

    media_sessions = _Helper(calls.media_sessions)
    set_speaker_audio = _Helper(calls.set_speaker_audio)
    set_speaker_enabled = _Helper(calls.set_speaker_enabled)
    set_media_options = _Helper(calls.set_media_options)
    media_fault = _Helper(calls.media_fault)
    media_offer = _Helper(calls.media_offer)


class AsyncControl(ControlHelpers):
    """Base of an emulator whose helpers are coroutine functions."""

    async def _call(self, call: calls.ControlCall[T]) -> T:
        """Send ``call`` (and the calls its ``then`` builds); return the last answer."""
        raise NotImplementedError


class SyncControl(ControlHelpers):
    """Base of an emulator whose helpers block until the answer is in."""

    def _call(self, call: calls.ControlCall[T]) -> T:
        """Send ``call`` (and the calls its ``then`` builds); return the last answer."""
        raise NotImplementedError
