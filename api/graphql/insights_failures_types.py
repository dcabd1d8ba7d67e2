"""Types of where changes fail: the figures of each change type, risk level, kind and cell, the
rows behind each figure, the types that stand out and the controls suggested for them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.insights_dora_types import DoraFailureDefinition
from api.graphql.insights_failures_analysis_types import ChangeFailureControl
from api.graphql.insights_ledger_types import ChangeLedgerEntry
from api.graphql.insights_policy_types import PolicyTargetScope
from api.graphql.organization_types import Tier
from api.graphql.pipelines_evidence_types import IncidentReport, IncidentSeverity
from api.graphql.relay import load_nodes, to_global_id
from domain.insights import failure_rules as rules
from domain.insights import failure_suggestions as advice
from domain.insights.failure_queries import FailureReport
from domain.kernel.errors import DomainError

MAX_ROWS = 500


def _first(first: int) -> int:
    if not 0 <= first <= MAX_ROWS:
        raise DomainError(f"first is 0 to {MAX_ROWS}.", field="first")
    return first


@strawberry.type(description="Incidents of one severity.")
class SeverityCount:
    severity: str = strawberry.field(description="SEV1 (the worst) to SEV4, or unknown.")
    incidents: int


@strawberry.type(
    description="The figures of a group of changes, and the rows behind each (the first "
    "`first` of each list, earliest first; the counts are of all)."
)
class ChangeFailureFigures:
    changes: int = strawberry.field(description="Changes counted (the rate's denominator).")
    failed: int
    incident_count: int = strawberry.field(description="Incidents counted against them.")
    share: float | None = strawberry.field(
        description="Of all the scope's changes counted, 0 to 1; null when it has none."
    )
    rate: float | None = strawberry.field(
        description="Change failure rate, 0 to 1; null when nothing was counted."
    )
    lift: float | None = strawberry.field(
        description="The rate over the scope's overall rate; null when the overall is 0 or null."
    )
    by_severity: list[SeverityCount]
    worst_severity: IncidentSeverity | None  # type: ignore[valid-type]
    figures: strawberry.Private[rules.Figures]
    report: strawberry.Private[FailureReport]

    @classmethod
    def of(cls, f: rules.Figures, report: FailureReport) -> ChangeFailureFigures:
        return cls(
            changes=len(f.changes),
            failed=len(f.failed),
            incident_count=len(f.incidents),
            share=f.share,
            rate=f.rate,
            lift=f.lift,
            by_severity=[SeverityCount(severity=s, incidents=n) for s, n in f.by_severity],
            worst_severity=None if f.worst is None else IncidentSeverity(f.worst),
            figures=f,
            report=report,
        )

    def _entries(self, ids: Sequence[uuid.UUID], first: int) -> list[ChangeLedgerEntry]:
        rows = self.report.entries
        return [ChangeLedgerEntry.from_row(rows[i]) for i in ids[: _first(first)]]

    @strawberry.field(description="The changes counted.")
    def counted_changes(self, first: int = 50) -> list[ChangeLedgerEntry]:
        return self._entries(self.figures.changes, first)

    @strawberry.field(description="The failed changes.")
    def failed_changes(self, first: int = 50) -> list[ChangeLedgerEntry]:
        return self._entries(self.figures.failed, first)

    @strawberry.field(
        description="The global ids of the incidents counted against the changes (IncidentReport)."
    )
    def incident_ids(self, first: int = 50) -> list[strawberry.ID]:
        ids = self.figures.incidents[: _first(first)]
        return [strawberry.ID(to_global_id("IncidentReport", i)) for i in ids]

    @strawberry.field(description="The incidents counted against the changes.")
    async def incidents(self, info: Info, first: int = 50) -> list[IncidentReport]:
        ids = list(self.figures.incidents[: _first(first)])
        return await load_nodes(info.context.loaders.incident_report, IncidentReport, ids)


@strawberry.type(description="A change type, a risk level, a kind, or a (type, level) cell.")
class ChangeFailureGroup:
    change_type: str | None = strawberry.field(
        description="A change type (lower case, as the ledger holds it), or unclassified."
    )
    risk_level: str | None = strawberry.field(description="A risk level, or unassessed.")
    kind: str | None = strawberry.field(description="A kind of change (deployment, ...).")
    figures: ChangeFailureFigures
    verdict: str = strawberry.field(
        description="For a change type: whether it stands out and why, in words."
    )

    @classmethod
    def of(cls, g: rules.Group, report: FailureReport) -> ChangeFailureGroup:
        return cls(
            change_type=g.change_type,
            risk_level=g.risk_level,
            kind=g.kind,
            figures=ChangeFailureFigures.of(g.figures, report),
            verdict=g.verdict,
        )


@strawberry.type(
    description="A control adjustment for a change type that stands out: one guardrail field "
    "where the suggestion lands, its value in force and the value proposed, and why. "
    "proposeFromChangeFailures turns it into a draft policy proposal."
)
class ChangeFailureSuggestion:
    control: ChangeFailureControl  # type: ignore[valid-type]
    scope: PolicyTargetScope  # type: ignore[valid-type]
    tier: Tier | None  # type: ignore[valid-type]
    key: str = strawberry.field(description="The guardrail field (guardrailCatalog).")
    current: JSON | None = strawberry.field(description="The value in force there now.")
    proposed: JSON | None
    reason: str

    @classmethod
    def of(cls, s: advice.Suggestion) -> ChangeFailureSuggestion:
        return cls(
            control=ChangeFailureControl(s.control.value),
            scope=PolicyTargetScope(s.target.scope.value),
            tier=None if s.target.tier is None else Tier(s.target.tier),
            key=s.target.key,
            current=s.current,
            proposed=s.target.value,
            reason=s.reason,
        )


@strawberry.type(description="A change type that stands out, and the controls suggested.")
class ChangeFailureStandOut:
    change_type: str
    figures: ChangeFailureFigures
    reason: str
    suggestions: list[ChangeFailureSuggestion]


@strawberry.type(
    description="Where changes fail in a scope over a period: the change failure rate and "
    "incident severity by change type, risk level, kind and (type, level) cell, against each "
    "one's share of the changes; the change types that stand out, with suggested controls."
)
class ChangeFailures:
    start: datetime
    end: datetime
    failure_definition: DoraFailureDefinition  # type: ignore[valid-type]
    factor: float = strawberry.field(
        description="A type stands out at this many times the overall rate or more."
    )
    min_changes: int = strawberry.field(
        description="... and with at least this many changes (smaller samples never flag)."
    )
    overall: ChangeFailureFigures
    by_change_type: list[ChangeFailureGroup]
    by_risk_level: list[ChangeFailureGroup]
    by_kind: list[ChangeFailureGroup]
    cells: list[ChangeFailureGroup]
    standing_out: list[ChangeFailureStandOut]

    @classmethod
    def of(cls, r: FailureReport) -> ChangeFailures:
        a = r.analysis

        def groups(gs: Sequence[rules.Group]) -> list[ChangeFailureGroup]:
            return [ChangeFailureGroup.of(g, r) for g in gs]

        return cls(
            start=r.start,
            end=r.end,
            failure_definition=DoraFailureDefinition(a.failure.value),
            factor=a.thresholds.factor,
            min_changes=a.thresholds.min_changes,
            overall=ChangeFailureFigures.of(a.overall, r),
            by_change_type=groups(a.by_type),
            by_risk_level=groups(a.by_risk),
            by_kind=groups(a.by_kind),
            cells=groups(a.cells),
            standing_out=[
                ChangeFailureStandOut(
                    change_type=str(g.change_type),
                    figures=ChangeFailureFigures.of(g.figures, r),
                    reason=g.verdict,
                    suggestions=[
                        ChangeFailureSuggestion.of(s)
                        for s in r.suggestions.get(str(g.change_type), ())
                    ],
                )
                for g in a.standing_out
            ],
        )
