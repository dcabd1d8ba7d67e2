"""Gather production changes' timelines from every lower context's facts, batched: whatever
the number of changes, the same statements (pipelines' way to production, governance's
approval trail, the environment queues, the release windows and the binding freezes, the
people and services named).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import facts as calendar
from domain.calendar import stream_facts as windows
from domain.environments import facts as environments
from domain.environments import stream_facts as queues
from domain.governance import stream_facts as governance
from domain.insights import source_facts
from domain.insights import stream_rules as rules
from domain.insights.stream_rules import Step, WaitKind
from domain.organization import facts as organization
from domain.organization.vocabulary import PersonKind
from domain.pipelines import stream_facts as pipelines
from domain.pipelines.production_deployments import FinishedDeployment


@dataclass(frozen=True, slots=True)
class SourceTimes:
    """When a change's first commit was made and its pull request merged."""

    first_commit_at: datetime | None
    merged_at: datetime | None


@dataclass(frozen=True, slots=True)
class ChangeTimeline:
    """A production change with what names it and its timeline."""

    deployment: FinishedDeployment
    service: organization.ServiceFacts | None
    release_id: uuid.UUID | None
    release_title: str | None
    timeline: rules.Timeline


async def source_changes(
    session: AsyncSession, deployments: Sequence[FinishedDeployment]
) -> Mapping[uuid.UUID, SourceTimes]:
    """Commit and merge times per deployment id, from the commits CI reported for the version
    it shipped, or an imported deployment's history (`source_facts.shipped_sources`); a
    deployment whose version has none is absent (its first two steps read as no data)."""
    found = await source_facts.shipped_sources(session, deployments)
    out: dict[uuid.UUID, SourceTimes] = {}
    for d in deployments:
        facts = found.get((d.service_id, d.shipped_version))
        if facts is not None:
            out[d.id] = SourceTimes(facts.first_commit_at, facts.merged_at)
    return out


def _last_before(times: Sequence[datetime], at: datetime) -> datetime | None:
    before = [t for t in times if t <= at]
    return max(before) if before else None


def _approved(
    trail: governance.ApprovalTrail | None, path: pipelines.ChangePath, at: datetime
) -> datetime | None:
    """The last approval the change needed before it started: the release's, the promotion's."""
    found = [a for _, a in path.promotion_approvals]
    if trail is not None and trail.approved_at is not None:
        found.append(trail.approved_at)
    return _last_before(found, at)


def _waits(
    trail: governance.ApprovalTrail | None,
    queued: Sequence[queues.QueueWait],
    planned: Sequence[tuple[datetime, datetime]],
    frozen: Sequence[calendar.FreezeHit],
    approved_at: datetime | None,
    started_at: datetime,
) -> tuple[rules.Wait, ...]:
    out = [
        rules.Wait(WaitKind.FREEZE, h.occurrence_start, h.occurrence_end, h.title) for h in frozen
    ]
    if approved_at is not None:
        opened = _last_before([s for s, _ in planned], started_at)
        if opened is not None and opened > approved_at:
            out.append(rules.Wait(WaitKind.WINDOW, approved_at, opened, "production window"))
    out += [
        rules.Wait(WaitKind.ENVIRONMENT_QUEUE, q.asked_at, q.usable_at, q.environment_key)
        for q in queued
    ]
    if trail is not None and trail.submitted_at is not None and trail.approved_at is not None:
        out.append(
            rules.Wait(WaitKind.APPROVAL, trail.submitted_at, trail.approved_at, trail.title)
        )
    return tuple(out)


def _approvals(
    trail: governance.ApprovalTrail | None,
    path: pipelines.ChangePath,
    people: Mapping[uuid.UUID, organization.PersonFacts],
) -> tuple[rules.Approval, ...]:
    def name(pid: uuid.UUID) -> str:
        p = people.get(pid)
        return p.username if p is not None else str(pid)

    out = [
        rules.Approval(
            a.person_id, name(a.person_id), f"{a.kind.replace('_', ' ')} {a.detail}", a.at
        )
        for a in (trail.approvals if trail is not None else ())
    ]
    out += [
        rules.Approval(p, name(p), "promotion approval", at) for p, at in path.promotion_approvals
    ]
    return tuple(out)


def _required(trail: governance.ApprovalTrail | None, path: pipelines.ChangePath) -> int | None:
    """The approvals the rules required of the chain: the release's and the promotion's (None
    when neither is known; a promotion approved with no recorded requirement counts as needed)."""
    if trail is None and path.promotion_approvals_required is None:
        return None
    promotion = path.promotion_approvals_required
    if promotion is None:
        promotion = len(path.promotion_approvals)
    return (trail.approvals_required if trail else 0) + promotion


