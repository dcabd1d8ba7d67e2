"""GraphQL types of the feature dependency graph, its findings and re-planning previews."""

from __future__ import annotations

import uuid

import strawberry

from api.graphql.context import Info
from api.graphql.relay import load_nodes, node_field
from api.graphql.trains_types import (
    Departure,
    Feature,
    GraphFindingCode,
    ProgramIncrement,
    gid,
)
from domain.trains import graph as g
from domain.trains.queries import GraphView


@strawberry.type(description="A check's result: a code, a sentence and the features involved.")
class GraphFinding:
    code: GraphFindingCode
    message: str
    feature_ids: list[strawberry.ID] = strawberry.field(
        description="An edge's consumer then provider, or a cycle in dependency order."
    )
    uids: strawberry.Private[list[uuid.UUID]]

    @classmethod
    def from_domain(cls, f: g.Finding) -> GraphFinding:
        return cls(
            code=f.code,
            message=f.message,
            feature_ids=[gid("Feature", i) for i in f.feature_ids],
            uids=list(f.feature_ids),
        )

    @strawberry.field
    async def features(self, info: Info) -> list[Feature]:
        return await load_nodes(info.context.loaders.feature, Feature, self.uids)


@strawberry.type(description="Consumer depends on provider: the provider is delivered first.")
class FeatureDependencyEdge:
    consumer_id: strawberry.ID
    provider_id: strawberry.ID


@strawberry.type(
    description="The longest dependency chain of a PI's features by total effort, provider "
    "first (ties: more features, then smallest ids); features on a cycle are left out."
)
class CriticalPath:
    total_effort: int
    feature_ids: list[strawberry.ID]
    pi_uid: strawberry.Private[uuid.UUID]
    uids: strawberry.Private[list[uuid.UUID]]

    program_increment = node_field(ProgramIncrement, "program_increment", "pi_uid")

    @strawberry.field
    async def features(self, info: Info) -> list[Feature]:
        return await load_nodes(info.context.loaders.feature, Feature, self.uids)


@strawberry.type(description="Features of a PI or train, what they are linked to, and the checks.")
class FeatureGraph:
    edges: list[FeatureDependencyEdge]
    findings: list[GraphFinding]
    critical_paths: list[CriticalPath]
    node_uids: strawberry.Private[list[uuid.UUID]]
    scope_uids: strawberry.Private[frozenset[uuid.UUID]]

    @classmethod
    def from_view(cls, v: GraphView) -> FeatureGraph:
        return cls(
            edges=[
                FeatureDependencyEdge(consumer_id=gid("Feature", c), provider_id=gid("Feature", p))
                for c, p in v.graph.edges
            ],
            findings=[GraphFinding.from_domain(f) for f in v.findings],
            critical_paths=[
                CriticalPath(
                    total_effort=p.effort,
                    feature_ids=[gid("Feature", i) for i in p.feature_ids],
                    pi_uid=p.pi_id,
                    uids=list(p.feature_ids),
                )
                for p in v.critical_paths
            ],
            node_uids=sorted(v.graph.features, key=str),
            scope_uids=v.in_scope,
        )

    @strawberry.field(
        description="Every feature in the graph: those asked for and everything linked to them."
    )
    async def nodes(self, info: Info) -> list[Feature]:
        return await load_nodes(info.context.loaders.feature, Feature, self.node_uids)

    @strawberry.field(description="Ids of the features of the PI or train asked for.")
    def in_scope(self) -> list[strawberry.ID]:
        return [gid("Feature", i) for i in sorted(self.scope_uids, key=str)]


@strawberry.type(description="A feature that would have to move too, and the earliest fix.")
class ReplanMove:
    finding: GraphFinding
    feature_uid: strawberry.Private[uuid.UUID]
    because_uid: strawberry.Private[uuid.UUID]
    pi_uid: strawberry.Private[uuid.UUID | None]
    departure_uid: strawberry.Private[uuid.UUID | None]

    feature = node_field(Feature, "feature", "feature_uid")
    because_of = node_field(Feature, "feature", "because_uid", "The moved feature it depends on.")
    suggested_program_increment = node_field(
        ProgramIncrement,
        "program_increment",
        "pi_uid",
        "Its train's earliest PI that fixes it; null when none exists.",
    )
    suggested_departure = node_field(Departure, "departure", "departure_uid")


@strawberry.type(description="What re-planning one feature would cause; nothing is changed.")
class ReplanPreview:
    upstream: list[GraphFinding] = strawberry.field(
        description="The moved feature would come before these things it depends on."
    )
    moves: list[ReplanMove] = strawberry.field(
        description="Dependents that would be misaligned, transitively, nearest first."
    )

    @classmethod
    def from_domain(cls, impact: g.ReplanImpact) -> ReplanPreview:
        return cls(
            upstream=[GraphFinding.from_domain(f) for f in impact.upstream],
            moves=[
                ReplanMove(
                    finding=GraphFinding.from_domain(m.finding),
                    feature_uid=m.feature_id,
                    because_uid=m.because_of,
                    pi_uid=m.pi_id,
                    departure_uid=m.departure_id,
                )
                for m in impact.moves
            ],
        )
