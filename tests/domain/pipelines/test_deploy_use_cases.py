"""Deployment use cases on SQLite and PostgreSQL: plans, progress, rollbacks, alerts, the outbox."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from domain.kernel.errors import DomainError, Forbidden, NotFound, VersionConflict
from domain.pipelines import alerts, deployment_rules
from domain.pipelines import deployments as uc
from domain.pipelines.deployment_commands import CreateDeployment, FiringAlert, ReportHealth
from domain.pipelines.deployment_models import Deployment, DeploymentAlert, RollbackDecision
from domain.pipelines.health_rules import Metrics
from tests.domain.pipelines.deploy_support import HEALTHY, SICK, DeployWorld
from tests.world import OnlyIn


async def refused(coro: object) -> DomainError:
    with pytest.raises(DomainError) as caught:
        await coro  # type: ignore[misc]
    return caught.value


def alert(w: DeployWorld, **labels: str) -> FiringAlert:
    return FiringAlert(
        name="HighErrorRate",
        status="firing",
        fingerprint="6a9b1c2d3e4f5a6b",
        starts_at=w.clock.now() - timedelta(minutes=1),
        labels={"alertname": "HighErrorRate", **labels},
        annotations={"summary": "5xx above 5% for 2 minutes"},
    )


class TestPlanning:
    async def test_a_canary_deployment_is_planned_with_its_steps_and_audited(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.plan()
        assert (dep.status, dep.current_step, dep.bu_id) == ("planned", 0, w.bu)
        assert [s["weight"] for s in dep.steps] == [10, 50, 100]
        assert await w.audit_actions(dep.id) == ["deployment.create"]

    async def test_a_blue_green_deployment_gets_the_three_steps(
        self, deploy_world: DeployWorld
    ) -> None:
        dep = await deploy_world.plan(strategy="blue_green", canary_steps=[], verify_minutes=20)
        assert [(s["kind"], s["dwellMinutes"]) for s in dep.steps] == [
            ("deploy_green", 0),
            ("verify", 20),
            ("switch", 0),
        ]

    async def test_bad_input_is_refused_with_codes(self, deploy_world: DeployWorld) -> None:
        w = deploy_world
        assert (await refused(w.plan(strategy="big_bang"))).code == "INVALID_STRATEGY"
        assert (await refused(w.plan(artifact_version="1 2"))).code == "INVALID_ARTIFACT_VERSION"
        assert (await refused(w.plan(artifact_digest="sha1:x"))).code == "INVALID_DIGEST"
        assert (await refused(w.plan(canary_steps=[(10, 0)]))).code == "LAST_STEP_NOT_FULL"
        bg = await refused(w.plan(strategy="blue_green"))
        assert (bg.code, bg.field) == ("INVALID_STEPS", "canarySteps")

    async def test_an_environment_of_another_business_unit_is_refused(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        w.env.bu_id = w.other_bu
        await w.session.flush()
        refusal = await refused(w.plan())
        assert refusal.code == "ENVIRONMENT_NOT_OF_SERVICE"
        # The refusal names nothing of the other business unit (issue 14).
        assert w.env.key not in refusal.message and w.env.name not in refusal.message

    async def test_a_service_outside_your_business_units_is_not_found(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        with pytest.raises(NotFound) as caught:
            await w.run(
                uc.create_deployment,
                CreateDeployment(
                    w.service.id, w.env.id, "1.0.0", "canary", canary_steps=[(100, 0)]
                ),
                authorizer=OnlyIn(w.other_bu),
            )
        assert caught.value.field == "serviceId"


class TestProgress:
    async def test_a_canary_advances_step_by_step_after_each_dwell_and_succeeds(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.started()
        assert (dep.status, dep.step_started_at) == ("in_progress", w.clock.now())
        for dwell in (5, 10, 0):
            result = await w.report(dep)
            assert result.analysis.verdict == "advance"
            w.wait(dwell)
            dep = await w.run(uc.advance_deployment, dep.id, dep.version)
        assert (dep.status, dep.current_step, dep.finished_at) == (
            "succeeded",
            2,
            w.clock.now(),
        )
        assert (await w.audit_actions(dep.id))[-3:] == [
            "deployment.advance",
            "deployment.advance",
            "deployment.succeed",
        ]

    async def test_advancing_before_the_dwell_is_over_is_refused(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.started()
        await w.report(dep)
        w.wait(4)
        assert (await refused(w.run(uc.advance_deployment, dep.id, dep.version))).code == (
            "DWELL_NOT_OVER"
        )

    async def test_a_hold_verdict_holds_and_a_later_advance_resumes(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.started()
        held = await w.report(dep, Metrics(error_rate=0.001))
        assert (held.analysis.verdict, held.deployment.status) == ("hold", "holding")
        w.wait(5)
        refusal = await refused(w.run(uc.advance_deployment, dep.id, dep.version))
        assert refusal.code == "ANALYSIS_NOT_ADVANCE"
        resumed = await w.report(dep, HEALTHY)
        assert resumed.deployment.status == "in_progress"
        assert "deployment.hold" in await w.audit_actions(dep.id)

    async def test_a_report_for_another_step_is_refused(self, deploy_world: DeployWorld) -> None:
        w = deploy_world
        dep = await w.started()
        refusal = await refused(w.run(uc.report_health, ReportHealth(dep.id, 1, HEALTHY)))
        assert (refusal.code, refusal.field) == ("STEP_NOT_CURRENT", "stepIndex")

    async def test_a_second_deployment_of_the_service_to_the_environment_waits(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        await w.started()
        other = await w.plan(artifact_version="1.4.3")
        refusal = await refused(w.run(uc.start_deployment, other.id, other.version))
        assert refusal.code == "DEPLOYMENT_IN_PROGRESS"

    async def test_a_stale_version_is_a_conflict(self, deploy_world: DeployWorld) -> None:
        w = deploy_world
        dep = await w.plan()
        with pytest.raises(VersionConflict):
            await w.run(uc.start_deployment, dep.id, dep.version + 1)


class TestRollbacks:
    async def test_a_roll_back_verdict_rolls_back_at_once_and_emits_one_event(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.started()
        result = await w.report(dep, SICK)
        assert result.analysis.verdict == "roll_back"
        assert result.deployment.status == "rolled_back"
        assert result.rollback is not None
        assert result.rollback.trigger == "health"
        assert result.rollback.report_id == result.report.id
        assert "Error rate 20%" in result.rollback.reason
        (event,) = await w.outbox(dep)
        assert event.destination is None
        assert set(event.payload["forms"]) == {
            "deployment.rolled_back",
            "dev.cdevents.service.rolledback",
        }
        cdevent = event.payload["forms"]["dev.cdevents.service.rolledback"]
        assert cdevent["context"]["id"] == str(event.id)
        assert cdevent["subject"]["content"]["environment"]["id"] == w.env.key

    async def test_a_manual_roll_back_records_who_and_why(self, deploy_world: DeployWorld) -> None:
        w = deploy_world
        dep = await w.started()
        decision = await w.run(
            uc.roll_back_deployment, dep.id, dep.version, "  Checkout errors spiking  "
        )
        assert (decision.trigger, decision.reason) == ("manual", "Checkout errors spiking")
        assert decision.decided_by_id == w.people["rita"].id
        assert await w.audit_actions(dep.id) == [
            "deployment.create",
            "deployment.start",
            "deployment.roll_back",
        ]
        assert len(await w.outbox(dep)) == 1

    async def test_a_finished_deployment_cannot_be_rolled_back(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.started()
        await w.run(uc.roll_back_deployment, dep.id, dep.version, "first")
        refusal = await refused(w.run(uc.roll_back_deployment, dep.id, dep.version, "again"))
        assert refusal.code == "NOT_IN_PROGRESS"
        assert len(await w.outbox(dep)) == 1

    async def test_an_empty_reason_is_refused(self, deploy_world: DeployWorld) -> None:
        w = deploy_world
        dep = await w.started()
        refusal = await refused(w.run(uc.roll_back_deployment, dep.id, dep.version, " "))
        assert (refusal.code, refusal.field) == ("INVALID_REASON", "reason")

    async def test_a_deployment_outside_your_business_units_is_not_found(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.started()
        with pytest.raises(NotFound):
            await w.run(
                uc.roll_back_deployment, dep.id, dep.version, "x", authorizer=OnlyIn(w.other_bu)
            )


class TestAlertTriggeredRollback:
    async def test_an_alert_during_a_canary_step_rolls_it_back_once_even_when_delivered_twice(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.started()
        await w.report(dep)
        w.wait(5)
        dep = await w.run(uc.advance_deployment, dep.id, dep.version)
        firing = alert(w, service=w.service.key, environment=w.env.key)
        first = await w.run(alerts.handle_alerts, [firing])
        again = await w.run(alerts.handle_alerts, [firing])
        assert [(r.outcome, r.deployment_id) for r in first] == [("rolled_back", dep.id)]
        assert [r.outcome for r in again] == ["duplicate"]
        decision = await w.session.scalar(
            select(RollbackDecision).where(RollbackDecision.deployment_id == dep.id)
        )
        assert decision is not None
        assert (decision.trigger, decision.step_index, decision.alert_name) == (
            "alert",
            1,
            "HighErrorRate",
        )
        assert decision.reason == "Alert HighErrorRate fired: 5xx above 5% for 2 minutes"
        assert len(await w.outbox(dep)) == 1
        received = await w.session.scalars(
            select(DeploymentAlert).where(DeploymentAlert.deployment_id == dep.id)
        )
        assert len(received.all()) == 1

    async def test_the_deployment_label_names_the_deployment_directly(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.started()
        (result,) = await w.run(alerts.handle_alerts, [alert(w, signalbox_deployment=str(dep.id))])
        assert (result.outcome, result.deployment_id) == ("rolled_back", dep.id)

    async def test_a_new_firing_of_the_same_alert_after_the_rollback_changes_nothing(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.started()
        first = alert(w, signalbox_deployment=str(dep.id))
        await w.run(alerts.handle_alerts, [first])
        later = replace(first, starts_at=first.starts_at + timedelta(hours=1))
        (result,) = await w.run(alerts.handle_alerts, [later])
        assert result.outcome == "not_under_way"
        assert len(await w.outbox(dep)) == 1

    async def test_resolved_unmatched_and_planned_ones_roll_nothing_back(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        planned = await w.plan()
        resolved = replace(alert(w, service=w.service.key), status="resolved")
        results = await w.run(
            alerts.handle_alerts,
            [resolved, alert(w, service="nobody"), alert(w, service=w.service.key)],
        )
        assert [r.outcome for r in results] == ["resolved", "unmatched", "unmatched"]
        assert await w.outbox(planned) == []

    async def test_deployments_outside_your_scope_are_not_touched(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.started()
        (result,) = await w.run(
            alerts.handle_alerts,
            [alert(w, signalbox_deployment=str(dep.id))],
            authorizer=OnlyIn(w.other_bu),
        )
        assert result.outcome == "unmatched"

    async def test_a_caller_who_may_update_no_deployment_is_forbidden(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        with pytest.raises(Forbidden):
            await w.run(alerts.handle_alerts, [], authorizer=OnlyIn())

    def test_a_deployment_label_may_be_a_uuid_or_a_global_id(self) -> None:
        from api.graphql.relay import to_global_id

        dep_id = uuid.uuid4()
        assert alerts.deployment_id_of(str(dep_id)) == dep_id
        assert alerts.deployment_id_of(to_global_id("Deployment", dep_id)) == dep_id
        assert alerts.deployment_id_of(to_global_id("Service", dep_id)) is None
        assert alerts.deployment_id_of("garbage") is None


class TestAnAlertAfterTheDeploymentSucceeded:
    async def test_within_a_day_it_is_recorded_for_the_review_and_nothing_rolls_back(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.succeeded()
        w.wait(90)
        by_label, by_service = await w.run(
            alerts.handle_alerts,
            [
                alert(w, signalbox_deployment=str(dep.id)),
                replace(alert(w, service=w.service.key), fingerprint="7b8c9d0e1f2a3b4c"),
            ],
        )
        assert (by_label.outcome, by_label.deployment_id) == ("recorded", dep.id)
        assert (by_service.outcome, by_service.deployment_id) == ("recorded", dep.id)
        found = await w.session.scalars(
            select(DeploymentAlert).where(DeploymentAlert.deployment_id == dep.id)
        )
        assert sorted(a.fingerprint for a in found) == ["6a9b1c2d3e4f5a6b", "7b8c9d0e1f2a3b4c"]
        assert (await w.session.get(Deployment, dep.id)).status == "succeeded"  # type: ignore[union-attr]
        assert await w.outbox(dep) == []

    async def test_a_day_later_it_is_no_longer_the_deployments(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        dep = await w.succeeded()
        w.wait(24 * 60 + 2)
        by_label, by_service = await w.run(
            alerts.handle_alerts,
            [alert(w, signalbox_deployment=str(dep.id)), alert(w, service=w.service.key)],
        )
        assert (by_label.outcome, by_service.outcome) == ("not_under_way", "unmatched")


class TestWhichAlertsAreADeploymentsOwn:
    def test_only_a_succeeded_deployment_finished_before_the_alert_within_the_window(
        self,
    ) -> None:
        done = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
        watched = deployment_rules.watched
        assert watched("succeeded", done, done + timedelta(hours=23, minutes=59))
        assert watched("succeeded", done, done)
        assert not watched("succeeded", done, done + timedelta(hours=24, minutes=1))
        assert not watched("succeeded", done, done - timedelta(minutes=1))
        assert not watched("rolled_back", done, done + timedelta(hours=1))
        assert not watched("succeeded", None, done)
