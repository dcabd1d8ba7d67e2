"""Evidence in: CI and security tools report on an artifact; the artifact is made on first use.

An artifact is (service, name, version, digest): a digest names one version of a service and a
version one digest, so a report naming a known digest with another version (or the reverse) is
refused as ARTIFACT_MISMATCH rather than silently attached to the wrong build.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.uow import UnitOfWork
from domain.organization.facts import service_facts
from domain.pipelines import evidence_rules as rules
from domain.pipelines import repository as repo
from domain.pipelines.commands import ArtifactRef, ReportEvidence
from domain.pipelines.errors import EvidenceErrorCode as Code
from domain.pipelines.evidence_gates import NO_ARTIFACT, EvidenceFacts, Report, summarize
from domain.pipelines.models import Artifact, Evidence
from domain.pipelines.vocabulary import EvidenceType

GRAPHQL_SOURCE = "graphql"


@dataclass(frozen=True, slots=True)
class ReportedEvidence:
    artifact: Artifact
    evidence: Evidence
    artifact_created: bool


async def report_evidence(uow: UnitOfWork, c: ReportEvidence) -> ReportedEvidence:
    """Record a report about an artifact of a service you may send evidence for."""
    service = await service_facts(uow.session, c.artifact.service_id)
    if service is None:
        raise NotFound("Service was not found.", field="artifact.serviceId")
    rule = uow.authorize_visible(Action.CREATE, Resource.EVIDENCE, service.bu_id, "Service")
    assessed = rules.assess(c.report)
    return await record(uow, service.id, service.bu_id, c.artifact, assessed, rule, GRAPHQL_SOURCE)


async def record(
    uow: UnitOfWork,
    service_id: uuid.UUID,
    bu_id: uuid.UUID,
    ref: ArtifactRef,
    assessed: rules.Assessed,
    rule: str,
    source: str,
) -> ReportedEvidence:
    """Store an assessed report (already authorized), making the artifact when it is new."""
    artifact, created = await ensure_artifact(uow, service_id, bu_id, ref, rule)
    row = Evidence(
        artifact_id=artifact.id,
        bu_id=bu_id,
        kind=str(assessed.kind),
        subject=assessed.subject,
        passed=assessed.passed,
        payload=assessed.payload,
        reported_at=uow.clock.now(),
        reporter=uow.actor.username,
        reported_by_id=uow.actor.person_id,
        source=source,
    )
    await uow.created(row, action="evidence.report", bu_id=bu_id, rule=rule)
    return ReportedEvidence(artifact, row, created)


async def ensure_artifact(
    uow: UnitOfWork, service_id: uuid.UUID, bu_id: uuid.UUID, ref: ArtifactRef, rule: str
) -> tuple[Artifact, bool]:
    """The service's artifact with this digest and version, created when neither is known."""
    name, version, digest = rules.check_artifact(ref)
    for attempt in range(2):
        found = await repo.artifact_of(uow.session, service_id, digest=digest)
        if found is not None:
            _same(found, version)
            return found, False
        taken = await repo.artifact_of(uow.session, service_id, version=version)
        if taken is not None:
            raise DomainError(
                f"Version {version} of this service is the artifact {taken.digest}, not {digest}.",
                code=Code.ARTIFACT_MISMATCH,
                field="artifact.digest",
            )
        artifact = Artifact(
            service_id=service_id,
            bu_id=bu_id,
            name=name,
            version=version,
            digest=digest,
            created_at=uow.clock.now(),
            created_by_id=uow.actor.person_id,
        )
        try:
            # A savepoint: a concurrent first report of the same artifact wins the insert, and
            # this one then finds it on the second pass.
            async with uow.session.begin_nested():
                uow.session.add(artifact)
        except IntegrityError:
            if attempt:
                raise
            continue
        uow.record_change(
            artifact,
            action="artifact.create",
            bu_id=bu_id,
            rule=rule,
            after=snapshot(artifact),
        )
        return artifact, True
    raise AssertionError("unreachable")  # pragma: no cover


def _same(found: Artifact, version: str) -> None:
    if found.version != version:
        raise DomainError(
            f"Digest {found.digest} is version {found.version} of this service, not {version}.",
            code=Code.ARTIFACT_MISMATCH,
            field="artifact.version",
        )


async def evidence_for(
    session: AsyncSession, artifact_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, EvidenceFacts]:
    """What the evidence says about each artifact (latest per kind and subject), batched.

    For the promotion decision: no scoping here, the caller has already decided the actor may
    ask about these artifacts. Artifacts without evidence get empty facts.
    """
    grouped: dict[uuid.UUID, list[Report]] = defaultdict(list)
    for row in await repo.latest_evidence(session, artifact_ids):
        grouped[row.artifact_id].append(report_of(row))
    return {a: summarize(a, grouped.get(a, [])) for a in artifact_ids}


async def evidence_of_versions(
    session: AsyncSession, pairs: Collection[tuple[uuid.UUID, str]]
) -> dict[tuple[uuid.UUID, str], EvidenceFacts]:
    """What the evidence says about the artifact of each (service id, version) that has one
    (as `evidence_for`; the first artifact by id), in one statement; pairs without an artifact
    are left out."""
    artifacts: dict[tuple[uuid.UUID, str], uuid.UUID] = {}
    grouped: dict[uuid.UUID, list[Report]] = defaultdict(list)
    for row in await repo.latest_evidence_of_versions(session, pairs):
        pair = (row._service_id, row._version)
        if pair not in pairs or artifacts.setdefault(pair, row._artifact) != row._artifact:
            continue
        if row.id is not None:
            grouped[row._artifact].append(report_of(row))
    return {pair: summarize(a, grouped.get(a, [])) for pair, a in artifacts.items()}


async def evidence_of_version(
    session: AsyncSession, service_id: uuid.UUID, version: str
) -> EvidenceFacts:
    """What the evidence says about one version of a service (two statements); empty facts
    when no artifact has that version yet."""
    artifact = await repo.artifact_of(session, service_id, version=version)
    if artifact is None:
        return EvidenceFacts(NO_ARTIFACT)
    return (await evidence_for(session, [artifact.id]))[artifact.id]


def report_of(r: Any) -> Report:
    """A stored evidence row as the facts need it."""
    return Report(
        evidence_id=r.id,
        kind=EvidenceType(r.kind),
        subject=r.subject,
        passed=r.passed,
        payload=r.payload,
        reported_at=r.reported_at,
    )
