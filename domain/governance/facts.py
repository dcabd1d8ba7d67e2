"""What other contexts may know of releases: plain, batched facts, never ORM objects.

A release as other contexts name and scope it (its summary, the services it ships), and, for
the promotion decision, a release's status, change types, services and authors with what going
live needs: its sign-offs (judged against the clock by the reader of the facts), its
documentation gaps and its board's decisions.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance import assessment
from domain.governance import board_repository as boards
from domain.governance import repository as repo
from domain.governance.models import Release, ReleaseService
from domain.kernel.access import Scope
from domain.kernel.errors import NotFound
from domain.kernel.repository import Grouped


@dataclass(frozen=True, slots=True)
class ReleaseSummary:
    """A release as other contexts name and scope it."""

    id: uuid.UUID
    bu_id: uuid.UUID
    title: str
    status: str
    release_type: str
    owner_id: uuid.UUID
    change_types: tuple[str, ...]
    environments: tuple[str, ...]
    planned_start: datetime | None
    planned_end: datetime | None


RELEASE_SUMMARY = (
    Release.id,
    Release.bu_id,
    Release.title,
    Release.status,
    Release.release_type,
    Release.owner_id,
    Release.change_types,
    Release.environments,
    Release.planned_start,
    Release.planned_end,
)
"""The columns of `ReleaseSummary`, in its order."""


async def releases(
    session: AsyncSession, ids: Collection[uuid.UUID], *, for_update: bool = False
) -> dict[uuid.UUID, ReleaseSummary]:
    """The releases with these ids (absent ones are left out), in one statement; with
    `for_update`, their rows stay locked until the unit of work ends (a caller's writes about
    a release serialize with the release's own lifecycle moves)."""
    if not ids:
        return {}
    stmt = select(*RELEASE_SUMMARY).where(Release.id.in_(set(ids)))
    if for_update:
        stmt = stmt.with_for_update()
    return {
        r.id: ReleaseSummary(
            r.id,
            r.bu_id,
            r.title,
            r.status,
            r.release_type,
            r.owner_id,
            tuple(r.change_types or ()),
            tuple(r.environments or ()),
            r.planned_start,
            r.planned_end,
        )
        for r in await session.execute(stmt)
    }


async def release(
    session: AsyncSession,
    release_id: uuid.UUID,
    *,
    readable_in: Scope | None = None,
    field: str | None = "releaseId",
    for_update: bool = False,
) -> ReleaseSummary:
    """The release; NOT_FOUND when there is none, or when `readable_in` does not reach its BU."""
    found = (await releases(session, [release_id], for_update=for_update)).get(release_id)
    if found is None or (readable_in is not None and not readable_in.allows(found.bu_id)):
        raise NotFound("Release was not found.", field=field)
    return found


@dataclass(frozen=True, slots=True)
class ShippedService:
    """A service a release ships, at the version it ships."""

    release_id: uuid.UUID
    id: uuid.UUID
    bu_id: uuid.UUID
    key: str
    name: str
    tier: str
    artifact_version: str


async def shipped_services(
    session: AsyncSession, release_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[ShippedService]]:
    """Per release, the services it ships (by key), in one statement."""
    if not release_ids:
        return {}
    grouped = await repo.shipped_services(session, list(release_ids))
    return {
        release_id: [
            ShippedService(r.release_id, r.id, r.bu_id, r.key, r.name, r.tier, r.artifact_version)
            for r in rows
        ]
        for release_id, rows in grouped.items()
    }


@dataclass(frozen=True, slots=True)
class SignOffFacts:
    """A required sign-off and the one given for it (if any), with when it expires."""

    requirement: str
    discipline: str
    sign_off_id: uuid.UUID | None
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class BoardDecisionFacts:
    """A go/no-go session of the release that reached an outcome."""

    session_id: uuid.UUID
    outcome: str
    go_disciplines: frozenset[str] = frozenset()
    """The disciplines that voted go in the session."""


@dataclass(frozen=True, slots=True)
class GoLiveFacts:
    """What a release needs before production, as read now."""

    sign_offs: tuple[SignOffFacts, ...]
    missing_documentation: tuple[str, ...]
    """Each missing field as `section.field`."""
    board_decisions: tuple[BoardDecisionFacts, ...]
    """Decided sessions, oldest first."""


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    id: uuid.UUID
    bu_id: uuid.UUID
    status: str
    change_types: tuple[str, ...]
    service_ids: frozenset[uuid.UUID]
    author_ids: tuple[uuid.UUID, ...]
    go_live: GoLiveFacts | None = None
    """Read for production promotions only."""


async def release_facts(
    session: AsyncSession, release_id: uuid.UUID, now: datetime, *, go_live: bool
) -> ReleaseFacts | None:
    """A release as plain facts (None when it does not exist): three statements, and four
    more with what going live needs (the shipped services are read once for both)."""
    release = await repo.release_row(session, release_id)
    if release is None:
        return None
    shipped = await repo.shipped_services(session, [release.id])
    return ReleaseFacts(
        id=release.id,
        bu_id=release.bu_id,
        status=release.status,
        change_types=tuple(release.change_types or ()),
        service_ids=frozenset(s.id for s in shipped.get(release.id, [])),
        author_ids=tuple(await repo.author_ids(session, release.id)),
        go_live=await _go_live(session, release, now, shipped) if go_live else None,
    )


async def _go_live(
    session: AsyncSession, release: assessment.ReleaseLike, now: datetime, shipped: Grouped
) -> GoLiveFacts:
    """What going live needs; `shipped`: the services the release ships, read once."""
    states = (await assessment.sign_off_states(session, [release], now, shipped))[release.id]
    done = (await assessment.completeness(session, [release], shipped))[release.id]
    decided = await boards.decided_sessions(session, release.id)
    return GoLiveFacts(
        sign_offs=tuple(
            SignOffFacts(
                s.requirement,
                s.discipline,
                s.sign_off.id if s.sign_off else None,
                s.sign_off.expires_at if s.sign_off else None,
            )
            for s in states
        ),
        missing_documentation=tuple(f"{m.section}.{m.field}" for m in done.missing),
        board_decisions=tuple(BoardDecisionFacts(*d) for d in decided),
    )


async def author_ids(session: AsyncSession, release_id: uuid.UUID) -> list[uuid.UUID]:
    """The release's authors (people), by id."""
    return await repo.author_ids(session, release_id)


async def shipped_service_ids(session: AsyncSession, release_id: uuid.UUID) -> list[uuid.UUID]:
    """The ids of the services the release ships, in id order, in one statement."""
    stmt = (
        select(ReleaseService.service_id)
        .where(ReleaseService.release_id == release_id)
        .order_by(ReleaseService.service_id)
    )
    return list((await session.scalars(stmt)).all())
