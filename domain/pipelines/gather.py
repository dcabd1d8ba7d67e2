"""Gathering the decision snapshot: every fact the promotion decision needs, read once.

`take_snapshots` gathers many asks at once (a release's blockers: each service it ships in
each target environment): the release-side facts are read once per release (and target), the
per-service facts in batches across the services (domain.pipelines.gather_services), so the
statements do not grow with the number of asks; `take_snapshot` is the one-ask case.

Only reads, no judging (domain.pipelines.judge judges), no authorization (the use cases in
domain.pipelines.promotions authorize). Each lower context is read through its published
facts module, in batches; the effective guardrails of the service and of every service the
release ships are computed once and handed to the risk assessment, and the judge applies
them to onboarding, vendor attestations, DR and the evidence thresholds. For production asks
the services' production history is read (one statement) to tell a first launch, whose
service readiness review is read with the releases' reviews (one statement).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.facts import active_bypasses
from domain.environments.facts import EnvironmentFacts, environments_facts
from domain.governance.facts import ReleaseFacts, release_facts
from domain.guardrails.facts import (
    EffectiveGuardrails,
    go_no_go_disciplines,
    guardrails_of_services,
)
from domain.kernel.errors import NotFound
from domain.organization.facts import ServiceFacts, approver_disciplines
from domain.organization.facts import services as org_services
from domain.pipelines.decision_rules import ApprovalFacts, Chain, ChangeFacts
from domain.pipelines.evidence_gates import NO_ARTIFACT, EvidenceFacts
from domain.pipelines.gather_services import per_service
from domain.pipelines.launch_repository import production_history
from domain.pipelines.snapshot import PRODUCTION, ReleaseSide, Snapshot
from domain.pipelines.stage_gates import listings_for
from domain.readiness.migration_facts import data_migrations
from domain.readiness.notice_facts import downtime_notice
from domain.readiness.notice_rules import PERIOD_KEY
from domain.readiness.review_facts import reviews_of_subjects
from domain.readiness.review_launch import LaunchFacts, first_launch
from domain.readiness.review_rules import ReviewFacts
from domain.readiness.volume_facts import volume_profiles
from domain.readiness.volume_rules import GUARDRAIL as VOLUME_GUARDRAIL
from domain.readiness.volume_rules import VolumeFacts
from domain.risk.facts import assessment_of, peer_reviews_of
from domain.trains.facts import departure_of, integration_of

NO_EVIDENCE = EvidenceFacts(NO_ARTIFACT)
"""What the evidence says about a version no artifact has yet."""


@dataclass(frozen=True, slots=True)
class Ask:
    """The question: may this artifact of this service go to this environment now?"""

    service_id: uuid.UUID
    environment_id: uuid.UUID
    artifact_version: str
    release_id: uuid.UUID | None = None
    requester_id: uuid.UUID | None = None
    changes: tuple[ChangeFacts, ...] = ()


async def take_snapshot(
    session: AsyncSession,
    ask: Ask,
    now: datetime,
    approvals: Sequence[ApprovalFacts] = (),
    services: Mapping[uuid.UUID, ServiceFacts] | None = None,
) -> Snapshot:
    """Every fact the decision needs, as of `now`."""
    return (await take_snapshots(session, [ask], now, approvals, services))[0]


async def take_snapshots(
    session: AsyncSession,
    asks: Sequence[Ask],
    now: datetime,
    approvals: Sequence[ApprovalFacts] = (),
    services: Mapping[uuid.UUID, ServiceFacts] | None = None,
) -> list[Snapshot]:
    """One snapshot per ask, in order, each as `take_snapshot` would take it alone: what the
    asks share is read once, the per-service facts in one batch for all of them. `services`:
    the facts of services the caller has read already in this session (not read again)."""
    targets = await _targets(session, asks, services or {})
    releases = await _releases(session, asks, targets, now)
    wanted = {s.id for s, _ in targets} | {sid for r in releases.values() for sid in r.service_ids}
    guardrails = await guardrails_of_services(session, sorted(wanted, key=str))
    launches, reviews = await _launches(session, asks, targets)
    sides = await _release_sides(session, asks, targets, releases, guardrails, reviews, now)
    volumes = await _volumes(session, targets, guardrails)
    batch = await per_service(
        session,
        [
            (t, a.artifact_version, releases.get(a.release_id) if a.release_id else None)
            for a, t in zip(asks, targets, strict=True)
        ],
        now,
    )
    out = []
    for ask, (service, env) in zip(asks, targets, strict=True):
        release = releases.get(ask.release_id) if ask.release_id else None
        own = guardrails[service.id]
        side = sides.get((release.id, env.id)) if release else None
        authors = release.author_ids if release else ()
        reviewers = [r.reviewer_id for r in side.peer_reviews] if side else []
        delegates = tuple(own["approval_delegates"]) or await batch.delegates(
            service.bu_id, authors
        )
        out.append(
            Snapshot(
                service=service,
                environment=env,
                artifact_version=ask.artifact_version,
                requester_id=ask.requester_id,
                taken_at=now,
                guardrails={k: v.value for k, v in own.values.items()},
                guardrail_sources={k: v.source for k, v in own.values.items()},
                evidence=batch.evidence.get((service.id, ask.artifact_version), NO_EVIDENCE),
                freezes=batch.freezes[(service.id, env.id, release.id if release else None)],
                pipeline_runs=batch.runs[service.id],
                approvals=tuple(approvals),
                chain=Chain.of(ask.requester_id, ask.changes, authors, reviewers),
                delegates=delegates,
                of_release=side,
                of_production=batch.production.get((service.id, env.id)),
                stage_listings=listings_for(batch.definitions[service.id], env.kind, env.key),
                nfrs=batch.nfrs.get((service.id, ask.artifact_version)),
                volume=volumes.get(service.id),
                launch=launches.get(service.id),
            )
        )
    return out


async def _volumes(
    session: AsyncSession,
    targets: Sequence[tuple[ServiceFacts, EnvironmentFacts]],
    guardrails: Mapping[uuid.UUID, EffectiveGuardrails],
) -> dict[uuid.UUID, VolumeFacts]:
    """The production volume profiles of the services whose guardrails set a volume floor."""
    floored = {s.id for s, _ in targets if guardrails[s.id][VOLUME_GUARDRAIL]}
    return await volume_profiles(session, sorted(floored, key=str))


async def _targets(
    session: AsyncSession, asks: Sequence[Ask], known: Mapping[uuid.UUID, ServiceFacts]
) -> list[tuple[ServiceFacts, EnvironmentFacts]]:
    services = {**known, **await org_services(session, {a.service_id for a in asks} - set(known))}
    envs = await environments_facts(session, sorted({a.environment_id for a in asks}, key=str))
    out = []
    for ask in asks:
        service = services.get(ask.service_id)
        if service is None:
            raise NotFound("Service was not found.", field="serviceId")
        env = envs.get(ask.environment_id)
        if env is None or env.bu_id not in (None, service.bu_id):
            raise NotFound("Environment was not found.", field="environmentId")
        out.append((service, env))
    return out


async def _releases(
    session: AsyncSession,
    asks: Sequence[Ask],
    targets: Sequence[tuple[ServiceFacts, EnvironmentFacts]],
    now: datetime,
) -> dict[uuid.UUID, ReleaseFacts]:
    """Each release asked about, read once (with what going live needs when any of its asks
    targets production); NOT_FOUND as for one ask."""
    going_live: dict[uuid.UUID, bool] = {}
    for ask, (_, env) in zip(asks, targets, strict=True):
        if ask.release_id is not None:
            going_live[ask.release_id] = going_live.get(ask.release_id, False) or (
                env.kind == PRODUCTION
            )
    found = {}
    for release_id, go_live in going_live.items():
        release = await release_facts(session, release_id, now, go_live=go_live)
        if release is not None:
            found[release_id] = release
    for ask, (service, _) in zip(asks, targets, strict=True):
        if ask.release_id is None:
            continue
        release = found.get(ask.release_id)
        if release is None or release.bu_id != service.bu_id:
            raise NotFound("Release was not found.", field="releaseId")
        if service.id not in release.service_ids:
            raise NotFound("The release does not ship this service.", field="releaseId")
    return found


async def _launches(
    session: AsyncSession,
    asks: Sequence[Ask],
    targets: Sequence[tuple[ServiceFacts, EnvironmentFacts]],
) -> tuple[dict[uuid.UUID, LaunchFacts], dict[uuid.UUID, ReviewFacts]]:
    """For the production asks: each service's production history (one statement), and the
    readiness reviews of their releases and of the services on their first launch (one more)."""
    live = [(a, s) for a, (s, e) in zip(asks, targets, strict=True) if e.kind == PRODUCTION]
    if not live:
        return {}, {}
    history = await production_history(session, {s.id for _, s in live})
    firsts = [sid for sid, h in history.items() if first_launch(h)]
    release_ids = [a.release_id for a, _ in live if a.release_id is not None]
    of_releases, of_services = await reviews_of_subjects(session, release_ids, firsts)
    launches = {sid: LaunchFacts(h, of_services.get(sid)) for sid, h in history.items()}
    return launches, of_releases


async def _release_sides(
    session: AsyncSession,
    asks: Sequence[Ask],
    targets: Sequence[tuple[ServiceFacts, EnvironmentFacts]],
    releases: Mapping[uuid.UUID, ReleaseFacts],
    guardrails: Mapping[uuid.UUID, EffectiveGuardrails],
    reviews: Mapping[uuid.UUID, ReviewFacts],
    now: datetime,
) -> dict[tuple[uuid.UUID, uuid.UUID], ReleaseSide]:
    """The release side of each (release, target environment) asked about: what does not
    depend on the target read once per release (and once more for production), the bypasses
    once per target."""
    common: dict[tuple[uuid.UUID, bool], ReleaseSide] = {}
    sides: dict[tuple[uuid.UUID, uuid.UUID], ReleaseSide] = {}
    for ask, (_, env) in zip(asks, targets, strict=True):
        if ask.release_id is None or (ask.release_id, env.id) in sides:
            continue
        release, production = releases[ask.release_id], env.kind == PRODUCTION
        if (release.id, production) not in common:
            common[(release.id, production)] = await _of_release(
                session, release, production, guardrails, now
            )
            if production:
                # Read with the first-launch reviews of the services, in one statement.
                common[(release.id, production)] = replace(
                    common[(release.id, production)], readiness_review=reviews.get(release.id)
                )
        sides[(release.id, env.id)] = replace(
            common[(release.id, production)],
            bypasses=await active_bypasses(session, release.id, env.id, now),
        )
    return sides


async def _of_release(
    session: AsyncSession,
    release: ReleaseFacts,
    production: bool,
    guardrails: Mapping[uuid.UUID, EffectiveGuardrails],
    now: datetime,
) -> ReleaseSide:
    """The facts of the release that do not depend on the target (bypasses do)."""
    shipped = [guardrails[sid] for sid in sorted(release.service_ids, key=str)]
    departure = await departure_of(session, release.id) if production else None
    return ReleaseSide(
        release=release,
        risk=await assessment_of(session, release.id, release.bu_id, now, shipped),
        peer_reviews=await peer_reviews_of(session, release.id),
        integration=await integration_of(session, departure) if departure else None,
        go_no_go_disciplines=go_no_go_disciplines(shipped),
        approver_disciplines=await approver_disciplines(session, release.bu_id)
        if production
        else {},
        data_migrations=(await data_migrations(session, [release.id]))[release.id]
        if production
        else (),
        downtime_notice=await downtime_notice(session, release.id) if production else None,
        downtime_notice_period_hours=max((int(g[PERIOD_KEY]) for g in shipped), default=0),
    )
