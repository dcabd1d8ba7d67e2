"""Types of the change ledger: the commits an artifact version was built from."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.rows import FromColumns


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
