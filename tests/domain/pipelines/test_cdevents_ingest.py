"""Ingesting CDEvents: stored once, refused with reasons, and acted on when their type is known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.errors import DomainError, Forbidden, NotFound
from domain.kernel.gates import GateStatus
from domain.pipelines import commands as cmd
from domain.pipelines import evidence, queries
from domain.pipelines import evidence_gates as gates
from domain.pipelines.cdevents import ConflictingDuplicate, EventRefused, ingest_event
from domain.pipelines.vocabulary import CdEventOutcome, EvidenceType
from tests.domain.pipelines.evidence_support import (
    EvidenceWorld,
    before_0_5,
    event,
    make_world,
    schemas,
)
from tests.world import OnlyIn, digest


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> EvidenceWorld:
    return await make_world(session, now)


def purl(n: int, name: str = "card-gateway", tag: str | None = "1.1.0") -> str:
    hexes = digest(n).removeprefix("sha256:")
    return f"pkg:oci/{name}@sha256%3A{hexes}" + (f"?tag={tag}" if tag else "")


def deployed(world: EvidenceWorld, kind: str = "service.deployed", **kw: object) -> dict:  # type: ignore[type-arg]
    return event(
        kind,
        subject_id=world.service.key,
        content={"environment": {"id": world.environment.key}, "artifactId": purl(1)},
        **kw,  # type: ignore[arg-type]
    )


class TestEveryEventIsStoredOnce:
    async def test_a_replay_is_a_duplicate_and_changes_nothing(self, world: EvidenceWorld) -> None:
        body = event("pipelinerun.finished", content={"pipelineName": "build"})
        first = await world.ingest(body)
        again = await world.ingest(body)
        assert not first.duplicate and again.duplicate
        assert again.event.id == first.event.id
        assert [a.action for a in await world.audit(first.event.id)] == ["cd_event.ingest"]

    async def test_the_same_key_with_another_body_is_a_conflict(self, world: EvidenceWorld) -> None:
        body = event("pipelinerun.finished", event_id="run-1")
        await world.ingest(body)
        body["subject"]["content"] = {"outcome": "failure"}
        with pytest.raises(ConflictingDuplicate) as err:
            await world.ingest(body)
        assert err.value.code == "CONFLICTING_DUPLICATE"

    async def test_one_id_and_source_may_carry_several_types(self, world: EvidenceWorld) -> None:
        queued = await world.ingest(event("pipelinerun.queued", event_id="same"))
        started = await world.ingest(
            event(
                "pipelinerun.started",
                event_id="same",
                content={"pipelineName": "build", "uri": "https://ci.example/runs/1"},
            )
        )
        assert queued.event.id != started.event.id

    async def test_the_audit_names_source_id_and_type(self, world: EvidenceWorld) -> None:
        body = event("build.started", event_id="b-7", source="/jenkins")
        found = await world.ingest(body)
        (entry,) = await world.audit(found.event.id)
        assert (entry.after["source"], entry.after["event_id"], entry.after["type"]) == (
            "/jenkins",
            "b-7",
            "dev.cdevents.build.started.0.3.0",
        )


class TestRefusals:
    async def test_a_schema_violation_is_refused_with_pointers(self, world: EvidenceWorld) -> None:
        body = deployed(world)
        del body["subject"]["content"]["environment"]
        with pytest.raises(EventRefused) as err:
            await world.ingest(body)
        assert err.value.code == "INVALID_CDEVENT"
        assert [p.pointer for p in err.value.problems] == ["/subject/content"]

    async def test_an_integer_artifact_id_is_refused_by_default(self, world: EvidenceWorld) -> None:
        body = deployed(world)
        body["subject"]["content"]["artifactId"] = 42
        with pytest.raises(EventRefused) as err:
            await world.ingest(body)
        assert [p.pointer for p in err.value.problems] == ["/subject/content/artifactId"]

    async def test_an_old_event_is_checked_against_its_own_versions_schema(
        self, world: EvidenceWorld
    ) -> None:
        body = before_0_5(deployed(world, version="0.1.1"), "0.3.0", "service")
        body["context"]["links"] = []  # 0.4 brought links: 0.3.0's context has none
        with pytest.raises(EventRefused) as err:
            await world.ingest(body)
        assert err.value.code == "INVALID_CDEVENT" and "0.3.0" in str(err.value)
        assert [p.pointer for p in err.value.problems] == ["/context"]

    async def test_a_spec_version_without_schemas_is_refused_at_its_field(
        self, world: EvidenceWorld
    ) -> None:
        body = before_0_5(event("build.started"), "0.2.0", None)
        with pytest.raises(EventRefused) as err:
            await world.ingest(body)
        assert err.value.code == "UNSUPPORTED_SPEC_VERSION"
        assert [p.pointer for p in err.value.problems] == ["/context/version"]

    async def test_a_patch_release_is_read_with_its_minor_versions_schemas(
        self, world: EvidenceWorld
    ) -> None:
        body = event("change.merged")
        body["context"]["specversion"] = "0.5.0"
        found = await world.ingest(body)
        assert (found.event.specversion, found.event.known) == ("0.5.0", True)

    async def test_an_envelope_that_differs_from_the_context_is_refused(
        self, world: EvidenceWorld
    ) -> None:
        with pytest.raises(EventRefused) as err:
            await world.ingest(event("build.started"), ce_id="another-id")
        assert err.value.code == "ENVELOPE_MISMATCH"

    async def test_an_unknown_business_unit_is_not_found(self, world: EvidenceWorld) -> None:
        with pytest.raises(NotFound):
            await world.ingest(event("build.started"), bu_key="no-such-bu")

    async def test_without_a_named_bu_the_only_one_you_may_send_in_is_used(
        self, world: EvidenceWorld
    ) -> None:
        c = cmd.IngestEvent(**_ce(event("build.started")))
        uow = world.uow(authorizer=OnlyIn(world.bu))
        found = await ingest_event(uow, c, schemas())
        assert found.event.bu_id == world.bu

    async def test_a_caller_who_may_send_nowhere_is_forbidden(self, world: EvidenceWorld) -> None:
        c = cmd.IngestEvent(**_ce(event("build.started")))
        with pytest.raises(Forbidden) as err:
            await ingest_event(world.uow(authorizer=OnlyIn()), c, schemas())
        assert err.value.code == "FORBIDDEN"

    async def test_a_caller_who_may_send_in_several_bus_must_name_one(
        self, world: EvidenceWorld
    ) -> None:
        c = cmd.IngestEvent(**_ce(event("build.started")))
        uow = world.uow(authorizer=OnlyIn(world.bu, world.other_bu))
        with pytest.raises(DomainError) as err:
            await ingest_event(uow, c, schemas())
        assert err.value.code == "BUSINESS_UNIT_REQUIRED"


def _ce(body: dict) -> dict:  # type: ignore[type-arg]
    ctx = body["context"]
    return {"ce_id": ctx["id"], "ce_source": ctx["source"], "ce_type": ctx["type"], "cdevent": body}


class TestUnknownTypesAreStoredButIgnored:
    async def test_a_custom_type_is_kept_unknown(self, world: EvidenceWorld) -> None:
        body = event("build.started")
        body["context"]["type"] = "dev.cdeventsx.mytool-resource.created.0.1.0"
        found = await world.ingest(body, checker=schemas())
        assert (found.event.known, found.event.outcome) == (False, CdEventOutcome.IGNORED)

    async def test_a_known_type_without_effect_is_stored(self, world: EvidenceWorld) -> None:
        found = await world.ingest(event("change.merged"))
        assert (found.event.known, found.event.outcome) == (True, CdEventOutcome.STORED)


class TestDeploymentsAreReported:
    async def test_a_deployment_of_a_known_artifact_resolves_fully(
        self, world: EvidenceWorld
    ) -> None:
        await world.report(cmd.SecurityScan("trivy", 0, 0))
        found = await world.ingest(deployed(world))
        assert found.event.outcome == CdEventOutcome.PROCESSED
        (report,) = await queries.deployments_between(
            world.session,
            datetime(2026, 11, 27, tzinfo=UTC),
            datetime(2026, 11, 28, tzinfo=UTC),
            [world.bu],
        )
        assert (report.kind, report.service_id, report.environment_id) == (
            "deployed",
            world.service.id,
            world.environment.id,
        )
        assert report.artifact_id is not None and report.unresolved == ""

    async def test_a_cdevents_0_3_deployment_is_reported_like_a_current_one(
        self, world: EvidenceWorld
    ) -> None:
        body = deployed(world, version="0.1.1", timestamp="2026-11-26T09:00:00Z")
        body = before_0_5(body, "0.3.0", "service")
        found = await world.ingest(body)
        assert (found.event.specversion, found.event.known) == ("0.3.0", True)
        (report,) = await queries.deployments_between(
            world.session,
            datetime(2026, 11, 26, tzinfo=UTC),
            datetime(2026, 11, 27, tzinfo=UTC),
            [world.bu],
        )
        assert (report.kind, report.service_id) == ("deployed", world.service.id)

    async def test_an_unknown_service_is_kept_with_the_reason(self, world: EvidenceWorld) -> None:
        body = deployed(world, kind="service.rolledback")
        body["subject"]["id"] = "no-such-service"
        found = await world.ingest(body)
        assert found.event.outcome == CdEventOutcome.UNRESOLVED
        assert "no-such-service" in found.event.note
        (report,) = await queries.deployments_between(
            world.session,
            datetime(2026, 11, 1, tzinfo=UTC),
            datetime(2026, 12, 1, tzinfo=UTC),
            [world.bu],  # the database is shared with tests that commit (the API's)
        )
        assert (report.kind, report.service_id) == ("rolledback", None)

    async def test_another_bus_service_never_resolves(self, world: EvidenceWorld) -> None:
        body = deployed(world)
        body["subject"]["id"] = world.other_service.key
        found = await world.ingest(body)
        assert found.event.outcome == CdEventOutcome.UNRESOLVED

    async def test_deployments_outside_the_window_or_bus_are_left_out(
        self, world: EvidenceWorld
    ) -> None:
        await world.ingest(deployed(world, timestamp="2026-11-27T09:00:00Z"))
        start = datetime(2026, 11, 27, 9, tzinfo=UTC)
        assert (
            await queries.deployments_between(
                world.session, start - timedelta(hours=1), start, None
            )
            == []
        )
        assert (
            await queries.deployments_between(
                world.session, start, start + timedelta(hours=1), [world.other_bu]
            )
            == []
        )


class TestIncidentsOpenAndResolve:
    def incident(self, world: EvidenceWorld, kind: str, **kw: object) -> dict:  # type: ignore[type-arg]
        return event(
            kind,
            subject_id="INC-42",
            source="/pagerduty",
            content={
                "description": "Latency above 2s",
                "environment": {"id": world.environment.key},
                "service": {"id": world.service.key},
            },
            **kw,  # type: ignore[arg-type]
        )

    async def test_detected_then_resolved(self, world: EvidenceWorld) -> None:
        await world.ingest(self.incident(world, "incident.detected"))
        resolved = await world.ingest(
            self.incident(world, "incident.resolved", timestamp="2026-11-27T10:30:00Z")
        )
        assert resolved.event.outcome == CdEventOutcome.PROCESSED
        (found,) = await queries.incidents_between(
            world.session,
            datetime(2026, 11, 27, tzinfo=UTC),
            datetime(2026, 11, 28, tzinfo=UTC),
            [world.bu],
        )
        assert (found.status, found.service_id) == ("resolved", world.service.id)
        assert found.resolved_at == datetime(2026, 11, 27, 10, 30, tzinfo=UTC)

    async def test_a_resolution_never_preceded_by_detection_is_recorded(
        self, world: EvidenceWorld
    ) -> None:
        found = await world.ingest(self.incident(world, "incident.resolved"))
        assert "resolved" in found.event.note
        (incident,) = await queries.incidents_between(
            world.session,
            datetime(2026, 11, 27, tzinfo=UTC),
            datetime(2026, 11, 28, tzinfo=UTC),
            [world.bu],
        )
        assert incident.status == "resolved"


class TestTestSuiteRunsBecomeEvidence:
    async def test_a_finished_run_naming_its_artifact_is_test_run_evidence(
        self, world: EvidenceWorld
    ) -> None:
        body = event(
            "testsuiterun.finished",
            content={
                "outcome": "success",
                "environment": {"id": world.environment.key},
                "testSuite": {"id": "42", "name": "unit"},
            },
            custom={
                "artifactId": purl(3, tag="1.3.0"),
                "service": world.service.key,
                "passed": 120,
                "failed": 0,
                "coveragePercent": 83.5,
            },
        )
        found = await world.ingest(body)
        assert found.event.outcome == CdEventOutcome.PROCESSED
        artifact = (await world.report(cmd.SecurityScan("trivy", 0, 0), n=3)).artifact
        facts = (await evidence.evidence_for(world.session, [artifact.id]))[artifact.id]
        (run,) = facts.of(EvidenceType.TEST_RUN)
        assert run.payload["coveragePercent"] == 83.5
        thresholds = {"min_test_coverage_percent": 80, "required_evidence": ["test_coverage"]}
        assert gates.test_coverage_gate(facts, thresholds).status is GateStatus.PASSED

    async def test_a_cdevents_0_4_pass_is_a_succeeded_run(self, world: EvidenceWorld) -> None:
        body = event(
            "testsuiterun.finished",
            version="0.2.0",
            content={"outcome": "pass", "environment": {"id": world.environment.key}},
            custom={"artifactId": purl(5, tag="1.5.0"), "service": world.service.key, "failed": 0},
        )
        before_0_5(body, "0.4.1", "testSuiteRun")
        found = await world.ingest(body)
        assert found.event.outcome == CdEventOutcome.PROCESSED, found.event.note
        artifact = (await world.report(cmd.SecurityScan("trivy", 0, 0), n=5)).artifact
        facts = (await evidence.evidence_for(world.session, [artifact.id]))[artifact.id]
        (run,) = facts.of(EvidenceType.TEST_RUN)
        assert run.payload["succeeded"] is True

    async def test_a_run_without_an_artifact_is_unresolved(self, world: EvidenceWorld) -> None:
        content = {"outcome": "failure", "environment": {"id": world.environment.key}}
        body = event("testsuiterun.finished", content=content)
        found = await world.ingest(body)
        assert found.event.outcome == CdEventOutcome.UNRESOLVED
        assert "customData.artifactId" in found.event.note

    async def test_an_artifact_event_records_the_artifact(self, world: EvidenceWorld) -> None:
        body = event("artifact.published", subject_id=purl(4, name=world.service.key, tag="1.4.0"))
        found = await world.ingest(body)
        assert found.event.outcome == CdEventOutcome.PROCESSED
        again = await world.report(cmd.SecurityScan("trivy", 0, 0), n=4)
        assert not again.artifact_created
