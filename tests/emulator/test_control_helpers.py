"""The control helpers: one builder each, bound as async and sync methods."""

from __future__ import annotations

import inspect

import pytest

from webex_meetings.emulator import Emulator, ThreadedEmulator
from webex_meetings.emulator import control_client as calls
from webex_meetings.emulator._control_helpers import ControlHelpers, _Helper

HELPERS = sorted(name for name, value in vars(ControlHelpers).items() if isinstance(value, _Helper))


def test_every_public_builder_is_a_helper() -> None:
    builders = {name for name in calls.__all__ if name[0].islower()} - {"mercury_fault"}
    assert set(HELPERS) == builders


@pytest.mark.parametrize("name", HELPERS)
def test_helpers_carry_the_builders_name_docs_and_parameters(name: str) -> None:
    build = getattr(calls, name)
    asynchronous, synchronous = getattr(Emulator(), name), getattr(ThreadedEmulator(), name)
    assert inspect.iscoroutinefunction(asynchronous)
    assert not inspect.iscoroutinefunction(synchronous)
    for helper in (asynchronous, synchronous):
        assert helper.__name__ == name
        assert helper.__doc__ == build.__doc__
        assert helper.__wrapped__ is build
        expected = inspect.signature(build, eval_str=True).parameters
        assert inspect.signature(helper).parameters == expected
    assert asynchronous.__qualname__ == f"Emulator.{name}"


def test_help_shows_the_answer_type_not_the_call() -> None:
    assert inspect.signature(ThreadedEmulator().add_fault).return_annotation is str
    assert inspect.signature(Emulator().reset).return_annotation is None


def test_a_helper_named_unlike_its_builder_is_refused() -> None:
    with pytest.raises((RuntimeError, TypeError)) as raised:

        class Wrong(ControlHelpers):
            faults = _Helper(calls.clear_faults)

    # Python wraps errors of __set_name__ before 3.12 only; accept both forms.
    error = raised.value.__cause__ or raised.value
    assert "clear_faults" in str(error)


def test_a_helper_needs_a_sender() -> None:
    with pytest.raises(TypeError, match="no control-API sender"):
        ControlHelpers().faults()  # type: ignore[call-overload]  # misuse on purpose
