"""OpenAPI 3.0 schemas as JSON Schema, and request/response validation with jsonschema."""

from __future__ import annotations

from typing import Any

# No stubs ship with jsonschema; the ignore stays harmless if types-jsonschema is installed.
from jsonschema import Draft7Validator  # type: ignore[import-untyped,unused-ignore]
from jsonschema.exceptions import (  # type: ignore[import-untyped,unused-ignore]
    ValidationError,
    best_match,
)

#: Keywords whose values are data, not schemas; never rewritten.
_DATA_KEYWORDS = frozenset({"example", "examples", "enum", "default", "const"})


def to_json_schema(node: Any) -> Any:
    """Rewrite an OpenAPI 3.0 schema (or any part of a spec) into JSON Schema.

    ``nullable: true`` becomes a ``"null"`` member of ``type`` (and of ``enum``); ``$ref``
    and ``allOf`` are kept, as jsonschema resolves them against the root document.

    Args:
        node: A schema, a list of schemas, or a whole ``components`` object.
    """
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {
        key: value if key in _DATA_KEYWORDS else to_json_schema(value)
        for key, value in node.items()
        if key != "nullable"
    }
    if node.get("nullable") is True:
        kind = out.get("type")
        if isinstance(kind, str):
            out["type"] = [kind, "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


class SchemaValidator:
    """Validates instances against one schema of a spec, resolving its ``$ref`` links."""

    def __init__(self, schema: dict[str, Any], components: dict[str, Any]) -> None:
        """Compile ``schema``; ``components`` is the spec's converted ``components``."""
        self.schema = schema
        self.root: dict[str, Any] = {"components": components}
        self._validator = Draft7Validator({**schema, **self.root})

    def first_error(self, instance: Any) -> ValidationError | None:
        """Return the most relevant violation, or None when ``instance`` is valid."""
        error: ValidationError | None = best_match(self._validator.iter_errors(instance))
        return error

    def is_valid(self, instance: Any) -> bool:
        """Return True when ``instance`` satisfies the schema."""
        return bool(self._validator.is_valid(instance))


def describe(error: ValidationError, where: str = "body") -> str:
    """Render a violation as ``<field>: <reason>`` naming the offending field.

    Args:
        error: The violation.
        where: Name of the validated part, used when the violation is at its root.
    """
    field = ".".join(str(part) for part in error.absolute_path)
    return f"{field or where}: {error.message}"
