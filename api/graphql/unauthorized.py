"""Unauthorized changes: the RMO's review queue of production deployments no allowed promotion
covers, and their review."""

from __future__ import annotations

from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.relay import Connection, from_global_id, from_optional_global_id, paginate
from api.graphql.unauthorized_types import (
    UnauthorizedChange,
    UnauthorizedChangeFilter,
    UnauthorizedChangePayload,
    UnauthorizedChangeReviewInput,
)
from api.graphql.user_errors import PIPELINES
from domain.pipelines import unauthorized as uc
from domain.pipelines import unauthorized_queries as q

run = MutationRunner(PIPELINES)


@strawberry.type
class UnauthorizedChangesQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """This context's node types and loaders, for the schema's `node(id:)`."""
        return {"UnauthorizedChange": ("unauthorized_change", UnauthorizedChange)}

    @strawberry.field(
        description="Unauthorized changes you may read, oldest detected first: with "
        "statuses [OPEN], the RMO's review queue."
    )
    async def unauthorized_changes(
        self,
        info: Info,
        filter: UnauthorizedChangeFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[UnauthorizedChange]:
        f = filter or UnauthorizedChangeFilter()
        return await paginate(
            info,
            UnauthorizedChange,
            q.changes,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            statuses=[s.value for s in f.statuses],
            first=first,
            after=after,
        )


@strawberry.type
class UnauthorizedChangesMutation:
    @strawberry.mutation(
        description="Review an unauthorized change with the finding (never by its deployer); "
        "OPEN becomes REVIEWED."
    )
    async def unauthorized_change_review(
        self, info: Info, input: UnauthorizedChangeReviewInput
    ) -> UnauthorizedChangePayload:
        c = uc.ReviewChange(
            change_id=from_global_id(input.id, "UnauthorizedChange"),
            version=input.version,
            finding=input.finding,
        )
        return await run.payload(
            info,
            lambda uow: uc.review_change(uow, c),
            UnauthorizedChangePayload,
            unauthorized_change=UnauthorizedChange,
        )
