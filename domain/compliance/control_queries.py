"""Read use cases of the compliance controls, scoped to the BUs the actor may read.

Statistics for internal audit are over the bypasses *requested* in a period [from, to):
how many were requested and approved, the releases created in the same period (the rate is
approved bypasses per release), how many of their reviews are overdue now, and the mean time
from opening to completing their completed reviews.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.compliance import bypass_repository as brepo
from domain.compliance import bypass_rules as rules
from domain.compliance import dr
from domain.compliance import dr_repository as drepo
from domain.kernel.access import Resource, Scope
from domain.kernel.gates import GateOutcome
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.repository import Grouped
from domain.kernel.scoped_reads import readable_by_id, scoped_page
from domain.organization import facts as org_facts

Rows = dict[Any, Row[Any]]


def _empty() -> Page[Row[Any]]:
    return Page(items=[], has_next=False, cursors=[])


def _visible(rows: Rows, scope: Scope) -> Rows:
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


# -- bypasses ----------------------------------------------------------------------------------


bypasses = scoped_page(Resource.BYPASS, brepo.bypasses_page)


bypasses_by_id = readable_by_id(Resource.BYPASS, brepo.bypasses_by_ids)


async def uses_of_bypasses(r: Reader, bypass_ids: Sequence[uuid.UUID]) -> Grouped:
    """Uses of the bypasses among `bypass_ids` the actor may read."""
    visible = await bypasses_by_id(r, bypass_ids)
    return await brepo.uses_by_bypass(r.session, list(visible))


# -- post-facto reviews ------------------------------------------------------------------------


reviews = scoped_page(Resource.BYPASS_REVIEW, brepo.reviews_page)


reviews_by_id = readable_by_id(Resource.BYPASS_REVIEW, brepo.reviews_by_ids)


async def reviews_of_bypasses(r: Reader, bypass_ids: Sequence[uuid.UUID]) -> Rows:
    """The review of each bypass (keyed by bypass id), where the actor may read reviews."""
    rows = await brepo.reviews_by_bypass(r.session, bypass_ids)
    return _visible(rows, r.scope(Resource.BYPASS_REVIEW))


async def statistics(
    r: Reader, *, start: datetime, end: datetime, bu_id: uuid.UUID | None, now: datetime
) -> list[rules.BuStatistics]:
    """Bypass figures per BU for internal audit (see the module docstring)."""
    rules.check_period(start, end)
    scope = r.scope(Resource.BYPASS)
    if scope.empty:
        return []
    requested, approved = await brepo.bypass_counts(r.session, scope, bu_id, start, end)
    releases = await brepo.release_counts(r.session, scope, bu_id, start, end)
    facts = await brepo.review_facts(r.session, scope, bu_id, start, end)
    return rules.statistics(requested, approved, releases, facts, now)


# -- disaster recovery -------------------------------------------------------------------------


async def procedures_of_services(
    r: Reader, service_ids: Sequence[uuid.UUID], *, include_retired: bool = False
) -> Grouped:
    scope = r.scope(Resource.DR_PROCEDURE)
    if scope.empty:
        return {}
    grouped = await drepo.procedures_of_services(
        r.session, service_ids, include_retired=include_retired
    )
    return {sid: [p for p in rows if scope.allows(p.bu_id)] for sid, rows in grouped.items()}


procedures_by_id = readable_by_id(Resource.DR_PROCEDURE, drepo.procedures_by_ids)


tests_by_id = readable_by_id(Resource.DR_PROCEDURE, drepo.tests_by_ids)


async def last_tests(r: Reader, procedure_ids: Sequence[uuid.UUID], *, only_passed: bool) -> Rows:
    rows = await drepo.last_tests(r.session, procedure_ids, only_passed=only_passed)
    return _visible(rows, r.scope(Resource.DR_PROCEDURE))


async def tests_of_procedures(
    r: Reader, procedure_ids: Sequence[uuid.UUID], *, first: int | None, after: str | None
) -> dict[Any, Page[Row[Any]]]:
    """History per procedure; the caller asks only for procedures it may read."""
    scope = r.scope(Resource.DR_PROCEDURE)
    pages = await drepo.tests_of_procedures(r.session, procedure_ids, first=first, after=after)
    return {
        pid: page if all(scope.allows(t.bu_id) for t in page.items) else _empty()
        for pid, page in pages.items()
    }


async def dr_status(r: Reader, service_id: uuid.UUID, now: datetime) -> GateOutcome:
    """The dr_test gate of a service whose DR procedures the actor may read."""
    await org_facts.service(r.session, service_id, readable_in=r.scope(Resource.DR_PROCEDURE))
    return await dr.dr_gate(r.session, service_id, now)
