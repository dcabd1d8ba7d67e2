"""The go/no-go dashboard in GraphQL: `releaseReadiness(releaseId:)` and
`departureReadiness(departureId:)` (domain.read.release_readiness). What other parts of the
schema already show (the release, its readiness review, go/no-go sessions, services and
environments) is linked as fields, never copied."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.environments_types import Environment
from api.graphql.governance_board_types import GoNoGoSession
from api.graphql.governance_types import Release
from api.graphql.organization_types import Service
from api.graphql.pipelines_evidence_types import IncidentReport
from api.graphql.promotions import GateStatus, PromotionGate, PromotionStatus
from api.graphql.readiness_review_types import ReadinessReview, release_readiness_review
from api.graphql.relay import from_global_id, node_field
from api.graphql.release_blockers import ReleaseBlockers
from api.graphql.risk_types import RiskContribution
from domain.pipelines.open_incident_facts import NEWEST_SHOWN, OpenIncidents
from domain.read import release_readiness as view
from domain.read.release_readiness import AreaGate, AreaReadiness, Readiness

ReadinessArea = exposed(view.ReadinessArea)


@strawberry.type(description="One gate of one service in one target environment.")
class ReadinessAreaGate:
    gate: PromotionGate
    service_uid: strawberry.Private[uuid.UUID]
    environment_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, g: AreaGate) -> ReadinessAreaGate:
        return cls(
            gate=PromotionGate.from_outcome(g.outcome),
            service_uid=g.service_id,
            environment_uid=g.environment_id,
        )

    service = node_field(Service, "service", "service_uid")
    environment = node_field(Environment, "environment", "environment_uid")


@strawberry.type(
    description="One part of the dashboard (build, tests, environments, NFRs, ...): its worst "
    "gate across the services, and every gate with its reason and evidence."
)
class ReadinessAreaSummary:
    area: ReadinessArea  # type: ignore[valid-type]
    status: GateStatus | None = strawberry.field(  # type: ignore[valid-type]
        description="The worst of its gates (FAILED, PENDING, WAIVED, PASSED); null when none "
        "applies to the release or the decision is not yours to see."
    )
    gates: list[ReadinessAreaGate]

    @classmethod
    def from_domain(cls, a: AreaReadiness) -> ReadinessAreaSummary:
        return cls(
            area=a.area,
            status=a.status,
            gates=[ReadinessAreaGate.from_domain(g) for g in a.gates],
        )


@strawberry.type(
    description="The open incidents on a release's shipped services: shown next to the "
    "verdict, not judged by it."
)
class ReleaseOpenIncidents:
    total_count: int = strawberry.field(description="How many are open, in all.")
    nodes: list[IncidentReport] = strawberry.field(
        description=f"The newest of them (at most {NEWEST_SHOWN}), newest first."
    )

    @classmethod
    def from_domain(cls, d: OpenIncidents) -> ReleaseOpenIncidents:
        return cls(total_count=d.total, nodes=[IncidentReport.from_row(i) for i in d.newest])


@strawberry.type(description="What a go/no-go meeting needs about one release, in one place.")
class ReleaseReadiness:
    verdict: PromotionStatus | None = strawberry.field(  # type: ignore[valid-type]
        description="REFUSED when a service is refused, ALLOWED when every service is, else "
        "WAITING; null when the promotion decision is not yours to see."
    )
    as_of: datetime | None = strawberry.field(
        description="When the oldest facts judged were gathered."
    )
    risk_level: str | None
    risk_factors: list[RiskContribution] = strawberry.field(
        description="What the risk level is made of, factor by factor."
    )
    areas: list[ReadinessAreaSummary] = strawberry.field(
        description="Every part of the dashboard, in a fixed order."
    )
    services: list[ReleaseBlockers] = strawberry.field(
        description="Per shipped service and target environment, the decision and what blocks "
        "it (the release's `blockers`)."
    )
    open_incidents: ReleaseOpenIncidents | None = strawberry.field(
        description="Incidents still open on the shipped services (reported by operations "
        "tools); null when they or the decision are not yours to see."
    )
    release_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, d: Readiness) -> ReleaseReadiness:
        return cls(
            verdict=d.verdict,
            as_of=d.as_of,
            risk_level=d.risk_level,
            risk_factors=[RiskContribution(**_contribution(c)) for c in d.risk_factors],
            areas=[ReadinessAreaSummary.from_domain(a) for a in d.areas],
            services=[ReleaseBlockers.from_domain(b) for b in d.services],
            open_incidents=(
                None if d.incidents is None else ReleaseOpenIncidents.from_domain(d.incidents)
            ),
            release_uid=d.release_id,
        )

    release = node_field(Release, "release", "release_uid")

    @strawberry.field(description="Its readiness review: state, items missing, sign-off.")
    async def readiness_review(self, info: Info) -> ReadinessReview | None:
        return await release_readiness_review(info, self.release_uid)

    @strawberry.field(description="The board's latest go/no-go session on it, if any.")
    async def go_no_go_session(self, info: Info) -> GoNoGoSession | None:
        rows = await info.context.loaders.release_sessions.load(self.release_uid)
        return GoNoGoSession.from_row(rows[-1]) if rows else None


def _contribution(c: view.Contribution) -> dict[str, object]:
    return {
        "factor": c.factor,
        "group": c.group,
        "input": c.input,
        "weight": c.weight,
        "points": c.points,
        "explanation": c.explanation,
    }


@strawberry.type
class ReleaseReadinessQuery:
    @strawberry.field(
        description="The go/no-go dashboard of a release you may read: every area's gates "
        "across its services, the verdict, risk, readiness review and the board's session."
    )
    async def release_readiness(self, info: Info, release_id: strawberry.ID) -> ReleaseReadiness:
        uid = from_global_id(release_id, "Release", "releaseId")
        async with info.context.reader() as r:
            found = await view.release_readiness(r, uid, info.context.runtime.clock.now())
        return ReleaseReadiness.from_domain(found)

    @strawberry.field(
        description="The go/no-go dashboard of every release boarded on a departure you may "
        "read (releases you may not read are left out)."
    )
    async def departure_readiness(
        self, info: Info, departure_id: strawberry.ID
    ) -> list[ReleaseReadiness]:
        uid = from_global_id(departure_id, "Departure", "departureId")
        async with info.context.reader() as r:
            found = await view.departure_readiness(r, uid, info.context.runtime.clock.now())
        return [ReleaseReadiness.from_domain(d) for d in found]
