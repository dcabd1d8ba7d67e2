"""Reads of SRE readiness reviews for the API: batched for DataLoaders, scoped by the BUs the
caller may read them in (outside that scope reads as absent)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.governance import facts as release_facts
from domain.guardrails.facts import guardrails_of_services
from domain.kernel.access import Resource
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.repository import Grouped
from domain.readiness import review_repository as repo
from domain.readiness import review_rules as rules

Rows = dict[Any, Row[Any]]
EMPTY: Page[Row[Any]] = Page(items=[], has_next=False, cursors=[])


def _visible(r: Reader, rows: Rows) -> Rows:
    scope = r.scope(Resource.READINESS_REVIEW)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def _of_subjects(r: Reader, ids: Sequence[uuid.UUID], of: str) -> Rows:
    scope = r.scope(Resource.READINESS_REVIEW)
    if scope.empty:
        return {}
    return await repo.reviews_of_subjects(r.session, ids, scope, of=of)


async def reviews_of_releases(r: Reader, release_ids: Sequence[uuid.UUID]) -> Rows:
    """The review of each release that has one (and that you may read)."""
    return await _of_subjects(r, release_ids, "release_id")


async def reviews_of_services(r: Reader, service_ids: Sequence[uuid.UUID]) -> Rows:
    """The first-launch review of each service that has one (and that you may read)."""
    return await _of_subjects(r, service_ids, "service_id")


async def reviews_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(r, await repo.reviews_by_ids(r.session, ids))


async def items_of_reviews(r: Reader, review_ids: Sequence[uuid.UUID]) -> Grouped:
    """Items per review, in checklist order (of reviews you may read)."""
    visible = await reviews_by_id(r, review_ids)
    return await repo.items_of_reviews(r.session, list(visible))


async def missing_of_reviews(
    r: Reader, review_ids: Sequence[uuid.UUID], now: datetime
) -> dict[Any, list[str]]:
    """What each review is missing at `now`, item by item, against the strictest runbook age
    the guardrails of its release's services (of its service, for a first-launch review)
    allow (a fixed number of statements)."""
    reviews = await reviews_by_id(r, review_ids)
    items = await repo.items_of_reviews(r.session, list(reviews))
    release_ids = {v.release_id for v in reviews.values() if v.release_id is not None}
    shipped = await release_facts.shipped_services(r.session, sorted(release_ids, key=str))
    subjects = {
        review_id: [v.service_id] if v.service_id else [s.id for s in shipped.get(v.release_id, [])]
        for review_id, v in reviews.items()
    }
    service_ids = sorted({sid for found in subjects.values() for sid in found}, key=str)
    guardrails = await guardrails_of_services(r.session, service_ids)
    out: dict[Any, list[str]] = {}
    for review_id in reviews:
        ages = [
            int(guardrails[sid]["runbook_review_max_age_days"])
            for sid in subjects[review_id]
            if sid in guardrails
        ]
        facts = [
            rules.ItemFacts(i.key, i.kind, i.title, i.evidence_url, i.checked_at, i.expires_at)
            for i in items.get(review_id, [])
        ]
        out[review_id] = rules.missing(facts, now, min(ages, default=rules.MAX_VALID_DAYS))
    return out


def _visible_templates(r: Reader, rows: Rows) -> Rows:
    scope = r.scope(Resource.READINESS_TEMPLATE)
    return {
        k: v
        for k, v in rows.items()
        if (not scope.empty if v.bu_id is None else scope.allows(v.bu_id))
    }


async def templates_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible_templates(r, await repo.templates_by_ids(r.session, ids))


async def templates(r: Reader, *, first: int | None, after: str | None) -> Page[Row[Any]]:
    """Every checklist template version you may read (the org's and your BUs'), oldest first."""
    scope = r.scope(Resource.READINESS_TEMPLATE)
    if scope.empty:
        return EMPTY
    return await repo.templates_page(r.session, scope, first=first, after=after)
