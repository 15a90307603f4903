"""Griffe extension for the docs build: render the reST bits of docstrings as Markdown.

The package's docstrings use two reST habits that read well in an editor but not in
mkdocstrings' Markdown:

* roles (``:class:`~pkg.Name```) become inline code (```Name```, or the full dotted name
  without the ``~``). No link is made, so a role naming something outside the reference
  cannot break the strict build;
* a literal block introduced by ``::`` becomes a fenced code block, and the ``::`` a
  single colon. The fence also keeps the Google parser from reading ``Example:`` plus an
  indented block as a section or an admonition.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:class|meth|func|mod|attr|data|exc|obj|const):`(~?)([^`]+)`")
# A literal block is highlighted as Python when one of its lines starts like Python code.
_PYTHON_START = re.compile(
    r"^\s*(?:import |from \S+ import |await |async |def |class \w+[(:]|with |print\("
    r"|>>> |\w+(?:\.\w+)* = )"
)


def _role(match: re.Match[str]) -> str:
    short, target = match.groups()
    if short:
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _literal_blocks(text: str) -> str:
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.rstrip()
        if not stripped.endswith("::") or i + 2 >= len(lines) or lines[i + 1].strip():
            out.append(line)
            i += 1
            continue
        base = _indent(line)
        end = i + 2
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > base):
            end += 1
        block = lines[i + 2 : end]
        while block and not block[-1].strip():
            block.pop()
        if not block or _indent(block[0]) <= base:
            out.append(line)
            i += 1
            continue
        code = textwrap.dedent("\n".join(block)).split("\n")
        language = "python" if any(_PYTHON_START.match(c) for c in code) else "text"
        pad = " " * base
        lead = stripped[:-2].rstrip()
        if lead.strip():
            out.extend([lead + ":", ""])
        out.append(f"{pad}```{language}")
        out.extend(f"{pad}{c}" if c else "" for c in code)
        out.extend([f"{pad}```", ""])
        i = i + 2 + len(block)
        while i < len(lines) and not lines[i].strip():
            i += 1
    return "\n".join(out).rstrip("\n")


class SphinxRoles(griffe.Extension):
    """Rewrite reST roles and literal blocks in every docstring once the tree is built."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite the object's docstring in place."""
        if obj.docstring is not None:
            text = _ROLE.sub(_role, obj.docstring.value)
            obj.docstring.value = _literal_blocks(text)
