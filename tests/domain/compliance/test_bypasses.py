"""Emergency bypasses through their use cases: requested, decided, used, reviewed, audited."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.compliance import bypasses, facts
from domain.compliance import control_commands as cmd
from domain.compliance.bypass_rules import BypassState, state
from domain.kernel.errors import DomainError, Forbidden, NotFound, VersionConflict
from tests.domain.compliance.conftest import DAY, HOUR, ComplianceWorld
from tests.world import OnlyIn


async def refused(coro: object) -> DomainError:
    with pytest.raises(DomainError) as e:
        await coro  # type: ignore[misc]
    return e.value


class TestRequesting:
    async def test_a_hotfix_asks_for_named_gates_on_one_target_and_it_is_audited(
        self, world: ComplianceWorld
    ) -> None:
        release, env = await world.release(), await world.environment()
        bypass = await world.request(release, env, gates=["test_coverage", "freeze"])
        assert (bypass.status, bypass.gates, bypass.version) == (
            "pending",
            ["freeze", "test_coverage"],
            1,
        )
        assert bypass.requested_by_id == world.people["rita"].id
        (record,) = await world.audit(bypass.id)
        assert record.action == "bypass.request"
        assert record.after["incident_reference"] == "INC-4711"

    async def test_only_a_hotfix_may_ask(self, world: ComplianceWorld) -> None:
        release, env = await world.release(release_type="standard"), await world.environment()
        assert (await refused(world.request(release, env))).code == "BYPASS_NOT_HOTFIX"

    async def test_a_closed_release_may_not_ask(self, world: ComplianceWorld) -> None:
        release, env = await world.release(status="cancelled"), await world.environment()
        assert (await refused(world.request(release, env))).code == "RELEASE_CLOSED"

    async def test_a_release_shipping_nothing_has_no_bound_and_may_not_ask(
        self, world: ComplianceWorld
    ) -> None:
        release, env = await world.release(services=()), await world.environment()
        assert (await refused(world.request(release, env))).code == "RELEASE_HAS_NO_SERVICES"

    async def test_the_tightest_service_guardrail_bounds_the_duration(
        self, world: ComplianceWorld
    ) -> None:
        # The critical service allows 8 hours; the internal one 24.
        release, env = await world.release(), await world.environment()
        error = await refused(world.request(release, env, duration_hours=9))
        assert (error.code, error.field) == ("BYPASS_TOO_LONG", "durationHours")
        assert "8 hours" in error.message
        only_internal = await world.release(services=("batch",))
        assert (await world.request(only_internal, env, duration_hours=24)).duration_hours == 24

    async def test_segregation_of_duties_cannot_be_named(self, world: ComplianceWorld) -> None:
        release, env = await world.release(), await world.environment()
        error = await refused(world.request(release, env, gates=["segregation_of_duties"]))
        assert error.code == "GATE_NOT_WAIVABLE"

    async def test_the_target_is_of_the_release_bu_or_org_wide(
        self, world: ComplianceWorld
    ) -> None:
        release = await world.release()
        foreign = await world.environment(bu=world.other_bu)
        assert (await refused(world.request(release, foreign))).code == (
            "TARGET_NOT_IN_BUSINESS_UNIT"
        )
        retired = await world.environment(status="retired")
        assert (await refused(world.request(release, retired))).code == "ENVIRONMENT_RETIRED"

    async def test_a_release_outside_your_bus_reads_as_absent(self, world: ComplianceWorld) -> None:
        release = await world.release(bu=world.other_bu)
        env = await world.environment(bu=world.other_bu)
        uow = world.uow(authorizer=OnlyIn(world.bu))
        c = cmd.RequestBypass(release.id, env.id, ["freeze"], "x" * 30, "INC-1", 2)
        with pytest.raises(NotFound):
            await bypasses.request_bypass(uow, c)

    async def test_without_the_permission_it_is_forbidden(self, world: ComplianceWorld) -> None:
        release, env = await world.release(), await world.environment()

        class NoCreate(OnlyIn):
            def check(self, actor: object, action: str, resource: str, bu_id: object) -> str | None:
                return None if action == "create" else "test"

        uow = world.uow(authorizer=NoCreate(world.bu))
        c = cmd.RequestBypass(release.id, env.id, ["freeze"], "x" * 30, "INC-1", 2)
        with pytest.raises(Forbidden):
            await bypasses.request_bypass(uow, c)  # type: ignore[arg-type]


class TestApproving:
    async def test_approval_starts_the_window_and_opens_the_review(
        self, world: ComplianceWorld
    ) -> None:
        release, env = await world.release(), await world.environment()
        bypass = await world.approve(await world.request(release, env, duration_hours=4))
        now = world.clock.now()
        assert (bypass.status, bypass.approved_at, bypass.expires_at) == (
            "approved",
            now,
            now + 4 * HOUR,
        )
        assert bypass.decided_by_id == world.people["bob"].id
        review = await world.review_of(bypass)
        assert (review.opened_at, review.due_at, review.completed_at) == (now, now + 5 * DAY, None)
        assert [r.action for r in await world.audit(bypass.id)] == [
            "bypass.request",
            "bypass.approve",
        ]
        assert [r.action for r in await world.audit(review.id)] == ["bypass_review.open"]

    async def test_an_emergency_bypass_approved_by_its_own_requester_is_refused(
        self, world: ComplianceWorld
    ) -> None:
        bypass = await world.request(await world.release(), await world.environment())
        error = await refused(world.approve(bypass, who="rita"))
        assert error.code == "BYPASS_SELF_APPROVAL"

    async def test_the_release_owner_and_authors_do_not_approve(
        self, world: ComplianceWorld
    ) -> None:
        bypass = await world.request(await world.release(), await world.environment())
        for who in ("olive", "dave"):
            assert (
                await refused(world.approve(bypass, who=who))
            ).code == "BYPASS_APPROVER_IS_AUTHOR"

    async def test_a_decided_bypass_is_never_decided_again(self, world: ComplianceWorld) -> None:
        _, _, bypass = await world.active()
        error = await refused(world.approve(bypass, who="carol"))
        assert error.code == "BYPASS_NOT_PENDING"
        uow = world.uow("carol")
        error = await refused(
            bypasses.reject_bypass(uow, cmd.DecideBypass(bypass.id, bypass.version))
        )
        assert error.code == "BYPASS_NOT_PENDING"

    async def test_a_stale_version_is_a_conflict(self, world: ComplianceWorld) -> None:
        bypass = await world.request(await world.release(), await world.environment())
        with pytest.raises(VersionConflict):
            await bypasses.approve_bypass(world.uow("bob"), cmd.DecideBypass(bypass.id, 9))

    async def test_a_rejected_bypass_never_becomes_active(self, world: ComplianceWorld) -> None:
        bypass = await world.request(await world.release(), await world.environment())
        uow = world.uow("bob")
        rejected = await bypasses.reject_bypass(uow, cmd.DecideBypass(bypass.id, 1, "Not urgent."))
        await uow.commit()
        assert (rejected.status, rejected.approved_at, rejected.decision_note) == (
            "rejected",
            None,
            "Not urgent.",
        )
        assert [r.action for r in await world.audit(bypass.id)][-1] == "bypass.reject"


class TestRevoking:
    async def test_revoking_stops_an_active_bypass_and_keeps_its_review_open(
        self, world: ComplianceWorld
    ) -> None:
        release, env, bypass = await world.active()
        uow = world.uow("bob")
        revoked = await bypasses.revoke_bypass(
            uow, cmd.RevokeBypass(bypass.id, bypass.version, "Fixed otherwise.")
        )
        await uow.commit()
        assert state(bypasses.facts_of(revoked), world.clock.now()) == BypassState.REVOKED
        assert (
            await facts.active_bypasses(world.session, release.id, env.id, world.clock.now()) == ()
        )
        assert (await world.review_of(bypass)).completed_at is None
        assert [r.action for r in await world.audit(bypass.id)][-1] == "bypass.revoke"

    async def test_an_expired_or_pending_bypass_is_not_revoked(
        self, world: ComplianceWorld
    ) -> None:
        _, _, bypass = await world.active(duration_hours=1)
        world.clock.advance(HOUR)
        error = await refused(
            bypasses.revoke_bypass(world.uow("bob"), cmd.RevokeBypass(bypass.id, bypass.version))
        )
        assert error.code == "BYPASS_EXPIRED"
        pending = await world.request(await world.release(), await world.environment())
        error = await refused(
            bypasses.revoke_bypass(world.uow("bob"), cmd.RevokeBypass(pending.id, 1))
        )
        assert error.code == "BYPASS_NOT_ACTIVE"


class TestUsing:
    async def test_every_use_is_recorded_and_audited_on_the_bypass(
        self, world: ComplianceWorld
    ) -> None:
        _, env, bypass = await world.active()
        uow = world.uow("carol")
        use = await bypasses.use_bypass(uow, cmd.UseBypass(bypass.id, "freeze", env.id, "deploy 1"))
        await uow.commit()
        assert (use.gate, use.used_by_id, use.used_at) == (
            "freeze",
            world.people["carol"].id,
            world.clock.now(),
        )
        last = (await world.audit(bypass.id))[-1]
        assert (last.action, last.after["gate"]) == ("bypass.use", "freeze")

    async def test_a_gate_it_does_not_name_or_another_target_is_refused(
        self, world: ComplianceWorld
    ) -> None:
        _, env, bypass = await world.active()
        other = await world.environment()
        error = await refused(
            bypasses.use_bypass(world.uow(), cmd.UseBypass(bypass.id, "licences", env.id))
        )
        assert error.code == "GATE_NOT_WAIVED"
        error = await refused(
            bypasses.use_bypass(world.uow(), cmd.UseBypass(bypass.id, "freeze", other.id))
        )
        assert error.code == "BYPASS_OTHER_TARGET"

    async def test_a_pending_bypass_is_not_used(self, world: ComplianceWorld) -> None:
        env = await world.environment()
        bypass = await world.request(await world.release(), env)
        error = await refused(
            bypasses.use_bypass(world.uow(), cmd.UseBypass(bypass.id, "freeze", env.id))
        )
        assert error.code == "BYPASS_NOT_ACTIVE"

    async def test_the_decision_finds_the_active_bypasses_of_a_release_and_target(
        self, world: ComplianceWorld
    ) -> None:
        release, env, bypass = await world.active()
        now = world.clock.now()
        (found,) = await facts.active_bypasses(world.session, release.id, env.id, now)
        assert (found.id, found.gates) == (bypass.id, frozenset({"freeze", "test_coverage"}))
        other = await world.environment()
        assert await facts.active_bypasses(world.session, release.id, other.id, now) == ()


class TestReviewing:
    async def test_an_independent_reviewer_completes_the_review(
        self, world: ComplianceWorld
    ) -> None:
        _, _, bypass = await world.active()
        review = await world.review_of(bypass)
        uow = world.uow("carol")
        done = await bypasses.complete_review(
            uow,
            cmd.CompleteReview(
                review.id, review.version, "justified", "The outage was real.", ["Add a test"]
            ),
        )
        await uow.commit()
        assert (done.outcome, done.reviewer_id, done.action_items, done.version) == (
            "justified",
            world.people["carol"].id,
            ["Add a test"],
            2,
        )
        assert [r.action for r in await world.audit(review.id)][-1] == "bypass_review.complete"

    async def test_the_requester_and_the_approver_do_not_review(
        self, world: ComplianceWorld
    ) -> None:
        _, _, bypass = await world.active()
        review = await world.review_of(bypass)
        for who, code in (("rita", "REVIEW_BY_REQUESTER"), ("bob", "REVIEW_BY_APPROVER")):
            c = cmd.CompleteReview(review.id, review.version, "justified", "Looked at it all.")
            assert (await refused(bypasses.complete_review(world.uow(who), c))).code == code

    async def test_a_completed_review_is_not_completed_again(self, world: ComplianceWorld) -> None:
        _, _, bypass = await world.active()
        review = await world.review_of(bypass)
        c = cmd.CompleteReview(review.id, review.version, "not_justified", "Could have waited.")
        uow = world.uow("carol")
        await bypasses.complete_review(uow, c)
        await uow.commit()
        again = cmd.CompleteReview(review.id, 2, "justified", "Second thoughts here.")
        error = await refused(bypasses.complete_review(world.uow("carol"), again))
        assert error.code == "REVIEW_COMPLETED"

    async def test_findings_are_required(self, world: ComplianceWorld) -> None:
        _, _, bypass = await world.active()
        review = await world.review_of(bypass)
        c = cmd.CompleteReview(review.id, review.version, "justified", "ok")
        assert (await refused(bypasses.complete_review(world.uow("carol"), c))).code == (
            "FINDINGS_REQUIRED"
        )


class TestScenario:
    async def test_an_approved_bypass_expires_and_its_review_becomes_overdue(
        self, world: ComplianceWorld
    ) -> None:
        from domain.compliance import control_queries as ccq

        release, env, bypass = await world.active(duration_hours=2)
        review = await world.review_of(bypass)
        world.clock.advance(2 * HOUR)
        now = world.clock.now()
        assert state(bypasses.facts_of(bypass), now) == BypassState.EXPIRED
        assert await facts.active_bypasses(world.session, release.id, env.id, now) == ()
        error = await refused(
            bypasses.use_bypass(world.uow("carol"), cmd.UseBypass(bypass.id, "freeze", env.id))
        )
        assert error.code == "BYPASS_EXPIRED"

        async def overdue_ids() -> list[object]:
            page = await ccq.reviews(
                world.reader(),
                bu_id=world.bu,
                overdue=True,
                completed=None,
                now=world.clock.now(),
                first=50,
                after=None,
            )
            return [r.id for r in page.items]

        assert await overdue_ids() == []
        world.clock.advance(5 * DAY - 2 * HOUR + timedelta(seconds=1))
        assert await overdue_ids() == [review.id]
