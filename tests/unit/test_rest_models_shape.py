"""The generated models keep their public shape; shared fields live in base classes."""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import sys
from pathlib import Path

import pytest

import webex_meetings.models as models_pkg
from webex_meetings._http._warnings import ApiWarning
from webex_meetings.models._base import WebexModel
from webex_meetings.models.meetings import (
    MeetingObjectForAdminListMeeting,
    MeetingObjectForListMeeting,
    MeetingSeriesObject,
)
from webex_meetings.models.messages import Message

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).parent / "data" / "rest_models_snapshot.json"

sys.path.insert(0, str(ROOT / "scripts"))
from rest_model_bases import class_order, plan_bases  # noqa: E402


def _public_models() -> dict[str, type[WebexModel]]:
    found: dict[str, type[WebexModel]] = {}
    for info in pkgutil.iter_modules(models_pkg.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"webex_meetings.models.{info.name}")
        for name in module.__all__:
            cls = getattr(module, name)
            if isinstance(cls, type) and issubclass(cls, WebexModel):
                found[f"{info.name}.{name}"] = cls
    return found


def test_model_classes_fields_and_aliases_match_the_snapshot() -> None:
    models = _public_models()
    for cls in models.values():
        # fields whose types are forward references get their alias once resolved
        cls.model_rebuild(force=True)
    shape = {
        key: {name: info.alias or name for name, info in cls.model_fields.items()}
        for key, cls in models.items()
    }
    expected = json.loads(SNAPSHOT.read_text())
    assert sorted(shape) == sorted(expected)
    for key, fields in expected.items():
        assert shape[key] == fields, key


def test_sibling_meeting_objects_share_one_declaration() -> None:
    siblings = (MeetingObjectForAdminListMeeting, MeetingObjectForListMeeting, MeetingSeriesObject)
    shared = set.intersection(*(set(cls.__mro__) for cls in siblings))
    assert any(base.__name__.startswith("_") for base in shared)
    for cls in siblings:
        assert "id" in cls.model_fields
        assert "id" not in inspect.get_annotations(cls)  # inherited, not restated
    raw = {"id": "m1", "meetingNumber": "123", "hasQA": True, "hasSummary": True}
    parsed = MeetingObjectForAdminListMeeting.model_validate(raw)
    assert parsed.has_qa is True
    assert parsed.to_api() == raw


# -- the factoring algorithm -------------------------------------------------------------


def _f(*names: str) -> list[tuple[str, tuple[str, ...]]]:
    return [(n, (f"    {n}: str | None = None",)) for n in names]


def test_superset_inherits_and_equal_sets_do_not_cycle() -> None:
    fields = {
        "Small": _f("a", "b", "c"),
        "Big": _f("a", "b", "c", "d"),
        "Twin": _f("a", "b", "c"),
        "Tiny": _f("a", "b"),
    }
    plan = plan_bases(fields)
    assert plan.base == {"Big": "Small", "Twin": "Small"}  # "Tiny" is under the minimum
    assert plan.own("Big", fields) == _f("d")
    assert plan.own("Twin", fields) == []
    assert class_order(["Twin", "Big", "Small"], plan) == ["Small", "Big", "Twin"]


def test_siblings_get_a_private_base_and_differing_docs_stay_apart() -> None:
    common = [f"f{i}" for i in range(8)]
    fields = {
        "ListItem": _f(*common, "x"),
        "AdminItem": _f(*common, "y"),
        "Other": [(n, (f"    {n}: str | None = None", '    """Another doc."""')) for n in common],
    }
    plan = plan_bases(fields)
    (private,) = plan.private
    assert private == "_ListItemFields"  # named after the shortest member
    assert plan.base == {"ListItem": private, "AdminItem": private}
    assert plan.own("ListItem", fields) == _f("x")
    assert "Other" not in plan.base


# -- warnings ----------------------------------------------------------------------------


def test_parsed_models_carry_no_per_object_private_state() -> None:
    assert WebexModel.__private_attributes__ == {}
    message = Message.model_validate({"id": "m1", "text": "hi"})
    assert message.warnings == ()
    assert message.__pydantic_private__ is None


def test_warnings_stay_out_of_dumps_and_equality() -> None:
    message = Message.model_validate({"id": "m1", "text": "hi"})
    warning = ApiWarning(codes=(1001,), text='299 - "1001"')
    message._set_warnings((warning,))
    assert message.warnings == (warning,)
    assert message.to_api() == {"id": "m1", "text": "hi"}
    assert "_warnings" not in message.model_dump_json()
    assert message == Message.model_validate({"id": "m1", "text": "hi"})
    assert message.model_copy().warnings == (warning,)
    # the class default is untouched
    assert Message.model_validate({"id": "m2"}).warnings == ()


@pytest.mark.parametrize("name", ["model_config", "_warnings"])
def test_a_response_field_cannot_shadow_internals(name: str) -> None:
    message = Message.model_validate({"id": "m1", name: "x"})
    assert message.warnings == ()
