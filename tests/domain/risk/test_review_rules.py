"""The peer-review gate as a pure function: required when, passed when, blocking where."""

from __future__ import annotations

import uuid

import pytest

from domain.kernel.gates import GateStatus
from domain.risk.review_rules import Review, gate, requirement

ANN, BOB, CID = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
NEEDED = requirement(["payment_logic", "ui"], ["payment_logic", "schema_migration"], "high", False)


class TestWhenAReviewIsRequired:
    def test_by_change_types_the_guardrails_list(self) -> None:
        assert NEEDED.required and NEEDED.change_types == ("payment_logic",)
        assert "payment_logic" in NEEDED.reason

    def test_by_a_risk_level_that_requires_it(self) -> None:
        req = requirement(["ui"], ["payment_logic"], "critical", True)
        assert req.required and req.change_types == ()
        assert "critical risk level" in req.reason

    def test_not_otherwise(self) -> None:
        req = requirement(["ui"], ["payment_logic"], "low", False)
        outcome = gate(req, [], [], "production")
        assert not req.required and outcome.status == GateStatus.PASSED
        assert outcome.reason.startswith("No peer review is required")


class TestTheGate:
    def test_an_approval_by_a_non_author_passes(self) -> None:
        outcome = gate(NEEDED, [Review(BOB, "bob", "approved")], [ANN], "production")
        assert outcome.status == GateStatus.PASSED
        assert outcome.evidence["approvedBy"] == ["bob"]

    def test_an_approval_by_an_author_does_not_count(self) -> None:
        outcome = gate(NEEDED, [Review(ANN, "ann", "approved")], [ANN], "staging")
        assert outcome.status == GateStatus.PENDING
        assert "payment_logic" in outcome.reason and "before staging" not in outcome.reason

    def test_standing_changes_requested_fail_even_with_an_approval(self) -> None:
        reviews = [Review(BOB, "bob", "approved"), Review(CID, "cid", "changes_requested")]
        outcome = gate(NEEDED, reviews, [ANN], "performance")
        assert outcome.status == GateStatus.FAILED
        assert "cid" in outcome.reason

    @pytest.mark.parametrize("kind", ["development", "test"])
    def test_before_staging_a_missing_review_does_not_block(self, kind: str) -> None:
        outcome = gate(NEEDED, [], [ANN], kind)
        assert outcome.status == GateStatus.PASSED
        assert "before staging" in outcome.reason

    @pytest.mark.parametrize("kind", ["staging", "performance", "production", "unknown"])
    def test_from_staging_on_a_missing_review_blocks(self, kind: str) -> None:
        outcome = gate(NEEDED, [], [ANN], kind)
        assert outcome.blocks and outcome.gate == "peer_review"
