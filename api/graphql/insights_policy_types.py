"""Types of policy iteration: a team's retrospective, a policy proposal (its origin, target,
lifecycle and the change it became), and the figures before and after that change."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.insights_failures_analysis_types import ChangeFailureAnalysis
from api.graphql.insights_ledger import caught_up
from api.graphql.organization_types import BusinessUnit, Person, Team, Tier
from api.graphql.postrelease_postmortems_types import PostMortem
from api.graphql.relay import Node, load_node, node_field, to_global_id
from api.graphql.rows import FromColumns
from domain.insights import policy_metrics_rules as metrics
from domain.insights import policy_queries as pq
from domain.insights import policy_vocabulary as vocabulary

PolicyOriginKind = exposed(vocabulary.OriginKind, name="PolicyOriginKind")
PolicyTargetKind = exposed(vocabulary.TargetKind, name="PolicyTargetKind")
PolicyTargetScope = exposed(vocabulary.TargetScope, name="PolicyTargetScope")
PolicyProposalStatus = exposed(vocabulary.ProposalStatus, name="PolicyProposalStatus")
DEFAULT_DAYS = 28


@strawberry.type(description="A team's retrospective: when it was held, notes and outcomes.")
class Retrospective(Node, FromColumns):
    id: strawberry.ID
    held_on: date
    title: str
    notes: str
    outcomes: str
    version: int
    created_at: datetime
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    team_uid: strawberry.Private[uuid.UUID]
    recorded_by_uid: strawberry.Private[uuid.UUID | None]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")
    team = node_field(Team, "team", "team_uid")
    recorded_by = node_field(Person, "person", "recorded_by_uid")

    @strawberry.field(description="The policy proposals made from it (those you may read).")
    async def proposals(self, info: Info) -> list[PolicyProposal]:
        rows = await info.context.loaders.policy_proposals_of_origin.load(self.uid)
        return [PolicyProposal.from_row(r) for r in rows]


@strawberry.type(description="What one window counts for the proposal's business unit.")
class PolicyFigures:
    start: datetime
    end: datetime
    complete: bool = strawberry.field(description="False while the window still runs.")
    deployments: int = strawberry.field(description="Production deployments that finished.")
    rolled_back: int
    incidents: int = strawberry.field(description="Incidents detected.")
    bypasses: int = strawberry.field(description="Emergency bypasses requested.")
    bypass_rate: float | None = strawberry.field(description="Bypasses per deployment.")
    rollback_rate: float | None
    incidents_per_deployment: float | None
    approvals: int = strawberry.field(description="Releases approved or rejected.")
    approval_wait_hours: float | None = strawberry.field(
        description="The median hours from a release's submission to its decision."
    )

    @classmethod
    def of(cls, f: metrics.Figures) -> PolicyFigures:
        c, w = f.counts, f.window
        return cls(
            start=w.start,
            end=w.end,
            complete=w.complete,
            deployments=c.deployments,
            rolled_back=c.rolled_back,
            incidents=c.incidents,
            bypasses=c.bypasses,
            bypass_rate=f.bypass_rate,
            rollback_rate=f.rollback_rate,
            incidents_per_deployment=f.incidents_per_deployment,
            approvals=len(c.approval_waits),
            approval_wait_hours=f.approval_wait_hours,
        )


@strawberry.type(
    description="The proposal's BU over the same number of days before and after "
    "the change was applied."
)
class PolicyBeforeAfter:
    days: int
    before: PolicyFigures
    after: PolicyFigures
    dora: JSON | None = strawberry.field(
        description="DORA's four keys of the BU over the same windows, `before` and `after`: "
        "deployments, leadTimeSeconds, changeFailureRate, timeToRestoreSeconds (null: "
        "nothing to measure), from the change ledger."
    )


ORIGIN_TYPE_NAMES = {
    vocabulary.OriginKind.RETROSPECTIVE: "Retrospective",
    vocabulary.OriginKind.POST_MORTEM: "PostMortem",
    vocabulary.OriginKind.CHANGE_FAILURES: "ChangeFailureAnalysis",
}
"""The GraphQL type of each kind of origin."""


@strawberry.type(
    description="A proposal to change a threshold for automation, approvals or risk tolerance, "
    "from a retrospective or a post-mortem: draft → submitted → approved or rejected → applied "
    "(a versioned guardrail or risk-model change that records it)."
)
class PolicyProposal(Node, FromColumns):
    id: strawberry.ID
    origin_kind: PolicyOriginKind
    target_kind: PolicyTargetKind
    scope: PolicyTargetScope
    tier: Tier | None = strawberry.field(description="The tier profile, for a TIER scope.")  # type: ignore[valid-type]
    key: str = strawberry.field(
        description="The guardrail field, or the risk level whose score threshold changes."
    )
    rationale: str
    status: PolicyProposalStatus
    submitted_at: datetime | None
    decided_at: datetime | None
    decision_reason: str
    applied_at: datetime | None
    applied_version: int | None = strawberry.field(
        description="The guardrail set's or risk model's (mapping's) version it became."
    )
    version: int
    created_at: datetime
    updated_at: datetime
    proposed: strawberry.Private[dict[str, Any]]
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    origin_uid: strawberry.Private[uuid.UUID]
    proposed_by_uid: strawberry.Private[uuid.UUID | None]
    decided_by_uid: strawberry.Private[uuid.UUID | None]
    applied_by_uid: strawberry.Private[uuid.UUID | None]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")
    proposed_by = node_field(Person, "person", "proposed_by_uid")
    decided_by = node_field(Person, "person", "decided_by_uid")
    applied_by = node_field(Person, "person", "applied_by_uid")

    @strawberry.field(description="The value proposed (JSON, as the guardrail or risk takes it).")
    def value(self) -> JSON | None:
        return self.proposed.get("value")

    @strawberry.field(
        description="The origin's global id (a Retrospective, a PostMortem or a "
        "ChangeFailureAnalysis)."
    )
    def origin_id(self) -> strawberry.ID:
        kind = ORIGIN_TYPE_NAMES[vocabulary.OriginKind(self.origin_kind.value)]
        return strawberry.ID(to_global_id(kind, self.origin_uid))

    @strawberry.field(description="The retrospective it came from, when it came from one.")
    async def retrospective(self, info: Info) -> Retrospective | None:
        if self.origin_kind is not vocabulary.OriginKind.RETROSPECTIVE:
            return None
        return await load_node(info.context.loaders.retrospective, Retrospective, self.origin_uid)

    @strawberry.field(description="The change-failure analysis it came from, when it did.")
    async def change_failure_analysis(self, info: Info) -> ChangeFailureAnalysis | None:
        if self.origin_kind is not vocabulary.OriginKind.CHANGE_FAILURES:
            return None
        return await load_node(
            info.context.loaders.change_failure_analysis, ChangeFailureAnalysis, self.origin_uid
        )

    @strawberry.field(description="The post-mortem it came from, when it came from one.")
    async def post_mortem(self, info: Info) -> PostMortem | None:
        if self.origin_kind is not vocabulary.OriginKind.POST_MORTEM:
            return None
        return await load_node(info.context.loaders.post_mortem, PostMortem, self.origin_uid)

    @strawberry.field(
        description="The proposal's BU over `days` (1 to 365, default 28) before and after the "
        "change was applied; null until it is applied."
    )
    async def before_after(self, info: Info, days: int = DEFAULT_DAYS) -> PolicyBeforeAfter | None:
        if self.applied_at is not None:
            await caught_up(info)  # DORA's four keys are read from the change ledger
        now = info.context.runtime.clock.now()
        ask = pq.BeforeAfterAsk(self.bu_uid, self.applied_at, days, now)
        found = await info.context.loaders.policy_before_after.load(ask)
        if found is None:
            return None
        return PolicyBeforeAfter(
            days=found.days,
            before=PolicyFigures.of(found.before),
            after=PolicyFigures.of(found.after),
            dora=found.dora,
        )
