"""The promotion decision's pure rules: segregation of duties, approvals, waivers, verdict."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.compliance.bypass_rules import BypassFacts
from domain.kernel import gates
from domain.kernel.gates import GateOutcome, GateStatus
from domain.pipelines.decision_rules import (
    ApprovalFacts,
    Chain,
    ChangeFacts,
    DisciplineNeed,
    SodCode,
    approvals_gates,
    conflicts,
    decide,
)

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
ALICE, BOB, CAROL, DAVE = (uuid.uuid4() for _ in range(4))
RELEASE, PROD = uuid.uuid4(), uuid.uuid4()


def _approval(person: uuid.UUID, name: str) -> ApprovalFacts:
    return ApprovalFacts(uuid.uuid4(), person, name, NOW)


def _bypass(*gate_keys: str, expires: timedelta = timedelta(hours=2)) -> BypassFacts:
    return BypassFacts(
        id=uuid.uuid4(),
        release_id=RELEASE,
        environment_id=PROD,
        gates=frozenset(gate_keys),
        status="approved",
        requested_by_id=ALICE,
        approved_at=NOW - timedelta(minutes=5),
        expires_at=NOW + expires,
    )


class TestSegregationOfDutiesCoversTheWholeChain:
    chain = Chain.of(ALICE, [ChangeFacts("abc123", frozenset({BOB}), frozenset({CAROL}))])

    def test_the_requester_an_author_and_a_reviewer_each_conflict(self) -> None:
        assert conflicts(ALICE, self.chain) == [SodCode.SOD_REQUESTER]
        assert conflicts(BOB, self.chain) == [SodCode.SOD_AUTHOR]
        assert conflicts(CAROL, self.chain) == [SodCode.SOD_REVIEWER]
        assert conflicts(DAVE, self.chain) == []

    def test_an_approval_by_an_author_fails_the_gate_and_does_not_count(self) -> None:
        approval, sod = approvals_gates([_approval(BOB, "bob")], 1, self.chain)
        assert sod.status is GateStatus.FAILED and "bob (SOD_AUTHOR)" in sod.reason
        assert approval.status is GateStatus.PENDING

    def test_enough_independent_approvals_pass_both_gates(self) -> None:
        approval, sod = approvals_gates([_approval(DAVE, "dave")], 1, self.chain)
        assert (approval.status, sod.status) == (GateStatus.PASSED, GateStatus.PASSED)

    def test_missing_approvals_name_the_delegation_pool(self) -> None:
        approval, _ = approvals_gates([], 2, self.chain, delegates=["erin", "frank"])
        assert approval.status is GateStatus.PENDING
        assert "erin, frank" in approval.reason


class TestApprovalsCoverTheRequiredDisciplines:
    chain = Chain.of(ALICE, [ChangeFacts("abc123", frozenset({BOB}), frozenset())])
    need = DisciplineNeed(
        ("engineering", "product"),
        {BOB: frozenset({"product"}), CAROL: frozenset({"engineering"}), DAVE: frozenset()},
        "risk high",
    )

    def test_enough_approvals_without_a_discipline_wait_and_name_it(self) -> None:
        approval, _ = approvals_gates(
            [_approval(CAROL, "carol"), _approval(DAVE, "dave")], 2, self.chain, (), self.need
        )
        assert approval.status is GateStatus.PENDING
        assert approval.reason == (
            "2 of 2 approvals given. No approval yet from product: risk high needs approvals "
            "from engineering, product."
        )
        assert approval.evidence["missingDisciplines"] == ["product"]

    def test_an_approval_that_fails_segregation_of_duties_covers_no_discipline(self) -> None:
        approval, sod = approvals_gates(
            [_approval(BOB, "bob"), _approval(CAROL, "carol")], 1, self.chain, (), self.need
        )
        assert sod.status is GateStatus.FAILED
        assert approval.status is GateStatus.PENDING
        assert approval.evidence["missingDisciplines"] == ["product"]

    def test_approvals_covering_every_discipline_pass(self) -> None:
        need = DisciplineNeed(("engineering",), self.need.of_person, "risk low")
        approval, _ = approvals_gates([_approval(CAROL, "carol")], 1, self.chain, (), need)
        assert (approval.status, approval.reason) == (
            GateStatus.PASSED,
            "1 of 1 approvals given, covering engineering.",
        )


class TestABypassWaivesExactlyTheNamedGates:
    def test_named_blocking_gates_are_waived_and_others_still_block(self) -> None:
        outcomes = [
            gates.failed("security_scan", "2 critical vulnerabilities, at most 0."),
            gates.failed("freeze", "Falls into the year-end freeze."),
            gates.passed("documentation", "Complete."),
        ]
        bypass = _bypass("security_scan", "documentation")
        decision = decide(outcomes, [bypass], RELEASE, PROD, NOW)
        by_gate = decision.by_gate()
        assert by_gate["security_scan"].status is GateStatus.WAIVED
        assert by_gate["security_scan"].waived_by == bypass.id
        assert by_gate["documentation"].status is GateStatus.PASSED
        assert by_gate["freeze"].status is GateStatus.FAILED
        assert not decision.allowed
        assert decision.summary == "Refused: 1 of 3 gates block: freeze."
        assert decision.used_bypasses == (bypass,)

    def test_segregation_of_duties_is_never_waived(self) -> None:
        outcomes = [gates.failed("segregation_of_duties", "Approver wrote the change.")]
        decision = decide(outcomes, [_bypass("segregation_of_duties")], RELEASE, PROD, NOW)
        assert not decision.allowed

    def test_an_expired_bypass_waives_nothing(self) -> None:
        outcomes = [gates.failed("freeze", "Frozen.")]
        late = _bypass("freeze", expires=timedelta(minutes=-1))
        assert not decide(outcomes, [late], RELEASE, PROD, NOW).allowed


statuses = st.sampled_from([GateStatus.PASSED, GateStatus.FAILED, GateStatus.PENDING])
gate_names = st.sampled_from(["freeze", "security_scan", "approvals", "segregation_of_duties"])


class TestTheVerdictFollowsTheGates:
    @given(st.lists(st.tuples(gate_names, statuses), max_size=8), st.sets(gate_names))
    def test_allowed_exactly_when_nothing_blocks_after_waivers(
        self, rows: list[tuple[str, GateStatus]], waived: set[str]
    ) -> None:
        outcomes = [GateOutcome(g, s, "r") for g, s in rows]
        decision = decide(outcomes, [_bypass(*waived)] if waived else [], RELEASE, PROD, NOW)
        assert decision.allowed == (not any(o.blocks for o in decision.outcomes))
        for before, after in zip(outcomes, decision.outcomes, strict=True):
            if not before.blocks:
                assert after == before
            elif after.status is GateStatus.WAIVED:
                assert before.gate in waived and before.gate != "segregation_of_duties"
