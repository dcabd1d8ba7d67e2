"""SQL of deployments, their health reports, alerts, rollbacks and webhook subscriptions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments import fragments as environments
from domain.kernel.access import Scope
from domain.kernel.outbox import OutboxMessage
from domain.kernel.pagination import Page, fetch_pages_by_parent, page_by
from domain.kernel.repository import Grouped, group_by, rows_by_ids, scoped
from domain.organization import facts as org_facts
from domain.organization import fragments as org
from domain.pipelines.deployment_models import (
    Deployment,
    DeploymentAlert,
    HealthReport,
    RollbackDecision,
    WebhookSubscription,
)
from domain.pipelines.deployment_rules import WATCHED_AFTER
from domain.pipelines.vocabulary import ACTIVE_STATUSES, DeploymentStatus

DEP = Deployment.__table__
REP = HealthReport.__table__
RB = RollbackDecision.__table__
ALERT = DeploymentAlert.__table__
SUB = WebhookSubscription.__table__
OUT = OutboxMessage.__table__
ACTIVE = [str(s) for s in ACTIVE_STATUSES]

# -- deployments -----------------------------------------------------------------------------


async def get_deployment(session: AsyncSession, deployment_id: uuid.UUID) -> Deployment | None:
    return await session.get(Deployment, deployment_id)


async def lock_service(session: AsyncSession, service_id: uuid.UUID) -> None:
    """The service row locked: starts of its deployments are serialized."""
    await org_facts.services(session, [service_id], for_update=True)


async def active_deployment_of(
    session: AsyncSession, service_id: uuid.UUID, environment_id: uuid.UUID
) -> uuid.UUID | None:
    stmt = select(DEP.c.id).where(
        DEP.c.service_id == service_id,
        DEP.c.environment_id == environment_id,
        DEP.c.status.in_(ACTIVE),
    )
    return await session.scalar(stmt.limit(1))


async def deployments_for_alert(
    session: AsyncSession,
    service_key: str,
    environment_key: str | None,
    fingerprint: str,
    starts_at: datetime,
) -> list[Deployment]:
    """Deployments of the service with that key (in that environment, if given) that are under
    way, that succeeded within WATCHED_AFTER before the alert started firing, or that this very
    firing of an alert already concerned."""
    seen = (
        select(ALERT.c.id)
        .where(
            ALERT.c.deployment_id == Deployment.id,
            ALERT.c.fingerprint == fingerprint,
            ALERT.c.starts_at == starts_at,
        )
        .exists()
    )
    watched = and_(
        Deployment.status == DeploymentStatus.SUCCEEDED,
        Deployment.finished_at >= starts_at - WATCHED_AFTER,
        Deployment.finished_at <= starts_at,
    )
    service = org.service_rows()
    stmt = (
        select(Deployment)
        .join(service, service.c.id == Deployment.service_id)
        .where(service.c.key == service_key, or_(Deployment.status.in_(ACTIVE), watched, seen))
        .where(Deployment.imported.is_(False))
        .order_by(Deployment.created_at, Deployment.id)
    )
    if environment_key is not None:
        env = environments.environment_rows()
        stmt = stmt.join(env, env.c.id == Deployment.environment_id).where(
            env.c.key == environment_key
        )
    return list((await session.scalars(stmt)).all())


async def latest_report(
    session: AsyncSession, deployment_id: uuid.UUID, step_index: int
) -> HealthReport | None:
    stmt = (
        select(HealthReport)
        .where(HealthReport.deployment_id == deployment_id, HealthReport.step_index == step_index)
        .order_by(HealthReport.reported_at.desc(), HealthReport.id.desc())
        .limit(1)
    )
    return (await session.execute(stmt)).scalar_one_or_none()


async def alert_seen(
    session: AsyncSession, deployment_id: uuid.UUID, fingerprint: str, starts_at: datetime
) -> bool:
    stmt = select(ALERT.c.id).where(
        ALERT.c.deployment_id == deployment_id,
        ALERT.c.fingerprint == fingerprint,
        ALERT.c.starts_at == starts_at,
    )
    return (await session.scalar(stmt)) is not None


async def deployments_page(
    session: AsyncSession,
    scope: Scope,
    *,
    bu_id: uuid.UUID | None,
    service_id: uuid.UUID | None,
    environment_id: uuid.UUID | None,
    statuses: Sequence[str],
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    # imported history is the change ledger's to show: no plan, no steps, nothing to drive
    stmt = scoped(select(DEP), DEP.c.bu_id, scope).where(DEP.c.imported.is_(False))
    if bu_id is not None:
        stmt = stmt.where(DEP.c.bu_id == bu_id)
    if service_id is not None:
        stmt = stmt.where(DEP.c.service_id == service_id)
    if environment_id is not None:
        stmt = stmt.where(DEP.c.environment_id == environment_id)
    if statuses:
        stmt = stmt.where(DEP.c.status.in_(statuses))
    return await page_by(session, stmt, DEP, "created_at", first=first, after=after)


async def deployments_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    """Deployments planned here (imported history is the ledger's), by id."""
    return {k: r for k, r in (await rows_by_ids(session, DEP, ids)).items() if not r.imported}


async def reports_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, REP, ids)


