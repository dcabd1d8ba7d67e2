"""The effective guardrails of a service: core, then its BU's set, then its tier's profile.

This is the one entry point other contexts use (risk, compliance, vendors, pipelines).
Each layer is the version in force at `at` (or now); a core or profile the RMO never saved
is the built-in default (version 0); a BU that never saved a set adds nothing. The service's
BU and tier are its current ones, also for a past `at` (services keep no tier history).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails import repository as repo
from domain.guardrails.fields import CORE_DEFAULTS, PROFILE_DEFAULTS
from domain.guardrails.models import CORE_SUBJECT
from domain.guardrails.rules import Contribution, Layer, merge
from domain.guardrails.vocabulary import SetKind
from domain.kernel.errors import NotFound


@dataclass(frozen=True, slots=True)
class EffectiveValue:
    key: str
    value: Any
    source: str
    """`core`, `bu:<bu key>` or `profile:<tier>`: the layer that set the binding value."""
    source_version: int
    """The version of that layer's set (0 for the built-in defaults)."""
    contributions: tuple[Contribution, ...] = ()
    """For set values that grow stricter with members: which layer added which members."""


@dataclass(frozen=True, slots=True)
class EffectiveGuardrails:
    service_id: uuid.UUID
    bu_id: uuid.UUID
    tier: str
    at: datetime | None
    values: Mapping[str, EffectiveValue]

    def __getitem__(self, key: str) -> Any:
        return self.values[key].value


def core_layer(row: Any) -> Layer:
    """The stored core over the defaults (a key added to the catalog later keeps its default)."""
    if row is None:
        return Layer("core", 0, dict(CORE_DEFAULTS))
    return Layer("core", row.version, {**CORE_DEFAULTS, **row.values})


def profile_layer(tier: str, row: Any) -> Layer:
    if row is None:
        return Layer(f"profile:{tier}", 0, dict(PROFILE_DEFAULTS.get(tier, {})))
    return Layer(f"profile:{tier}", row.version, dict(row.values))


def bu_layer(bu_key: str, row: Any) -> Layer | None:
    return None if row is None else Layer(f"bu:{bu_key}", row.version, dict(row.values))


def effective_values(layers: Sequence[Layer | None]) -> dict[str, EffectiveValue]:
    """The merge of the layers given (None ones skipped), as EffectiveValues."""
    merged = merge([layer for layer in layers if layer is not None])
    return {
        k: EffectiveValue(k, m.value, m.source, m.version, m.contributions)
        for k, m in merged.items()
    }


async def current_core(session: AsyncSession, at: datetime | None = None) -> Layer:
    rows = await repo.layer_rows(session, SetKind.CORE, [CORE_SUBJECT], at)
    return core_layer(rows.get(CORE_SUBJECT))


async def effective_for_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID], at: datetime | None = None
) -> dict[uuid.UUID, EffectiveGuardrails]:
    """The guardrails in force for many services (two statements, whatever their number);
    services that do not exist are left out."""
    services = await repo.services_with_bu(session, list(service_ids))
    if not services:
        return {}
    rows = await repo.layers_rows(
        session,
        {
            SetKind.CORE: [CORE_SUBJECT],
            SetKind.PROFILE: sorted({s.tier for s in services.values()}),
            SetKind.BUSINESS_UNIT: sorted({str(s.bu_id) for s in services.values()}),
        },
        at,
    )
    core = core_layer(rows.get((SetKind.CORE, CORE_SUBJECT)))
    out = {}
    for s in services.values():
        layers = [
            core,
            bu_layer(s.bu_key, rows.get((SetKind.BUSINESS_UNIT, str(s.bu_id)))),
            profile_layer(s.tier, rows.get((SetKind.PROFILE, s.tier))),
        ]
        out[s.id] = EffectiveGuardrails(s.id, s.bu_id, s.tier, at, effective_values(layers))
    return out


async def effective_for_service(
    session: AsyncSession, service_id: uuid.UUID, at: datetime | None = None
) -> EffectiveGuardrails:
    """The guardrails in force for a service now (or at `at`), each value with its source."""
    found = await effective_for_services(session, [service_id], at)
    if service_id not in found:
        raise NotFound("Service was not found.")
    return found[service_id]


async def effective_for_business_units(
    session: AsyncSession, bu_ids: Sequence[uuid.UUID], at: datetime | None = None
) -> dict[uuid.UUID, dict[str, EffectiveValue]]:
    """Core then BU set, without a tier profile: what holds for everything a BU owns (e.g. a
    team's onboarding requirements). Unknown BUs are left out."""
    keys = await repo.bu_keys(session, list(bu_ids))
    if not keys:
        return {}
    core = await current_core(session, at)
    bus = await repo.layer_rows(session, SetKind.BUSINESS_UNIT, [str(b) for b in keys], at)
    return {
        bu: effective_values([core, bu_layer(key, bus.get(str(bu)))]) for bu, key in keys.items()
    }
