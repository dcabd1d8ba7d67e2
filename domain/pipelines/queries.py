"""Read use cases of evidence, CDEvents and reports, scoped to what the actor may read.

Artifacts and evidence: `evidence/read`. CDEvents and incident reports (known only through
CDEvents so far): `cd_event/read`. Deployment reports: `deployment/read`. Webhook secrets:
`webhook/read`. For other contexts, `deployments_between` and `incidents_between` read without
scoping: the caller (the calendar, metrics) passes the BUs it has already decided on.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails.effective import effective_for_services
from domain.kernel.access import Resource, Scope
from domain.kernel.gates import GateOutcome
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import readable_by_id, scoped_list, scoped_page
from domain.pipelines import evidence
from domain.pipelines import repository as repo
from domain.pipelines.evidence_gates import EvidenceFacts, evidence_gates
from domain.readiness.volume_facts import volume_profiles
from domain.readiness.volume_rules import GUARDRAIL as VOLUME_GUARDRAIL

Rows = dict[Any, Row[Any]]
MAX_BETWEEN = 5000
"""At most this many reports from one `*_between` call (the earliest)."""


def _empty() -> Page[Row[Any]]:
    return Page(items=[], has_next=False, cursors=[])


def _visible(rows: Rows, scope: Scope) -> Rows:
    return {k: v for k, v in rows.items() if scope.allows(v.bu_id)}


artifacts = scoped_page(Resource.EVIDENCE, repo.artifacts_page)


artifacts_by_id = readable_by_id(Resource.EVIDENCE, repo.artifacts_by_ids)


evidence_by_id = readable_by_id(Resource.EVIDENCE, repo.evidence_by_ids)


async def evidence_of_artifacts(
    r: Reader,
    ids: Sequence[uuid.UUID],
    *,
    kind: str | None,
    first: int | None,
    after: str | None,
) -> dict[Any, Page[Row[Any]]]:
    """Evidence per artifact, oldest first; only artifacts the actor may read have any."""
    visible = list(await artifacts_by_id(r, ids))
    pages = await repo.evidence_of_artifacts(
        r.session, visible, kind=kind, first=first, after=after
    )
    return {i: pages.get(i, _empty()) for i in ids}


async def facts_of(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, EvidenceFacts]:
    visible = list(await artifacts_by_id(r, ids))
    return await evidence.evidence_for(r.session, visible)


async def gates_of(r: Reader, ids: Sequence[uuid.UUID]) -> dict[Any, list[GateOutcome]]:
    """The evidence gates of each artifact you may read, under its service's guardrails."""
    visible = await artifacts_by_id(r, ids)
    facts = await evidence.evidence_for(r.session, list(visible))
    services = sorted({row.service_id for row in visible.values()}, key=str)
    guardrails = await effective_for_services(r.session, services)
    # Performance runs are compared with production volumes where the guardrails ask for it.
    volumes = await volume_profiles(
        r.session, [s for s in services if s in guardrails and guardrails[s][VOLUME_GUARDRAIL]]
    )
    out: dict[Any, list[GateOutcome]] = {}
    for artifact_id, row in visible.items():
        eff = guardrails.get(row.service_id)
        thresholds = {k: v.value for k, v in eff.values.items()} if eff else {}
        out[artifact_id] = evidence_gates(
            facts[artifact_id], thresholds, volume=volumes.get(row.service_id)
        )
    return out


cd_events = scoped_page(Resource.CD_EVENT, repo.cd_events_page)


cd_events_by_id = readable_by_id(Resource.CD_EVENT, repo.cd_events_by_ids)


