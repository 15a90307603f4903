"""The base of every API model: camelCase aliases, extra fields kept, snake_case access."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from webex_meetings._http._warnings import ApiWarning

__all__ = ["WebexModel"]


class WebexModel(BaseModel):
    """A Webex REST object.

    Fields are read in snake_case (``person.display_name``) and parsed from the
    camelCase JSON of the API (``displayName``). Fields the server adds later are kept
    (``model_extra``) rather than dropped, so new data never breaks parsing.

    An object returned by a REST call also carries the ``Warning`` response header
    values of that call in :attr:`warnings` (Meetings code 1001 after a create or an
    update: some attributes in the response may differ from the request).
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        # Each model's validator is built the first time it parses a response, so
        # importing the package does not pay for the hundreds of models it defines.
        defer_build=True,
        # Attribute docstrings document the fields for readers and the API reference;
        # extracting them at runtime would slow every import, so pydantic skips them.
        protected_namespaces=(),
    )

    # A class-level default rather than a pydantic private attribute: a private
    # attribute makes pydantic build a private-state dict for every object it parses,
    # about a quarter of the CPU of a page walk, while warnings are rare. The few
    # objects that carry some get an instance value (see ``_set_warnings``).
    _warnings: ClassVar[tuple[ApiWarning, ...]] = ()

    @property
    def warnings(self) -> tuple[ApiWarning, ...]:
        """The ``Warning`` header values of the response this object came from."""
        return self._warnings

    def _set_warnings(self, warnings: tuple[ApiWarning, ...]) -> None:
        # Stored beside the fields (as ``functools.cached_property`` does): pydantic
        # leaves non-field keys of ``__dict__`` out of dumps and equality, and copies
        # keep them.
        object.__setattr__(self, "_warnings", warnings)

    def to_api(self) -> dict[str, Any]:
        """The JSON body for the API: camelCase keys, unset fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)
