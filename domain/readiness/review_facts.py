"""Published facts of SRE readiness reviews: what the promotion decision reads, in batches."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from domain.readiness import review_repository as repo
from domain.readiness.review_rules import ItemFacts, ReviewFacts


async def reviews_of(
    session: AsyncSession, release_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, ReviewFacts]:
    """The readiness review of each release that has one, with its items, in one statement."""
    heads: dict[uuid.UUID, tuple[uuid.UUID, str, uuid.UUID | None]] = {}
    items: dict[uuid.UUID, list[ItemFacts]] = {}
    for r in await repo.review_rows(session, release_ids):
        heads[r.release_id] = (r.id, r.status, r.signed_off_by_id)
        found = items.setdefault(r.release_id, [])
        if r.key is not None:
            found.append(
                ItemFacts(r.key, r.kind, r.title, r.evidence_url, r.checked_at, r.expires_at)
            )
    return {
        release_id: ReviewFacts(review_id, release_id, status, signer, tuple(items[release_id]))
        for release_id, (review_id, status, signer) in heads.items()
    }


async def review_of(session: AsyncSession, release_id: uuid.UUID) -> ReviewFacts | None:
    """The release's readiness review, None when none is open (one statement)."""
    return (await reviews_of(session, [release_id])).get(release_id)
