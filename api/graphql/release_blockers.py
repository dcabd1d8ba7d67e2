"""A release's blockers in GraphQL: per shipped service and target environment, the gates of
the promotion decision that block it (domain.read.release_blockers)."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from api.graphql.context import Info
from api.graphql.environments_types import Environment
from api.graphql.organization_types import Service
from api.graphql.promotions import PromotionGate, PromotionStatus
from api.graphql.relay import from_optional_global_id, node_field
from domain.read.release_blockers import Blockers, release_blockers


@strawberry.type(
    description="What blocks one service of a release from going to one environment now."
)
class ReleaseBlockers:
    artifact_version: str = strawberry.field(description="The version the release ships.")
    status: PromotionStatus = strawberry.field(  # type: ignore[valid-type]
        description="ALLOWED (nothing blocks), REFUSED (a gate failed) or WAITING (only "
        "pending gates block)."
    )
    summary: str = strawberry.field(description="The decision in words, opening with its status.")
    as_of: datetime = strawberry.field(description="When the facts judged were gathered.")
    risk_level: str | None
    gates: list[PromotionGate] = strawberry.field(
        description="The gates that block, failed or pending, each with its reason and "
        "evidence (what is missing); empty when the promotion is allowed."
    )
    service_uid: strawberry.Private[uuid.UUID]
    environment_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, b: Blockers) -> ReleaseBlockers:
        return cls(
            artifact_version=b.artifact_version,
            status=b.decision.status,
            summary=b.decision.summary,
            as_of=b.as_of,
            risk_level=b.risk_level,
            gates=[PromotionGate.from_outcome(o) for o in b.gates],
            service_uid=b.service_id,
            environment_uid=b.environment_id,
        )

    service = node_field(Service, "service", "service_uid")
    environment = node_field(Environment, "environment", "environment_uid")


async def blockers_of_release(
    info: Info, release_id: uuid.UUID, environment: strawberry.ID | None
) -> list[ReleaseBlockers]:
    env_id = from_optional_global_id(environment, "Environment", "environment")
    async with info.context.reader() as r:
        found = await release_blockers(r, release_id, info.context.runtime.clock.now(), env_id)
    return [ReleaseBlockers.from_domain(b) for b in found]