@dataclass(frozen=True, slots=True)
class _Read:
    paths: Mapping[uuid.UUID, pipelines.ChangePath]
    trails: Mapping[uuid.UUID, governance.ApprovalTrail]
    queued: Mapping[uuid.UUID, list[queues.QueueWait]]
    planned: Mapping[uuid.UUID, list[tuple[datetime, datetime]]]
    frozen: Mapping[uuid.UUID, tuple[calendar.FreezeHit, ...]]
    services: Mapping[uuid.UUID, organization.ServiceFacts]
    people: Mapping[uuid.UUID, organization.PersonFacts]
    source: Mapping[uuid.UUID, SourceTimes]


def _timeline(d: FinishedDeployment, read: _Read) -> ChangeTimeline:
    path = read.paths[d.id]
    rid = path.release_id
    trail = read.trails.get(rid) if rid else None
    approved_at = _approved(trail, path, d.started_at)
    requester = read.people.get(path.requested_by_id) if path.requested_by_id else None
    staged_at = _last_before([f for _, f in path.staged], d.started_at)
    tested_at = _last_before(path.tests_passed_at, d.started_at)
    ready = approved_at or staged_at or tested_at or path.built_at
    hand_offs: tuple[rules.HandOff, ...] = ()
    if requester is not None and requester.kind == PersonKind.HUMAN and ready is not None:
        hand_offs = (rules.HandOff(Step.DEPLOYED, requester.username, ready, d.started_at),)
    source = read.source.get(d.id, SourceTimes(None, None))
    timeline = rules.Timeline(
        deployed_at=d.finished_at,
        committed_at=source.first_commit_at,
        merged_at=source.merged_at,
        built_at=path.built_at,
        tested_at=tested_at,
        staged_at=staged_at,
        approved_at=approved_at,
        waits=_waits(
            trail,
            read.queued.get(rid, []) if rid else [],
            read.planned.get(rid, []) if rid else [],
            read.frozen.get(d.id, ()),
            approved_at,
            d.started_at,
        ),
        approvals=_approvals(trail, path, read.people),
        approvals_required=_required(trail, path),
        rework=tuple(rules.Rework(r.what, r.rejected_at, r.resubmitted_at) for r in trail.rework)
        if trail
        else (),
        hand_offs=hand_offs,
    )
    service = read.services.get(d.service_id)
    return ChangeTimeline(d, service, rid, trail.title if trail else None, timeline)


async def _freezes(
    session: AsyncSession,
    deployments: Sequence[FinishedDeployment],
    services: Mapping[uuid.UUID, organization.ServiceFacts],
    releases: Mapping[uuid.UUID, uuid.UUID | None],
    since: datetime,
) -> dict[uuid.UUID, tuple[calendar.FreezeHit, ...]]:
    """The freeze occurrences binding each change in production, from `since` to its end,
    less those an approved exception of its release (`releases`, by deployment) let through:
    a change excepted from a freeze did not wait for it."""
    envs = await environments.environments_facts(
        session, sorted({d.environment_id for d in deployments}, key=str)
    )
    known = [d for d in deployments if d.service_id in services and d.environment_id in envs]
    if not known:
        return {}
    targets = [
        calendar.FreezeTarget(
            d.bu_id,
            d.service_id,
            envs[d.environment_id].key,
            services[d.service_id].tier,
            releases.get(d.id),
        )
        for d in known
    ]
    until = max(d.finished_at for d in known)
    hits = await calendar.freezes_binding_changes(session, targets, since, until)
    return {d.id: h for d, h in zip(known, hits, strict=True)}


async def timelines(
    session: AsyncSession, deployments: Sequence[FinishedDeployment]
) -> list[ChangeTimeline]:
    """The timeline of each production change, in the order given."""
    if not deployments:
        return []
    paths = await pipelines.change_paths(session, deployments)
    release_ids = {p.release_id for p in paths.values() if p.release_id}
    trails = await governance.approval_trails(session, release_ids)
    services = await organization.services(session, {d.service_id for d in deployments})
    people_ids = {p.requested_by_id for p in paths.values() if p.requested_by_id}
    people_ids |= {a.person_id for t in trails.values() for a in t.approvals}
    people_ids |= {pid for p in paths.values() for pid, _ in p.promotion_approvals}
    known = [p.built_at for p in paths.values() if p.built_at] + [
        t.submitted_at for t in trails.values() if t.submitted_at
    ]
    since = min([*known, *(d.started_at for d in deployments)])
    read = _Read(
        paths=paths,
        trails=trails,
        queued=await queues.queue_waits(session, release_ids),
        planned=await windows.release_windows(session, release_ids),
        frozen=await _freezes(
            session,
            deployments,
            services,
            {d: p.release_id for d, p in paths.items()},
            since,
        ),
        services=services,
        people=await organization.people(session, people_ids),
        source=await source_changes(session, deployments),
    )
    return [_timeline(d, read) for d in deployments]
