"""Production deployments counted per service, for the rates built on them (defect escape
rates): the deployments Signalbox ran count beside those CD tools reported; rollbacks and other
environments do not."""

from __future__ import annotations

from datetime import timedelta

from domain.pipelines import production_deployments as production
from tests.domain.pipelines.deploy_support import SICK, DeployWorld


class TestCountedByService:
    async def test_succeeded_deployments_count_in_the_period_they_finished(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        start = w.clock.now()
        first = await w.succeeded(artifact_version="1.0.0")
        w.wait(60 * 24)
        middle = w.clock.now()
        await w.succeeded(artifact_version="1.1.0")
        await w.succeeded(artifact_version="1.2.0")
        end = w.clock.now() + timedelta(minutes=1)

        earlier, later = await production.counted_by_service(w.session, [w.bu], start, middle, end)
        assert (earlier[w.service.id], later[w.service.id]) == (1, 2)
        assert first.finished_at is not None and first.finished_at < middle

    async def test_a_rolled_back_one_or_another_business_unit_does_not_count(
        self, deploy_world: DeployWorld
    ) -> None:
        w = deploy_world
        start = w.clock.now()
        dep = await w.started(artifact_version="2.0.0")
        result = await w.report(dep, SICK)
        assert result.deployment.status == "rolled_back"
        await w.succeeded(artifact_version="2.0.1")
        end = w.clock.now() + timedelta(minutes=1)

        earlier, later = await production.counted_by_service(w.session, [w.bu], start, start, end)
        assert (earlier[w.service.id], later[w.service.id]) == (0, 1)
        assert await production.counted_by_service(w.session, [w.other_bu], start, start, end) == (
            {},
            {},
        )
        assert await production.counted_by_service(w.session, [], start, start, end) == ({}, {})
