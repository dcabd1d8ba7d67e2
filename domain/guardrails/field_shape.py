"""The shape of one guardrail field (the catalog itself is `fields.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.guardrails.lattice import Strictness


@dataclass(frozen=True, slots=True)
class Field:
    key: str
    strictness: Strictness
    description: str
    minimum: int | None = None
    maximum: int | None = None
    members: tuple[str, ...] | None = None
    """For set fields (and risk levels): the allowed members; None for SPDX ids or names."""
    unit: str = ""
    names: bool = False
    """A set of people's usernames (checked for shape; people come and go)."""
    advisory: str = ""
    """Why no decision is refused by this field, for a field that restricts nothing; empty for a
    control, which some gate or use case must enforce (tests/domain/pipelines/
    test_control_coverage_catalog.py tightens every control and watches an outcome change)."""


def _set(key: str, s: Strictness, description: str, members: Any = None) -> Field:
    return Field(key, s, description, members=tuple(m.value for m in members) if members else None)
