"""SQL of the feed's deployment windows, freeze exceptions and unauthorized changes: one
statement each, bounded by the feed's horizon and scoped by the BUs the reader may read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar.models import DeploymentWindow, Freeze, FreezeException, WindowService
from domain.calendar.rules import MAX_WINDOW_LENGTH
from domain.calendar.vocabulary import ExceptionStatus, WindowStatus
from domain.environments.models import Environment
from domain.governance.models import Release
from domain.kernel.access import Scope
from domain.kernel.repository import scoped
from domain.organization.models import BusinessUnit, Service
from domain.pipelines.unauthorized_models import UnauthorizedChange
from domain.pipelines.vocabulary import UnauthorizedChangeStatus

WINDOW = DeploymentWindow.__table__
WINDOW_SERVICE = WindowService.__table__
EXCEPTION = FreezeException.__table__
FREEZE = Freeze.__table__
RELEASE = Release.__table__
BU = BusinessUnit.__table__
SERVICE = Service.__table__
ENVIRONMENT = Environment.__table__
CHANGE = UnauthorizedChange.__table__

SHOWN_EXCEPTIONS = (str(ExceptionStatus.REQUESTED), str(ExceptionStatus.APPROVED))


def _windows_in_horizon(ending_after: datetime) -> Any:
    # No window is longer than MAX_WINDOW_LENGTH, so the start bound lets the
    # (starts_at, ends_at) and (bu_id, starts_at) indexes answer with a range scan.
    return (
        WINDOW.c.status == str(WindowStatus.PLANNED),
        WINDOW.c.starts_at >= ending_after - MAX_WINDOW_LENGTH,
        WINDOW.c.ends_at >= ending_after,
    )


async def windows_in_horizon(
    session: AsyncSession, scope: Scope, *, ending_after: datetime, limit: int
) -> list[Row[Any]]:
    """Planned windows in the readable BUs ending after `ending_after`, by start, with their
    BU and the title of the release they are for."""
    stmt: Select[Any] = (
        select(
            WINDOW.c.id,
            WINDOW.c.kind,
            WINDOW.c.title,
            WINDOW.c.environment,
            WINDOW.c.starts_at,
            WINDOW.c.ends_at,
            WINDOW.c.release_id,
            WINDOW.c.updated_at,
            WINDOW.c.version,
            BU.c.key.label("bu_key"),
            BU.c.name.label("bu_name"),
            RELEASE.c.title.label("release_title"),
            RELEASE.c.bu_id.label("release_bu_id"),
        )
        .join(BU, BU.c.id == WINDOW.c.bu_id)
        .outerjoin(RELEASE, RELEASE.c.id == WINDOW.c.release_id)
        .where(*_windows_in_horizon(ending_after))
        .order_by(WINDOW.c.starts_at, WINDOW.c.id)
        .limit(limit)
    )
    return list((await session.execute(scoped(stmt, WINDOW.c.bu_id, scope))).all())


async def window_service_keys(
    session: AsyncSession, window_ids: Sequence[uuid.UUID], services: Scope
) -> dict[uuid.UUID, list[str]]:
    """The keys of the services in `services`' BUs each window touches, in one statement for
    the page."""
    if not window_ids or services.empty:
        return {}
    stmt: Select[Any] = (
        select(WINDOW_SERVICE.c.window_id, SERVICE.c.key)
        .join(SERVICE, SERVICE.c.id == WINDOW_SERVICE.c.service_id)
        .where(WINDOW_SERVICE.c.window_id.in_(list(window_ids)))
        .order_by(WINDOW_SERVICE.c.window_id, SERVICE.c.key)
    )
    out: dict[uuid.UUID, list[str]] = {}
    for row in (await session.execute(scoped(stmt, SERVICE.c.bu_id, services))).all():
        out.setdefault(row.window_id, []).append(row.key)
    return out


async def exceptions_in_horizon(
    session: AsyncSession, scope: Scope, *, ending_after: datetime, limit: int
) -> list[Row[Any]]:
    """Requested and approved freeze exceptions whose window (in a readable BU, planned) ends
    after `ending_after`, by the window's start, with the freeze, release and window named.
    The join goes by release too, so each window's exceptions come by that index."""
    stmt: Select[Any] = (
        select(
            EXCEPTION.c.id,
            EXCEPTION.c.status,
            EXCEPTION.c.justification,
            EXCEPTION.c.expires_at,
            EXCEPTION.c.freeze_id,
            EXCEPTION.c.release_id,
            EXCEPTION.c.window_id,
            EXCEPTION.c.updated_at,
            EXCEPTION.c.version,
            WINDOW.c.title.label("window_title"),
            WINDOW.c.environment,
            WINDOW.c.starts_at,
            WINDOW.c.ends_at,
            WINDOW.c.bu_id,
            BU.c.key.label("bu_key"),
            FREEZE.c.title.label("freeze_title"),
            FREEZE.c.bu_id.label("freeze_bu_id"),
            RELEASE.c.title.label("release_title"),
            RELEASE.c.bu_id.label("release_bu_id"),
        )
        .select_from(WINDOW)
        .join(
            EXCEPTION,
            (EXCEPTION.c.release_id == WINDOW.c.release_id)
            & (EXCEPTION.c.window_id == WINDOW.c.id),
        )
        .join(BU, BU.c.id == WINDOW.c.bu_id)
        .join(FREEZE, FREEZE.c.id == EXCEPTION.c.freeze_id)
        .join(RELEASE, RELEASE.c.id == EXCEPTION.c.release_id)
        .where(*_windows_in_horizon(ending_after), EXCEPTION.c.status.in_(SHOWN_EXCEPTIONS))
        .order_by(WINDOW.c.starts_at, EXCEPTION.c.id)
        .limit(limit)
    )
    return list((await session.execute(scoped(stmt, WINDOW.c.bu_id, scope))).all())


async def unauthorized_changes_since(
    session: AsyncSession, scope: Scope, *, since: datetime, limit: int
) -> list[Row[Any]]:
    """Unauthorized changes in the readable BUs detected at or after `since`, oldest first,
    with their service, environment, BU and release. Naming every status lets the
    (status, detected_at) index answer when the reader may read every BU."""
    stmt: Select[Any] = (
        select(
            CHANGE.c.id,
            CHANGE.c.status,
            CHANGE.c.artifact_version,
            CHANGE.c.source,
            CHANGE.c.reason,
            CHANGE.c.deployed_by,
            CHANGE.c.detected_at,
            CHANGE.c.finding,
            CHANGE.c.reviewed_at,
            CHANGE.c.release_id,
            CHANGE.c.updated_at,
            CHANGE.c.version,
            SERVICE.c.key.label("service_key"),
            SERVICE.c.name.label("service_name"),
            ENVIRONMENT.c.key.label("environment_key"),
            BU.c.key.label("bu_key"),
            RELEASE.c.title.label("release_title"),
            RELEASE.c.bu_id.label("release_bu_id"),
        )
        .join(SERVICE, SERVICE.c.id == CHANGE.c.service_id)
        .join(ENVIRONMENT, ENVIRONMENT.c.id == CHANGE.c.environment_id)
        .join(BU, BU.c.id == CHANGE.c.bu_id)
        .outerjoin(RELEASE, RELEASE.c.id == CHANGE.c.release_id)
        .where(
            CHANGE.c.status.in_([str(s) for s in UnauthorizedChangeStatus]),
            CHANGE.c.detected_at >= since,
        )
        .order_by(CHANGE.c.detected_at, CHANGE.c.id)
        .limit(limit)
    )
    return list((await session.execute(scoped(stmt, CHANGE.c.bu_id, scope))).all())
