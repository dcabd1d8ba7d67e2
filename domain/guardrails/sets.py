"""Saving guardrail sets: the RMO's core and tier profiles, each BU's tightening of the core.

Every save is a new immutable version (who, when, why) and one audit entry. BU sets and
profiles are checked against the current core only: they are merged after it and the merge
takes the strictest value, so a profile never needs to know a BU's set (nor the reverse).
Saving the core never fails because of them: the values it makes looser than itself are
returned as conflicts, written into the audit entry and the version, and listed by the
conflicts query until fixed; meanwhile the merge still applies the core's stricter value.
A BU admin sees them on the BU set (its `conflicts`), and the next save of that set is
refused until each is removed or tightened (a saved version never contradicts the core).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails import repository as repo
from domain.guardrails import rules
from domain.guardrails.commands import Origin, SaveBusinessUnitSet, SaveCore, SaveProfile
from domain.guardrails.effective import bu_layer, current_core, profile_layer
from domain.guardrails.errors import GuardrailErrorCode as Code
from domain.guardrails.fields import CORE_DEFAULTS, PROFILE_DEFAULTS
from domain.guardrails.models import CORE_SUBJECT, GuardrailSet, GuardrailSetVersion
from domain.guardrails.vocabulary import SetKind
from domain.kernel.access import Action, Resource
from domain.kernel.errors import VersionConflict
from domain.kernel.orm import snapshot
from domain.kernel.rules import choice
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.organization.vocabulary import Tier


@dataclass(frozen=True, slots=True)
class StoredLayer:
    """A BU set or profile as it stands now, with where it lives."""

    kind: SetKind
    subject: str
    bu_id: uuid.UUID | None
    layer: rules.Layer


@dataclass(frozen=True, slots=True)
class LayerConflict:
    """A value of a stored BU set or profile that the core forbids."""

    layer: StoredLayer
    looser: rules.Looser


@dataclass(frozen=True, slots=True)
class SavedSet:
    guardrail_set: GuardrailSet
    conflicts: list[LayerConflict] = field(default_factory=list)
    """Only for the core: BU and profile values the new core makes looser than itself."""


def layer_conflicts(core: Mapping[str, Any], layers: list[StoredLayer]) -> list[LayerConflict]:
    """Every value of the stored layers looser than `core`."""
    return [
        LayerConflict(stored, looser)
        for stored in layers
        for looser in rules.looser_than_core(stored.layer.values, core)
    ]


def conflict_facts(found: list[LayerConflict]) -> list[dict[str, Any]]:
    """Conflicts as JSON-able facts (audit trail, version rows)."""
    return [
        {
            "source": c.layer.layer.source,
            "version": c.layer.layer.version,
            "key": c.looser.key,
            "value": c.looser.value,
            "coreBound": c.looser.bound,
        }
        for c in found
    ]


async def stored_layers(session: AsyncSession) -> list[StoredLayer]:
    """Every BU set and every tier profile (defaults where never saved), as they stand."""
    bus = await repo.layer_rows(session, SetKind.BUSINESS_UNIT, None, None)
    keys = await repo.bu_keys(session, [r.bu_id for r in bus.values()])
    profiles = await repo.layer_rows(session, SetKind.PROFILE, None, None)
    out = []
    for subject, row in sorted(bus.items(), key=lambda kv: keys.get(kv[1].bu_id, "")):
        layer = bu_layer(keys.get(row.bu_id, subject), row)
        if layer is not None:
            out.append(StoredLayer(SetKind.BUSINESS_UNIT, subject, row.bu_id, layer))
    for tier in Tier:
        out.append(
            StoredLayer(
                SetKind.PROFILE,
                tier.value,
                None,
                profile_layer(tier.value, profiles.get(tier.value)),
            )
        )
    return out


async def save_core(uow: UnitOfWork, c: SaveCore) -> SavedSet:
    """Change the core guardrails (RMO); report every BU or profile value now looser."""
    rule = uow.authorize(Action.UPDATE, Resource.GUARDRAIL_SET, None)
    saved = await _save(
        uow,
        SetKind.CORE,
        CORE_SUBJECT,
        None,
        changes=c.values,
        version=c.version,
        note=c.note,
        defaults=CORE_DEFAULTS,
        rule=rule,
        origin=c.origin,
    )
    return saved


async def save_profile(uow: UnitOfWork, c: SaveProfile) -> SavedSet:
    """Change a tier profile (RMO); it may only tighten the core."""
    rule = uow.authorize(Action.UPDATE, Resource.GUARDRAIL_SET, None)
    tier = choice(Tier, c.tier, Code.UNKNOWN_TIER, "tier").value
    return await _save(
        uow,
        SetKind.PROFILE,
        tier,
        None,
        changes=c.values,
        version=c.version,
        note=c.note,
        defaults=PROFILE_DEFAULTS.get(tier, {}),
        rule=rule,
        origin=c.origin,
    )


async def save_business_unit_set(uow: UnitOfWork, c: SaveBusinessUnitSet) -> SavedSet:
    """Change a BU's guardrails (its BU admin); it may only tighten the core."""
    bu = await org_facts.business_unit(uow.session, c.bu_id)
    rule = uow.authorize_visible(Action.UPDATE, Resource.GUARDRAIL_SET, bu.id, "Business unit")
    return await _save(
        uow,
        SetKind.BUSINESS_UNIT,
        str(bu.id),
        bu.id,
        changes=c.values,
        version=c.version,
        note=c.note,
        defaults={},
        rule=rule,
        origin=c.origin,
    )


