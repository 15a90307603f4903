"""Example responses synthesised from a spec schema, for operations without a backend."""

from __future__ import annotations

import copy
from typing import Any

from ...core.ids import hydra_id, new_uuid
from .schema import SchemaValidator

#: Nesting beyond which only required properties are generated (recursive schemas).
_MAX_DEPTH = 8

_TIMESTAMP = "2026-01-01T12:00:00Z"


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 32:
        target: Any = root
        for part in str(schema["$ref"]).lstrip("#/").split("/"):
            target = target[part]
        schema = target
        seen += 1
    return schema


def _string(name: str, schema: dict[str, Any]) -> str:
    lowered = name.lower()
    if lowered == "id" or lowered.endswith("id"):
        return hydra_id("EMULATED", new_uuid())
    if "email" in lowered:
        return "user@example.com"
    if lowered in ("start", "end", "created", "updated", "lastactivity", "lastmodified"):
        return _TIMESTAMP
    if "url" in lowered or "link" in lowered:
        return "http://127.0.0.1/emulated"
    text = "example"
    return text.ljust(int(schema.get("minLength", 0)), "x")


class Synthesizer:
    """Builds instances of the schemas of one spec.

    Args:
        root: The validator root, i.e. the spec's converted ``components`` under
            ``components``.
        use_examples: Prefer the schemas' ``example`` values over generated ones.
    """

    def __init__(self, root: dict[str, Any], *, use_examples: bool = True) -> None:
        """Bind to a spec's components."""
        self.root = root
        self.use_examples = use_examples

    def build(self, schema: dict[str, Any], name: str = "", depth: int = 0) -> Any:
        """Return a value of ``schema``; ``name`` is the property it is for."""
        schema = _resolve(schema, self.root)
        if self.use_examples and "example" in schema:
            return copy.deepcopy(schema["example"])
        for combinator in ("allOf", "anyOf", "oneOf"):
            if combinator in schema:
                return self._combine(schema, combinator, name, depth)
        if "enum" in schema:
            return next((value for value in schema["enum"] if value is not None), None)
        kind = schema.get("type", "object" if "properties" in schema else "string")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            items = schema.get("items", {"type": "string"})
            count = max(1, int(schema.get("minItems", 1)))
            if depth >= _MAX_DEPTH:
                count = int(schema.get("minItems", 0))
            return [self.build(items, name, depth + 1) for _ in range(count)]
        if kind == "integer":
            return int(schema.get("minimum", 1))
        if kind == "number":
            return float(schema.get("minimum", 1))
        if kind == "boolean":
            return False
        if kind == "null":
            return None
        return _string(name, schema)

    def _combine(self, schema: dict[str, Any], combinator: str, name: str, depth: int) -> Any:
        parts = schema[combinator]
        if combinator != "allOf":
            return self.build(parts[0], name, depth)
        merged: dict[str, Any] = {}
        for part in parts:
            value = self.build(part, name, depth)
            if isinstance(value, dict):
                merged.update(value)
            else:
                return value
        return merged

    def _object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        required = set(schema.get("required", []))
        out: dict[str, Any] = {}
        for prop, sub in schema.get("properties", {}).items():
            if depth < _MAX_DEPTH or prop in required:
                out[prop] = self.build(sub, prop, depth + 1)
        return out


def synthesize(validator: SchemaValidator, example: Any = None) -> Any:
    """Return a body valid for ``validator``: the spec example if valid, else a generated one.

    Args:
        validator: The response schema.
        example: The operation's own example of the body, if the spec has one.
    """
    if example is not None and validator.is_valid(example):
        return copy.deepcopy(example)
    for use_examples in (True, False):
        candidate = Synthesizer(validator.root, use_examples=use_examples).build(validator.schema)
        if validator.is_valid(candidate):
            return candidate
    return candidate
