"""The gates judged on the release that ships the artifact: peer review, and before
production its documentation, board decision, release status, readiness review, integration
window and data migrations.

Pure: the peer-review, release-status, readiness-review, data-migration and integration-window
rules are the risk, governance, readiness and trains contexts' own (domain.risk.review_rules,
domain.governance.release_rules, domain.readiness.review_rules,
domain.readiness.migration_rules, domain.trains.rules) over the snapshot's facts.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from domain.governance.facts import GoLiveFacts, ReleaseFacts
from domain.governance.release_rules import may_go_live
from domain.kernel import gates
from domain.kernel.gates import GateOutcome
from domain.pipelines.evidence_gates import EvidenceFacts
from domain.pipelines.snapshot import Gate, ReleaseSide, Snapshot
from domain.pipelines.vocabulary import EvidenceType
from domain.readiness import migration_rules, review_launch
from domain.readiness import review_rules as readiness_rules
from domain.readiness.migration_rules import DryRunFacts
from domain.readiness.notice_rules import notice_gate
from domain.readiness.volume_rules import GUARDRAIL as VOLUME_GUARDRAIL
from domain.risk import review_rules
from domain.risk.assessment_rules import RiskResult
from domain.trains.facts import IntegrationFacts
from domain.trains.rules import integration_window_passed


def release_gates(s: Snapshot) -> list[Gate]:
    """The release's gates for this target (release status pending when production has none);
    the readiness review and the integration window are judged at the asking time."""
    side = s.of_release
    if side is None:
        if not s.production:
            return []
        return [
            gates.pending("release_status", "A production promotion needs a release that ships it.")
        ]
    review: Gate = peer_review_gate(side, s.environment.kind)
    go_live = side.release.go_live
    if not s.production or go_live is None:
        return [review]
    return [
        review,
        documentation_gate(go_live),
        board_decision_gate(side.risk, go_live, side.go_no_go_disciplines),
        release_status_gate(side.release),
        partial(readiness_review_gate, s, side),
        partial(integration_window_gate, side.integration),
        data_migrations_gate(s),
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


def release_status_gate(release: ReleaseFacts) -> GateOutcome:
    """The release is approved (or further along) before production: its lifecycle's say
    (governance), apart from whether operations are ready for it (the readiness review)."""
    if may_go_live(release.status):
        return gates.passed("release_status", f"The release is {release.status}.")
    return gates.pending("release_status", f"The release is {release.status}, not approved yet.")


def readiness_review_gate(s: Snapshot, side: ReleaseSide, now: datetime) -> GateOutcome:
    """The release's SRE readiness review, where the service's guardrails, the release's change
    types or a listing stage require one (or one is open), and for a service's first launch its
    service review too (domain.readiness.review_launch), judged at `now` (evidence expires)."""
    need = readiness_rules.need(
        s.guardrails, side.release.change_types, s.listed.get(readiness_rules.GATE)
    )
    release = readiness_rules.gate(need, side.readiness_review, side.release.author_ids, now)
    service = review_launch.service_gate(
        s.launch,
        s.guardrails,
        s.service.key,
        side.release.author_ids,
        now,
        need.runbook_max_age_days,
    )
    return review_launch.combine(release, service)


def integration_window_gate(integration: IntegrationFacts | None, now: datetime) -> GateOutcome:
    """The integration window of the release's train departure has passed at `now`."""
    if integration is None:
        return gates.passed("integration_window", "The release rides no train departure.")
    result = integration_window_passed(integration.window, integration.results, now)
    make = gates.passed if result.passed else gates.failed
    return make("integration_window", result.reason, departureId=str(integration.departure_id))


def dry_runs(evidence: EvidenceFacts) -> tuple[DryRunFacts, ...]:
    """The artifact's latest migration dry run per tool, as the data_migrations gate reads it."""
    return tuple(
        DryRunFacts(
            r.evidence_id,
            r.subject,
            r.passed,
            tuple(r.payload.get("migrations") or ()),
            r.payload.get("rowsScanned"),
            int(r.payload.get("errors") or 0),
        )
        for r in evidence.of(EvidenceType.MIGRATION_DRY_RUN)
    )


def data_migrations_gate(s: Snapshot) -> GateOutcome:
    """The release's data migrations of this service: pre-validated, dry-run on this build at
    production-like volume, compensable (domain.readiness.migration_rules)."""
    side = s.of_release
    declared = [m for m in side.data_migrations if m.service_id == s.service_id] if side else []
    return migration_rules.data_migrations_gate(
        declared,
        dry_runs(s.evidence),
        s.change_types,
        s.volume,
        float(s.guardrails.get(VOLUME_GUARDRAIL) or 0),
    )