async def _changed_values(
    uow: UnitOfWork, kind: SetKind, current: dict[str, Any], changes: Any
) -> tuple[dict[str, Any], list[LayerConflict]]:
    """The set's values after the changes; a core change also reports the layers it loosened."""
    if kind is SetKind.CORE:
        values = rules.apply_changes({**CORE_DEFAULTS, **current}, changes, complete=True)
        return values, layer_conflicts(values, await stored_layers(uow.session))
    core = (await current_core(uow.session)).values
    return rules.apply_changes(current, changes, complete=False, core=core), []


async def _keep_version(
    uow: UnitOfWork, row: GuardrailSet, facts: list[dict[str, Any]], origin: Origin | None
) -> None:
    """Every saved version is kept, with who saved it, the conflicts it reported and what
    asked for it (when something did)."""
    await repo.add_version(
        uow.session,
        GuardrailSetVersion(
            set_id=row.id,
            version=row.version,
            kind=row.kind,
            subject=row.subject,
            bu_id=row.bu_id,
            values=row.values,
            note=row.note,
            saved_at=row.updated_at,
            saved_by_id=uow.actor.person_id,
            saved_by=uow.actor.display_name,
            conflicts=facts,
            origin=None if origin is None else dict(origin),
        ),
    )


async def _save(
    uow: UnitOfWork,
    kind: SetKind,
    subject: str,
    bu_id: uuid.UUID | None,
    *,
    changes: Any,
    version: int,
    note: str,
    defaults: Mapping[str, Any],
    rule: str,
    origin: Origin | None = None,
) -> SavedSet:
    text = rules.check_note(note)
    row = await repo.set_for_update(uow.session, kind, subject)
    seen = row.version if row is not None else 0
    if seen != version:
        raise VersionConflict(
            f"The guardrails are at version {seen}, not {version}: reload and try again.",
            field="version",
        )
    current = dict(row.values) if row is not None else dict(defaults)
    values, found = await _changed_values(uow, kind, current, changes)
    now = uow.clock.now()
    before = snapshot(row) if row is not None else None
    if row is None:
        row = GuardrailSet(kind=kind.value, subject=subject, bu_id=bu_id, created_at=now)
        uow.session.add(row)
    row.values = values
    row.note = text
    row.updated_by_id = uow.actor.person_id
    row.updated_at = now
    try:
        await uow.session.flush()
    except IntegrityError:
        # Two first saves of the same set at once: the other one won.
        raise VersionConflict(
            "Someone else saved these guardrails in the meantime; reload and try again.",
            field="version",
        ) from None
    facts = conflict_facts(found)
    await _keep_version(uow, row, facts, origin)
    after = snapshot(row)
    if kind is SetKind.CORE:
        after["conflicts"] = facts
    if origin is not None:
        after["origin"] = dict(origin)
    uow.record_change(
        row,
        action="guardrail_set.update" if before else "guardrail_set.create",
        bu_id=bu_id,
        rule=rule,
        before=before,
        after=after,
    )
    return SavedSet(row, found)
