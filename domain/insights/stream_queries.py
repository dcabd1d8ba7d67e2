"""Read use cases of the value stream: one production change's steps, and where a team's or a
BU's time goes over a period. Both are scoped by the BUs whose deployments the caller may
read; anything outside reads as not found."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.insights import stream_reader as reader
from domain.insights import stream_rules as rules
from domain.kernel.access import Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.pagination import Page, check_first, decode_cursor, encode_cursor
from domain.kernel.reader import Reader
from domain.organization import facts as organization
from domain.organization import stream_facts as services_of
from domain.pipelines import production_deployments as deployments

DEFAULT_DAYS = 90
MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class ChangeView:
    change: reader.ChangeTimeline
    stream: rules.ChangeStream


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class SummaryView:
    bu: organization.BusinessUnitFacts
    team: organization.TeamFacts | None
    period: Period
    summary: rules.StreamSummary
    changes: tuple[ChangeView, ...]
    """Deployed earliest first."""
    truncated: bool
    """More production deployments finished in the period than one summary reads."""


def period_of(since: datetime | None, until: datetime | None, now: datetime) -> Period:
    """[since, until): by default the 90 days up to now; at most 366 days."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.utcoffset() is None:
            raise DomainError(f"{name} is a time with an offset.", field=name)
    end = until or now
    try:
        start = since or end - timedelta(days=DEFAULT_DAYS)
    except OverflowError:
        raise DomainError("until is too early.", field="until") from None
    if start >= end:
        raise DomainError("since comes before until.", field="since")
    if end - start > timedelta(days=MAX_DAYS):
        raise DomainError(f"A period is at most {MAX_DAYS} days.", field="since")
    return Period(start, end)


def _given(bu_id: uuid.UUID | None) -> uuid.UUID:
    if bu_id is None:
        raise DomainError("Name a team or a business unit.", field="businessUnitId")
    return bu_id


def _view(t: reader.ChangeTimeline) -> ChangeView:
    return ChangeView(t, rules.change_stream(t.timeline))


async def value_stream(r: Reader, deployment_id: uuid.UUID) -> ChangeView:
    """One production change's steps with work and wait, and its non-value-added steps."""
    found = (await deployments.production_deployments(r.session, [deployment_id])).get(
        deployment_id
    )
    if found is None or not r.may_read(Resource.DEPLOYMENT, found.bu_id):
        raise NotFound("Deployment was not found.", field="deploymentId")
    (t,) = await reader.timelines(r.session, [found])
    return _view(t)


async def value_stream_summary(
    r: Reader, *, team_id: uuid.UUID | None, bu_id: uuid.UUID | None, period: Period
) -> SummaryView:
    """Where the time of a team's (or a BU's) production changes in the period goes."""
    if (team_id is None) == (bu_id is None):
        raise DomainError("Name a team or a business unit, not both.", field="teamId")
    scope = r.scope(Resource.DEPLOYMENT)
    team = None
    if team_id is not None:
        team = await organization.team(r.session, team_id, readable_in=scope)
        bu_id = team.bu_id
    bu = await organization.business_unit(r.session, _given(bu_id), readable_in=scope)
    ids = await services_of.service_ids_of(r.session, team_id=team_id, bu_id=bu.id)
    found = await deployments.finished_between(r.session, ids, period.start, period.end)
    changes = tuple(_view(t) for t in await reader.timelines(r.session, found))
    return SummaryView(
        bu,
        team,
        period,
        rules.summarize([c.stream for c in changes]),
        changes,
        truncated=any(
            sum(1 for d in found if d.kind == kind) >= deployments.MAX_FINISHED
            for kind in (deployments.PLANNED, deployments.REPORTED)
        ),
    )


def _cursor(c: ChangeView) -> str:
    return encode_cursor(c.change.deployment.finished_at.isoformat(), c.change.deployment.id)


def changes_page(
    changes: Sequence[ChangeView], *, first: int | None, after: str | None
) -> Page[ChangeView]:
    """A page of the summary's changes, deployed earliest first."""
    limit = check_first(first)
    rest = list(changes)
    if after is not None:
        at, id_ = decode_cursor(after)
        key = (datetime.fromisoformat(at), str(id_))
        rest = [
            c for c in rest if (c.change.deployment.finished_at, str(c.change.deployment.id)) > key
        ]
    items = rest[:limit]
    return Page(items, len(rest) > limit, [_cursor(c) for c in items])
