"""Published facts of SRE readiness reviews: what the promotion decision reads, in batches."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from domain.readiness import review_repository as repo
from domain.readiness.review_rules import ItemFacts, ReviewFacts


async def _reviews(
    session: AsyncSession, ids: Sequence[uuid.UUID], of: str
) -> dict[uuid.UUID, ReviewFacts]:
    heads: dict[uuid.UUID, ReviewFacts] = {}
    items: dict[uuid.UUID, list[ItemFacts]] = {}
    for r in await repo.review_rows(session, ids, of=of):
        subject = getattr(r, of)
        heads.setdefault(
            subject,
            ReviewFacts(
                r.id, r.release_id, r.status, r.signed_off_by_id, (), r.service_id, r.opened_by_id
            ),
        )
        found = items.setdefault(subject, [])
        if r.key is not None:
            found.append(
                ItemFacts(r.key, r.kind, r.title, r.evidence_url, r.checked_at, r.expires_at)
            )
    return {
        subject: ReviewFacts(
            head.id,
            head.release_id,
            head.status,
            head.signed_off_by_id,
            tuple(items[subject]),
            head.service_id,
            head.opened_by_id,
        )
        for subject, head in heads.items()
    }


async def reviews_of(
    session: AsyncSession, release_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ReviewFacts]:
    """The readiness review of each release that has one, with its items, in one statement."""
    return await _reviews(session, release_ids, "release_id")


async def review_of(session: AsyncSession, release_id: uuid.UUID) -> ReviewFacts | None:
    """The release's readiness review, None when none is open (one statement)."""
    return (await reviews_of(session, [release_id])).get(release_id)


async def reviews_of_services(
    session: AsyncSession, service_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ReviewFacts]:
    """The first-launch readiness review of each service that has one, with its items, in one
    statement whatever the number of services."""
    return await _reviews(session, sorted(set(service_ids), key=str), "service_id")
