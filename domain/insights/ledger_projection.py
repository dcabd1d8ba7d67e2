"""The change ledger as a projection, kept current by a catch-up sweep.

Why a projection table and not a query over the contexts that record changes: the ledger joins
six of them (deployments and their reports, flag changes, change reports, vendor releases,
releases and their risk assessments, bypasses, commits, incident attributions) and its rows
are read far more often than they change. Read as a query, a service's page would cost one
statement per source and an in-memory merge before the first row could be paged (no keyset
across six tables), and the four keys of a BU over a million deployments would re-derive every
row's release, commits and outcome on each asking. Projected, a service's page is one index
range (`ix_change_ledger_service_id_at`) and a BU's four keys one scan of
`ix_change_ledger_bu_id_at`, which PostgreSQL can also pre-aggregate.

How it stays current: the sources have no common "changed since" column (a deployment report
is stamped with when it happened, not when it arrived; an attribution is confirmed days after
its incident), so the sweep keeps high-water marks and projects again, rewriting rows whole,
at two speeds:
- the recent sweep, at most once per FRESH: what took effect since its mark less OVERLAP (a
  report arriving up to an hour after its deployment finished still lands at once); its cost
  follows the rate of change, not the size of the ledger;
- the settling sweep, at most once per SETTLE_EVERY, and only from the housekeeping sweep
  (`settle=True`): everything of the settling period (SETTLE) before its mark up to now, so
  late facts (an incident attributed, a hotfix following, commits reported after the
  deployment) land within SETTLE_EVERY. A fact later than SETTLE does not, until
  `catch_up(..., since=...)` is asked for by hand.
The ledger and DORA reads run the recent sweep first; at a million deployments a year the
settling period holds some 80 000 of them, which a reader should not wait for every minute.

Two columns are pre-aggregated for DORA at a BU's scale (`dora_repository.headline`): each
deployment's lead time when it is its version's first successful production deployment, and
each incident's deployment by DevLake's attribution, both worked out by `dora_rules`' own
rules, so the aggregate and the rules agree (bench/dora_bench.py checks it).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import facts as compliance_facts
from domain.governance.vocabulary import ReleaseType
from domain.insights import dora_rules, source_facts
from domain.insights import ledger_repository as repo
from domain.insights import ledger_rules as rules
from domain.insights.ledger_models import LedgerEntry, LedgerIncident, LedgerMark
from domain.insights.ledger_vocabulary import ChangeKind
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import incident_facts
from domain.pipelines import production_deployments as production
from domain.pipelines.history import HistoryImported
from domain.postrelease import attribution_facts, attribution_ledger
from domain.postrelease.attribution_rules import Change

CHUNK = 500
OTHER_KINDS = frozenset(ChangeKind) - {ChangeKind.DEPLOYMENT}


async def catch_up(uow: UnitOfWork, *, since: datetime | None = None, settle: bool = False) -> int:
    """Project the changes and incidents since `since`, or the recent sweep's (and with
    `settle`, the settling sweep's when due; see the module's docstring). Returns the rows
    written. The first sweep of an empty ledger projects everything."""
    session, now = uow.session, uow.clock.now()
    recent = await repo.mark(session)
    settled = await repo.mark(session, repo.SETTLED_KEY) if settle else None
    due = rules.sweep(_mark(recent), _mark(settled), now, since=since, settle=settle)
    if due is None:
        return 0
    written = await _project(session, due.start, now)
    _advance(session, recent, repo.MARK_KEY, now)
    if due.settling:
        _advance(session, settled, repo.SETTLED_KEY, now)
    await session.flush()
    return written


def _mark(m: LedgerMark | None) -> rules.Mark | None:
    return None if m is None else rules.Mark(m.swept_until, m.swept_at)


def _advance(session: AsyncSession, m: LedgerMark | None, key: str, now: datetime) -> None:
    if m is None:
        session.add(LedgerMark(key=key, swept_until=now, swept_at=now))
    else:
        m.swept_until, m.swept_at = now, now


async def _project(session: AsyncSession, start: datetime, now: datetime) -> int:
    written = await _deployments(session, start, now, now)
    others = await attribution_ledger.changes(session, start=start, end=now, kinds=OTHER_KINDS)
    written += await _write(session, [], others, now)
    return written + await _incidents(session, start, now, now)


def _next(found: Sequence[Any], at: str, cursor: datetime) -> datetime | None:
    """Where the next page starts when this one was full (None: it was the last)."""
    if len(found) < CHUNK:
        return None
    last: datetime = getattr(found[-1], at)
    return last if last > cursor else last + timedelta(microseconds=1)


async def _deployments(session: AsyncSession, start: datetime, end: datetime, now: datetime) -> int:
    written, cursor = 0, start
    while True:
        found = await production.ended_between(session, cursor, end, limit=CHUNK)
        written += await _write(session, found, [], now)
        kinds = [
            [d for d in found if d.kind == k] for k in (production.PLANNED, production.REPORTED)
        ]
        nexts = [n for k in kinds if (n := _next(k, "finished_at", cursor)) is not None]
        if not nexts:
            return written
        cursor = min(nexts)


async def project_imported(uow: UnitOfWork, done: HistoryImported) -> int:
    """Project an imported batch of history at once (the sweep only goes back SETTLE): its
    deployments, then every incident from the batch's earliest time on, whose last deployment
    the batch may have changed. Returns the rows written."""
    session, now = uow.session, uow.clock.now()
    ids = list(done.deployment_ids)
    written, starts = 0, []
    for n in range(0, len(ids), CHUNK):
        found = await production.imported_ended(session, ids[n : n + CHUNK])
        starts += [d.finished_at for d in found[:1]]
        written += await _write(session, found, [], now)
    incidents = await incident_facts.incidents(session, list(done.incident_ids))
    starts += [i.detected_at for i in incidents.values()]
    if starts:
        written += await _incidents(session, min(starts), now, now)
    return written


async def _incidents(session: AsyncSession, start: datetime, end: datetime, now: datetime) -> int:
    written, cursor = 0, start
    while True:
        found = await incident_facts.detected_between(session, cursor, end, limit=CHUNK)
        written += await _project_incidents(session, found, now)
        cursor_next = _next(found, "detected_at", cursor)
        if cursor_next is None:
            return written
        cursor = cursor_next


async def _project_incidents(
    session: AsyncSession, found: Sequence[incident_facts.IncidentFacts], now: datetime
) -> int:
    mine = [i for i in found if i.service_id is not None]
    services = await org_facts.services(session, {i.service_id for i in mine if i.service_id})
    blamed = await attribution_facts.attributed(session, [i.id for i in mine])
    last = await _last_deployments(session, mine)
    rows = [
        {
            **_incident_row(i, services[i.service_id], blamed.get(i.id), now),
            "deployment_id": last[i.id][0] if i.id in last else None,
            "deployment_at": last[i.id][1] if i.id in last else None,
        }
        for i in mine
        if i.service_id in services
    ]
    await repo.replace(session, LedgerIncident.__table__, rows)
    return len(rows)


async def _last_deployments(
    session: AsyncSession, incidents: Sequence[incident_facts.IncidentFacts]
) -> dict[uuid.UUID, tuple[uuid.UUID, datetime]]:
    """DevLake's attribution, pre-aggregated: the deployment (id, finish) each incident counts
    against by `dora_rules.attribute` with its defaults, over the ledger's deployments."""
    if not incidents:
        return {}
    found = await repo.deployments_of_services(
        session,
        [i.service_id for i in incidents if i.service_id],
        min(i.detected_at for i in incidents) - dora_rules.LOOKBACK,
        max(i.detected_at for i in incidents),
    )
    changes = [dora_rules.DoraChange(r.id, r.service_id, r.at) for r in found]
    at = {c.id: c.at for c in changes}
    blamed = dora_rules.attribute(
        changes,
        [
            dora_rules.DoraIncident(i.id, i.service_id, i.detected_at)
            for i in incidents
            if i.service_id
        ],
        dora_rules.Options(),
    )
    return {incident: (change, at[change]) for incident, change in blamed.items()}


