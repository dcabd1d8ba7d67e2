"""SQL of the change ledger: its high-water mark, the releases the deployments belong to, the
rewrite of projected rows, and the scoped reads (pages, the CSV, DORA's period)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance.fragments import release_rows, shipped_rows
from domain.insights.ledger_models import LedgerEntry, LedgerIncident, LedgerMark
from domain.kernel.access import Scope
from domain.kernel.pagination import Page, fetch_page
from domain.kernel.repository import scoped
from domain.organization.fragments import business_unit_rows
from domain.risk.fragments import latest_level

ENTRY = LedgerEntry.__table__
INCIDENT = LedgerIncident.__table__
MARK_KEY = "ledger"
SETTLED_KEY = "ledger-settled"
MAX_ROWS = 200_000
"""At most this many entries (or incidents) read for one period (the CSV, DORA's figures)."""


async def mark(session: AsyncSession, key: str = MARK_KEY) -> LedgerMark | None:
    """A sweep's mark, locked until the unit ends (two sweeps never project at once)."""
    stmt = select(LedgerMark).where(LedgerMark.key == key).with_for_update()
    return (await session.scalars(stmt)).first()


async def swept_at(session: AsyncSession) -> datetime | None:
    """When the sweep last ran (no lock: a reader's look)."""
    stmt = select(LedgerMark.swept_at).where(LedgerMark.key == MARK_KEY)
    return (await session.execute(stmt)).scalar_one_or_none()


async def releases_of(
    session: AsyncSession, pairs: Sequence[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], Any]:
    """The release each (service, version) shipped in (the latest created when several): id,
    release_type, change_types, risk_level (its latest assessment's), in one statement."""
    if not pairs:
        return {}
    shipped, rel = shipped_rows(), release_rows()
    stmt = (
        select(
            shipped.c.service_id,
            shipped.c.artifact_version,
            rel.c.id,
            rel.c.release_type,
            rel.c.change_types,
            rel.c.created_at,
            latest_level(rel.c.id).label("risk_level"),
        )
        .join(rel, rel.c.id == shipped.c.release_id)
        .where(
            shipped.c.service_id.in_(sorted({p[0] for p in pairs}, key=str)),
            shipped.c.artifact_version.in_(sorted({p[1] for p in pairs})),
        )
        .order_by(rel.c.created_at, rel.c.id)
    )
    wanted = set(pairs)
    return {
        (r.service_id, r.artifact_version): r
        for r in (await session.execute(stmt)).all()
        if (r.service_id, r.artifact_version) in wanted
    }


async def replace(session: AsyncSession, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Rewrite these projected rows whole (delete by id, insert), in two statements."""
    if not rows:
        return
    await session.execute(delete(table).where(table.c.id.in_([r["id"] for r in rows])))
    await session.execute(insert(table), list(rows))


@dataclass(frozen=True, slots=True)
class LedgerFilter:
    """Which entries: each field narrows (None: any)."""

    bu_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    service_id: uuid.UUID | None = None
    tier: str | None = None
    kind: str | None = None
    change_type: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    team_ids: tuple[uuid.UUID, ...] | None = None
    """Any of these teams (with team_id, both must hold)."""
    bu_ids: tuple[uuid.UUID, ...] | None = None
    """Any of these BUs (with bu_id, both must hold)."""


def _narrowed(stmt: Select[Any], table: Any, f: LedgerFilter, at: str) -> Select[Any]:
    for name in ("bu_id", "team_id", "service_id", "tier"):
        if (value := getattr(f, name)) is not None:
            stmt = stmt.where(table.c[name] == value)
    if f.team_ids is not None:
        stmt = stmt.where(table.c.team_id.in_(f.team_ids))
    if f.bu_ids is not None:
        stmt = stmt.where(table.c.bu_id.in_(f.bu_ids))
    if f.since is not None:
        stmt = stmt.where(table.c[at] >= f.since)
    if f.until is not None:
        stmt = stmt.where(table.c[at] < f.until)
    return stmt


def _entries(scope: Scope, f: LedgerFilter) -> Select[Any]:
    stmt = _narrowed(scoped(select(ENTRY), ENTRY.c.bu_id, scope), ENTRY, f, "at")
    if f.kind is not None:
        stmt = stmt.where(ENTRY.c.kind == f.kind)
    if f.outcome is not None:
        stmt = stmt.where(ENTRY.c.outcome == f.outcome)
    if f.change_type is not None:
        stmt = stmt.where(ENTRY.c.change_types.like(f"%,{f.change_type},%"))
    return stmt


async def entries_page(
    session: AsyncSession, scope: Scope, f: LedgerFilter, *, first: int | None, after: str | None
) -> Page[Row[Any]]:
    """Entries in the BUs of `scope` meeting `f`, newest first."""
    return await fetch_page(
        session,
        _entries(scope, f),
        sort_col=ENTRY.c.at,
        id_col=ENTRY.c.id,
        sort_key="at",
        first=first,
        after=after,
        descending=True,
    )


async def entries(session: AsyncSession, scope: Scope, f: LedgerFilter) -> list[Row[Any]]:
    """Entries in the BUs of `scope` meeting `f`, earliest first (at most MAX_ROWS)."""
    stmt = _entries(scope, f).order_by(ENTRY.c.at, ENTRY.c.id).limit(MAX_ROWS)
    return list((await session.execute(stmt)).all())


async def incidents(session: AsyncSession, scope: Scope, f: LedgerFilter) -> list[Row[Any]]:
    """Incidents in the BUs of `scope` of the BU, team, service and tier of `f`, created in
    its period, earliest first (at most MAX_ROWS)."""
    stmt = _narrowed(scoped(select(INCIDENT), INCIDENT.c.bu_id, scope), INCIDENT, f, "created_at")
    stmt = stmt.order_by(INCIDENT.c.created_at, INCIDENT.c.id).limit(MAX_ROWS)
    return list((await session.execute(stmt)).all())


async def entries_by_ids(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[Any, Row[Any]]:
    if not ids:
        return {}
    stmt = select(ENTRY).where(ENTRY.c.id.in_(sorted(ids, key=str)))
    return {r.id: r for r in (await session.execute(stmt)).all()}


async def business_unit_keys(session: AsyncSession) -> dict[uuid.UUID, str]:
    """Every BU's key, by id (the gauges' labels)."""
    bus = business_unit_rows()
    return {r.id: r.key for r in await session.execute(select(bus.c.id, bus.c.key))}


async def earliest_shipped(
    session: AsyncSession, pairs: Sequence[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], tuple[datetime, str]]:
    """The earliest successful production deployment (at, id as text) of each (service,
    version) among `pairs` already in the ledger, in one statement."""
    if not pairs:
        return {}
    stmt = select(ENTRY.c.service_id, ENTRY.c.artifact_version, ENTRY.c.at, ENTRY.c.id).where(
        ENTRY.c.kind == "deployment",
        ENTRY.c.rolled_back.is_(False),
        ENTRY.c.service_id.in_(sorted({p[0] for p in pairs}, key=str)),
        ENTRY.c.artifact_version.in_(sorted({p[1] for p in pairs})),
    )
    out: dict[tuple[uuid.UUID, str], tuple[datetime, str]] = {}
    for r in await session.execute(stmt):
        key, mark = (r.service_id, r.artifact_version), (r.at, str(r.id))
        if key not in out or mark < out[key]:
            out[key] = mark
    return out


async def deployments_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID], since: datetime, until: datetime
) -> list[Row[Any]]:
    """The successful production deployments of these services in [since, until]: id,
    service_id, at (what an incident is attributed against)."""
    if not service_ids:
        return []
    stmt = select(ENTRY.c.id, ENTRY.c.service_id, ENTRY.c.at).where(
        ENTRY.c.kind == "deployment",
        ENTRY.c.rolled_back.is_(False),
        ENTRY.c.service_id.in_(sorted(set(service_ids), key=str)),
        ENTRY.c.at >= since,
        ENTRY.c.at <= until,
    )
    rows: list[Row[Any]] = list((await session.execute(stmt)).all())  # type: ignore[arg-type]
    return rows
