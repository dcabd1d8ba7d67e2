"""Types of the change ledger: its entries, and the commits an artifact version was built from."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.governance_types import ChangeType, Release
from api.graphql.organization_types import BusinessUnit, Service, Team, Tier
from api.graphql.postrelease_incidents_types import ChangeKind
from api.graphql.relay import node_field
from api.graphql.risk_types import RiskLevel
from api.graphql.rows import FromColumns, from_columns
from domain.insights import ledger_vocabulary
from domain.insights.ledger_rules import split


@strawberry.type(description="A commit an artifact version of a service was built from.")
class SourceCommit(FromColumns):
    artifact_version: str
    sha: str
    authored_at: datetime
    committed_at: datetime
    pull_request: str | None = strawberry.field(
        description="The pull request it came through, as the forge names it."
    )
    pr_opened_at: datetime | None
    first_review_at: datetime | None
    approved_at: datetime | None
    merged_at: datetime | None
    recorded_at: datetime


LedgerOutcome = exposed(ledger_vocabulary.LedgerOutcome)


@strawberry.type(
    description="One production change of any kind: where, what it shipped, how it got there "
    "and how it ended."
)
class ChangeLedgerEntry(FromColumns):
    id: strawberry.ID
    kind: ChangeKind
    at: datetime = strawberry.field(
        description="When it took effect in production (a deployment: when it finished)."
    )
    started_at: datetime | None
    strategy: str = strawberry.field(
        description="A deployment's: blue_green, canary, or reported (by a CD tool); empty for "
        "other kinds."
    )
    tier: Tier
    artifact_version: str | None
    risk_level: RiskLevel | None = strawberry.field(
        description="Its release's latest risk assessment; null without one."
    )
    bypassed: bool = strawberry.field(
        description="It reached production while an emergency bypass of its release was open."
    )
    first_commit_at: datetime | None
    commit_count: int
    pr_opened_at: datetime | None
    first_review_at: datetime | None
    approved_at: datetime | None
    merged_at: datetime | None
    rolled_back: bool
    incident_count: int = strawberry.field(description="Incidents attributed to it.")
    hotfixed: bool = strawberry.field(
        description="A hotfix release of the same service followed within 72 hours."
    )
    outcome: LedgerOutcome
    summary: str
    imported: bool = strawberry.field(
        description="Imported from a CD tool's history, from before the service was governed "
        "here: no promotion, no gate, no review covered it."
    )
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    team_uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]
    release_uid: strawberry.Private[uuid.UUID | None]
    stored_types: strawberry.Private[str]
    lead_seconds: strawberry.Private[float | None]

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")
    team = node_field(Team, "team", "team_uid")
    service = node_field(Service, "service", "service_uid")
    release = node_field(Release, "release", "release_uid", "The release it shipped in.")

    @classmethod
    def from_row(cls, row: Any) -> ChangeLedgerEntry:
        return from_columns(
            cls,
            row,
            id=strawberry.ID(str(row.id)),
            stored_types=row.change_types,
        )

    @strawberry.field(
        description="The change's id in its own context (a deployment, a "
        "deployment report, a flag change, a vendor release, a change report)."
    )
    def change_id(self) -> strawberry.ID:
        return self.id

    @strawberry.field(
        description="Its release's change types; a change of another kind: its kind's (a flag "
        "or configuration change: CONFIG)."
    )
    def change_types(self) -> list[ChangeType]:
        return [ChangeType(t) for t in split(self.stored_types)]

    @strawberry.field(
        description="The commits of the version it shipped, earliest authored first (none for "
        "a change of another kind, or before CI reported them)."
    )
    async def commits(self, info: Info) -> list[SourceCommit]:
        rows = await info.context.loaders.ledger_commits.load(self.uid)
        return [SourceCommit.from_row(r) for r in rows]

    @strawberry.field(
        description="DORA's lead time, in seconds: first commit to this deployment when it is "
        "the first successful production deployment of its version (null otherwise, or without "
        "commits)."
    )
    def lead_time_seconds(self) -> float | None:
        return self.lead_seconds
