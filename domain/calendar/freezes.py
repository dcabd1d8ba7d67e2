"""Freeze periods: proposed by release managers, binding once every named stakeholder approved.

`blocking_freezes` is the one answer to "does a freeze stop this change here and now?"; the
calendar's conflict check and the governance context's release scheduling both ask it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import freeze_repository as frepo
from domain.calendar import recurrence, rules
from domain.calendar import repository as repo
from domain.calendar.commands import DecideFreeze, ProposeFreeze
from domain.calendar.errors import CalendarErrorCode as Code
from domain.calendar.models import Freeze, FreezeApproval, FreezeService
from domain.calendar.vocabulary import FreezeScope, FreezeStatus, StakeholderDecision
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.organization.vocabulary import Tier


@dataclass(frozen=True, slots=True)
class FreezeHit:
    """One occurrence of an approved freeze that a change would fall into."""

    freeze_id: uuid.UUID
    title: str
    occurrence_start: datetime
    occurrence_end: datetime


@dataclass(frozen=True, slots=True)
class ScopedFreeze:
    row: Row[Any]
    facts: rules.FreezeScopeFacts

    @property
    def timing(self) -> recurrence.Timing:
        return timing_of(self.row)


def timing_of(row: Any) -> recurrence.Timing:
    return recurrence.Timing(
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        tzid=row.tzid,
        rrule=row.rrule,
        effective_until=row.effective_until,
    )


async def freezes_in_range(
    session: AsyncSession, statuses: Sequence[str], starts_at: datetime, ends_at: datetime
) -> list[ScopedFreeze]:
    """Freezes in these statuses that may occur in the range, with what they cover."""
    rows = await frepo.freezes_overlapping(session, statuses, starts_at, ends_at)
    listed = [r.id for r in rows if r.scope == FreezeScope.SERVICES]
    services = await frepo.services_by_freeze(session, listed)
    return [
        ScopedFreeze(
            row=r,
            facts=rules.FreezeScopeFacts(
                scope=r.scope,
                bu_id=r.bu_id,
                tiers=frozenset(r.tiers or []),
                environments=frozenset(r.environments or []),
                service_ids=frozenset(services.get(r.id, [])),
            ),
        )
        for r in rows
    ]


async def blocking_freezes(
    session: AsyncSession,
    *,
    bu_id: uuid.UUID | None,
    service_ids: Collection[uuid.UUID],
    environments: Collection[str],
    tiers: Collection[str],
    starts_at: datetime,
    ends_at: datetime,
    release_id: uuid.UUID | None,
    now: datetime | None = None,
) -> list[FreezeHit]:
    """Occurrences of approved freezes in scope overlapping [starts_at, ends_at), minus those an
    approved, unexpired exception for `release_id` (with a window overlapping the occurrence)
    lets through. Fails closed: an unknown BU or scope binds.

    An exception counts only while unexpired: it must not expire before the part of the change
    that falls in the occurrence ends, and, when `now` is given (pass the unit of work's
    clock), not before now either.
    """
    found = await freezes_in_range(session, frepo.FREEZE_BINDING, starts_at, ends_at)
    hits = hits_in(
        found,
        bu_id=bu_id,
        service_ids=service_ids,
        environments=environments,
        tiers=tiers,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    if release_id is None or not hits:
        return hits
    exceptions = await frepo.approved_exceptions(
        session, release_id, sorted({h.freeze_id for h in hits}, key=str)
    )
    return not_excepted(hits, exceptions, ends_at, now)


def hits_in(
    freezes: Sequence[ScopedFreeze],
    *,
    bu_id: uuid.UUID | None,
    service_ids: Collection[uuid.UUID],
    environments: Collection[str],
    tiers: Collection[str],
    starts_at: datetime,
    ends_at: datetime,
) -> list[FreezeHit]:
    """The occurrences in [starts_at, ends_at) of those freezes that cover the change."""
    hits: list[FreezeHit] = []
    for f in freezes:
        if not rules.freeze_applies(
            f.facts, bu_id=bu_id, service_ids=service_ids, environments=environments, tiers=tiers
        ):
            continue
        hits += [
            FreezeHit(f.row.id, f.row.title, o.starts_at, o.ends_at)
            for o in recurrence.occurrences(f.timing, starts_at, ends_at)
        ]
    return hits


def not_excepted(
    hits: Sequence[FreezeHit], exceptions: Sequence[Any], ends_at: datetime, now: datetime | None
) -> list[FreezeHit]:
    """The hits no approved, unexpired exception of the release lets through."""

    def excepted(hit: FreezeHit) -> bool:
        return any(
            e.freeze_id == hit.freeze_id
            and rules.overlaps(
                e.window_starts_at, e.window_ends_at, hit.occurrence_start, hit.occurrence_end
            )
            and e.expires_at >= min(ends_at, hit.occurrence_end)
            and (now is None or e.expires_at > now)
            for e in exceptions
        )

    return [h for h in hits if not excepted(h)]


# -- use cases -----------------------------------------------------------------------------


async def _check_scope(uow: UnitOfWork, c: ProposeFreeze) -> tuple[list[str], list[uuid.UUID]]:
    scope = rules.choice(FreezeScope, c.scope, Code.INVALID_SCOPE, "scope")
    tiers = sorted({rules.choice(Tier, t, Code.INVALID_SCOPE, "tiers") for t in c.tiers})
    services = sorted(set(c.service_ids), key=str)
    needs = {
        FreezeScope.TIER: (tiers, "tiers"),
        FreezeScope.SERVICES: (services, "serviceIds"),
        FreezeScope.ENVIRONMENTS: (c.environments, "environments"),
    }
    if scope in needs and not needs[FreezeScope(scope)][0]:
        _, field = needs[FreezeScope(scope)]
        raise DomainError(
            f"A {scope} freeze names its {field}.", code=Code.INVALID_SCOPE, field=field
        )
    if scope == FreezeScope.BU and c.bu_id is None:
        raise DomainError(
            "A business-unit freeze names its business unit.",
            code=Code.INVALID_SCOPE,
            field="businessUnitId",
        )
    if scope == FreezeScope.ORG and c.bu_id is not None:
        raise DomainError(
            "An organization-wide freeze names no business unit.",
            code=Code.INVALID_SCOPE,
            field="businessUnitId",
        )
    if c.bu_id is not None:
        await org_facts.business_unit(
            uow.session, c.bu_id, readable_in=uow.scope(Action.READ, Resource.FREEZE)
        )
    info = await repo.services_info(uow.session, services)
    read = uow.scope(Action.READ, Resource.SERVICE)
    for s in services:
        if s not in info or not read.allows(info[s].bu_id):
            raise NotFound("Service was not found.", field="serviceIds")
        if c.bu_id is not None and info[s].bu_id != c.bu_id:
            raise DomainError(
                f"Service {info[s].key} is not in the freeze's business unit.",
                code=Code.NOT_IN_BUSINESS_UNIT,
                field="serviceIds",
            )
    return tiers, services


async def propose_freeze(uow: UnitOfWork, c: ProposeFreeze) -> Freeze:
    """Propose a freeze; it binds only once every named stakeholder approved it."""
    tiers, services = await _check_scope(uow, c)
    rule = uow.authorize(Action.CREATE, Resource.FREEZE, c.bu_id)
    timing = recurrence.Timing(
        starts_at=c.starts_at,
        ends_at=c.ends_at,
        tzid=c.tzid.strip(),
        rrule=recurrence.normalize_rule(c.rrule) if c.rrule and c.rrule.strip() else None,
        effective_until=c.effective_until,
    )
    recurrence.check_timing(timing)
    stakeholders = sorted(set(c.stakeholder_ids), key=str)
    if not stakeholders:
        raise DomainError(
            "A freeze names the business stakeholders who must approve it.",
            code=Code.NO_STAKEHOLDERS,
            field="stakeholderIds",
        )
    if await repo.existing_people(uow.session, stakeholders) != set(stakeholders):
        raise NotFound("A stakeholder was not found.", field="stakeholderIds")
    now = uow.clock.now()
    freeze = Freeze(
        title=rules.check_title(c.title),
        reason=c.reason.strip(),
        scope=c.scope,
        bu_id=c.bu_id,
        tiers=tiers,
        environments=rules.check_environments(c.environments),
        starts_at=timing.starts_at,
        ends_at=timing.ends_at,
        tzid=timing.tzid,
        rrule=timing.rrule,
        effective_until=timing.effective_until,
        status=str(FreezeStatus.PROPOSED),
        proposed_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
    )
    await uow.created(
        freeze,
        action="freeze.propose",
        bu_id=freeze.bu_id,
        rule=rule,
        extra={
            "stakeholder_ids": [str(p) for p in stakeholders],
            "service_ids": [str(s) for s in services],
        },
    )
    uow.session.add_all(
        [FreezeApproval(freeze_id=freeze.id, person_id=p, note="") for p in stakeholders]
        + [FreezeService(freeze_id=freeze.id, service_id=s) for s in services]
    )
    await uow.session.flush()
    return freeze


async def visible_freeze(uow: UnitOfWork, freeze_id: uuid.UUID, field: str = "id") -> Freeze:
    scope = uow.scope(Action.READ, Resource.FREEZE)
    return await get_readable(
        uow.session, Freeze, freeze_id, scope, what="Freeze", field=field, org_rows=True
    )


def _authorize_in_freeze(
    uow: UnitOfWork, action: Action, resource: Resource, freeze: Freeze
) -> str:
    """An org-wide freeze concerns every BU: a holder of the permission in any BU may act."""
    if freeze.bu_id is not None:
        return uow.authorize(action, resource, freeze.bu_id)
    allowed = uow.scope(action, resource)
    if allowed.everywhere or allowed.empty:
        return uow.authorize(action, resource, None)
    return uow.authorize(action, resource, sorted(allowed.bu_ids, key=str)[0])


async def decide_freeze(uow: UnitOfWork, c: DecideFreeze) -> Freeze:
    """A named stakeholder approves or rejects; the last approval makes the freeze bind."""
    freeze = await visible_freeze(uow, c.freeze_id)
    rule = _authorize_in_freeze(uow, Action.APPROVE, Resource.FREEZE, freeze)
    if freeze.status != FreezeStatus.PROPOSED:
        raise DomainError(
            f"The freeze is {freeze.status}, not proposed.", code=Code.FREEZE_NOT_PROPOSED
        )
    approvals = await frepo.approvals_of(uow.session, freeze.id)
    mine = next((a for a in approvals if a.person_id == uow.actor.person_id), None)
    if mine is None:
        raise DomainError(
            "Only the stakeholders the freeze names approve or reject it.",
            code=Code.NOT_A_STAKEHOLDER,
        )
    if mine.decision is not None:
        raise DomainError(f"You already {mine.decision} this freeze.", code=Code.ALREADY_DECIDED)
    now = uow.clock.now()
    before = snapshot(freeze)
    mine.decision = StakeholderDecision.APPROVED if c.approve else StakeholderDecision.REJECTED
    mine.decided_at = now
    mine.note = c.note.strip()
    if not c.approve:
        freeze.status = str(FreezeStatus.REJECTED)
        freeze.decided_at = now
    elif all(a.decision == StakeholderDecision.APPROVED for a in approvals):
        freeze.status = str(FreezeStatus.APPROVED)
        freeze.decided_at = now
    freeze.updated_at = now
    await uow.session.flush()
    uow.record_change(
        freeze,
        action="freeze.approve" if c.approve else "freeze.reject",
        bu_id=freeze.bu_id,
        rule=rule,
        before=before,
        after={
            **snapshot(freeze),
            "stakeholder_id": str(mine.person_id),
            "decision": mine.decision,
            "note": mine.note,
        },
    )
    return freeze


async def retire_freeze(uow: UnitOfWork, freeze_id: uuid.UUID, version: int) -> Freeze:
    """Retire a freeze: it stops binding (and proposals stop waiting for approval)."""
    freeze = await visible_freeze(uow, freeze_id)
    rule = uow.authorize(Action.UPDATE, Resource.FREEZE, freeze.bu_id)
    expect_version(freeze, version, "The freeze")
    if freeze.status in (FreezeStatus.RETIRED, FreezeStatus.REJECTED):
        raise DomainError(
            f"The freeze is already {freeze.status}.", code=Code.FREEZE_ALREADY_RETIRED
        )
    before = snapshot(freeze)
    freeze.status = str(FreezeStatus.RETIRED)
    await uow.updated(freeze, before, action="freeze.retire", bu_id=freeze.bu_id, rule=rule)
    return freeze
