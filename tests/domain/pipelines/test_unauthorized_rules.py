"""The matching rule that links a production deployment to the allowed promotion it carries
out, and when a release may be called deployed (pure rules, no database)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.kernel.errors import DomainError
from domain.pipelines import unauthorized_rules as rules
from domain.pipelines.unauthorized_rules import Candidate, ReleaseDeployment, Reported

SERVICE, ENV, OTHER_ENV = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
RELEASE, OTHER_RELEASE = uuid.uuid4(), uuid.uuid4()
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def promotion(
    status: str = "allowed",
    *,
    version: str = "2.0.0",
    env: uuid.UUID = ENV,
    release: uuid.UUID | None = RELEASE,
    minutes: int = 0,
) -> Candidate:
    return Candidate(
        uuid.uuid4(), SERVICE, env, version, release, status, T0 + timedelta(minutes=minutes)
    )


def reported(**kw: object) -> Reported:
    values: dict[str, object] = {
        "service_id": SERVICE,
        "environment_id": ENV,
        "artifact_version": "2.0.0",
    }
    values.update(kw)
    return Reported(**values)  # type: ignore[arg-type]


class TestWithoutANameTheLatestAllowedPromotionOfTheSameChangeIsLinked:
    def test_the_latest_allowed_or_promoted_one_is_chosen(self) -> None:
        older, newer = promotion("promoted"), promotion("allowed", minutes=5)
        found = rules.match(reported(), [older, newer, promotion("refused", minutes=9)])
        assert (found.promotion, found.release_id, found.reason) == (newer, RELEASE, "")

    @pytest.mark.parametrize(
        "other",
        [
            promotion(version="2.0.1"),
            promotion(env=OTHER_ENV),
        ],
        ids=["another version", "another environment"],
    )
    def test_a_promotion_of_another_change_does_not_cover_it(self, other: Candidate) -> None:
        found = rules.match(reported(), [other])
        assert found.promotion is None
        assert found.reason == "No promotion of 2.0.0 to this environment was asked."
        assert found.release_id is None

    def test_a_waiting_promotion_makes_it_unauthorized_and_names_its_release(self) -> None:
        found = rules.match(reported(), [promotion("waiting")])
        assert found.promotion is None
        assert found.reason == "The promotion of 2.0.0 to this environment is waiting, not allowed."
        assert found.release_id == RELEASE

    def test_a_named_release_limits_the_promotions_to_its_own(self) -> None:
        found = rules.match(reported(release_id=OTHER_RELEASE), [promotion()])
        assert found.promotion is None
        assert found.reason == (
            "No promotion of the named release of 2.0.0 to this environment was asked."
        )
        assert found.release_id == OTHER_RELEASE

    def test_a_report_without_a_version_is_never_covered(self) -> None:
        found = rules.match(reported(artifact_version=""), [promotion(version="")])
        assert found.promotion is None
        assert "names no artifact version" in found.reason


class TestANamedPromotionIsCheckedNotGuessed:
    def test_the_named_allowed_promotion_is_linked_even_when_a_newer_one_exists(self) -> None:
        named, newer = promotion(), promotion(minutes=5)
        found = rules.match(reported(promotion_id=named.id), [named, newer])
        assert found.promotion == named

    def test_a_named_promotion_of_another_version_is_a_mismatch(self) -> None:
        named = promotion(version="1.9.0")
        found = rules.match(reported(promotion_id=named.id), [named])
        assert (found.promotion, found.mismatch) == (None, "PROMOTION_MISMATCH")
        assert "another service, environment or version (1.9.0)" in found.reason

    def test_a_named_promotion_that_does_not_exist_is_a_mismatch(self) -> None:
        found = rules.match(reported(promotion_id=uuid.uuid4()), [promotion()])
        assert (found.promotion, found.mismatch) == (None, "PROMOTION_MISMATCH")

    def test_a_named_promotion_of_another_release_is_a_release_mismatch(self) -> None:
        named = promotion()
        found = rules.match(reported(promotion_id=named.id, release_id=OTHER_RELEASE), [named])
        assert (found.promotion, found.mismatch) == (None, "RELEASE_MISMATCH")

    def test_a_named_refused_promotion_is_unauthorized_without_a_mismatch(self) -> None:
        named = promotion("refused")
        found = rules.match(reported(promotion_id=named.id), [named])
        assert (found.promotion, found.mismatch, found.release_id) == (None, None, RELEASE)
        assert found.reason == "The promotion the report names is refused, not allowed."


class TestOnlyAnAllowedPromotionBecomesPromoted:
    @pytest.mark.parametrize(
        ("status", "promotes"),
        [("allowed", True), ("promoted", False), ("waiting", False), ("cancelled", False)],
    )
    def test_promotes(self, status: str, promotes: bool) -> None:
        assert rules.promotes(status) is promotes


class TestTheReviewer:
    def test_the_deployer_never_reviews_their_own_change(self) -> None:
        deployer = uuid.uuid4()
        with pytest.raises(DomainError) as refused:
            rules.check_reviewer(deployer, deployer)
        assert refused.value.code == "SELF_REVIEW"
        assert rules.check_reviewer(uuid.uuid4(), deployer) != deployer

    def test_a_token_without_a_person_does_not_review(self) -> None:
        with pytest.raises(DomainError) as refused:
            rules.check_reviewer(None, None)
        assert refused.value.code == "SELF_REVIEW"

    @pytest.mark.parametrize("finding", ["", "   ", "x" * (rules.MAX_FINDING + 1)])
    def test_a_finding_says_something_within_bounds(self, finding: str) -> None:
        with pytest.raises(DomainError) as refused:
            rules.check_finding(finding)
        assert (refused.value.code, refused.value.field) == ("INVALID_FINDING", "finding")


class TestAReleaseIsDeployedOnlyWhenItsProductionIsAccountedFor:
    a, b = uuid.uuid4(), uuid.uuid4()
    keys = {a: "api", b: "web"}

    def codes(self, production: bool, *deployments: ReleaseDeployment) -> list[str]:
        found = rules.completion_problems(production, [self.a, self.b], self.keys, deployments)
        return [str(p.code) for p in found]

    def test_every_service_linked_completes(self) -> None:
        linked = [ReleaseDeployment(s, linked=True) for s in (self.a, self.b)]
        assert self.codes(True, *linked) == []

    def test_a_service_without_a_linked_production_deployment_blocks(self) -> None:
        found = rules.completion_problems(
            True, [self.a, self.b], self.keys, [ReleaseDeployment(self.a, linked=True)]
        )
        assert [p.message for p in found] == [
            "No production deployment linked to an allowed promotion of this release: web."
        ]

    def test_an_open_unauthorized_change_blocks_and_a_reviewed_one_counts(self) -> None:
        open_ = ReleaseDeployment(self.b, linked=False, open=True)
        reviewed = ReleaseDeployment(self.b, linked=False, open=False)
        linked = ReleaseDeployment(self.a, linked=True)
        assert self.codes(True, linked, open_) == [
            "PRODUCTION_UNAUTHORIZED",
            "PRODUCTION_NOT_PROMOTED",
        ]
        assert self.codes(True, linked, reviewed) == []

    def test_a_release_not_naming_production_needs_no_links_but_no_open_change(self) -> None:
        assert self.codes(False) == []
        assert self.codes(False, ReleaseDeployment(self.a, linked=False, open=True)) == [
            "PRODUCTION_UNAUTHORIZED"
        ]
