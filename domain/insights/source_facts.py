"""Source facts for the rest of insights (the ledger, DORA's lead time, the value stream): per
artifact version of a service, when its first commit was authored, how many commits it holds,
and its pull requests' times, read in one statement for any number of versions.

Where a version holds several pull requests, `pr_opened_at` and `first_review_at` are the
earliest (work started, someone first looked), `approved_at` and `merged_at` the latest (the
version could not ship before its last approval and merge): DevLake's per-deployment reading.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.insights import source_repository as repo
from domain.pipelines import history_facts
from domain.pipelines.production_deployments import FinishedDeployment


@dataclass(frozen=True, slots=True)
class SourceFacts:
    service_id: uuid.UUID
    artifact_version: str
    first_commit_at: datetime
    commit_count: int
    pr_opened_at: datetime | None
    first_review_at: datetime | None
    approved_at: datetime | None
    merged_at: datetime | None


async def source_changes(
    session: AsyncSession, pairs: Iterable[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], SourceFacts]:
    """The source facts of these (service id, artifact version) pairs; a version with no
    recorded commits is absent."""
    wanted = set(pairs)
    out: dict[tuple[uuid.UUID, str], SourceFacts] = {}
    for r in await repo.summaries(session, sorted(wanted, key=lambda p: (str(p[0]), p[1]))):
        key = (r.service_id, r.artifact_version)
        if key not in wanted:
            continue
        out[key] = SourceFacts(
            r.service_id,
            r.artifact_version,
            r.first_commit_at,
            int(r.commit_count),
            r.pr_opened_at,
            r.first_review_at,
            r.approved_at,
            r.merged_at,
        )
    return out


async def shipped_sources(
    session: AsyncSession, deployments: Sequence[FinishedDeployment]
) -> dict[tuple[uuid.UUID, str], SourceFacts]:
    """The source facts of the versions these deployments shipped: the commits CI reported,
    and for an imported deployment without them, the commit and pull-request times its history
    gave (`history_facts`; a second statement only when the deployments hold imported ones)."""
    out = await source_changes(session, [(d.service_id, d.shipped_version) for d in deployments])
    imported = await history_facts.imported_sources(
        session, [d.id for d in deployments if d.imported]
    )
    for d in deployments:
        i = imported.get(d.id)
        pair = (d.service_id, d.shipped_version)
        if i is None or i.first_commit_at is None or pair in out:
            continue
        out[pair] = SourceFacts(
            d.service_id,
            d.shipped_version,
            i.first_commit_at,
            i.commit_count,
            i.pr_opened_at,
            i.first_review_at,
            i.approved_at,
            i.merged_at,
        )
    return out
