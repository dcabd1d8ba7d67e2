"""The gates judged on the release that ships the artifact: peer review, and before
production its documentation, board decision, readiness and integration window.

Pure: the peer-review and integration-window rules are the risk and trains contexts' own
(domain.risk.review_rules, domain.trains.rules) over the snapshot's facts.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from domain.governance.facts import GoLiveFacts, ReleaseFacts
from domain.governance.vocabulary import ReleaseStatus
from domain.kernel import gates
from domain.kernel.gates import GateOutcome
from domain.pipelines.snapshot import Gate, ReleaseSide, Snapshot
from domain.readiness.notice_rules import notice_gate
from domain.risk import review_rules
from domain.risk.assessment_rules import RiskResult
from domain.trains.facts import IntegrationFacts
from domain.trains.rules import integration_window_passed

READY = frozenset({ReleaseStatus.APPROVED, ReleaseStatus.SCHEDULED, ReleaseStatus.DEPLOYING})


def release_gates(s: Snapshot) -> list[Gate]:
    """The release's gates for this target (readiness pending when production has none); the
    integration window is judged at the asking time."""
    side = s.of_release
    if side is None:
        if not s.production:
            return []
        return [gates.pending("readiness", "A production promotion needs a release that ships it.")]
    review: Gate = peer_review_gate(side, s.environment.kind)
    go_live = side.release.go_live
    if not s.production or go_live is None:
        return [review]
    return [
        review,
        documentation_gate(go_live),
        board_decision_gate(side.risk, go_live, side.go_no_go_disciplines),
        readiness_gate(side.release),
        partial(integration_window_gate, side.integration),
        partial(notice_gate, side.downtime_notice, side.downtime_notice_period_hours),
    ]


def peer_review_gate(side: ReleaseSide, environment_kind: str) -> GateOutcome:
    """Reviewed by someone other than its authors when its change types or risk need it."""
    requirement = review_rules.requirement(
        side.release.change_types,
        side.risk.peer_review_change_types,
        side.risk.level.value,
        side.risk.requirements.peer_review,
    )
    return review_rules.gate(
        requirement, side.peer_reviews, side.release.author_ids, environment_kind
    )


def documentation_gate(go_live: GoLiveFacts) -> GateOutcome:
    """Every documentation field the templates require is filled in."""
    if not go_live.missing_documentation:
        return gates.passed("documentation", "Every required documentation section is filled.")
    names = ", ".join(go_live.missing_documentation)
    return gates.failed("documentation", f"Documentation is missing: {names}.", missing=names)


def board_decision_gate(
    risk: RiskResult, go_live: GoLiveFacts, go_disciplines: frozenset[str]
) -> GateOutcome:
    """The board decided go, when the risk level (or the guardrails) need a board decision,
    with a go vote from each discipline the `go_no_go_disciplines` guardrail names."""
    if not risk.requirements.board_decision:
        return gates.passed(
            "board_decision", f"Risk {risk.level} needs no board go/no-go decision."
        )
    if not go_live.board_decisions:
        return gates.pending(
            "board_decision", f"Risk {risk.level} needs a board go/no-go decision; none yet."
        )
    last = go_live.board_decisions[-1]
    evidence = {"sessionId": str(last.session_id), "outcome": last.outcome}
    if last.outcome != "go":
        return gates.failed("board_decision", f"The board decided {last.outcome}.", **evidence)
    needed = ", ".join(sorted(go_disciplines))
    missing = sorted(go_disciplines - last.go_disciplines)
    if missing:
        return gates.failed(
            "board_decision",
            f"The board decided go without a go vote from {', '.join(missing)}; the guardrails "
            f"of the release's services need go votes from {needed}.",
            missingDisciplines=missing,
            **evidence,
        )
    with_votes = f", with go votes from {needed}" if needed else ""
    return gates.passed("board_decision", f"The board decided go{with_votes}.", **evidence)


def readiness_gate(release: ReleaseFacts) -> GateOutcome:
    """The release is approved (or further along) before production."""
    if release.status in READY:
        return gates.passed("readiness", f"The release is {release.status}.")
    return gates.pending("readiness", f"The release is {release.status}, not approved yet.")


def integration_window_gate(integration: IntegrationFacts | None, now: datetime) -> GateOutcome:
    """The integration window of the release's train departure has passed at `now`."""
    if integration is None:
        return gates.passed("integration_window", "The release rides no train departure.")
    result = integration_window_passed(integration.window, integration.results, now)
    make = gates.passed if result.passed else gates.failed
    return make("integration_window", result.reason, departureId=str(integration.departure_id))
