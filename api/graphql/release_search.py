"""The `releases` search: its filter input, its sort, and the read it resolves to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.enums import exposed
from api.graphql.governance_types import ChangeType, ReleaseStatus
from api.graphql.relay import PageArgs, from_global_id, from_optional_global_id
from api.graphql.risk_types import RiskLevel
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.read import release_search_terms as terms
from domain.read.release_search import search_releases

ReleaseSort = exposed(terms.ReleaseSort)


@strawberry.input(description="Which releases, in which order; an empty field does not filter.")
class ReleaseFilter:
    business_unit_id: strawberry.ID | None = None
    text: str | None = strawberry.field(
        default=None,
        description="Found in the title or the description, ignoring case (at most "
        f"{terms.MAX_TEXT} characters).",
    )
    statuses: list[ReleaseStatus] | None = strawberry.field(
        default=None, description="In any of these statuses."
    )
    status: ReleaseStatus | None = strawberry.field(
        default=None, deprecation_reason="Use `statuses`; when both are given, either matches."
    )
    service_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Shipping any of these services."
    )
    owner_id: strawberry.ID | None = None
    change_types: list[ChangeType] | None = strawberry.field(
        default=None, description="Of any of these change types."
    )
    risk_levels: list[RiskLevel] | None = strawberry.field(
        default=None,
        description="Whose latest risk assessment has any of these levels (only in the BUs "
        "where you may read risk assessments; a release never assessed does not match).",
    )
    planned_from: datetime | None = strawberry.field(
        default=None,
        description="Whose planned window ends after this time (the range is [from, to); a "
        "release with no planned window never matches a range).",
    )
    planned_to: datetime | None = strawberry.field(
        default=None, description="Whose planned window starts before this time."
    )
    sort: ReleaseSort = strawberry.field(  # type: ignore[valid-type]
        default=terms.ReleaseSort.CREATED_AT,
        description="The order, then by id; a cursor is valid only under the sort it came from.",
    )
    descending: bool = strawberry.field(default=False, description="Newest, latest or Z first.")


def _service_ids(ids: Sequence[strawberry.ID] | None) -> tuple[Any, ...]:
    return tuple(from_global_id(i, "Service", "serviceIds") for i in ids or ())


def _statuses(f: ReleaseFilter) -> tuple[str, ...]:
    chosen = [*(f.statuses or ()), *([f.status] if f.status else [])]
    return tuple(dict.fromkeys(s.value for s in chosen))


def to_search(f: ReleaseFilter) -> terms.ReleaseSearch:
    return terms.ReleaseSearch(
        text=f.text or "",
        bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
        statuses=_statuses(f),
        service_ids=_service_ids(f.service_ids),
        owner_id=from_optional_global_id(f.owner_id, "Person", "ownerId"),
        change_types=tuple(c.value for c in f.change_types or ()),
        risk_levels=tuple(level.value for level in f.risk_levels or ()),
        planned_from=f.planned_from,
        planned_to=f.planned_to,
        sort=terms.ReleaseSort(f.sort),
        descending=f.descending,
    )


async def releases(r: Reader, f: ReleaseFilter, page: PageArgs) -> Page[Any]:
    return await search_releases(r, to_search(f), **page)
