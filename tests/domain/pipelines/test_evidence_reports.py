"""Reporting evidence: the artifact is made on first use, reports are audited, gates read them."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.errors import DomainError, Forbidden, NotFound
from domain.pipelines import commands as cmd
from domain.pipelines import evidence
from domain.pipelines.vocabulary import EvidenceType
from tests.domain.pipelines.evidence_support import EvidenceWorld, make_world
from tests.world import OnlyIn, digest


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> EvidenceWorld:
    return await make_world(session, now)


class TestTheFirstReportMakesTheArtifact:
    async def test_the_artifact_is_created_once_and_reused(self, world: EvidenceWorld) -> None:
        first = await world.report(cmd.SecurityScan("trivy", 0, 2))
        second = await world.report(cmd.TestRun("unit", 100, 0, coverage_percent=81))
        assert first.artifact_created and not second.artifact_created
        assert second.artifact.id == first.artifact.id
        assert (first.artifact.bu_id, first.artifact.digest) == (world.bu, digest(1))

    async def test_creation_and_report_are_both_audited(self, world: EvidenceWorld) -> None:
        found = await world.report(cmd.StaticAnalysis("sonar", True, 3))
        artifact_trail = await world.audit(found.artifact.id)
        evidence_trail = await world.audit(found.evidence.id)
        assert [a.action for a in artifact_trail] == ["artifact.create"]
        assert [a.action for a in evidence_trail] == ["evidence.report"]
        assert evidence_trail[0].after["payload"]["qualityGatePassed"] is True

    async def test_the_report_keeps_who_sent_it_and_how(self, world: EvidenceWorld) -> None:
        found = await world.report(cmd.MigrationDryRun("alembic", True, 12.5))
        row = found.evidence
        assert (row.kind, row.subject, row.passed, row.source) == (
            "migration_dry_run",
            "alembic",
            True,
            "graphql",
        )
        assert row.reported_by_id == world.people["ci"].id


class TestOneDigestIsOneVersion:
    async def test_a_known_digest_under_another_version_is_refused(
        self, world: EvidenceWorld
    ) -> None:
        await world.report(cmd.SecurityScan("trivy", 0, 0))
        uow = world.uow()
        ref = cmd.ArtifactRef(world.service.id, "card-gateway", "9.9.9", digest(1))
        with pytest.raises(DomainError) as err:
            await evidence.report_evidence(
                uow, cmd.ReportEvidence(ref, cmd.SecurityScan("trivy", 0, 0))
            )
        assert (err.value.code, err.value.field) == ("ARTIFACT_MISMATCH", "artifact.version")

    async def test_a_known_version_under_another_digest_is_refused(
        self, world: EvidenceWorld
    ) -> None:
        await world.report(cmd.SecurityScan("trivy", 0, 0))
        ref = cmd.ArtifactRef(world.service.id, "card-gateway", "1.1.0", digest(2))
        with pytest.raises(DomainError) as err:
            await evidence.report_evidence(
                world.uow(), cmd.ReportEvidence(ref, cmd.SecurityScan("trivy", 0, 0))
            )
        assert err.value.code == "ARTIFACT_MISMATCH"


class TestWhoMayReport:
    async def test_an_unknown_service_is_not_found(self, world: EvidenceWorld) -> None:
        ref = cmd.ArtifactRef(uuid.uuid4(), "x", "1.0", digest(1))
        with pytest.raises(NotFound):
            await evidence.report_evidence(
                world.uow(), cmd.ReportEvidence(ref, cmd.SecurityScan("trivy", 0, 0))
            )

    async def test_a_service_outside_your_business_units_reads_as_not_found(
        self, world: EvidenceWorld
    ) -> None:
        ref = world.artifact(service=world.other_service)
        with pytest.raises(NotFound):
            await evidence.report_evidence(
                world.uow(authorizer=OnlyIn(world.bu)),
                cmd.ReportEvidence(ref, cmd.SecurityScan("trivy", 0, 0)),
            )

    async def test_readers_who_may_not_report_are_forbidden(self, world: EvidenceWorld) -> None:
        class ReadOnly(OnlyIn):
            def check(self, actor, action, resource, bu_id):  # type: ignore[no-untyped-def]
                return None if action == "create" else "test: read"

        with pytest.raises(Forbidden):
            await evidence.report_evidence(
                world.uow(authorizer=ReadOnly(world.bu)),
                cmd.ReportEvidence(world.artifact(), cmd.SecurityScan("trivy", 0, 0)),
            )


class TestEvidenceForTheDecision:
    async def test_the_latest_report_per_kind_and_subject_is_what_counts(
        self, world: EvidenceWorld
    ) -> None:
        await world.report(cmd.SecurityScan("trivy", 4, 0))
        await world.report(cmd.SecurityScan("grype", 0, 1))
        latest = await world.report(cmd.SecurityScan("trivy", 0, 0))
        other = await world.report(cmd.TestRun("unit", 5, 0, coverage_percent=70), n=2)
        found = await evidence.evidence_for(
            world.session, [latest.artifact.id, other.artifact.id, uuid.uuid4()]
        )
        scans = found[latest.artifact.id].of(EvidenceType.SECURITY_SCAN)
        assert {(s.subject, s.payload["critical"]) for s in scans} == {("trivy", 0), ("grype", 0)}
        assert found[other.artifact.id].kinds == {EvidenceType.TEST_RUN}
        assert len(found) == 3
