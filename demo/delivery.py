"""The path to production in the living world: production per region, the acquiring and payouts
teams' reviewed deploy pipeline with a run, and CI's evidence for the builds the releases ship
(clean scans and tests for most; a critical vulnerability in one), reported by the CI user."""

from __future__ import annotations

import hashlib
import uuid

from demo.cast import Cast
from demo.readiness_volumes import run_volume
from domain.environments import catalog
from domain.environments.commands import CreateEnvironment
from domain.kernel.uow import UnitOfWork
from domain.pipelines import commands as pc
from domain.pipelines import definitions, evidence, runs
from domain.pipelines.definition_commands import (
    CreatePipeline,
    RegisterDefinition,
    ReviewDefinition,
    RunReport,
)

# key -> (name, region)
REGIONS = {
    "production-eu": ("Production (EU)", "eu-west-1"),
    "production-us": ("Production (US)", "us-east-1"),
}

PIPELINE = """stages:
  - name: staging
    environment_kind: staging
    gates: [security_scan, test_coverage]
  - name: production
    environment_kind: production
    gates: [freeze, security_scan, test_coverage, pipeline_drift, approvals]
"""

# (service, version, critical vulnerabilities)
BUILDS = [
    ("card-gateway", "4.3.0", 0),
    ("card-gateway", "4.4.0", 0),
    ("ledger-core", "7.2.0", 0),
    ("settlement", "5.0.3", 0),
    ("payout-scheduler", "2.7.4", 0),
    ("fx-rates", "1.9.0", 0),
    ("card-gateway", "4.2.9", 2),
]


def digest_of(service: str, version: str) -> str:
    """A stable `sha256:` digest for a demo build (the same one in every report of it)."""
    return "sha256:" + hashlib.sha256(f"{service}@{version}".encode()).hexdigest()


async def load_regions(uow: UnitOfWork, cast: Cast) -> dict[str, uuid.UUID]:
    """Production per region, owned by payments (as the RMO)."""
    made = {}
    for key, (name, region) in REGIONS.items():
        env = await catalog.create_environment(
            uow,
            CreateEnvironment(
                key=key, name=name, kind="production", bu_id=cast.bus["payments"], region=region
            ),
        )
        made[key] = env.id
    return made


async def register_pipeline(uow: UnitOfWork, cast: Cast) -> tuple[uuid.UUID, uuid.UUID]:
    """The engineer's deploy pipeline for the payments services (pipeline id, version id)."""
    pipeline = await definitions.create_pipeline(
        uow,
        CreatePipeline(
            team_id=cast.teams["acquiring"],
            key="payments-deploy",
            name="Payments deploy",
            service_ids=[cast.services[s] for s in sorted({b[0] for b in BUILDS})],
            description="Build, scan, test, staging, production.",
        ),
    )
    registered = await definitions.register_definition(
        uow, RegisterDefinition(pipeline.id, PIPELINE)
    )
    return pipeline.id, registered.version.id


async def review_pipeline(uow: UnitOfWork, version_id: uuid.UUID) -> str:
    """The SRE approves the definition (not its author); its content hash."""
    approved = await definitions.review_definition(uow, ReviewDefinition(version_id, "approve"))
    return approved.content_hash


async def report_run(uow: UnitOfWork, pipeline_id: uuid.UUID, content_hash: str) -> None:
    """CI reports a run of the active definition, started once it was active."""
    now = uow.clock.now()
    await runs.record_run(
        uow,
        RunReport(
            run_id="payments-deploy-1042",
            definition_hash=content_hash,
            status="succeeded",
            started_at=now,
            finished_at=now,
            pipeline_id=pipeline_id,
        ),
    )


async def report_builds(uow: UnitOfWork, cast: Cast) -> None:
    """CI's evidence for every demo build: a scan, unit and integration tests."""
    for service, version, critical in BUILDS:
        await report_build(uow, cast, service, version, critical)


async def report_build(
    uow: UnitOfWork, cast: Cast, service: str, version: str, critical: int = 0
) -> None:
    """CI's evidence for one build (the artifact is made on the first report)."""
    artifact = pc.ArtifactRef(cast.services[service], service, version, digest_of(service, version))
    for report in (
        pc.SecurityScan("trivy", critical=critical, high=0 if critical == 0 else 3, medium=4),
        pc.TestRun("unit", passed=812, failed=0, coverage_percent=87.5),
        pc.TestRun("integration", passed=164, failed=0),
        pc.TestRun("end_to_end", passed=48, failed=0),
        pc.StaticAnalysis("sonarqube", quality_gate_passed=True, issues=12),
        pc.LicenceReport("scancode", ["Apache-2.0", "MIT", "BSD-3-Clause"]),
        pc.PerformanceBenchmark(
            "p99 latency", baseline=180.0, value=176.0, unit="ms", **run_volume(service)
        ),
    ):
        await evidence.report_evidence(uow, pc.ReportEvidence(artifact, report))
