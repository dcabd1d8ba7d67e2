"""The effective guardrails of a service: core, then its BU's set, then its tier's profile.

This is the one entry point other contexts use (risk, compliance, vendors, pipelines).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails.fields import CORE_DEFAULTS, FIELDS, PROFILE_DEFAULTS
from domain.guardrails.lattice import at_least_as_strict, stricter
from domain.kernel.errors import NotFound
from domain.organization.models import Service


@dataclass(frozen=True, slots=True)
class EffectiveValue:
    key: str
    value: Any
    source: str
    """`core`, `bu:<bu key>` or `profile:<tier>`: the layer that set the binding value."""
    source_version: int
    """The version of that layer's set (0 for the built-in defaults)."""


@dataclass(frozen=True, slots=True)
class EffectiveGuardrails:
    service_id: uuid.UUID
    bu_id: uuid.UUID
    tier: str
    at: datetime | None
    values: Mapping[str, EffectiveValue]

    def __getitem__(self, key: str) -> Any:
        return self.values[key].value


async def effective_for_service(
    session: AsyncSession, service_id: uuid.UUID, at: datetime | None = None
) -> EffectiveGuardrails:
    """The guardrails in force for a service now (or at `at`), each value with its source."""
    service = await session.get(Service, service_id)
    if service is None:
        raise NotFound("Service was not found.")
    values = {k: EffectiveValue(k, v, "core", 0) for k, v in CORE_DEFAULTS.items()}
    for key, value in PROFILE_DEFAULTS.get(service.tier, {}).items():
        kind = FIELDS[key].strictness
        current = values[key].value
        if at_least_as_strict(kind, value, current) and value != current:
            values[key] = EffectiveValue(
                key, stricter(kind, current, value), f"profile:{service.tier}", 0
            )
    return EffectiveGuardrails(service.id, service.bu_id, service.tier, at, values)
