"""Read use cases of the calendar: every list is scoped to the BUs the actor may read."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from domain.calendar import conflicts as detection
from domain.calendar import freeze_repository as frepo
from domain.calendar import recurrence, rules
from domain.calendar import repository as repo
from domain.calendar.commands import CheckWindow, SuggestSlots
from domain.calendar.errors import CalendarErrorCode as Code
from domain.calendar.freezes import freezes_in_range, timing_of
from domain.calendar.rules import Clash, Conflict, WindowFacts
from domain.calendar.slots import Slot
from domain.calendar.vocabulary import FreezeStatus
from domain.calendar.windows import window_facts
from domain.kernel.access import Resource, Scope
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import readable_by_id, scoped_page
from domain.organization import facts as org_facts

Rows = dict[Any, Row[Any]]
MAX_CALENDAR_WINDOWS = 2000


def _empty() -> Page[Row[Any]]:
    return Page(items=[], has_next=False, cursors=[])


async def _facts(r: Reader, c: CheckWindow) -> WindowFacts:
    bu = await org_facts.business_unit(
        r.session, c.bu_id, readable_in=r.scope(Resource.DEPLOYMENT_WINDOW)
    )
    rules.check_interval(c.starts_at, c.ends_at, longest=None)
    services = sorted(set(c.service_ids), key=str)
    info = await repo.services_info(r.session, services)
    read = r.scope(Resource.SERVICE)
    if any(s not in info or not read.allows(info[s].bu_id) for s in services):
        raise NotFound("Service was not found.", field="serviceIds")
    return window_facts(c, services, bu.id)


async def window_conflicts(r: Reader, c: CheckWindow, *, now: datetime) -> list[Conflict]:
    """What a window with these facts would conflict with, before planning (or moving) it."""
    rules.check_interval(c.starts_at, c.ends_at)
    facts = await _facts(r, c)
    return await detection.detect(
        r.session, facts, bu_id=c.bu_id, readable=r.scope(Resource.DEPLOYMENT_WINDOW), now=now
    )


async def window_suggestions(r: Reader, c: SuggestSlots) -> list[Slot]:
    """The earliest slots free of blocking and warning conflicts, freezes respected."""
    facts = await _facts(
        r,
        CheckWindow(
            bu_id=c.bu_id,
            starts_at=c.after,
            ends_at=c.before,
            release_id=c.release_id,
            environment=c.environment,
            service_ids=c.service_ids,
            resources=c.resources,
        ),
    )
    return await detection.suggest(
        r.session, facts, bu_id=c.bu_id, duration=c.duration, count=c.count
    )


# -- windows -------------------------------------------------------------------------------


async def slice_services(
    r: Reader, team_id: uuid.UUID | None, service_id: uuid.UUID | None
) -> list[uuid.UUID] | None:
    if team_id is None and service_id is None:
        return None
    ids = set(await repo.service_ids_of_team(r.session, team_id)) if team_id else None
    if service_id is not None:
        ids = {service_id} if ids is None else ids & {service_id}
    return sorted(ids or set(), key=str)


async def windows(
    r: Reader,
    *,
    bu_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    service_id: uuid.UUID | None,
    environment: str | None,
    release_id: uuid.UUID | None,
    starting_after: datetime | None,
    include_cancelled: bool,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    scope = r.scope(Resource.DEPLOYMENT_WINDOW)
    if scope.empty:
        return _empty()
    return await repo.windows_page(
        r.session,
        scope,
        bu_id=bu_id,
        service_ids=await slice_services(r, team_id, service_id),
        environment=rules.check_environment(environment),
        release_id=release_id,
        starting_after=starting_after,
        include_cancelled=include_cancelled,
        first=first,
        after=after,
    )


def _visible(rows: Rows, scope: Scope, *, org_level: bool = False) -> Rows:
    if scope.everywhere:
        return rows
    return {
        k: v
        for k, v in rows.items()
        if scope.allows(v.bu_id) or (org_level and v.bu_id is None and not scope.empty)
    }


windows_by_id = readable_by_id(Resource.DEPLOYMENT_WINDOW, repo.windows_by_ids)


async def services_of_windows(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[uuid.UUID]]:
    return await repo.services_by_window(r.session, ids)


async def resources_of_windows(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[str]]:
    return await repo.resources_by_window(r.session, ids)


# -- the calendar's part of a slice (domain.read.calendar_slice composes the whole) ----------


@dataclass(frozen=True, slots=True)
class WindowDetails:
    """The services and shared resources of each window of a slice, by window id: the rows
    read to find the clashes, which also answer what the windows touch."""

    services: dict[Any, list[uuid.UUID]] = field(default_factory=dict)
    resources: dict[Any, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WindowsInRange:
    """The windows of a slice of the calendar and the conflicts among them."""

    windows: list[Row[Any]]
    clashes: list[tuple[WindowFacts, WindowFacts, Clash]]
    details: WindowDetails = field(default_factory=WindowDetails)


def check_range(starts_at: datetime, ends_at: datetime, environment: str | None) -> str | None:
    """A slice asked for is at most MAX_RANGE long; returns the environment, normalised."""
    rules.check_interval(starts_at, ends_at, longest=None)
    if ends_at - starts_at > rules.MAX_RANGE:
        raise DomainError(
            f"Ask for at most {rules.MAX_RANGE.days} days at a time.",
            code=Code.RANGE_TOO_LARGE,
            field="to",
        )
    return rules.check_environment(environment)


async def windows_in_range(
    r: Reader,
    *,
    starts_at: datetime,
    ends_at: datetime,
    bu_id: uuid.UUID | None,
    service_ids: list[uuid.UUID] | None,
    environment: str | None,
) -> WindowsInRange:
    """Windows overlapping a slice the actor may read, with the clashes among them."""
    scope = r.scope(Resource.DEPLOYMENT_WINDOW)
    rows: list[Row[Any]] = []
    if not scope.empty:
        rows = await repo.windows_in_range(
            r.session,
            scope,
            starts_at=starts_at,
            ends_at=ends_at,
            bu_id=bu_id,
            service_ids=service_ids,
            environment=environment,
            limit=MAX_CALENDAR_WINDOWS + 1,
        )
    if len(rows) > MAX_CALENDAR_WINDOWS:
        raise DomainError(
            f"More than {MAX_CALENDAR_WINDOWS} windows in that slice; narrow it down.",
            code=Code.RANGE_TOO_LARGE,
        )
    ids = [row.id for row in rows]
    services = await repo.services_by_window(r.session, ids)
    resources = await repo.resources_by_window(r.session, ids)
    facts = repo.facts_from(rows, services, resources)
    touched = sorted({s for f in facts for s in f.service_ids}, key=str)
    edges = await repo.edges_among(r.session, touched)
    details = WindowDetails(services, resources)
    return WindowsInRange(rows, rules.clashes_among(facts, edges), details)


@dataclass(frozen=True, slots=True)
class FreezeOccurrenceView:
    freeze: Row[Any]
    starts_at: datetime
    ends_at: datetime


async def freeze_occurrences(
    r: Reader,
    starts_at: datetime,
    ends_at: datetime,
    *,
    bu_id: uuid.UUID | None,
    service_ids: list[uuid.UUID] | None,
    environment: str | None,
) -> list[FreezeOccurrenceView]:
    scope = r.scope(Resource.FREEZE)
    if scope.empty:
        return []
    statuses = [str(FreezeStatus.APPROVED), str(FreezeStatus.PROPOSED)]
    out = []
    for f in await freezes_in_range(r.session, statuses, starts_at, ends_at):
        if not (scope.allows(f.row.bu_id) or f.row.bu_id is None):
            continue
        if bu_id is not None and f.row.bu_id not in (None, bu_id):
            continue
        if (
            service_ids is not None
            and f.facts.scope == "services"
            and not f.facts.service_ids & set(service_ids)
        ):
            continue
        if (
            environment is not None
            and f.facts.scope == "environments"
            and environment not in f.facts.environments
        ):
            continue
        out += [
            FreezeOccurrenceView(f.row, o.starts_at, o.ends_at)
            for o in recurrence.occurrences(f.timing, starts_at, ends_at)
        ]
    return sorted(out, key=lambda o: (o.starts_at, str(o.freeze.id)))


# -- freezes, exceptions, alignments -------------------------------------------------------


freezes = scoped_page(Resource.FREEZE, frepo.freezes_page)


async def freezes_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.FREEZE)
    return _visible(await frepo.freezes_by_ids(r.session, ids), scope, org_level=True)


async def stakeholders_of_freezes(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    return await frepo.approvals_by_freeze(r.session, ids)


async def services_of_freezes(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[uuid.UUID]]:
    return await frepo.services_by_freeze(r.session, ids)


def occurrences_of(freeze: Any, starts_at: datetime, ends_at: datetime) -> list[Any]:
    """A freeze's occurrences in a range (pure expansion of the row already loaded)."""
    if ends_at - starts_at > rules.MAX_RANGE or ends_at <= starts_at:
        raise DomainError(
            f"Ask for 1 second to {rules.MAX_RANGE.days} days of occurrences.",
            code=Code.RANGE_TOO_LARGE,
            field="to",
        )
    return recurrence.occurrences(timing_of(freeze), starts_at, ends_at)


exceptions_for_review = scoped_page(Resource.FREEZE_EXCEPTION, frepo.exceptions_for_review_page)


async def exceptions_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    return _visible(
        await frepo.exceptions_by_ids(r.session, ids), r.scope(Resource.FREEZE_EXCEPTION)
    )


async def exceptions_of_freezes(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[Row[Any]]]:
    scope = r.scope(Resource.FREEZE_EXCEPTION)
    if scope.empty:
        return {}
    return await frepo.exceptions_by_freeze(r.session, ids, scope)


async def alignments(
    r: Reader, *, quarter: str | None, first: int | None, after: str | None
) -> Page[Row[Any]]:
    scope = r.scope(Resource.ALIGNMENT)
    if scope.empty:
        return _empty()
    return await frepo.alignments_page(
        r.session,
        scope,
        quarter=rules.check_quarter(quarter) if quarter else None,
        first=first,
        after=after,
    )


async def alignments_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    scope = r.scope(Resource.ALIGNMENT)
    return _visible(await frepo.alignments_by_ids(r.session, ids), scope, org_level=True)


ONE_DAY = timedelta(days=1)
