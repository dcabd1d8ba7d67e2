"""Inputs and payloads of the change ledger's mutations, and their decoding into commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from api.graphql.insights_ledger_types import SourceCommit
from api.graphql.relay import from_global_id
from api.graphql.user_errors import UserError
from domain.insights import source_commands as cmd


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
