"""The value stream: one production change's steps, and a team's or BU's summary."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.context import Info
from api.graphql.insights_stream_types import ValueStream, ValueStreamSummary
from api.graphql.relay import from_optional_global_id, type_of_global_id
from domain.insights import stream_queries as q
from domain.kernel.errors import DomainError

DEPLOYMENT_TYPES = ("Deployment", "DeploymentReport")


@strawberry.type
class ValueStreamQuery:
    @strawberry.field(
        description="A production deployment's way to production, step by step with work and "
        "wait, and its non-value-added steps (a deployment or deployment report id)."
    )
    async def value_stream(self, info: Info, deployment_id: strawberry.ID) -> ValueStream:
        kind, uid = type_of_global_id(deployment_id, "deploymentId")
        if kind not in DEPLOYMENT_TYPES:
            raise DomainError(f"'{deployment_id}' is not a deployment's id.", field="deploymentId")
        async with info.context.reader() as r:
            return ValueStream.of(await q.value_stream(r, uid))

    @strawberry.field(
        description="Where the time of a team's (or a BU's: name one) production changes that "
        "finished in [since, until) went; by default the 90 days up to now, at most 366 days."
    )
    async def value_stream_summary(
        self,
        info: Info,
        team_id: strawberry.ID | None = None,
        business_unit_id: strawberry.ID | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> ValueStreamSummary:
        period = q.period_of(since, until, info.context.runtime.clock.now())
        async with info.context.reader() as r:
            view = await q.value_stream_summary(
                r,
                team_id=from_optional_global_id(team_id, "Team", "teamId"),
                bu_id=from_optional_global_id(business_unit_id, "BusinessUnit", "businessUnitId"),
                period=period,
            )
        return ValueStreamSummary.of(view)
