"""Where a proposal's target lives, and the guardrails' or risk's own checks and saves for it.

A proposal never writes their tables: its value is judged by their facts (the checks a save
would make) when drafted, and applied through their use cases, which authorize, check again,
version and audit the change with the proposal as its origin."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails import facts as guardrail_facts
from domain.guardrails import sets as guardrail_sets
from domain.guardrails.commands import SaveBusinessUnitSet, SaveCore, SaveProfile
from domain.guardrails.vocabulary import RiskLevel, SetKind
from domain.insights.policy_rules import Target
from domain.insights.policy_vocabulary import TargetKind, TargetScope
from domain.kernel.access import Resource
from domain.kernel.uow import UnitOfWork
from domain.risk import facts as risk_facts
from domain.risk import versions as risk_versions
from domain.risk.commands import UpdateRiskMapping, UpdateRiskModel

NOTE_MAX = 2000
SET_KIND = {
    TargetScope.CORE: SetKind.CORE,
    TargetScope.BUSINESS_UNIT: SetKind.BUSINESS_UNIT,
    TargetScope.TIER: SetKind.PROFILE,
}


def target_of(row: Any) -> Target:
    """The target a stored proposal names."""
    return Target(
        TargetKind(row.target_kind),
        TargetScope(row.scope),
        row.tier,
        row.key,
        row.proposed["value"],
    )


def authority(target: Target, bu_id: uuid.UUID) -> tuple[Resource, uuid.UUID | None]:
    """What changing the target takes today: guardrail sets or the risk model, in the
    origin's BU for a BU target, at org scope for the core and the tier profiles."""
    resource = (
        Resource.GUARDRAIL_SET if target.kind is TargetKind.GUARDRAIL else Resource.RISK_MODEL
    )
    return resource, bu_id if target.scope is TargetScope.BUSINESS_UNIT else None


def _subject(target: Target, bu_id: uuid.UUID) -> str:
    match target.scope:
        case TargetScope.CORE:
            return guardrail_facts.CORE_SUBJECT
        case TargetScope.TIER:
            return str(target.tier)
        case _:
            return str(bu_id)


async def check(session: AsyncSession, target: Target, bu_id: uuid.UUID) -> int:
    """Refuse, with the lower context's codes, a value its save would refuse now; the version
    the target stands at."""
    if target.kind is TargetKind.GUARDRAIL:
        kind = SET_KIND[target.scope]
        changes = {target.key: target.value}
        return await guardrail_facts.check_change(session, kind, _subject(target, bu_id), changes)
    _, bu = authority(target, bu_id)
    change = await risk_facts.threshold_change(session, bu, RiskLevel(target.key), target.value)
    return change.version


async def apply(
    uow: UnitOfWork, target: Target, bu_id: uuid.UUID, note: str, origin: Mapping[str, str]
) -> int:
    """Save the change through the guardrails' or risk's own use case; the version it made."""
    note = note.strip()[:NOTE_MAX]
    if target.kind is TargetKind.RISK_THRESHOLD:
        return await _apply_threshold(uow, target, bu_id, note, origin)
    version = await check(uow.session, target, bu_id)
    values = {target.key: target.value}
    match target.scope:
        case TargetScope.CORE:
            saved = await guardrail_sets.save_core(
                uow, SaveCore(values, version, note, origin=origin)
            )
        case TargetScope.TIER:
            saved = await guardrail_sets.save_profile(
                uow, SaveProfile(str(target.tier), values, version, note, origin=origin)
            )
        case _:
            saved = await guardrail_sets.save_business_unit_set(
                uow, SaveBusinessUnitSet(bu_id, values, version, note, origin=origin)
            )
    return saved.guardrail_set.version


async def _apply_threshold(
    uow: UnitOfWork, target: Target, bu_id: uuid.UUID, note: str, origin: Mapping[str, str]
) -> int:
    _, bu = authority(target, bu_id)
    level = RiskLevel(target.key)
    change = await risk_facts.threshold_change(uow.session, bu, level, target.value)
    if change.bu_id is None:
        model = await risk_versions.update_core_model(
            uow,
            UpdateRiskModel(
                expected_version=change.version,
                thresholds=change.thresholds,
                note=note,
                origin=origin,
            ),
        )
        return model.model.version
    mapping = await risk_versions.update_bu_mapping(
        uow,
        UpdateRiskMapping(
            bu_id=change.bu_id,
            expected_version=change.version,
            thresholds=change.thresholds,
            requirements=change.requirements,
            note=note,
            origin=origin,
        ),
    )
    return mapping.version
