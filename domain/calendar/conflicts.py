"""Conflict detection and free-slot search: indexed SQL fetches, then the pure rules."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import freeze_repository as frepo
from domain.calendar import repository as repo
from domain.calendar import rules, slots
from domain.calendar.errors import CalendarErrorCode as Code
from domain.calendar.freezes import blocking_freezes
from domain.calendar.rules import Conflict, ConflictKind, Severity, WindowFacts
from domain.kernel.access import Scope
from domain.kernel.errors import DomainError

MAX_SUGGESTION_RANGE = timedelta(days=92)


def _neighbours(edges: Collection[rules.Edge], ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
    return {x for e in edges for x in e if x not in ids}


async def detect(
    session: AsyncSession,
    me: WindowFacts,
    *,
    bu_id: uuid.UUID,
    readable: Scope,
    now: datetime | None,
) -> list[Conflict]:
    """Every conflict of `me` with planned windows and approved freezes, most severe first."""
    services = sorted(me.service_ids, key=str)
    edges = await repo.edges_touching(session, services)
    ids = await repo.overlapping_window_ids(
        session,
        service_ids=sorted(me.service_ids | _neighbours(edges, me.service_ids), key=str),
        environment=me.environment,
        resources=sorted(me.resources),
        starts_at=me.starts_at,
        ends_at=me.ends_at,
    )
    ids.discard(me.id)
    others = await repo.window_facts(session, sorted(ids, key=str))
    conflicts = []
    for other in others:
        title = other.title if readable.allows(other.bu_id) else "a window of another unit"
        conflicts += [
            Conflict(
                kind=clash.kind,
                severity=clash.severity,
                message=rules.describe(clash, title),
                starts_at=other.starts_at,
                ends_at=other.ends_at,
                window_id=other.id,
                service_ids=clash.services,
                resources=clash.resources,
            )
            for clash in rules.classify(me, other, edges)
        ]
    conflicts += await _freeze_conflicts(session, me, bu_id, services, now)
    conflicts = await _advise(session, me, bu_id, conflicts, others)
    return rules.sort_conflicts(conflicts)


async def _freeze_conflicts(
    session: AsyncSession,
    me: WindowFacts,
    bu_id: uuid.UUID,
    services: list[uuid.UUID],
    now: datetime | None,
) -> list[Conflict]:
    """The approved freezes the window falls into."""
    info = await repo.services_info(session, services)
    hits = await blocking_freezes(
        session,
        bu_id=bu_id,
        service_ids=services,
        environments=[me.environment] if me.environment else [],
        tiers=sorted({r.tier for r in info.values()}),
        starts_at=me.starts_at,
        ends_at=me.ends_at,
        release_id=me.release_id,
        now=now,
    )
    return [
        Conflict(
            kind=ConflictKind.FREEZE,
            severity=rules.SEVERITY[ConflictKind.FREEZE],
            message=f"The window falls into the freeze '{h.title}'.",
            starts_at=h.occurrence_start,
            ends_at=h.occurrence_end,
            freeze_id=h.freeze_id,
        )
        for h in hits
    ]


async def _advise(
    session: AsyncSession,
    me: WindowFacts,
    bu_id: uuid.UUID,
    conflicts: list[Conflict],
    others: Sequence[WindowFacts],
) -> list[Conflict]:
    """Name the release that should move, when the quarter's newest alignment ranks both."""
    releases = {o.id: o.release_id for o in others if o.release_id is not None}
    if me.release_id is None or not any(c.window_id in releases for c in conflicts):
        return conflicts
    quarter = rules.quarter_of(me.starts_at)
    alignment = await frepo.newest_alignment(session, quarter, bu_id)
    if alignment is None:
        return conflicts
    ranking = {uuid.UUID(str(e["release_id"])): int(e["rank"]) for e in alignment.ranking}
    titles = {
        r.id: r.title
        for r in (await repo.releases_info(session, [me.release_id, *releases.values()])).values()
    }
    out = []
    for c in conflicts:
        mover = rules.who_moves(ranking, me.release_id, releases.get(c.window_id))  # type: ignore[arg-type]
        if mover is None:
            out.append(c)
            continue
        out.append(
            Conflict(
                kind=c.kind,
                severity=c.severity,
                message=c.message,
                starts_at=c.starts_at,
                ends_at=c.ends_at,
                window_id=c.window_id,
                freeze_id=c.freeze_id,
                service_ids=c.service_ids,
                resources=c.resources,
                should_move=mover,
                advice=rules.move_advice(quarter, mover, titles),
            )
        )
    return out


async def busy_intervals(
    session: AsyncSession,
    probe: WindowFacts,
    *,
    bu_id: uuid.UUID,
) -> list[tuple[datetime, datetime]]:
    """What a new window with these facts must avoid in the probe's range: windows it would
    conflict with at BLOCKING or WARNING severity, and freeze occurrences (recurring ones
    expanded; exceptions are per window, so none is assumed)."""
    services = sorted(probe.service_ids, key=str)
    edges = await repo.edges_touching(session, services)
    ids = await repo.overlapping_window_ids(
        session,
        service_ids=sorted(probe.service_ids | _neighbours(edges, probe.service_ids), key=str),
        environment=None,
        resources=sorted(probe.resources),
        starts_at=probe.starts_at,
        ends_at=probe.ends_at,
    )
    busy = [
        (o.starts_at, o.ends_at)
        for o in await repo.window_facts(session, sorted(ids, key=str))
        if any(c.severity is not Severity.INFO for c in rules.classify(probe, o, edges))
    ]
    info = await repo.services_info(session, services)
    hits = await blocking_freezes(
        session,
        bu_id=bu_id,
        service_ids=services,
        environments=[probe.environment] if probe.environment else [],
        tiers=sorted({r.tier for r in info.values()}),
        starts_at=probe.starts_at,
        ends_at=probe.ends_at,
        release_id=None,
    )
    return busy + [(h.occurrence_start, h.occurrence_end) for h in hits]


async def suggest(
    session: AsyncSession,
    probe: WindowFacts,
    *,
    bu_id: uuid.UUID,
    duration: timedelta,
    count: int,
) -> list[slots.Slot]:
    """The earliest free slots of `duration` in the probe's [starts_at, ends_at)."""
    if probe.ends_at - probe.starts_at > MAX_SUGGESTION_RANGE or probe.ends_at <= probe.starts_at:
        raise DomainError(
            f"Search between 'after' and 'before', at most {MAX_SUGGESTION_RANGE.days} days apart.",
            code=Code.RANGE_TOO_LARGE,
            field="before",
        )
    if duration > rules.MAX_WINDOW_LENGTH:
        raise DomainError(
            f"A window lasts at most {rules.MAX_WINDOW_LENGTH.days} days.",
            code=Code.INVALID_DURATION,
            field="duration",
        )
    busy = await busy_intervals(session, probe, bu_id=bu_id)
    return slots.free_slots(
        busy, duration=duration, after=probe.starts_at, before=probe.ends_at, count=count
    )
