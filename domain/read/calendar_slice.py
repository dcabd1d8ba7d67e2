"""The calendar slice: windows, freezes, production changes, deployments, unauthorized changes
and vendor releases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.calendar import queries as cal
from domain.calendar.rules import Clash, WindowFacts
from domain.flags import queries as flags
from domain.kernel.pagination import MAX_PAGE
from domain.kernel.reader import Reader
from domain.organization import vendor_queries
from domain.pipelines import queries as pipelines
from domain.pipelines import unauthorized_queries
from domain.postrelease import journey_queries


@dataclass(frozen=True, slots=True)
class CalendarSlice:
    windows: list[Row[Any]]
    freezes: list[cal.FreezeOccurrenceView]
    clashes: list[tuple[WindowFacts, WindowFacts, Clash]]
    production_changes: list[Row[Any]]
    vendor_releases: list[Row[Any]]
    deployments: list[Row[Any]]
    incidents: list[Row[Any]]
    unauthorized_changes: list[Row[Any]]
    journey_regressions: list[Row[Any]] = field(default_factory=list)
    """Journeys that passed before a production deployment and failed after it (postrelease)."""
    window_details: cal.WindowDetails = field(default_factory=cal.WindowDetails)
    """The services and resources of each window, as read to find the clashes."""


async def calendar(
    r: Reader,
    *,
    starts_at: datetime,
    ends_at: datetime,
    bu_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    service_id: uuid.UUID | None,
    environment: str | None,
) -> CalendarSlice:
    """Windows, freeze occurrences (recurring expanded), the windows' clashes and what else
    changes production then, for any slice the actor may read."""
    environment = cal.check_range(starts_at, ends_at, environment)
    services = await cal.slice_services(r, team_id, service_id)
    found = await cal.windows_in_range(
        r,
        starts_at=starts_at,
        ends_at=ends_at,
        bu_id=bu_id,
        service_ids=services,
        environment=environment,
    )
    occurrences = await cal.freeze_occurrences(
        r, starts_at, ends_at, bu_id=bu_id, service_ids=services, environment=environment
    )
    limit = cal.MAX_CALENDAR_WINDOWS
    flips = await flags.production_changes(
        r, starts_at=starts_at, ends_at=ends_at, bu_id=bu_id, service_ids=services, limit=limit
    )
    deployments, incidents = await pipelines.reports_in_range(
        r, starts_at=starts_at, ends_at=ends_at, bu_id=bu_id, service_ids=services, limit=limit
    )
    unauthorized = await unauthorized_queries.changes_in_range(
        r, starts_at=starts_at, ends_at=ends_at, bu_id=bu_id, service_ids=services, limit=limit
    )
    regressions = await journey_queries.regressions_in_range(
        r, starts_at=starts_at, ends_at=ends_at, bu_id=bu_id, service_ids=services, limit=limit
    )
    vendor = await vendor_queries.releases(
        r,
        starts_at=starts_at,
        ends_at=ends_at,
        bu_id=bu_id,
        vendor_id=None,
        include_cancelled=False,
        first=MAX_PAGE,
        after=None,
    )
    return CalendarSlice(
        found.windows,
        occurrences,
        found.clashes,
        flips,
        vendor.items,
        deployments,
        incidents,
        unauthorized,
        journey_regressions=regressions,
        window_details=found.details,
    )
