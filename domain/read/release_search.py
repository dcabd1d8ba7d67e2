"""The release search release managers use daily: text, statuses, services, planned window,
owner, change types and risk level, in one of several sort orders, with keyset pages.

Governance owns releases and risk owns their assessments, and risk sits above governance, so the
search that filters by both lives here, in the query side: one statement over governance's
release table and risk's published `latest_level` fragment (docs/architecture.md).

A cursor names the sort it was given out under (`<SORT>.<position>`); one used under another
sort is refused (`CURSOR_SORT_MISMATCH`) rather than read as a position in the wrong order. The
codes of bad input are governance's (releases are governance's words), so they are listed in
`GovernanceErrorCode` for clients to switch on `extensions.reason`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Row

from domain.governance.errors import GovernanceErrorCode as Code
from domain.kernel.access import Resource
from domain.kernel.errors import DomainError
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.read import release_search_repository as repo
from domain.read.release_search_terms import MAX_TEXT, MAX_VALUES, ReleaseSearch, ReleaseSort


def checked(search: ReleaseSearch) -> ReleaseSearch:
    """The search with its text trimmed, or the refusal of its first bad part."""
    text = search.text.strip()
    if len(text) > MAX_TEXT:
        raise DomainError(
            f"Search text is at most {MAX_TEXT} characters.",
            code=Code.SEARCH_TEXT_TOO_LONG,
            field="text",
        )
    if search.sort not in ReleaseSort.__members__:
        raise DomainError(
            f"Sort by one of {', '.join(ReleaseSort)}.",
            code=Code.UNKNOWN_SORT,
            field="sort",
        )
    lists = ("statuses", "service_ids", "change_types", "risk_levels")
    for name in lists:
        if len(getattr(search, name)) > MAX_VALUES:
            raise DomainError(
                f"At most {MAX_VALUES} values in {name}.",
                code=Code.TOO_MANY_VALUES,
                field=name,
            )
    start, end = search.planned_from, search.planned_to
    if start is not None and end is not None and start >= end:
        raise DomainError(
            "The range's start must come before its end.",
            code=Code.INVALID_DATE_RANGE,
            field="plannedFrom",
        )
    return replace(search, text=text)


async def search_releases(
    r: Reader, search: ReleaseSearch, *, first: int | None, after: str | None
) -> Page[Row[Any]]:
    """A page of the releases the reader may read that match `search`, in its order. Filtering
    by risk level keeps only the BUs where the reader may also read risk assessments, so the
    filter never tells a level the reader could not see."""
    search = checked(search)
    scope = r.scope(Resource.RELEASE)
    if search.risk_levels:
        scope &= r.scope(Resource.RISK_ASSESSMENT)
    if scope.empty:
        return Page(items=[], has_next=False, cursors=[])
    page = await repo.releases_page(
        r.session, scope, search, first=first, after=_position(search.sort, after)
    )
    cursors = [f"{search.sort}.{c}" for c in page.cursors]
    return Page(items=page.items, has_next=page.has_next, cursors=cursors)


def _position(sort: str, after: str | None) -> str | None:
    """The kernel cursor inside a search cursor given out under `sort`."""
    if after is None:
        return None
    named, _, position = after.partition(".")
    if named not in ReleaseSort.__members__ or not position:
        raise DomainError("The cursor is not one this API gave out.", field="after")
    if named != sort:
        raise DomainError(
            f"The cursor was given out under sort {named}; ask again without it.",
            code=Code.CURSOR_SORT_MISMATCH,
            field="after",
        )
    return position
