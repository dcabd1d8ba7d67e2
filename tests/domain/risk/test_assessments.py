"""Facts from the database, assessments stored and audited, and the no-write assess_release."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from domain.kernel.errors import DomainError, Forbidden, NotFound
from domain.risk import assessments, factors
from domain.risk import commands as cmd
from domain.risk.scoring import Size
from tests.domain.risk.conftest import RiskWorld
from tests.world import OnlyIn


class TestFactsAreGathered:
    async def test_consumers_are_found_transitively_and_cycles_end(self, world: RiskWorld) -> None:
        core = await world.service(tier="internal")
        api = await world.service(tier="customer_facing")
        web = await world.service(tier="critical")
        await world.depend(api, core)
        await world.depend(web, api)
        await world.depend(core, web)  # a cycle back to the service shipped
        release = await world.release([core])
        facts = (await factors.gather(world.session, [release.id], world.clock.now()))[release.id]
        assert set(facts.consumers) == {api.key, web.key}
        assert facts.max_consumer_tier == "critical"

    async def test_tier_classification_and_regions_are_the_highest_and_union(
        self, world: RiskWorld
    ) -> None:
        a = await world.service(tier="internal", data="restricted", regions=["eu-west-1"])
        b = await world.service(tier="customer_facing", data="public", regions=["us-east-1"])
        release = await world.release([a, b], ["ui"])
        facts = (await factors.gather(world.session, [release.id], world.clock.now()))[release.id]
        assert (facts.max_tier, facts.max_classification) == ("customer_facing", "restricted")
        assert facts.regions == ("eu-west-1", "us-east-1")
        assert facts.change_types == ("ui",)

    async def test_novelty_is_judged_against_deployed_releases(self, world: RiskWorld) -> None:
        old = await world.service()
        new = await world.service()
        provider = await world.service()
        await world.release([old], ["infrastructure"], authors=["ann"], status="deployed")
        await world.depend(old, provider)  # added after old's last deployment
        release = await world.release([old, new], ["infrastructure"], authors=["ann", "bob"])
        facts = (await factors.gather(world.session, [release.id], world.clock.now()))[release.id]
        assert facts.first_release == (new.key,)
        assert facts.new_dependencies == (f"{old.key} → {provider.key}",)
        ann, bob = world.people["ann"].username, world.people["bob"].username
        assert set(facts.first_author_changes) == {
            f"{ann} on {new.key}",
            f"{bob} on {old.key}",
            f"{bob} on {new.key}",
        }
        assert facts.new_infrastructure == (new.key,)

    async def test_many_releases_take_a_fixed_number_of_statements(self, world: RiskWorld) -> None:
        services = [await world.service() for _ in range(3)]
        releases = [await world.release([s], ["api"], authors=["ann"]) for s in services]
        count = 0

        def counter(*args: object) -> None:
            nonlocal count
            count += 1

        engine = world.session.bind.sync_engine  # type: ignore[union-attr]
        event.listen(engine, "before_cursor_execute", counter)
        try:
            facts = await factors.gather(world.session, [r.id for r in releases], world.clock.now())
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        assert len(facts) == 3 and count <= 8


class TestAssessingARelease:
    async def test_a_payment_logic_change_scores_high_and_explains_itself(
        self, world: RiskWorld
    ) -> None:
        svc = await world.service(tier="critical", data="public", regions=[])
        await world.release([svc], status="deployed")
        release = await world.release([svc], ["payment_logic"])
        row = await world.assess(release)
        assert row.level == "high"
        assert row.score == 21
        by_factor = {c["factor"]: c for c in row.contributions}
        assert by_factor["service_tier"]["points"] == 12
        assert "payment_logic" in by_factor["change_types"]["explanation"]
        assert row.requirements["peer_review"] is True
        assert (
            row.model_version
            == (
                await assessments.assess_release(world.session, release.id, world.clock.now())
            ).model_version
        )
        (record,) = await world.audit(row.id)
        assert record.action == "risk_assessment.create"

    async def test_the_board_guardrail_forces_a_board_decision(self, world: RiskWorld) -> None:
        # Critical services need a board from medium risk (the built-in critical profile).
        svc = await world.service(tier="critical", data="public", regions=[])
        await world.release([svc], status="deployed")
        release = await world.release([svc], ["ui"])
        result = await assessments.assess_release(world.session, release.id, world.clock.now())
        assert result.level == "medium"
        assert result.requirements.board_decision
        assert "medium" in result.board_required_from

    async def test_size_is_kept_and_reused_when_not_given_again(self, world: RiskWorld) -> None:
        svc = await world.service()
        release = await world.release([svc], ["ui"])
        first = await world.assess(release, size=Size(lines_changed=900, files_changed=3))
        assert first.facts["size"] == {"lines_changed": 900, "files_changed": 3}
        again = await assessments.assess_release(world.session, release.id, world.clock.now())
        assert again.facts.size == Size(900, 3)

    async def test_a_negative_size_is_refused(self, world: RiskWorld) -> None:
        release = await world.release([await world.service()])
        with pytest.raises(DomainError) as e:
            await world.assess(release, size=Size(lines_changed=-1))
        assert (e.value.code, e.value.field) == ("INVALID_SIZE", "size.linesChanged")

    async def test_a_release_outside_your_bus_is_not_found(self, world: RiskWorld) -> None:
        release = await world.release([await world.service()])
        uow = world.uow(authorizer=OnlyIn(world.other_bu.id))
        with pytest.raises(NotFound):
            await assessments.assess_risk(uow, cmd.AssessRisk(release.id))

    async def test_reading_is_not_assessing(self, world: RiskWorld) -> None:
        release = await world.release([await world.service()])

        class ReadOnly(OnlyIn):
            def check(self, actor, action, resource, bu_id):  # type: ignore[no-untyped-def]
                return "read" if action == "read" else None

        uow = world.uow(authorizer=ReadOnly(world.bu.id))
        with pytest.raises(Forbidden):
            await assessments.assess_risk(uow, cmd.AssessRisk(release.id))