async def reports_of_deployments(
    session: AsyncSession, ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    """A page of health reports per deployment, oldest first, in one statement."""
    return await fetch_pages_by_parent(
        session,
        select(REP),
        parent_col=REP.c.deployment_id,
        parent_ids=ids,
        sort_col=REP.c.reported_at,
        id_col=REP.c.id,
        sort_key="reported_at",
        parent_key="deployment_id",
        first=first,
        after=after,
    )


async def current_reports(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    """The newest report of each deployment's current step, in one statement."""
    if not ids:
        return {}
    rank = (
        func.row_number()
        .over(
            partition_by=REP.c.deployment_id, order_by=(REP.c.reported_at.desc(), REP.c.id.desc())
        )
        .label("_rank")
    )
    inner = (
        select(REP, rank)
        .join(DEP, and_(DEP.c.id == REP.c.deployment_id, DEP.c.current_step == REP.c.step_index))
        .where(REP.c.deployment_id.in_(ids))
        .subquery()
    )
    rows = (await session.execute(select(inner).where(inner.c._rank == 1))).all()
    return {r.deployment_id: r for r in rows}


async def rollbacks_of_deployments(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[Any, Row[Any]]:
    if not ids:
        return {}
    rows = (await session.execute(select(RB).where(RB.c.deployment_id.in_(ids)))).all()
    return {r.deployment_id: r for r in rows}


async def alerts_of_deployments(session: AsyncSession, ids: Sequence[uuid.UUID]) -> Grouped:
    if not ids:
        return {}
    stmt = (
        select(ALERT)
        .where(ALERT.c.deployment_id.in_(ids))
        .order_by(ALERT.c.received_at, ALERT.c.id)
    )
    return group_by(list((await session.execute(stmt)).all()), "deployment_id")


# -- webhook subscriptions -------------------------------------------------------------------


async def get_subscription(
    session: AsyncSession, subscription_id: uuid.UUID
) -> WebhookSubscription | None:
    return await session.get(WebhookSubscription, subscription_id)


async def subscriptions_for(
    session: AsyncSession, bu_id: uuid.UUID | None
) -> list[WebhookSubscription]:
    """Active subscriptions that receive events of a BU: that BU's and the org-wide ones."""
    owner = (
        SUB.c.bu_id.is_(None) if bu_id is None else or_(SUB.c.bu_id == bu_id, SUB.c.bu_id.is_(None))
    )
    stmt = (
        select(WebhookSubscription)
        .where(owner, WebhookSubscription.revoked_at.is_(None))
        .order_by(WebhookSubscription.created_at, WebhookSubscription.id)
    )
    return list((await session.scalars(stmt)).all())


async def subscriptions(
    session: AsyncSession, scope: Scope, *, include_revoked: bool
) -> list[Row[Any]]:
    stmt = scoped(select(SUB), SUB.c.bu_id, scope)
    if not scope.everywhere:
        stmt = stmt.where(SUB.c.bu_id.is_not(None))
    if not include_revoked:
        stmt = stmt.where(SUB.c.revoked_at.is_(None))
    return list((await session.execute(stmt.order_by(SUB.c.created_at, SUB.c.id))).all())


async def subscriptions_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Any]:
    return await rows_by_ids(session, SUB, ids)


# -- outbox (read side) ----------------------------------------------------------------------


async def outbox_page(
    session: AsyncSession,
    scope: Scope,
    *,
    undelivered: bool,
    dead: bool | None,
    topic: str | None,
    key_prefix: str | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    stmt = scoped(select(OUT), OUT.c.bu_id, scope)
    if key_prefix:
        stmt = stmt.where(OUT.c.key.startswith(key_prefix, autoescape=True))
    if undelivered:
        stmt = stmt.where(OUT.c.delivered_at.is_(None))
    if dead is not None:
        stmt = stmt.where(OUT.c.dead_at.is_not(None) if dead else OUT.c.dead_at.is_(None))
    if topic is not None:
        stmt = stmt.where(OUT.c.topic == topic)
    return await page_by(session, stmt, OUT, "created_at", first=first, after=after)
