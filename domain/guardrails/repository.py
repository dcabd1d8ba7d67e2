"""SQL of guardrail sets, their versions and onboarding checklists.

"The set in force at D" is the newest version saved at or before D: one window-function
statement per kind of layer, whatever the number of BUs or tiers asked for.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails.models import GuardrailSet, GuardrailSetVersion, OnboardingCheck
from domain.kernel.pagination import Page, page_by
from domain.kernel.prepared_reads import prepared
from domain.kernel.repository import Grouped, group_by, ids_param, rows_by_ids
from domain.organization import facts as org_facts
from domain.organization import fragments as org

SETS = GuardrailSet.__table__
VERSIONS = GuardrailSetVersion.__table__
CHECKS = OnboardingCheck.__table__
SERVICES = org.service_rows()
BUS = org.business_unit_rows()


# -- sets --------------------------------------------------------------------------------------


async def set_for_update(session: AsyncSession, kind: str, subject: str) -> GuardrailSet | None:
    """The set, its row locked until commit, so saves of one set are serialized."""
    stmt = (
        select(GuardrailSet)
        .where(GuardrailSet.kind == kind, GuardrailSet.subject == subject)
        .with_for_update()
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def get_set(session: AsyncSession, kind: str, subject: str) -> GuardrailSet | None:
    stmt = select(GuardrailSet).where(GuardrailSet.kind == kind, GuardrailSet.subject == subject)
    return (await session.execute(stmt)).scalar_one_or_none()


async def sets_of_kind(session: AsyncSession, kind: str) -> list[GuardrailSet]:
    stmt = select(GuardrailSet).where(GuardrailSet.kind == kind).order_by(GuardrailSet.subject)
    return list((await session.scalars(stmt)).all())


async def layer_rows(
    session: AsyncSession, kind: str, subjects: Sequence[str] | None, at: datetime | None
) -> dict[str, Any]:
    """Per subject, the version in force at `at` (or now): subject, version, values, bu_id.

    `subjects` None means every set of the kind."""
    rows = await layers_rows(session, {kind: subjects}, at)
    return {subject: row for (_, subject), row in rows.items()}


async def layers_rows(
    session: AsyncSession, wanted: Mapping[str, Sequence[str] | None], at: datetime | None
) -> dict[tuple[str, str], Any]:
    """Per (kind, subject), the version in force at `at` (or now) of the sets `wanted` names by
    kind (subjects None: every set of the kind), in one statement."""
    if not wanted:
        return {}
    table = SETS if at is None else VERSIONS
    which = or_(
        *(
            table.c.kind == kind
            if subjects is None
            else and_(table.c.kind == kind, table.c.subject.in_(subjects))
            for kind, subjects in wanted.items()
        )
    )
    columns = (table.c.kind, table.c.subject, table.c.version, table.c["values"], table.c.bu_id)
    if at is None:
        rows = (await session.execute(select(*columns).where(which))).all()
        return {(r.kind, r.subject): r for r in rows}
    rank = (
        func.row_number()
        .over(
            partition_by=(VERSIONS.c.kind, VERSIONS.c.subject), order_by=VERSIONS.c.version.desc()
        )
        .label("_rank")
    )
    sub = select(*columns, rank).where(which, VERSIONS.c.saved_at <= at).subquery()
    rows = (await session.execute(select(sub).where(sub.c._rank == 1))).all()
    return {(r.kind, r.subject): r for r in rows}


async def add_version(session: AsyncSession, version: GuardrailSetVersion) -> None:
    session.add(version)
    await session.flush()


async def versions_page(
    session: AsyncSession,
    kind: str,
    subject: str,
    *,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = select(VERSIONS).where(VERSIONS.c.kind == kind, VERSIONS.c.subject == subject)
    return await page_by(session, stmt, VERSIONS, "version", first=first, after=after)


async def versions_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, VERSIONS, ids)


# -- organization facts the merge needs --------------------------------------------------------


async def services_with_bu(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    """id, bu_id, bu_key, tier and team_id of services, in one statement."""
    return {r.id: r for r in (await session.execute(_SERVICES_WITH_BU, {"ids": list(ids)})).all()}


# Built once, as the other statements a cold decision snapshot reads (building them costs
# more than running them); the values are bound at each reading.
_SERVICES_WITH_BU = prepared(
    select(
        SERVICES.c.id,
        SERVICES.c.bu_id,
        SERVICES.c.tier,
        SERVICES.c.team_id,
        BUS.c.key.label("bu_key"),
    )
    .join(BUS, BUS.c.id == SERVICES.c.bu_id)
    .where(SERVICES.c.id.in_(ids_param()))
)


async def bu_keys(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    rows = (await session.execute(select(BUS.c.id, BUS.c.key).where(BUS.c.id.in_(ids)))).all()
    return {r.id: r.key for r in rows}


async def teams_with_bu(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, org_facts.TeamFacts]:
    return await org_facts.teams(session, ids)


# -- onboarding --------------------------------------------------------------------------------


async def check_for_update(
    session: AsyncSession, team_id: uuid.UUID, item: str
) -> OnboardingCheck | None:
    stmt = (
        select(OnboardingCheck)
        .where(OnboardingCheck.team_id == team_id, OnboardingCheck.item == item)
        .with_for_update()
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def checks_of_teams(session: AsyncSession, team_ids: Sequence[uuid.UUID]) -> Grouped:
    if not team_ids:
        return {}
    rows = (await session.execute(_CHECKS_OF_TEAMS, {"ids": list(team_ids)})).all()
    return group_by(list(rows), "team_id")


_CHECKS_OF_TEAMS = prepared(
    select(CHECKS).where(CHECKS.c.team_id.in_(ids_param())).order_by(CHECKS.c.item)
)
