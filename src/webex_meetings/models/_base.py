"""The base of every API model: camelCase aliases, extra fields kept, snake_case access."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

__all__ = ["WebexModel"]


class WebexModel(BaseModel):
    """A Webex REST object.

    Fields are read in snake_case (``person.display_name``) and parsed from the
    camelCase JSON of the API (``displayName``). Fields the server adds later are kept
    (``model_extra``) rather than dropped, so new data never breaks parsing.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        use_attribute_docstrings=True,
        protected_namespaces=(),
    )

    def to_api(self) -> dict[str, Any]:
        """The JSON body for the API: camelCase keys, unset fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)
