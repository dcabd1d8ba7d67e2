"""Read use cases of guardrails and onboarding, scoped by what the actor may read.

The core and the tier profiles are org-level: anyone who may read guardrail sets somewhere
reads them. A BU's set, its history and its conflicts need `guardrail_set/read` in that BU;
the effective guardrails of a service need read on the service and on its BU's guardrails.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.guardrails import repository as repo
from domain.guardrails import rules
from domain.guardrails.effective import (
    EffectiveGuardrails,
    current_core,
    effective_for_services,
)
from domain.guardrails.fields import CORE_DEFAULTS, FIELDS, PROFILE_DEFAULTS, Field
from domain.guardrails.models import CORE_SUBJECT
from domain.guardrails.onboarding import production_access_of_teams
from domain.guardrails.sets import LayerConflict, layer_conflicts, stored_layers
from domain.guardrails.vocabulary import OnboardingItem, SetKind
from domain.kernel.access import Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.gates import GateOutcome
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.organization.vocabulary import Tier


@dataclass(frozen=True, slots=True)
class SetView:
    """A guardrail set as it stands: version 0 with the defaults when never saved."""

    kind: SetKind
    subject: str
    bu_id: uuid.UUID | None
    version: int
    values: dict[str, Any]
    note: str = ""
    updated_at: datetime | None = None
    updated_by_id: uuid.UUID | None = None
    conflicts: list[rules.Looser] = field(default_factory=list)

    @property
    def tier(self) -> str | None:
        return self.subject if self.kind is SetKind.PROFILE else None


def view_of(row: Any) -> SetView:
    """A set just saved, as a view (it holds no conflicts: the save refused them)."""
    kind = SetKind(row.kind)
    return _view(kind, row.subject, row.bu_id, row, {})


def catalog() -> list[Field]:
    """Every guardrail a set may hold, in catalog order (for editors)."""
    return list(FIELDS.values())


def _org_readable(r: Reader) -> bool:
    return not r.scope(Resource.GUARDRAIL_SET).empty


def _view(kind: SetKind, subject: str, bu_id: uuid.UUID | None, row: Any, defaults: Any) -> SetView:
    if row is None:
        return SetView(kind, subject, bu_id, 0, dict(defaults))
    return SetView(
        kind,
        subject,
        bu_id,
        row.version,
        dict(row.values),
        row.note,
        row.updated_at,
        row.updated_by_id,
    )


async def core_set(r: Reader) -> SetView | None:
    """The core set; None for someone who may read no guardrails at all."""
    if not _org_readable(r):
        return None
    rows = await repo.sets_of_kind(r.session, SetKind.CORE)
    return _view(SetKind.CORE, CORE_SUBJECT, None, rows[0] if rows else None, CORE_DEFAULTS)


async def profiles(r: Reader) -> list[SetView]:
    """One profile per tier, each with its values now looser than the core."""
    if not _org_readable(r):
        return []
    stored = {row.subject: row for row in await repo.sets_of_kind(r.session, SetKind.PROFILE)}
    core = (await current_core(r.session)).values
    out = []
    for tier in Tier:
        view = _view(
            SetKind.PROFILE, tier.value, None, stored.get(tier.value), PROFILE_DEFAULTS[tier.value]
        )
        out.append(_with_conflicts(view, core))
    return out


def _with_conflicts(view: SetView, core: Mapping[str, Any]) -> SetView:
    return SetView(
        view.kind,
        view.subject,
        view.bu_id,
        view.version,
        view.values,
        view.note,
        view.updated_at,
        view.updated_by_id,
        rules.looser_than_core(view.values, core),
    )


async def business_unit_set(r: Reader, bu_id: uuid.UUID) -> SetView:
    """A BU's set (empty, version 0, until its admin saves one), with its conflicts."""
    if not r.may_read(Resource.GUARDRAIL_SET, bu_id) or not await repo.bu_keys(r.session, [bu_id]):
        raise NotFound("Business unit was not found.", field="businessUnitId")
    row = await repo.get_set(r.session, SetKind.BUSINESS_UNIT, str(bu_id))
    view = _view(SetKind.BUSINESS_UNIT, str(bu_id), bu_id, row, {})
    return _with_conflicts(view, (await current_core(r.session)).values)


