"""A service's first launch: the pure rule that tells one from its production history, and the
service readiness review's part of the `readiness_review` gate in the promotion decision."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

import pytest

from domain.guardrails.fields import CORE_DEFAULTS, FIELDS, PROFILE_DEFAULTS
from domain.kernel import gates
from domain.kernel.gates import GateStatus
from domain.pipelines.judge import judge
from domain.pipelines.snapshot import Snapshot
from domain.readiness.review_launch import (
    GUARDRAIL,
    LaunchFacts,
    ProductionHistory,
    combine,
    first_launch,
)
from domain.readiness.review_rules import ItemFacts, ReviewFacts
from tests.domain.pipelines.test_judge import T0, snapshot

OPENER = uuid.uuid4()
SIGNER = uuid.uuid4()
REQUIRED = {**CORE_DEFAULTS, GUARDRAIL: True}


def item(key: str = "sre.runbook", evidence: bool = True) -> ItemFacts:
    return ItemFacts(
        key,
        "runbook",
        "Runbook",
        "https://e.example/r" if evidence else None,
        T0 - timedelta(days=1) if evidence else None,
        T0 + timedelta(days=10) if evidence else None,
    )


def service_review(
    s: Snapshot, *, signer: uuid.UUID | None = SIGNER, items: tuple[ItemFacts, ...] | None = None
) -> ReviewFacts:
    return ReviewFacts(
        uuid.uuid4(),
        None,
        "signed_off" if signer else "open",
        signer,
        items if items is not None else (item(),),
        s.service.id,
        OPENER,
    )


def launching(
    s: Snapshot, review: ReviewFacts | None = None, deployments: int = 0, reports: int = 0
) -> Snapshot:
    history = ProductionHistory(s.service.id, deployments, reports)
    return dataclasses.replace(s, launch=LaunchFacts(history, review))


def gate(s: Snapshot) -> gates.GateOutcome:
    return judge(s, T0).by_gate()["readiness_review"]


class TestFirstLaunchIsARuleOverTheProductionHistory:
    def test_no_succeeded_nor_reported_production_deployment_is_a_first_launch(self) -> None:
        sid = uuid.uuid4()
        assert first_launch(ProductionHistory(sid))
        assert not first_launch(ProductionHistory(sid, succeeded_deployments=1))
        assert not first_launch(ProductionHistory(sid, reported_deployments=1))

    def test_the_guardrail_requires_with_true_and_defaults_off_in_every_tier(self) -> None:
        assert FIELDS[GUARDRAIL].strictness.value == "require"
        assert CORE_DEFAULTS[GUARDRAIL] is False
        assert all(GUARDRAIL not in profile for profile in PROFILE_DEFAULTS.values())


class TestTheGuardrailRequiresAServiceReviewForAFirstLaunch:
    def test_required_and_none_open_is_pending_naming_the_service(self) -> None:
        s = snapshot(guardrails=REQUIRED)
        refused = gate(launching(s))
        assert refused.status is GateStatus.PENDING
        assert refused.reason == (
            "The first launch of service 'pay' needs its signed service readiness review; "
            "none is open."
        )
        assert not judge(launching(s), T0).allowed

    def test_not_required_and_none_open_passes_as_before(self) -> None:
        s = snapshot()
        assert gate(launching(s)) == gate(s)
        assert gate(s).status is GateStatus.PASSED

    def test_once_the_service_has_been_in_production_its_review_no_longer_matters(
        self,
    ) -> None:
        s = snapshot(guardrails=REQUIRED)
        unsigned = service_review(s, signer=None, items=(item(evidence=False),))
        for deployments, reports in ((1, 0), (0, 1)):
            launched = launching(s, unsigned, deployments, reports)
            assert gate(launched).status is GateStatus.PASSED
            assert "serviceReadinessReviewId" not in gate(launched).evidence

    def test_not_gathered_is_no_first_launch(self) -> None:
        assert gate(snapshot(guardrails=REQUIRED)).status is GateStatus.PASSED


class TestTheServiceReviewIsJudgedItemByItemAndSignedIndependently:
    def test_missing_items_are_named_with_the_service(self) -> None:
        s = snapshot(guardrails=REQUIRED)
        review = service_review(s, signer=None, items=(item(), item("sre.rota", evidence=False)))
        refused = gate(launching(s, review))
        assert refused.status is GateStatus.PENDING
        assert refused.evidence["serviceMissing"] == ["Runbook (sre.rota): no evidence"]
        assert refused.evidence["serviceReadinessReviewId"] == str(review.id)
        assert refused.reason == (
            "The service readiness review of service 'pay' (first launch) is missing: "
            "Runbook (sre.rota): no evidence."
        )

    def test_complete_but_unsigned_awaits_an_sre(self) -> None:
        s = snapshot(guardrails=REQUIRED)
        refused = gate(launching(s, service_review(s, signer=None)))
        assert refused.status is GateStatus.PENDING
        assert "awaits an SRE's sign-off" in refused.reason

    def test_signed_by_an_independent_sre_passes_and_says_so(self) -> None:
        s = snapshot(guardrails=REQUIRED)
        review = service_review(s)
        passed = gate(launching(s, review))
        assert passed.status is GateStatus.PASSED
        assert passed.evidence["serviceSignedOffById"] == str(SIGNER)
        assert "(first launch): its 1 items are met and signed off" in passed.reason
        assert judge(launching(s, review), T0).allowed

    @pytest.mark.parametrize("who", ["opener", "release author"])
    def test_signed_by_its_opener_or_an_author_of_the_release_fails(self, who: str) -> None:
        s = snapshot(guardrails=REQUIRED)
        assert s.of_release is not None
        signer = OPENER if who == "opener" else s.of_release.release.author_ids[0]
        failed = gate(launching(s, service_review(s, signer=signer)))
        assert failed.status is GateStatus.FAILED
        assert "signed off by its opener or one of the release's authors" in failed.reason

    def test_an_open_review_is_judged_even_where_none_is_required(self) -> None:
        s = snapshot()
        review = service_review(s, signer=None)
        assert gate(launching(s, review)).status is GateStatus.PENDING

    def test_evidence_expiring_blocks_a_cached_snapshot_at_the_later_asking(self) -> None:
        s = launching(snapshot(guardrails=REQUIRED), None)
        s = launching(s, service_review(s))
        assert gate(s).status is GateStatus.PASSED
        later = judge(s, T0 + timedelta(days=11)).by_gate()["readiness_review"]
        assert later.status is GateStatus.PENDING
        assert "evidence expired" in later.reason


class TestBothReviewsInOneGate:
    """In addition, not instead: the release's review covers the change, the service's its
    operability; a first launch of a critical service needs both signed."""

    def test_a_critical_first_launch_names_both_missing_reviews(self) -> None:
        s = snapshot(guardrails={**CORE_DEFAULTS, **PROFILE_DEFAULTS["critical"], GUARDRAIL: True})
        refused = gate(launching(s))
        assert refused.status is GateStatus.PENDING
        assert "A readiness review is required" in refused.reason
        assert "The first launch of service 'pay' needs" in refused.reason

    def test_the_worse_status_wins_and_only_blocking_reasons_are_shown(self) -> None:
        ok = gates.passed("readiness_review", "Release fine.", readinessReviewId="r")
        waiting = gates.pending("readiness_review", "Service waits.", serviceReadinessReviewId="s")
        bad = gates.failed("readiness_review", "Release signed by an author.")
        assert combine(ok, None) is ok
        both = combine(ok, waiting)
        assert (both.status, both.reason) == (GateStatus.PENDING, "Service waits.")
        assert both.evidence == {"readinessReviewId": "r", "serviceReadinessReviewId": "s"}
        assert combine(bad, waiting).status is GateStatus.FAILED
        assert combine(bad, waiting).reason == "Release signed by an author. Service waits."
        fine = combine(ok, gates.passed("readiness_review", "Service fine."))
        assert (fine.status, fine.reason) == (GateStatus.PASSED, "Release fine. Service fine.")
