"""Inputs and payloads of the change ledger's mutations, and their decoding into commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.graphql.governance_types import ChangeType
from api.graphql.insights_ledger_types import LedgerOutcome, SourceCommit
from api.graphql.organization_types import Tier
from api.graphql.postrelease_incidents_types import ChangeKind
from api.graphql.relay import from_global_id, from_optional_global_id
from api.graphql.user_errors import UserError
from domain.insights import source_commands as cmd
from domain.insights.ledger_repository import LedgerFilter


@strawberry.input(description="A pull request's times, as the forge reports them.")
class PullRequestTimesInput:
    ref: str = strawberry.field(description="A URL or `owner/repo#123`, 1 to 200 characters.")
    opened_at: datetime
    first_review_at: datetime | None = None
    approved_at: datetime | None = None
    merged_at: datetime | None = None


@strawberry.input(description="One commit of the version.")
class SourceCommitInput:
    sha: str = strawberry.field(description="7 to 64 hexadecimal digits.")
    authored_at: datetime
    committed_at: datetime
    pull_request: PullRequestTimesInput | None = None


@strawberry.input(
    description="The commits an artifact version of a service was built from (at most 500 in "
    "one report); reporting the same commit again changes it only where it differs."
)
class SourceChangeRecordInput:
    service_id: strawberry.ID
    artifact_version: str
    commits: list[SourceCommitInput]


@strawberry.type
class SourceChangeRecordPayload:
    commits: list[SourceCommit] | None
    errors: list[UserError]


def answer(found: Any, errors: list[UserError]) -> SourceChangeRecordPayload:
    if found is None:
        return SourceChangeRecordPayload(commits=None, errors=errors)
    return SourceChangeRecordPayload(
        commits=[SourceCommit.from_row(c) for c in found], errors=errors
    )


def _pr(i: PullRequestTimesInput | None) -> cmd.PullRequestTimes | None:
    if i is None:
        return None
    return cmd.PullRequestTimes(i.ref, i.opened_at, i.first_review_at, i.approved_at, i.merged_at)


def record(i: SourceChangeRecordInput) -> cmd.RecordSourceChange:
    return cmd.RecordSourceChange(
        service_id=from_global_id(i.service_id, "Service", "serviceId"),
        artifact_version=i.artifact_version,
        commits=tuple(
            cmd.Commit(c.sha, c.authored_at, c.committed_at, _pr(c.pull_request)) for c in i.commits
        ),
    )


@strawberry.input(description="Which ledger entries: each field narrows; null: any.")
class ChangeLedgerFilter:
    business_unit_id: strawberry.ID | None = None
    team_id: strawberry.ID | None = None
    service_id: strawberry.ID | None = None
    tier: Tier | None = None
    kind: ChangeKind | None = None
    change_type: ChangeType | None = None
    outcome: LedgerOutcome | None = None
    since: datetime | None = strawberry.field(default=None, description="From (inclusive).")
    until: datetime | None = strawberry.field(default=None, description="Up to (exclusive).")


def _value(e: Any) -> str | None:
    return None if e is None else str(e.value)


def ledger_filter(f: ChangeLedgerFilter | None) -> LedgerFilter:
    """The domain's filter of a GraphQL one (or of none: everything you may read)."""
    f = f or ChangeLedgerFilter()
    return LedgerFilter(
        bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
        team_id=from_optional_global_id(f.team_id, "Team", "teamId"),
        service_id=from_optional_global_id(f.service_id, "Service", "serviceId"),
        tier=_value(f.tier),
        kind=_value(f.kind),
        change_type=_value(f.change_type),
        outcome=_value(f.outcome),
        since=f.since,
        until=f.until,
    )