def _incident_row(
    i: incident_facts.IncidentFacts,
    s: org_facts.ServiceFacts,
    blamed: attribution_facts.AttributedIncident | None,
    now: datetime,
) -> dict[str, Any]:
    return {
        "id": i.id,
        "bu_id": s.bu_id,
        "service_id": s.id,
        "team_id": s.team_id,
        "tier": s.tier,
        "severity": i.severity,
        "created_at": i.detected_at,
        "resolved_at": i.resolved_at,
        "change_id": blamed.change_id if blamed else None,
        "change_kind": blamed.change_kind.value if blamed else None,
        "projected_at": now,
    }


async def _write(
    session: AsyncSession,
    deployments: Sequence[production.FinishedDeployment],
    others: Sequence[Change],
    now: datetime,
) -> int:
    """Project one batch of changes: their facts read once for the batch, rows rewritten."""
    services = await org_facts.services(
        session, {d.service_id for d in deployments} | {c.service_id for c in others}
    )
    pairs = [(d.service_id, d.shipped_version) for d in deployments]
    releases = await repo.releases_of(session, pairs)
    windows = await compliance_facts.bypass_windows(session, {r.id for r in releases.values()})
    sources = await source_facts.shipped_sources(session, deployments)
    firsts = _firsts(deployments, await repo.earliest_shipped(session, _versions(deployments)))
    ids = [d.id for d in deployments] + [c.id for c in others]
    incidents = await attribution_facts.incidents_of_changes(session, ids)
    hot = rules.hotfixed(
        [
            rules.Shipped(
                d.id,
                d.service_id,
                d.finished_at,
                getattr(releases.get((d.service_id, d.shipped_version)), "release_type", None)
                == ReleaseType.HOTFIX,
            )
            for d in deployments
            if not d.rolled_back
        ]
    )
    rows = [
        {
            **_deployment_row(
                d, services[d.service_id], releases, windows, sources, incidents, hot, now
            ),
            "lead_seconds": _lead(d, sources, firsts),
        }
        for d in deployments
        if d.service_id in services
    ]
    rows += [
        _other_row(c, services[c.service_id], incidents.get(c.id, 0), now)
        for c in others
        if c.service_id in services
    ]
    await repo.replace(session, LedgerEntry.__table__, rows)
    return len(rows)


