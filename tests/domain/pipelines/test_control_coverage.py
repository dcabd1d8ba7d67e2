"""Every control about people bites: a decision that passes changes when that one control is
tightened (docs/architecture.md, "Every control bites").

Each test starts from the judge's production snapshot where every gate passes (or a go/no-go
session that decides go), tightens one control the way an organization configures it (a BU
guardrail set merged over the core, a stricter risk model), and watches the decision change.
"""

from __future__ import annotations

import dataclasses
import uuid

from domain.governance import board_rules
from domain.governance.facts import BoardDecisionFacts
from domain.governance.vocabulary import SessionOutcome, VoteChoice
from domain.guardrails.effective import EffectiveGuardrails, core_layer, effective_values
from domain.guardrails.facts import go_no_go_disciplines
from domain.guardrails.rules import Layer
from domain.kernel.gates import GateStatus
from domain.pipelines.judge import judge
from domain.pipelines.snapshot import Snapshot
from domain.risk.assessment_rules import RiskInputs, assess
from domain.risk.model import DEFAULT_MODEL, Requirement, RiskLevel
from domain.risk.scoring import RiskFacts
from tests.domain.pipelines.test_judge import BU, T0, _release, snapshot

ENGINEERING_AND_PRODUCT = frozenset({"engineering", "product"})


def guardrails(**bu_set: object) -> EffectiveGuardrails:
    """The core guardrails, tightened by a BU set holding `bu_set`."""
    layers = [core_layer(None), Layer("bu:payments", 1, bu_set) if bu_set else None]
    return EffectiveGuardrails(uuid.uuid4(), BU, "internal", None, effective_values(layers))


class TestGoNoGoDisciplinesBite:
    """Guardrail `go_no_go_disciplines`: the go/no-go session and the board decision gate."""

    votes = [
        board_rules.Ballot(name, discipline, VoteChoice.GO)
        for name, discipline in (("Erin", "engineering"), ("Pia", "product"))
    ]

    def session_outcome(self, g: EffectiveGuardrails) -> SessionOutcome:
        rule = board_rules.BoardRule(1, 1, frozenset(), frozenset(), go_no_go_disciplines([g]))
        return board_rules.decide(rule, self.votes).outcome

    def board_gate(self, g: EffectiveGuardrails) -> tuple[bool, GateStatus, str]:
        decided = BoardDecisionFacts(uuid.uuid4(), "go", ENGINEERING_AND_PRODUCT)
        release = _release(board_decisions=(decided,))
        inputs = RiskInputs(release.id, BU, RiskFacts(), DEFAULT_MODEL, DEFAULT_MODEL.mapping, 0)
        risk = assess(inputs, [{"board_required_from_risk": "low", "peer_review_change_types": []}])
        s = snapshot()
        assert s.of_release is not None
        side = dataclasses.replace(
            s.of_release, release=release, risk=risk, go_no_go_disciplines=go_no_go_disciplines([g])
        )
        decision = judge(dataclasses.replace(s, of_release=side), T0)
        gate = decision.by_gate()["board_decision"]
        return decision.allowed, gate.status, gate.reason

    def test_a_session_with_engineering_and_product_go_no_longer_decides_go(self) -> None:
        assert self.session_outcome(guardrails()) is SessionOutcome.GO
        assert self.session_outcome(guardrails(go_no_go_disciplines=["security"])) is (
            SessionOutcome.NO_QUORUM
        )

    def test_the_board_decision_gate_fails_without_the_new_disciplines_go(self) -> None:
        assert self.board_gate(guardrails()) == (
            True,
            GateStatus.PASSED,
            "The board decided go, with go votes from engineering, product.",
        )
        assert self.board_gate(guardrails(go_no_go_disciplines=["security"])) == (
            False,
            GateStatus.FAILED,
            "The board decided go without a go vote from security; the guardrails of the "
            "release's services need go votes from engineering, product, security.",
        )


class TestTheRiskLevelsApprovingDisciplinesBite:
    """Risk model requirement `disciplines`: the approvals gate."""

    def with_disciplines(self, s: Snapshot, disciplines: tuple[str, ...]) -> Snapshot:
        assert s.of_release is not None
        level = s.of_release.risk.level
        requirements = dict(DEFAULT_MODEL.mapping.requirements)
        requirements[level] = requirements[level].with_value(Requirement.DISCIPLINES, disciplines)
        mapping = dataclasses.replace(DEFAULT_MODEL.mapping, requirements=requirements)
        release = s.of_release.release
        inputs = RiskInputs(release.id, BU, RiskFacts(), DEFAULT_MODEL, mapping, 0)
        risk = assess(
            inputs, [{"board_required_from_risk": "high", "peer_review_change_types": []}]
        )
        return dataclasses.replace(s, of_release=dataclasses.replace(s.of_release, risk=risk))

    def test_an_approval_from_product_becomes_required(self) -> None:
        s = snapshot()
        assert s.risk is not None and s.risk.level is RiskLevel.LOW
        assert s.risk.requirements.disciplines == ("engineering",)
        assert judge(s, T0).allowed

        tightened = judge(self.with_disciplines(s, ("engineering", "product")), T0)
        assert not tightened.allowed
        gate = tightened.by_gate()["approvals"]
        assert gate.status is GateStatus.PENDING
        assert gate.reason == (
            "2 of 2 approvals given. No approval yet from product: risk low needs approvals "
            "from engineering, product."
        )
