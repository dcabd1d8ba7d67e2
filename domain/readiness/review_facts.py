"""Published facts of SRE readiness reviews: what the promotion decision reads, in batches."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from domain.readiness import review_repository as repo
from domain.readiness.review_rules import ItemFacts, ReviewFacts

ByReleaseAndService = tuple[dict[uuid.UUID, ReviewFacts], dict[uuid.UUID, ReviewFacts]]


async def reviews_of_subjects(
    session: AsyncSession,
    release_ids: Sequence[uuid.UUID],
    service_ids: Sequence[uuid.UUID] = (),
) -> ByReleaseAndService:
    """The readiness review of each release, and the first-launch review of each service, that
    has one, with its items: in one statement whatever their number."""
    heads: dict[uuid.UUID, ReviewFacts] = {}
    items: dict[uuid.UUID, list[ItemFacts]] = {}
    rows = await repo.review_rows(
        session, sorted(set(release_ids), key=str), sorted(set(service_ids), key=str)
    )
    for r in rows:
        heads.setdefault(
            r.id,
            ReviewFacts(
                r.id, r.release_id, r.status, r.signed_off_by_id, (), r.service_id, r.opened_by_id
            ),
        )
        found = items.setdefault(r.id, [])
        if r.key is not None:
            found.append(
                ItemFacts(r.key, r.kind, r.title, r.evidence_url, r.checked_at, r.expires_at)
            )
    of_releases: dict[uuid.UUID, ReviewFacts] = {}
    of_services: dict[uuid.UUID, ReviewFacts] = {}
    for review_id, head in heads.items():
        review = ReviewFacts(
            head.id,
            head.release_id,
            head.status,
            head.signed_off_by_id,
            tuple(items[review_id]),
            head.service_id,
            head.opened_by_id,
        )
        if head.release_id is not None:
            of_releases[head.release_id] = review
        elif head.service_id is not None:
            of_services[head.service_id] = review
    return of_releases, of_services


async def reviews_of(
    session: AsyncSession, release_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ReviewFacts]:
    """The readiness review of each release that has one, with its items, in one statement."""
    return (await reviews_of_subjects(session, release_ids))[0]


async def review_of(session: AsyncSession, release_id: uuid.UUID) -> ReviewFacts | None:
    """The release's readiness review, None when none is open (one statement)."""
    return (await reviews_of(session, [release_id])).get(release_id)
