"""The `readiness_review` gate in the promotion decision: required by the tier's guardrails,
judged at the asking time, and waived by an emergency bypass like any waivable gate."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import timedelta

from domain.compliance.bypass_rules import BypassFacts
from domain.guardrails.fields import CORE_DEFAULTS, PROFILE_DEFAULTS
from domain.kernel.gates import NON_WAIVABLE, GateKey, GateStatus
from domain.pipelines.judge import judge
from domain.pipelines.snapshot import Snapshot
from domain.readiness.review_rules import ItemFacts, ReviewFacts
from tests.domain.pipelines.test_judge import REQUESTER, T0, snapshot

CRITICAL = {**CORE_DEFAULTS, **PROFILE_DEFAULTS["critical"]}


def with_review(s: Snapshot, review: ReviewFacts | None) -> Snapshot:
    assert s.of_release is not None
    return dataclasses.replace(
        s, of_release=dataclasses.replace(s.of_release, readiness_review=review)
    )


def signed(s: Snapshot, expires_in_days: int = 10) -> ReviewFacts:
    assert s.of_release is not None
    item = ItemFacts(
        "sre.runbook",
        "runbook",
        "Runbook",
        "https://e.example/r",
        T0 - timedelta(days=1),
        T0 + timedelta(days=expires_in_days),
    )
    return ReviewFacts(uuid.uuid4(), s.of_release.release.id, "signed_off", uuid.uuid4(), (item,))


class TestTheGateInTheDecision:
    def test_a_critical_service_needs_a_signed_review_an_internal_one_does_not(self) -> None:
        assert judge(snapshot(), T0).by_gate()["readiness_review"].status is GateStatus.PASSED
        critical = snapshot(guardrails=CRITICAL)
        assert critical.of_release is not None
        refused = judge(critical, T0).by_gate()["readiness_review"]
        assert refused.status is GateStatus.PENDING
        passed = judge(with_review(critical, signed(critical)), T0).by_gate()["readiness_review"]
        assert passed.status is GateStatus.PASSED

    def test_evidence_expiring_blocks_a_cached_snapshot_at_the_later_asking(self) -> None:
        s = snapshot(guardrails=CRITICAL)
        s = with_review(s, signed(s, expires_in_days=2))
        assert judge(s, T0).by_gate()["readiness_review"].status is GateStatus.PASSED
        later = judge(s, T0 + timedelta(days=3)).by_gate()["readiness_review"]
        assert later.status is GateStatus.PENDING

    def test_an_emergency_bypass_waives_it(self) -> None:
        assert GateKey.READINESS_REVIEW not in NON_WAIVABLE
        s = snapshot(guardrails=CRITICAL)
        assert s.of_release is not None
        bypass = BypassFacts(
            uuid.uuid4(),
            s.of_release.release.id,
            s.environment.id,
            frozenset({"readiness_review"}),
            "approved",
            REQUESTER,
            T0 - timedelta(hours=1),
            T0 + timedelta(hours=3),
        )
        s = dataclasses.replace(s, of_release=dataclasses.replace(s.of_release, bypasses=(bypass,)))
        decision = judge(s, T0)
        assert decision.by_gate()["readiness_review"].status is GateStatus.WAIVED
        assert "readiness_review" not in {o.gate for o in decision.outcomes if o.blocks}