async def deployment_reports(
    r: Reader,
    *,
    bu_id: uuid.UUID | None,
    service_id: uuid.UUID | None,
    since: datetime | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    scope = r.scope(Resource.DEPLOYMENT)
    if scope.empty:
        return _empty()
    return await repo.reports_page(
        r.session,
        repo.DEP,
        "occurred_at",
        scope,
        bu_id=bu_id,
        service_id=service_id,
        since=since,
        first=first,
        after=after,
    )


async def incident_reports(
    r: Reader,
    *,
    bu_id: uuid.UUID | None,
    service_id: uuid.UUID | None,
    since: datetime | None,
    first: int | None,
    after: str | None,
) -> Page[Row[Any]]:
    scope = r.scope(Resource.CD_EVENT)
    if scope.empty:
        return _empty()
    return await repo.reports_page(
        r.session,
        repo.INC,
        "detected_at",
        scope,
        bu_id=bu_id,
        service_id=service_id,
        since=since,
        first=first,
        after=after,
    )


async def deployment_reports_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    rows = await repo.reports_by_ids(r.session, repo.DEP, ids)
    return _visible(rows, r.scope(Resource.DEPLOYMENT))


async def incident_reports_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    rows = await repo.reports_by_ids(r.session, repo.INC, ids)
    return _visible(rows, r.scope(Resource.CD_EVENT))


webhook_secrets = scoped_list(Resource.WEBHOOK, repo.webhook_secrets_of)


async def webhook_secrets_by_id(r: Reader, ids: Sequence[uuid.UUID]) -> Rows:
    rows = await repo.webhook_secrets_by_ids(r.session, ids)
    return _visible(rows, r.scope(Resource.WEBHOOK))


# -- for the calendar and metrics -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeploymentFact:
    id: uuid.UUID
    bu_id: uuid.UUID
    kind: str
    occurred_at: datetime
    service_id: uuid.UUID | None
    environment_id: uuid.UUID | None
    artifact_id: uuid.UUID | None
    service_ref: str
    environment_ref: str
    unresolved: str


@dataclass(frozen=True, slots=True)
class IncidentFact:
    id: uuid.UUID
    bu_id: uuid.UUID
    status: str
    description: str
    detected_at: datetime
    resolved_at: datetime | None
    service_id: uuid.UUID | None
    environment_id: uuid.UUID | None
    service_ref: str
    environment_ref: str


Fact = TypeVar("Fact", DeploymentFact, IncidentFact)


def _facts(kind: type[Fact], rows: Sequence[Row[Any]]) -> list[Fact]:
    """Each report row as the fact its columns of the same names make."""
    names = [f.name for f in fields(kind)]
    return [kind(**{name: getattr(row, name) for name in names}) for row in rows]


async def deployments_between(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    bu_ids: Collection[uuid.UUID] | None,
) -> list[DeploymentFact]:
    """Deployments, upgrades and rollbacks reported in [start, end), earliest first, in the
    given BUs (all when None); at most MAX_BETWEEN."""
    rows = await repo.reports_between(
        session, repo.DEP, "occurred_at", start, end, bu_ids, limit=MAX_BETWEEN
    )
    return _facts(DeploymentFact, rows)


async def incidents_between(
    session: AsyncSession,
    start: datetime,
    end: datetime,
    bu_ids: Collection[uuid.UUID] | None,
) -> list[IncidentFact]:
    """Incidents detected in [start, end), earliest first, in the given BUs (all when None);
    at most MAX_BETWEEN."""
    rows = await repo.reports_between(
        session, repo.INC, "detected_at", start, end, bu_ids, limit=MAX_BETWEEN
    )
    return _facts(IncidentFact, rows)


async def reports_in_range(
    r: Reader,
    *,
    starts_at: datetime,
    ends_at: datetime,
    bu_id: uuid.UUID | None,
    service_ids: Collection[uuid.UUID] | None,
    limit: int,
) -> tuple[list[Row[Any]], list[Row[Any]]]:
    """Deployments reported and incidents detected in [starts_at, ends_at) that the reader may
    read, for the calendar: what actually happened next to what was planned."""
    bu_ids = None if bu_id is None else [bu_id]
    out: list[list[Row[Any]]] = []
    for table, sort, resource in (
        (repo.DEP, "occurred_at", Resource.DEPLOYMENT),
        (repo.INC, "detected_at", Resource.CD_EVENT),
    ):
        scope = r.scope(resource)
        out.append(
            []
            if scope.empty
            else await repo.reports_between(
                r.session,
                table,
                sort,
                starts_at,
                ends_at,
                bu_ids,
                limit=limit,
                scope=scope,
                service_ids=service_ids,
            )
        )
    return out[0], out[1]
