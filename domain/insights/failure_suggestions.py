"""The control adjustments suggested for a change type that stands out (`failure_rules`):
the controls a policy proposal can change today (`policy_targets`: guardrail fields), judged
against the values in force where the suggestion lands: a peer review or an SRE readiness
review for that change type (gates before staging and before production), or a higher minimum
test coverage (testing depth). A risk factor weight is not among them: a proposal cannot change
the risk model's change-type weights yet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.insights.failure_rules import Group
from domain.insights.policy_rules import Target
from domain.insights.policy_vocabulary import TargetKind, TargetScope
from domain.kernel.vocabulary import ChangeType

COVERAGE_STEP = 10
"""How much a suggested test-coverage minimum rises, in percentage points (at most to 100)."""


class Control(StrEnum):
    """A control a suggestion changes (each one guardrail field, see `CONTROL_FIELDS`)."""

    PEER_REVIEW = "peer_review"
    """A gate before staging: the change type needs a peer review by a non-author."""
    READINESS_REVIEW = "readiness_review"
    """A gate before production: the change type needs a signed-off SRE readiness review."""
    TEST_COVERAGE = "test_coverage"
    """Testing depth: a higher minimum test coverage for every artifact at the target."""


CONTROL_FIELDS: dict[Control, str] = {
    Control.PEER_REVIEW: "peer_review_change_types",
    Control.READINESS_REVIEW: "readiness_review_change_types",
    Control.TEST_COVERAGE: "min_test_coverage_percent",
}
"""The guardrail field each control is (read in force, proposed through `policy_targets`)."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where a suggestion lands: a tier profile (the scope names a tier), the scope's BU's
    guardrail set (it names a BU), else the org's core."""

    scope: TargetScope
    tier: str | None = None


def place(tier: str | None, bu_named: bool) -> Place:
    if tier is not None:
        return Place(TargetScope.TIER, tier)
    return Place(TargetScope.BUSINESS_UNIT if bu_named else TargetScope.CORE)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A control adjustment for a change type that stands out: one guardrail field at one
    place, its value in force and the value proposed, and why (with the figures)."""

    change_type: str
    control: Control
    target: Target
    current: Any
    reason: str


def _where(p: Place) -> str:
    return {
        TargetScope.TIER: f"the {p.tier} tier profile",
        TargetScope.BUSINESS_UNIT: "the business unit's guardrails",
        TargetScope.CORE: "the core guardrails",
    }[p.scope]


def suggestions(group: Group, p: Place, in_force: Mapping[str, Any]) -> tuple[Suggestion, ...]:
    """The control adjustments for a change type that stands out, from the values in force at
    `p` (`CONTROL_FIELDS`' keys): each gate the type lacks, and a deeper testing minimum."""
    t = group.change_type or ""
    if t not in {c.value for c in ChangeType}:
        return ()
    why = group.verdict
    out: list[Suggestion] = []

    def add(control: Control, current: Any, proposed: Any, what: str) -> None:
        target = Target(TargetKind.GUARDRAIL, p.scope, p.tier, CONTROL_FIELDS[control], proposed)
        out.append(Suggestion(t, control, target, current, f"{what} in {_where(p)}. {why}"))

    for control, gate in (
        (Control.PEER_REVIEW, "a peer review by a non-author before staging"),
        (Control.READINESS_REVIEW, "a signed-off SRE readiness review before production"),
    ):
        current = sorted(in_force.get(CONTROL_FIELDS[control]) or [])
        if t not in current:
            add(control, current, sorted({*current, t}), f"Require {gate} for {t} changes")
    coverage = in_force.get(CONTROL_FIELDS[Control.TEST_COVERAGE])
    if isinstance(coverage, int | float) and coverage < 100:
        raised = min(100, int(coverage) + COVERAGE_STEP)
        add(
            Control.TEST_COVERAGE,
            coverage,
            raised,
            f"Test deeper: raise the minimum test coverage from {coverage:g}% to {raised}%",
        )
    return tuple(out)
