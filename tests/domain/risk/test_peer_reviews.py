"""Peer reviews recorded by non-authors, replaced not doubled, and the gate on real data."""

from __future__ import annotations

import pytest

from domain.kernel.errors import DomainError, NotFound
from domain.kernel.gates import GateStatus
from domain.risk import commands as cmd
from domain.risk import peer_reviews, queries
from domain.risk.models import PeerReview
from tests.domain.risk.conftest import RiskWorld
from tests.world import OnlyIn


async def _payment_change(world: RiskWorld) -> object:
    svc = await world.service(tier="critical", data="public", regions=[])
    await world.release([svc], status="deployed")
    return await world.release([svc], ["payment_logic"], authors=["ann"])


class TestThePaymentLogicScenario:
    async def test_scores_high_needs_a_non_author_review_and_refuses_the_author(
        self, world: RiskWorld
    ) -> None:
        release = await _payment_change(world)
        assessed = await world.assess(release)
        assert assessed.level == "high"
        assert any("payment_logic" in c["explanation"] for c in assessed.contributions)
        req = await queries.review_requirement(world.reader(), release.id, world.clock.now())
        assert req.required and req.change_types == ("payment_logic",)

        with pytest.raises(DomainError) as e:
            await world.review(release, "ann")
        assert e.value.code == "PEER_REVIEW_BY_AUTHOR"
        gate = await peer_reviews.peer_review_gate(
            world.session, release.id, "staging", world.clock.now()
        )
        assert gate.status == GateStatus.PENDING
        assert "payment_logic" in gate.reason

        await world.review(release, "bob", reference="https://git.example/pr/42")
        gate = await peer_reviews.peer_review_gate(
            world.session, release.id, "production", world.clock.now()
        )
        assert gate.status == GateStatus.PASSED
        assert gate.evidence["approvedBy"] == [world.people["bob"].username]


class TestRecordingAReview:
    async def test_a_review_is_audited(self, world: RiskWorld) -> None:
        release = await _payment_change(world)
        review = await world.review(release, "bob", comment="Looks right.")
        assert (review.verdict, review.version) == ("approved", 1)
        (record,) = await world.audit(review.id)
        assert record.action == "peer_review.create"

    async def test_a_second_verdict_replaces_the_first(self, world: RiskWorld) -> None:
        release = await _payment_change(world)
        first = await world.review(release, "bob", "changes_requested", comment="Rounding?")
        gate = await peer_reviews.peer_review_gate(
            world.session, release.id, "staging", world.clock.now()
        )
        assert gate.status == GateStatus.FAILED
        second = await world.review(release, "bob", "approved", comment="Fixed.")
        assert second.id == first.id and second.version == 2
        actions = [r.action for r in await world.audit(first.id)]
        assert actions == ["peer_review.create", "peer_review.update"]
        gate = await peer_reviews.peer_review_gate(
            world.session, release.id, "staging", world.clock.now()
        )
        assert gate.status == GateStatus.PASSED

    async def test_a_double_submit_changes_nothing(self, world: RiskWorld) -> None:
        release = await _payment_change(world)
        first = await world.review(release, "bob", comment="Fine.")
        again = await world.review(release, "bob", comment="Fine.")
        assert again.id == first.id and again.version == 1
        assert len(await world.audit(first.id)) == 1
        rows = (
            await world.session.scalars(
                PeerReview.__table__.select().where(PeerReview.release_id == release.id)
            )
        ).all()
        assert len(rows) == 1

    async def test_changes_requested_say_which(self, world: RiskWorld) -> None:
        release = await _payment_change(world)
        with pytest.raises(DomainError) as e:
            await world.review(release, "bob", "changes_requested")
        assert (e.value.code, e.value.field) == ("COMMENT_REQUIRED", "comment")

    async def test_an_unknown_verdict_is_refused(self, world: RiskWorld) -> None:
        release = await _payment_change(world)
        with pytest.raises(DomainError) as e:
            await world.review(release, "bob", "lgtm")
        assert (e.value.code, e.value.field) == ("INVALID_VERDICT", "verdict")

    async def test_a_closed_release_takes_no_reviews(self, world: RiskWorld) -> None:
        svc = await world.service()
        release = await world.release([svc], ["payment_logic"], status="cancelled")
        with pytest.raises(DomainError) as e:
            await world.review(release, "bob")
        assert e.value.code == "RELEASE_CLOSED"

    async def test_a_release_outside_your_bus_is_not_found(self, world: RiskWorld) -> None:
        release = await _payment_change(world)
        uow = world.uow("bob", authorizer=OnlyIn(world.other_bu.id))
        with pytest.raises(NotFound):
            await peer_reviews.record_peer_review(uow, cmd.RecordPeerReview(release.id, "approved"))


class TestTheGateOnRealData:
    async def test_a_low_risk_change_needs_no_review(self, world: RiskWorld) -> None:
        svc = await world.service()
        await world.release([svc], status="deployed")
        release = await world.release([svc], ["ui"])
        gate = await peer_reviews.peer_review_gate(
            world.session, release.id, "production", world.clock.now()
        )
        assert gate.status == GateStatus.PASSED and not gate.evidence["required"]

    async def test_a_review_by_someone_who_became_an_author_stops_counting(
        self, world: RiskWorld
    ) -> None:
        from domain.governance.models import ReleaseAuthor

        release = await _payment_change(world)
        await world.review(release, "bob")
        world.session.add(ReleaseAuthor(release_id=release.id, person_id=world.people["bob"].id))
        await world.session.flush()
        gate = await peer_reviews.peer_review_gate(
            world.session, release.id, "production", world.clock.now()
        )
        assert gate.status == GateStatus.PENDING

    async def test_reviews_are_listed_per_release(self, world: RiskWorld) -> None:
        release = await _payment_change(world)
        await world.review(release, "bob")
        await world.review(release, "cid", "changes_requested", comment="Tests?")
        grouped = await queries.reviews_of_releases(world.reader(), [release.id])
        assert [r.verdict for r in grouped[release.id]] == ["approved", "changes_requested"]
        hidden = await queries.reviews_of_releases(
            world.reader(authorizer=OnlyIn(world.other_bu.id)), [release.id]
        )
        assert hidden == {}
