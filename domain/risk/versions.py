"""Saving the core risk model and BU mappings: each save adds an immutable, audited version.

The RMO changes the core model at org scope (`risk_model/update` at `*`); a BU admin changes
its BU's overlay, which may only tighten the core's mapping. A core change that leaves some
BU's overlay looser is not refused (the core is the RMO's to set): the overlay's looser values
stop counting, and each is reported in the result, the audit entry and `riskMapping`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, VersionConflict
from domain.kernel.orm import snapshot
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.risk import repository as repo
from domain.risk import rules
from domain.risk.commands import UpdateRiskMapping, UpdateRiskModel
from domain.risk.errors import RiskErrorCode as Code
from domain.risk.model import (
    DEFAULT_MODEL,
    Overlay,
    RiskMapping,
    RiskModel,
    weights_from_json,
)
from domain.risk.models import RiskMappingVersion, RiskModelVersion


def model_of(row: RiskModelVersion | Row[Any] | None) -> RiskModel:
    if row is None:
        return DEFAULT_MODEL
    return RiskModel(
        version=row.version,
        weights=weights_from_json(row.factors),
        change_type_weights={k: float(v) for k, v in row.change_type_weights.items()},
        mapping=RiskMapping.from_json(row.mapping),
        note=row.note,
    )


async def current_model(session: AsyncSession) -> RiskModel:
    """The core model in force: the latest saved version, or the built-in (version 0)."""
    return model_of(await repo.latest_model_row(session))


async def current_overlay(session: AsyncSession, bu_id: uuid.UUID) -> tuple[Overlay | None, int]:
    """A BU's overlay in force and its version (None and 0 when it has none)."""
    row = await repo.latest_mapping_row(session, bu_id)
    return (Overlay.from_json(row.overlay), row.version) if row else (None, 0)


@dataclass(frozen=True, slots=True)
class OverlayConflict:
    bu_id: uuid.UUID
    bu_key: str
    looser: rules.Looser


@dataclass(frozen=True, slots=True)
class ModelSaved:
    row: RiskModelVersion
    model: RiskModel
    conflicts: list[OverlayConflict]


async def overlay_conflicts(session: AsyncSession, core: RiskMapping) -> list[OverlayConflict]:
    """Every value of every BU's overlay that is looser than `core` (one statement)."""
    return [
        OverlayConflict(row.bu_id, row.bu_key, looser)
        for row in await repo.latest_mappings(session)
        for looser in rules.looser_values(core, Overlay.from_json(row.overlay))
    ]


def _conflict_json(c: OverlayConflict) -> dict[str, object]:
    return {
        "bu": c.bu_key,
        "path": c.looser.path,
        "value": rules.plain(c.looser.value),
        "bound": rules.plain(c.looser.bound),
    }


async def update_core_model(uow: UnitOfWork, c: UpdateRiskModel) -> ModelSaved:
    """Save the next core model version (weights ≥ 0, thresholds ascending, requirements
    monotone); BU overlays it makes looser are reported, never silently dropped."""
    rule = uow.authorize(Action.UPDATE, Resource.RISK_MODEL, None)
    current = await current_model(uow.session)
    if c.expected_version != current.version:
        raise VersionConflict(
            f"The risk model is at version {current.version}, not {c.expected_version}: "
            "reload and try again.",
            field="expectedVersion",
        )
    mapping = RiskMapping(
        thresholds={**current.mapping.thresholds, **c.thresholds},
        requirements={**current.mapping.requirements, **c.requirements},
    )
    model = rules.check_model(
        replace(
            current,
            version=current.version + 1,
            weights={**current.weights, **c.weights},
            change_type_weights={**current.change_type_weights, **c.change_type_weights},
            mapping=mapping,
            note=c.note,
        )
    )
    row = RiskModelVersion(
        id=uuid.uuid4(),
        version=model.version,
        factors=model.factors_json(),
        change_type_weights=dict(model.change_type_weights),
        mapping=model.mapping.as_json(),
        note=model.note,
        created_at=uow.clock.now(),
        created_by_id=uow.actor.person_id,
        origin=None if c.origin is None else dict(c.origin),
    )
    if not await repo.insert_once(uow.session, row):
        raise VersionConflict(
            "Someone saved the risk model in the meantime; reload and try again.",
            field="expectedVersion",
        )
    conflicts = await overlay_conflicts(uow.session, model.mapping)
    uow.record_change(
        row,
        action="risk_model.update",
        bu_id=None,
        rule=rule,
        before={"version": current.version},
        after={**snapshot(row), "overlay_conflicts": [_conflict_json(x) for x in conflicts]},
    )
    return ModelSaved(row, model, conflicts)


async def checked_overlay(session: AsyncSession, overlay: Overlay) -> RiskModel:
    """Refuse an overlay as saving it would: a value of the wrong shape, one looser than the
    core (RISK_MAPPING_LOOSER_THAN_CORE, naming the value and the bound), merged thresholds not
    ascending or requirements not monotone. The core model it was checked against."""
    overlay = rules.check_overlay(overlay)
    core = await current_model(session)
    looser = rules.looser_values(core.mapping, overlay)
    if looser:
        raise DomainError(
            looser[0].message, code=Code.RISK_MAPPING_LOOSER_THAN_CORE, field=looser[0].path
        )
    merged = rules.merge(core.mapping, overlay, "bu").mapping
    rules.check_thresholds(merged.thresholds)
    rules.check_monotone(merged.requirements)
    return core


async def update_bu_mapping(uow: UnitOfWork, c: UpdateRiskMapping) -> RiskMappingVersion:
    """Save the next version of a BU's overlay; any value looser than the core is refused
    (RISK_MAPPING_LOOSER_THAN_CORE, naming the value and the bound)."""
    bu = await org_facts.business_unit(uow.session, c.bu_id)
    rule = uow.authorize_visible(Action.UPDATE, Resource.RISK_MODEL, bu.id, "Business unit")
    _, version = await current_overlay(uow.session, bu.id)
    if c.expected_version != version:
        raise VersionConflict(
            f"The business unit's risk mapping is at version {version}, not "
            f"{c.expected_version}: reload and try again.",
            field="expectedVersion",
        )
    overlay = Overlay(dict(c.thresholds), dict(c.requirements))
    core = await checked_overlay(uow.session, overlay)
    row = RiskMappingVersion(
        id=uuid.uuid4(),
        bu_id=bu.id,
        version=version + 1,
        overlay=overlay.as_json(),
        core_version=core.version,
        note=c.note.strip()[:2000],
        created_at=uow.clock.now(),
        created_by_id=uow.actor.person_id,
        origin=None if c.origin is None else dict(c.origin),
    )
    if not await repo.insert_once(uow.session, row):
        raise VersionConflict(
            "Someone saved this risk mapping in the meantime; reload and try again.",
            field="expectedVersion",
        )
    uow.record_change(
        row,
        action="risk_mapping.update",
        bu_id=bu.id,
        rule=rule,
        before={"version": version},
        after=snapshot(row),
    )
    return row
