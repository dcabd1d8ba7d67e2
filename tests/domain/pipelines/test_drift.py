"""Runs reported by CI: drift against the version active at the run's start, and the gate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.kernel.errors import DomainError, Forbidden, NotFound
from domain.kernel.gates import GateStatus
from domain.organization.models import BusinessUnit, Team
from domain.pipelines import definition_repository as repo
from domain.pipelines.definition_models import Pipeline, PipelineRun
from domain.pipelines.definition_rules import parse_definition
from domain.pipelines.drift import drift_gate, drift_gate_for_service
from tests.domain.pipelines.test_definition_world import V1, V2, V3, DefinitionsWorld, hash_of
from tests.world import OnlyIn


class TestDriftOfARun:
    async def test_a_run_of_the_active_definition_matches(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        active = await world.active(pipeline, V1)
        run = await world.record_run(pipeline, hash_of(V1), status="succeeded")
        assert (run.drift, run.active_version_id, run.matched_version_id) == (
            "matches",
            active.id,
            active.id,
        )

    async def test_a_run_reporting_the_raw_file_hash_matches_too(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        await world.active(pipeline, V1)
        run = await world.record_run(pipeline, parse_definition(V1).raw_hash)
        assert run.drift == "matches"

    async def test_a_hash_mismatch_with_the_active_version_is_drift_naming_the_version(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        await world.active(pipeline, V1)
        proposed = (await world.register(pipeline, V2)).version
        run = await world.record_run(pipeline, hash_of(V2))
        assert (run.drift, run.matched_version_id) == ("drift", proposed.id)
        assert "version 2 (proposed)" in run.drift_reason

    async def test_a_hash_never_registered_is_unknown(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        await world.active(pipeline, V1)
        run = await world.record_run(pipeline, hash_of(V3))
        assert (run.drift, run.matched_version_id) == ("unknown", None)

    async def test_drift_is_judged_against_the_version_active_when_the_run_started(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        first = await world.active(pipeline, V1)
        started = world.clock.now()
        world.clock.advance(timedelta(minutes=5))
        await world.active(pipeline, V2)
        late = await world.record_run(pipeline, hash_of(V1), started_at=started)
        assert (late.drift, late.active_version_id) == ("matches", first.id)
        now = await world.record_run(pipeline, hash_of(V1))
        assert now.drift == "drift"

    async def test_a_run_is_audited(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        run = await world.record_run(pipeline, hash_of(V1))
        (record,) = await world.audit(run.id)
        assert record.action == "pipeline_run.report"
        assert record.after["drift"] == "unknown"


class TestReportingTheSameRunAgain:
    async def test_a_second_report_moves_the_status_forward_without_a_new_run(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        await world.active(pipeline, V1)
        started = world.clock.now()
        first = await world.record_run(pipeline, hash_of(V1), run_id="r-1", started_at=started)
        again = await world.record_run(
            pipeline,
            hash_of(V1),
            run_id="r-1",
            started_at=started,
            status="failed",
            finished_at=world.clock.now(),
            artifact="registry.example/api@sha256:" + "a" * 64,
        )
        assert again.id == first.id
        assert (again.status, again.finished_at is not None, again.version) == ("failed", True, 2)
        late = await world.record_run(pipeline, hash_of(V1), run_id="r-1", started_at=started)
        assert (late.status, late.version) == ("failed", 2)
        count = await world.session.scalar(
            select(func.count()).where(PipelineRun.pipeline_id == pipeline.id)
        )
        assert count == 1
        actions = [r.action for r in await world.audit(first.id)]
        assert actions == ["pipeline_run.report", "pipeline_run.update"]

    async def test_a_run_cannot_change_its_definition_hash(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        await world.record_run(pipeline, hash_of(V1), run_id="r-2")
        with pytest.raises(DomainError) as e:
            await world.record_run(pipeline, hash_of(V2), run_id="r-2")
        assert (e.value.code, e.value.field) == ("RUN_HASH_CHANGED", "definitionHash")


class TestReportValidation:
    @pytest.mark.parametrize(
        ("kw", "code", "field"),
        [
            ({"status": "exploded"}, "INVALID_RUN_STATUS", "status"),
            ({"run_id": "   "}, "INVALID_RUN_ID", "runId"),
            ({"digest": "md5:abc"}, "INVALID_HASH", "definitionHash"),
        ],
    )
    async def test_bad_input_is_refused(
        self, world: DefinitionsWorld, kw: dict[str, str], code: str, field: str
    ) -> None:
        pipeline = await world.pipeline()
        kw = dict(kw)
        digest = kw.pop("digest", hash_of(V1))
        with pytest.raises(DomainError) as e:
            await world.record_run(pipeline, digest, **kw)
        assert (e.value.code, e.value.field) == (code, field)

    async def test_a_run_finishing_before_it_starts_is_refused(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        with pytest.raises(DomainError) as e:
            await world.record_run(
                pipeline, hash_of(V1), finished_at=world.clock.now() - timedelta(hours=1)
            )
        assert e.value.code == "INVALID_INTERVAL"

    async def test_a_run_starting_in_the_future_is_refused(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        with pytest.raises(DomainError) as e:
            await world.record_run(
                pipeline, hash_of(V1), started_at=world.clock.now() + timedelta(hours=1)
            )
        assert e.value.code == "RUN_IN_FUTURE"


class TestNamingThePipeline:
    async def test_a_pipeline_is_found_by_team_key_and_pipeline_key(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline(key="deploy-api")
        team = await world.session.get(Team, world.team)
        assert team is not None
        run = await world.record_run(
            None, hash_of(V1), team_key=team.key, pipeline_key="deploy-api"
        )
        assert run.pipeline_id == pipeline.id

    async def test_the_same_keys_in_two_business_units_need_the_business_unit_key(
        self, world: DefinitionsWorld
    ) -> None:
        team = await world.session.get(Team, world.team)
        assert team is not None
        twin = await world.add.team(world.other_bu, team.key, name="Twin")
        await world.pipeline(key="deploy")
        await world.pipeline(key="deploy", team_id=twin.id, service_ids=[])
        with pytest.raises(DomainError) as e:
            await world.record_run(None, hash_of(V1), team_key=team.key, pipeline_key="deploy")
        assert (e.value.code, e.value.field) == ("PIPELINE_AMBIGUOUS", "businessUnitKey")
        bu = await world.session.get(BusinessUnit, world.other_bu)
        assert bu is not None
        run = await world.record_run(
            None, hash_of(V1), team_key=team.key, pipeline_key="deploy", business_unit_key=bu.key
        )
        pipeline = await world.session.get(Pipeline, run.pipeline_id)
        assert pipeline is not None and pipeline.team_id == twin.id

    async def test_no_pipeline_named_is_refused(self, world: DefinitionsWorld) -> None:
        with pytest.raises(DomainError) as e:
            await world.record_run(None, hash_of(V1))
        assert e.value.code == "PIPELINE_REQUIRED"

    async def test_a_pipeline_outside_your_scope_reads_as_not_found(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        with pytest.raises(NotFound):
            await world.record_run(pipeline, hash_of(V1), authorizer=OnlyIn(world.other_bu))

    async def test_reporting_needs_evidence_create(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()

        class NoEvidence(OnlyIn):
            def check(
                self, actor: object, action: object, resource: object, bu: object
            ) -> str | None:
                return None if resource == "evidence" else "ok"

        with pytest.raises(Forbidden):
            await world.record_run(pipeline, hash_of(V1), authorizer=NoEvidence(world.bu))


class TestTheDriftGate:
    async def test_no_run_reported_is_pending(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        gate = await drift_gate(world.session, pipeline.id, world.clock.now(), blocks=True)
        assert (gate.gate, gate.status) == ("pipeline_drift", GateStatus.PENDING)

    async def test_a_matching_latest_run_passes(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        await world.active(pipeline, V1)
        await world.record_run(pipeline, hash_of(V2))
        await world.record_run(pipeline, hash_of(V1), run_id="latest")
        gate = await drift_gate(world.session, pipeline.id, world.clock.now(), blocks=True)
        assert gate.status is GateStatus.PASSED
        assert (gate.evidence["runId"], gate.evidence["versionNumber"]) == ("latest", 1)

    async def test_drift_fails_the_gate_when_the_guardrail_blocks(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        await world.active(pipeline, V1)
        await world.record_run(pipeline, hash_of(V3), run_id="rogue")
        gate = await drift_gate(world.session, pipeline.id, world.clock.now(), blocks=True)
        assert gate.status is GateStatus.FAILED
        assert "never registered" in gate.reason and gate.evidence["drift"] == "unknown"

    async def test_drift_only_warns_when_the_guardrail_does_not_block(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        await world.active(pipeline, V1)
        await world.register(pipeline, V2)
        await world.record_run(pipeline, hash_of(V2))
        gate = await drift_gate(world.session, pipeline.id, world.clock.now(), blocks=False)
        assert gate.status is GateStatus.PASSED
        assert gate.reason.startswith("Drift was seen") and gate.evidence["warning"] is True
        assert gate.evidence["versionNumber"] == 2 and gate.evidence["activeVersionNumber"] == 1

    async def test_runs_after_the_moment_asked_about_are_not_seen(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        before = world.clock.now()
        await world.record_run(pipeline, hash_of(V1))
        gate = await drift_gate(world.session, pipeline.id, before - timedelta(seconds=1), True)
        assert gate.status is GateStatus.PENDING

    async def test_for_a_service_the_worst_pipeline_decides(self, world: DefinitionsWorld) -> None:
        good, bad = await world.pipeline(), await world.pipeline()
        await world.active(good, V1)
        await world.record_run(good, hash_of(V1))
        await world.record_run(bad, hash_of(V1))
        gate = await drift_gate_for_service(
            world.session, world.services["api"], world.clock.now(), blocks=True
        )
        assert gate.status is GateStatus.FAILED and gate.evidence["pipelineId"] == str(bad.id)
        lonely = await drift_gate_for_service(
            world.session, world.services["shop"], world.clock.now(), blocks=True
        )
        assert lonely.status is GateStatus.PENDING

    async def test_the_version_active_at_a_moment_is_found(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        first = await world.active(pipeline, V1)
        between = world.clock.now()
        second = await world.active(pipeline, V2)
        found_then = await repo.active_version_at(world.session, pipeline.id, between)
        found_now = await repo.active_version_at(world.session, pipeline.id, world.clock.now())
        assert found_then is not None and found_then.id == first.id
        assert found_now is not None and found_now.id == second.id