def _subject(kind: SetKind, bu_id: uuid.UUID | None, tier: str | None) -> str:
    if kind is SetKind.CORE:
        return CORE_SUBJECT
    if kind is SetKind.PROFILE:
        if tier is None:
            raise DomainError("Name the tier of the profile.", field="tier")
        return tier
    if bu_id is None:
        raise DomainError("Name the business unit.", field="businessUnitId")
    return str(bu_id)


async def history(
    r: Reader,
    kind: SetKind,
    *,
    bu_id: uuid.UUID | None,
    tier: str | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    """Every saved version of one set, oldest first (version 0, the defaults, is not stored)."""
    subject = _subject(kind, bu_id, tier)
    readable = (
        r.may_read(Resource.GUARDRAIL_SET, bu_id)
        if kind is SetKind.BUSINESS_UNIT
        else _org_readable(r)
    )
    if not readable:
        return Page(items=[], has_next=False, cursors=[])
    return await repo.versions_page(r.session, kind, subject, first=first, after=after)


async def versions_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    rows = await repo.versions_by_ids(r.session, ids)
    scope = r.scope(Resource.GUARDRAIL_SET)
    return {
        k: v
        for k, v in rows.items()
        if scope.allows(v.bu_id) or (v.bu_id is None and not scope.empty)
    }


async def effective(r: Reader, service_id: uuid.UUID, at: datetime | None) -> EffectiveGuardrails:
    """The effective guardrails of a service you may read, each value with its source."""
    if at is not None and at.tzinfo is None:
        raise DomainError(
            "Give the moment with its time zone (e.g. 2026-12-01T00:00Z).", field="at"
        )
    found = await effective_for_services(r.session, [service_id], at)
    eff = found.get(service_id)
    if eff is None or not (
        r.may_read(Resource.SERVICE, eff.bu_id) and r.may_read(Resource.GUARDRAIL_SET, eff.bu_id)
    ):
        raise NotFound("Service was not found.", field="serviceId")
    return eff


async def conflicts(r: Reader) -> list[LayerConflict]:
    """Every BU or profile value now looser than the core, among the sets you may read."""
    scope = r.scope(Resource.GUARDRAIL_SET)
    if scope.empty:
        return []
    core = (await current_core(r.session)).values
    layers = [s for s in await stored_layers(r.session) if s.bu_id is None or scope.allows(s.bu_id)]
    return layer_conflicts(core, layers)


# -- onboarding --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One item of a team's checklist; `check` is None while it was never completed."""

    item: str
    required: bool
    check: Any


@dataclass(frozen=True, slots=True)
class TeamOnboarding:
    team_id: uuid.UUID
    items: list[ChecklistItem]
    production_access: GateOutcome


async def onboarding_of_teams(
    r: Reader, team_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, TeamOnboarding]:
    """Checklists and production access of the teams whose onboarding you may read."""
    teams = await repo.teams_with_bu(r.session, list(team_ids))
    scope = r.scope(Resource.ONBOARDING)
    visible = [t.id for t in teams.values() if scope.allows(t.bu_id)]
    if not visible:
        return {}
    access = await production_access_of_teams(r.session, visible)
    checks = await repo.checks_of_teams(r.session, visible)
    out = {}
    for team_id in visible:
        required = set(access[team_id].evidence["required"])
        mine = {c.item: c for c in checks.get(team_id, [])}
        items = [
            ChecklistItem(i.value, i.value in required, mine.get(i.value)) for i in OnboardingItem
        ]
        out[team_id] = TeamOnboarding(team_id, items, access[team_id])
    return out
