"""Read use cases of risk, scoped by what the actor may read.

The core model is org-level: anyone who may read `risk_model` somewhere reads it. A BU's
mapping, assessments and peer reviews are read where the actor may read them in that BU;
elsewhere they look absent.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.governance import facts as release_facts
from domain.kernel.access import Resource
from domain.kernel.errors import NotFound
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.organization import facts as org_facts
from domain.risk import repository as repo
from domain.risk import rules, versions
from domain.risk.model import RiskModel
from domain.risk.models import RiskModelVersion
from domain.risk.peer_reviews import requirement_of
from domain.risk.review_rules import ReviewRequirement

Rows = dict[Any, Row[Any]]
Grouped = dict[Any, list[Row[Any]]]
EMPTY: Page[Row[Any]] = Page(items=[], has_next=False, cursors=[])


@dataclass(frozen=True, slots=True)
class ModelView:
    model: RiskModel
    row: RiskModelVersion | None
    """None for the built-in default (version 0)."""


@dataclass(frozen=True, slots=True)
class MappingView:
    bu_id: uuid.UUID
    bu_key: str
    core_version: int
    overlay_version: int
    effective: rules.EffectiveMapping


async def model(r: Reader) -> ModelView | None:
    """The core model in force; None when you may read no risk model anywhere."""
    if r.scope(Resource.RISK_MODEL).empty:
        return None
    row = await repo.latest_model(r.session)
    return ModelView(versions.model_of(row), row)


async def model_history(r: Reader, *, first: int | None, after: str | None) -> Page[Row[Any]]:
    if r.scope(Resource.RISK_MODEL).empty:
        return EMPTY
    return await repo.models_page(r.session, first=first, after=after)


async def mapping_of_bu(r: Reader, bu_id: uuid.UUID) -> MappingView:
    """A BU's effective mapping, each value with its source, and its overlay's conflicts."""
    bu = await org_facts.business_unit(r.session, bu_id, readable_in=r.scope(Resource.RISK_MODEL))
    core = versions.model_of(await repo.latest_model(r.session))
    overlay, version = await versions.current_overlay(r.session, bu.id)
    return MappingView(
        bu.id, bu.key, core.version, version, rules.effective(core.mapping, overlay, f"bu:{bu.key}")
    )


def _visible(r: Reader, resource: Resource, rows: Rows) -> Rows:
    scope = r.scope(resource)
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


async def latest_assessments(r: Reader, release_ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(
        r, Resource.RISK_ASSESSMENT, await repo.latest_assessments(r.session, release_ids)
    )


async def assessments_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(r, Resource.RISK_ASSESSMENT, await repo.assessments_by_ids(r.session, ids))


async def assessments_of_releases(
    r: Reader, release_ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    """History per release, oldest first; empty for releases whose BU you may not read it in."""
    scope = r.scope(Resource.RISK_ASSESSMENT)
    if scope.empty:
        return {i: EMPTY for i in release_ids}
    pages = await repo.assessments_of_releases(r.session, release_ids, first=first, after=after)
    return {
        k: page if all(scope.allows(row.bu_id) for row in page.items) else EMPTY
        for k, page in pages.items()
    }


async def reviews_of_releases(r: Reader, release_ids: Sequence[uuid.UUID]) -> Grouped:
    scope = r.scope(Resource.PEER_REVIEW)
    if scope.empty:
        return {}
    return await repo.reviews_of_releases(r.session, release_ids, scope)


async def reviews_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(r, Resource.PEER_REVIEW, await repo.reviews_by_ids(r.session, ids))


async def visible_release(
    r: Reader, release_id: uuid.UUID, resource: Resource
) -> release_facts.ReleaseSummary:
    """The release, when you may read it and `resource` in its BU; otherwise NOT_FOUND."""
    release = await release_facts.release(
        r.session, release_id, readable_in=r.scope(Resource.RELEASE)
    )
    if not r.scope(resource).allows(release.bu_id):
        raise NotFound("Release was not found.", field="releaseId")
    return release


async def review_requirement(r: Reader, release_id: uuid.UUID, now: datetime) -> ReviewRequirement:
    """Whether the release needs a peer review now, and why."""
    release = await visible_release(r, release_id, Resource.PEER_REVIEW)
    return await requirement_of(r.session, release, now)
