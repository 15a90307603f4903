"""Decoding Hydra ids: the public REST API ids, base64 of ``ciscospark://<cluster>/<KIND>/<uuid>``.

One decoder with two faces: :func:`decode_hydra_id` raises for callers that must have
an id (reading receipts), :func:`parse_hydra_id` answers None for callers that only ask
whether a string is one (classifying a meeting destination). Both accept padded or
unpadded ids in either base64 alphabet; the cluster may itself hold ``:`` and the uuid
part ``:`` (membership ids are ``<person>:<room>``).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Final

__all__ = ["HYDRA_PREFIX", "HydraId", "decode_hydra_id", "parse_hydra_id"]

#: What every decoded Hydra id starts with.
HYDRA_PREFIX: Final = "ciscospark://"
#: Longer strings are not ids; no need to decode them.
_MAX_LENGTH: Final = 2048
_BASE64: Final = re.compile(r"[A-Za-z0-9_+/-]+={0,2}")


@dataclass(frozen=True)
class HydraId:
    """The parts of a decoded Hydra id ``ciscospark://<cluster>/<KIND>/<uuid>``."""

    cluster: str
    kind: str
    uuid: str


def decode_hydra_id(value: str) -> HydraId:
    """Decode a Hydra id.

    Raises:
        ValueError: ``value`` is not a Hydra id.
    """
    parsed = parse_hydra_id(value)
    if parsed is None:
        shown = value if len(value) <= 80 else f"{value[:80]}..."
        raise ValueError(f"{shown!r} is not a Hydra id")
    return parsed


def parse_hydra_id(value: str) -> HydraId | None:
    """Decode a Hydra id; None when ``value`` is not one."""
    if not value or len(value) > _MAX_LENGTH or not _BASE64.fullmatch(value):
        return None
    text = value.rstrip("=").replace("+", "-").replace("/", "_")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not raw.startswith(HYDRA_PREFIX):
        return None
    parts = raw[len(HYDRA_PREFIX) :].split("/")
    if len(parts) < 3 or not all(parts[-3:]):
        return None
    cluster, kind, uuid = parts[-3:]
    return HydraId(cluster=cluster, kind=kind, uuid=uuid)
