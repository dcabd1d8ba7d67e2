"""Unauthorized changes: the RMO's review queue of production deployments no allowed promotion
covers, and their review."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import strawberry

from api.graphql.mutations import MutationRunner
from api.graphql.relay import PageArgs, connection_field, from_global_id, from_optional_global_id
from api.graphql.unauthorized_types import (
    UnauthorizedChange,
    UnauthorizedChangeFilter,
    UnauthorizedChangePayload,
    UnauthorizedChangeReviewInput,
)
from api.graphql.user_errors import PIPELINES
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.pipelines import unauthorized as uc
from domain.pipelines import unauthorized_queries as q

run = MutationRunner(PIPELINES)
change_payload = run.into(UnauthorizedChangePayload, unauthorized_change=UnauthorizedChange)


@strawberry.type
class UnauthorizedChangesQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """This context's node types and loaders, for the schema's `node(id:)`."""
        return {"UnauthorizedChange": ("unauthorized_change", UnauthorizedChange)}

    @connection_field(
        UnauthorizedChange,
        description="Unauthorized changes you may read, oldest detected first: with "
        "statuses [OPEN], the RMO's review queue.",
    )
    def unauthorized_changes(
        r: Reader, f: UnauthorizedChangeFilter, page: PageArgs
    ) -> Awaitable[Page[Any]]:
        return q.changes(
            r,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            statuses=[s.value for s in f.statuses],
            **page,
        )


@strawberry.type
class UnauthorizedChangesMutation:
    @change_payload.mutation(
        uc.review_change,
        description="Review an unauthorized change with the finding (never by its deployer); "
        "OPEN becomes REVIEWED.",
    )
    def unauthorized_change_review(input: UnauthorizedChangeReviewInput) -> uc.ReviewChange:
        return uc.ReviewChange(
            change_id=from_global_id(input.id, "UnauthorizedChange"),
            version=input.version,
            finding=input.finding,
        )
