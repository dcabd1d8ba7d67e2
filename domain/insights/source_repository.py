"""SQL of source changes (commits of artifact versions and their pull-request times)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.insights.ledger_models import LedgerEntry
from domain.insights.source_models import SourceCommit
from domain.kernel.repository import Grouped, group_by

COMMIT = SourceCommit.__table__


async def commits_of_version(
    session: AsyncSession, service_id: uuid.UUID, version: str, shas: Collection[str]
) -> dict[str, SourceCommit]:
    """The recorded commits among `shas` of one version of a service, by sha, locked."""
    stmt = (
        select(SourceCommit)
        .where(
            SourceCommit.service_id == service_id,
            SourceCommit.artifact_version == version,
            SourceCommit.sha.in_(sorted(shas)),
        )
        .with_for_update()
    )
    return {c.sha: c for c in (await session.scalars(stmt)).all()}


async def summaries(
    session: AsyncSession, pairs: Sequence[tuple[uuid.UUID, str]]
) -> list[Row[Any]]:
    """Per (service, version) among `pairs`: the earliest authored commit, the commit count and
    the pull requests' earliest opening and first review, latest approval and merge (one
    statement; the over-read of other pairs of the same services and versions is dropped by the
    caller)."""
    if not pairs:
        return []
    stmt = (
        select(
            COMMIT.c.service_id,
            COMMIT.c.artifact_version,
            func.min(COMMIT.c.authored_at).label("first_commit_at"),
            func.count().label("commit_count"),
            func.min(COMMIT.c.pr_opened_at).label("pr_opened_at"),
            func.min(COMMIT.c.first_review_at).label("first_review_at"),
            func.max(COMMIT.c.approved_at).label("approved_at"),
            func.max(COMMIT.c.merged_at).label("merged_at"),
        )
        .where(
            COMMIT.c.service_id.in_(sorted({p[0] for p in pairs}, key=str)),
            COMMIT.c.artifact_version.in_(sorted({p[1] for p in pairs})),
        )
        .group_by(COMMIT.c.service_id, COMMIT.c.artifact_version)
    )
    return list((await session.execute(stmt)).all())


async def commits_of_entries(session: AsyncSession, entry_ids: Sequence[uuid.UUID]) -> Grouped:
    """The commits of the versions these ledger entries shipped, by entry id, earliest authored
    first (one statement)."""
    if not entry_ids:
        return {}
    entry = LedgerEntry.__table__
    stmt = (
        select(COMMIT, entry.c.id.label("entry_id"))
        .join(
            entry,
            (entry.c.service_id == COMMIT.c.service_id)
            & (entry.c.artifact_version == COMMIT.c.artifact_version),
        )
        .where(entry.c.id.in_(sorted(entry_ids, key=str)))
        .order_by(COMMIT.c.authored_at, COMMIT.c.sha)
    )
    return group_by(list((await session.execute(stmt)).all()), "entry_id")