def _versions(deployments: Sequence[production.FinishedDeployment]) -> list[tuple[uuid.UUID, str]]:
    return sorted({(d.service_id, d.shipped_version[:128]) for d in deployments}, key=str)


def _firsts(
    deployments: Sequence[production.FinishedDeployment],
    known: dict[tuple[uuid.UUID, str], tuple[datetime, str]],
) -> set[uuid.UUID]:
    """The deployments that are the first successful one of their version (in the ledger or in
    this batch)."""
    earliest = dict(known)
    for d in deployments:
        key, mark = (d.service_id, d.shipped_version[:128]), (d.finished_at, str(d.id))
        if not d.rolled_back and (key not in earliest or mark < earliest[key]):
            earliest[key] = mark
    return {
        d.id
        for d in deployments
        if earliest.get((d.service_id, d.shipped_version[:128])) == (d.finished_at, str(d.id))
    }


def _lead(
    d: production.FinishedDeployment,
    sources: dict[tuple[uuid.UUID, str], source_facts.SourceFacts],
    firsts: set[uuid.UUID],
) -> float | None:
    src = sources.get((d.service_id, d.shipped_version))
    if d.id not in firsts or src is None or src.first_commit_at > d.finished_at:
        return None
    return (d.finished_at - src.first_commit_at).total_seconds()


def _deployment_row(
    d: production.FinishedDeployment,
    s: org_facts.ServiceFacts,
    releases: dict[tuple[uuid.UUID, str], Any],
    windows: dict[uuid.UUID, list[Any]],
    sources: dict[tuple[uuid.UUID, str], source_facts.SourceFacts],
    incidents: dict[uuid.UUID, int],
    hot: set[uuid.UUID],
    now: datetime,
) -> dict[str, Any]:
    release = releases.get((d.service_id, d.shipped_version))
    opened = [
        rules.Window(b.environment_id, b.approved_at, b.expires_at)
        for b in (windows.get(release.id, []) if release else [])
        if b.approved_at is not None
    ]
    src = sources.get((d.service_id, d.shipped_version))
    count = incidents.get(d.id, 0)
    return {
        **_common(d.id, ChangeKind.DEPLOYMENT, s, d.finished_at, now),
        "environment_id": d.environment_id,
        "started_at": d.started_at,
        "strategy": d.strategy or "reported",
        "artifact_version": d.shipped_version[:128],
        "release_id": release.id if release else None,
        "change_types": rules.joined(
            rules.change_types(ChangeKind.DEPLOYMENT, release.change_types or () if release else ())
        ),
        "risk_level": release.risk_level if release else None,
        "bypassed": rules.bypassed(d.environment_id, d.started_at, opened),
        "first_commit_at": src.first_commit_at if src else None,
        "commit_count": src.commit_count if src else 0,
        "pr_opened_at": src.pr_opened_at if src else None,
        "first_review_at": src.first_review_at if src else None,
        "approved_at": src.approved_at if src else None,
        "merged_at": src.merged_at if src else None,
        "rolled_back": d.rolled_back,
        "incident_count": count,
        "hotfixed": d.id in hot,
        "outcome": rules.outcome(d.rolled_back, count, d.id in hot).value,
        "summary": f"version {d.shipped_version}{' (imported)' if d.imported else ''}"[:300],
        "imported": d.imported,
    }


def _common(
    id_: uuid.UUID, kind: ChangeKind, s: org_facts.ServiceFacts, at: datetime, now: datetime
) -> dict[str, Any]:
    return {
        "id": id_,
        "kind": kind.value,
        "bu_id": s.bu_id,
        "team_id": s.team_id,
        "service_id": s.id,
        "tier": s.tier,
        "at": at,
        "projected_at": now,
    }


def _other_row(c: Change, s: org_facts.ServiceFacts, count: int, now: datetime) -> dict[str, Any]:
    empty = dict.fromkeys(
        (
            "environment_id",
            "started_at",
            "artifact_version",
            "release_id",
            "risk_level",
            "first_commit_at",
            "pr_opened_at",
            "first_review_at",
            "approved_at",
            "merged_at",
        )
    )
    return {
        **_common(c.id, c.kind, s, c.at, now),
        **empty,
        "strategy": "",
        "change_types": rules.joined(rules.change_types(c.kind)),
        "bypassed": False,
        "commit_count": 0,
        "rolled_back": False,
        "incident_count": count,
        "hotfixed": False,
        "outcome": rules.outcome(False, count, False).value,
        "summary": c.summary[:300],
        "imported": False,
    }
