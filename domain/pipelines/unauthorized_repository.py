"""The SQL of promotion links and unauthorized changes."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Scope
from domain.kernel.pagination import Page, page_by
from domain.kernel.repository import Grouped, group_by, rows_by_ids, scoped
from domain.pipelines.promotion_models import Promotion
from domain.pipelines.unauthorized_models import PromotionLink, UnauthorizedChange
from domain.pipelines.unauthorized_rules import Candidate, ReleaseDeployment, Reported
from domain.pipelines.vocabulary import UnauthorizedChangeStatus

CHANGES = UnauthorizedChange.__table__
LINKS = PromotionLink.__table__


async def candidates(session: AsyncSession, r: Reported) -> list[Candidate]:
    """The promotions of the reported service, environment and version, and the named one
    (one statement, on the promotions' service and environment index)."""
    same = (
        (Promotion.service_id == r.service_id)
        & (Promotion.environment_id == r.environment_id)
        & (Promotion.artifact_version == r.artifact_version)
    )
    where = same if r.promotion_id is None else or_(same, Promotion.id == r.promotion_id)
    stmt = select(
        Promotion.id,
        Promotion.service_id,
        Promotion.environment_id,
        Promotion.artifact_version,
        Promotion.release_id,
        Promotion.status,
        Promotion.decided_at,
    ).where(where)
    return [Candidate(*row) for row in (await session.execute(stmt)).all()]


async def promotion_for_update(session: AsyncSession, promotion_id: uuid.UUID) -> Promotion:
    stmt = select(Promotion).where(Promotion.id == promotion_id).with_for_update()
    return (await session.scalars(stmt)).one()


async def change_seen(session: AsyncSession, r: Reported) -> bool:
    """Whether this version of the service in this environment is already an unauthorized
    change (an alert that repeats reports nothing new)."""
    stmt = select(UnauthorizedChange.id).where(
        UnauthorizedChange.service_id == r.service_id,
        UnauthorizedChange.environment_id == r.environment_id,
        UnauthorizedChange.artifact_version == r.artifact_version,
    )
    return await session.scalar(stmt.limit(1)) is not None


async def release_deployments(
    session: AsyncSession, release_id: uuid.UUID
) -> list[ReleaseDeployment]:
    """A release's production deployments: linked ones and unauthorized changes (one statement)."""
    links = select(LINKS.c.service_id, literal(True), literal(False)).where(
        LINKS.c.release_id == release_id
    )
    changes = select(
        CHANGES.c.service_id,
        literal(False),
        CHANGES.c.status == str(UnauthorizedChangeStatus.OPEN),
    ).where(CHANGES.c.release_id == release_id)
    rows = (await session.execute(union_all(links, changes))).all()
    return [ReleaseDeployment(s, bool(linked), bool(open_)) for s, linked, open_ in rows]


async def changes_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    statuses: Sequence[str],
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(CHANGES), CHANGES.c.bu_id, scope)
    if bu_id is not None:
        stmt = stmt.where(CHANGES.c.bu_id == bu_id)
    if statuses:
        stmt = stmt.where(CHANGES.c.status.in_(list(statuses)))
    return await page_by(session, stmt, CHANGES, "detected_at", first=first, after=after)


async def changes_between(
    session: AsyncSession,
    scope: Scope,
    start: datetime,
    end: datetime,
    *,
    bu_id: uuid.UUID | None,
    service_ids: Collection[uuid.UUID] | None,
    limit: int,
) -> list[Row[Any]]:
    stmt = scoped(select(CHANGES), CHANGES.c.bu_id, scope).where(
        CHANGES.c.detected_at >= start, CHANGES.c.detected_at < end
    )
    if bu_id is not None:
        stmt = stmt.where(CHANGES.c.bu_id == bu_id)
    if service_ids is not None:
        stmt = stmt.where(CHANGES.c.service_id.in_(sorted(service_ids, key=str)))
    stmt = stmt.order_by(CHANGES.c.detected_at, CHANGES.c.id).limit(limit)
    return list((await session.execute(stmt)).all())


async def changes_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    return await rows_by_ids(session, CHANGES, ids)


async def changes_of_releases(session: AsyncSession, release_ids: Sequence[uuid.UUID]) -> Grouped:
    """Each release's unauthorized changes, oldest first (for the release's field)."""
    stmt = (
        select(CHANGES)
        .where(CHANGES.c.release_id.in_(list(release_ids)))
        .order_by(CHANGES.c.detected_at, CHANGES.c.id)
    )
    return group_by((await session.execute(stmt)).all(), "release_id")


async def changes_of_deployments(
    session: AsyncSession, deployment_ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    """The unauthorized change each deployment was recorded as, if any (the latest detected),
    in one statement (ix_unauthorized_changes_deployment_id)."""
    if not deployment_ids:
        return {}
    stmt = (
        select(CHANGES)
        .where(CHANGES.c.deployment_id.in_(list(deployment_ids)))
        .order_by(CHANGES.c.detected_at, CHANGES.c.id)
    )
    return {r.deployment_id: r for r in (await session.execute(stmt)).all()}


async def promotions_of_deployments(
    session: AsyncSession, deployment_ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    """The promotion each deployment carries out, through its link (the latest linked), in
    one statement (ix_promotion_links_deployment_id)."""
    if not deployment_ids:
        return {}
    promotions = Promotion.__table__
    stmt = (
        select(promotions, LINKS.c.deployment_id.label("linked_deployment_id"))
        .join(LINKS, LINKS.c.promotion_id == promotions.c.id)
        .where(LINKS.c.deployment_id.in_(list(deployment_ids)))
        .order_by(LINKS.c.linked_at, LINKS.c.id)
    )
    return {r.linked_deployment_id: r for r in (await session.execute(stmt)).all()}
