"""The emulator is written from the protocol documents, never from the client's code."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

EMULATOR = "webex_meetings.emulator"


def _emulator_root() -> Path:
    spec = importlib.util.find_spec(EMULATOR)
    assert spec is not None
    assert spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)))


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([EMULATOR, *parts])


def _inside(name: str) -> bool:
    return name == EMULATOR or name.startswith(EMULATOR + ".")


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """Return the forbidden imports of one module's source."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level - 1 >= len(base):
                found.append(f"line {node.lineno}: relative import climbs above the top level")
                continue
            anchor = ".".join(base[: len(base) - (node.level - 1)])
            target = f"{anchor}.{node.module}" if node.module else anchor
            if not _inside(target):
                found.append(f"line {node.lineno}: relative import reaches {target}")
            continue
        else:
            continue
        for name in names:
            if (name == "webex_meetings" or name.startswith("webex_meetings.")) and not _inside(
                name
            ):
                found.append(f"line {node.lineno}: imports {name}")
    return found


def test_no_emulator_module_imports_the_client() -> None:
    root = _emulator_root()
    files = sorted(root.rglob("*.py"))
    assert len(files) >= 15, files  # the scan must actually see the package
    problems = {
        str(path.relative_to(root)): found
        for path in files
        if (
            found := violations(
                path.read_text(encoding="utf-8"),
                _module_name(root, path),
                is_package=path.name == "__init__.py",
            )
        )
    }
    assert problems == {}


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("import webex_meetings", "webex_meetings.emulator.server"),
        ("import webex_meetings._exceptions", "webex_meetings.emulator.server"),
        ("from webex_meetings._exceptions import WebexError", "webex_meetings.emulator.app"),
        ("from webex_meetings import models", "webex_meetings.emulator.app"),
        ("from webex_meetings.emulatorx import y", "webex_meetings.emulator.app"),
        ("from .. import _exceptions", "webex_meetings.emulator.app"),
        ("from ..models import Person", "webex_meetings.emulator.control"),
        ("from ...models import Person", "webex_meetings.emulator.core.auth"),
        ("from ....credentials import token", "webex_meetings.emulator.services.u2c.routes"),
        ("def f():\n    from webex_meetings._http import x\n", "webex_meetings.emulator.cli"),
    ],
)
def test_checker_flags_imports_of_the_client(source: str, module: str) -> None:
    assert violations(source, module) != []


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("import webex_meetings.emulator.core.ids", "webex_meetings.emulator.app"),
        ("from webex_meetings.emulator.server import Emulator", "webex_meetings.emulator.cli"),
        ("from . import control", "webex_meetings.emulator.app"),
        ("from ..core.errors import NotFoundError", "webex_meetings.emulator.services.x"),
        ("from ...core.auth import authenticate", "webex_meetings.emulator.services.u2c.routes"),
        ("import httpx\nfrom starlette.routing import Route", "webex_meetings.emulator.app"),
    ],
)
def test_checker_accepts_imports_inside_the_emulator(source: str, module: str) -> None:
    assert violations(source, module) == []


def test_checker_resolves_package_init_relative_imports() -> None:
    # In a package's __init__, "." is the package itself, so ".." leaves the emulator
    # only from the emulator's own __init__.
    assert violations("from .server import Emulator", EMULATOR, is_package=True) == []
    assert violations("from .. import _exceptions", EMULATOR, is_package=True) != []
    assert violations("from ..core import ids", f"{EMULATOR}.services", is_package=True) == []
