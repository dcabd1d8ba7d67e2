"""Guardrail fields of production support rotations (issue 17; domain.support). Part of the
catalog in `fields.py`."""

from __future__ import annotations

from domain.guardrails.field_shape import Field
from domain.guardrails.lattice import Strictness

SUPPORT_FIELDS: tuple[Field, ...] = (
    Field(
        "release_secondary_hours",
        Strictness.AT_LEAST,
        "Hours after a production release's window opens during which one of its authors "
        "watches it as secondary beside the member on shift, at least.",
        minimum=1,
        maximum=720,
        unit="hours",
        advisory="It decides who watches a release after it goes live (the secondary's hours, "
        "domain.support.watchers), never whether a promotion may go.",
    ),
)
