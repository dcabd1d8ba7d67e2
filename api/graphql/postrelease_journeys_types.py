"""GraphQL types of synthetic journeys (postrelease): journeys, their runs, the functional
regressions found after production deployments, and each service's allowed hosts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Self

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.deployments_types import Deployment, RollbackDecision
from api.graphql.enums import exposed
from api.graphql.organization_types import Person, Service, Team, Tier
from api.graphql.pipelines_evidence_types import DeploymentReport
from api.graphql.relay import Connection, Node, load_node, load_page, node_field
from api.graphql.rows import from_columns
from api.graphql.user_errors import UserError
from domain.postrelease import journey_vocabulary as vocabulary
from domain.postrelease.journey_vocabulary import DeploymentRefKind

HttpMethod = exposed(vocabulary.HttpMethod, name="JourneyHttpMethod")
AssertionKind = exposed(vocabulary.AssertionKind, name="JourneyAssertionKind")
Operator = exposed(vocabulary.Operator, name="JourneyOperator")
RunOutcome = exposed(vocabulary.RunOutcome, name="JourneyRunOutcome")
RunTrigger = exposed(vocabulary.RunTrigger, name="JourneyRunTrigger")
Runner = exposed(vocabulary.Runner, name="JourneyRunner")


def _followed(row: Any) -> dict[str, Any]:
    """The deployment a run or regression follows, as the planned or the reported one."""
    if row.deployment_id is None:
        return {"deployment_uid": None, "report_uid": None}
    planned = row.deployment_kind == DeploymentRefKind.DEPLOYMENT
    return {
        "deployment_uid": row.deployment_id if planned else None,
        "report_uid": None if planned else row.deployment_id,
    }


@strawberry.type(description="A header a step sends; a secret one's value is never shown.")
class JourneyHeader:
    name: str
    value: str | None = strawberry.field(description="Null for a secret header (sealed at rest).")
    secret: bool


@strawberry.type(description="What a step's response must satisfy.")
class JourneyAssertion:
    kind: AssertionKind
    operator: Operator
    path: str = strawberry.field(description="The JSONPath (RFC 9535) of a JSON_PATH assertion.")
    expected: JSON | None


@strawberry.type(description="A value a step takes from its response for later steps' {{name}}.")
class JourneyCapture:
    name: str
    path: str = strawberry.field(description="A JSONPath into the JSON body, or header:<name>.")


@strawberry.type(description="One HTTP request of a journey, and what its response must show.")
class JourneyStep:
    name: str
    method: HttpMethod
    url: str
    headers: list[JourneyHeader]
    body: str | None
    assertions: list[JourneyAssertion]
    captures: list[JourneyCapture]
    timeout_ms: int

    @classmethod
    def from_json(cls, s: dict[str, Any]) -> Self:
        return cls(
            name=s["name"],
            method=HttpMethod(s["method"]),
            url=s["url"],
            headers=[
                JourneyHeader(name=h["name"], value=h.get("value"), secret="sealed" in h)
                for h in s["headers"]
            ],
            body=s.get("body"),
            assertions=[
                JourneyAssertion(
                    kind=AssertionKind(a["kind"]),
                    operator=Operator(a["operator"]),
                    path=a["path"],
                    expected=a["expected"],
                )
                for a in s["assertions"]
            ],
            captures=[JourneyCapture(name=c["name"], path=c["path"]) for c in s["captures"]],
            timeout_ms=s["timeoutMs"],
        )


@strawberry.type(description="One step of a run, as the runner saw it.")
class JourneyStepResult:
    name: str
    passed: bool
    status: int | None
    latency_ms: float | None
    failures: list[str]


@strawberry.type(
    description="A run of a journey, by the built-in runner or reported by an external one, "
    "and the production deployment it follows."
)
class JourneyRun(Node):
    id: strawberry.ID
    outcome: RunOutcome
    trigger: RunTrigger
    runner: Runner
    external_id: str | None
    started_at: datetime
    finished_at: datetime
    duration_ms: float
    summary: str
    steps: list[JourneyStepResult]
    uid: strawberry.Private[uuid.UUID]
    journey_uid: strawberry.Private[uuid.UUID]
    deployment_uid: strawberry.Private[uuid.UUID | None]
    report_uid: strawberry.Private[uuid.UUID | None]
    reported_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        return from_columns(
            cls,
            row,
            **_followed(row),
            outcome=RunOutcome(row.outcome),
            trigger=RunTrigger(row.trigger),
            runner=Runner(row.runner),
            external_id=row.external_ref,
            steps=[
                JourneyStepResult(
                    name=s["name"],
                    passed=s["passed"],
                    status=s.get("status"),
                    latency_ms=s.get("latencyMs"),
                    failures=list(s.get("failures", [])),
                )
                for s in row.steps
            ],
        )

    @strawberry.field(description="The journey it ran.")
    async def journey(self, info: Info) -> Journey | None:
        return await load_node(  # type: ignore[no-any-return]
            info.context.loaders.journey, Journey, self.journey_uid
        )

    deployment = node_field(
        Deployment, "deployment", "deployment_uid", "The planned deployment it follows."
    )
    deployment_report = node_field(
        DeploymentReport, "deployment_report", "report_uid", "The reported deployment it follows."
    )
    reported_by = node_field(Person, "person", "reported_by_uid")


@strawberry.type(
    description="A critical user journey of a service: ordered HTTP steps with assertions, run "
    "right after each production deployment and on its schedule."
)
class Journey(Node):
    id: strawberry.ID
    key: str
    name: str
    description: str
    tier: Tier = strawberry.field(
        description="How critical the journey is; the guardrail journey_regression_rollback "
        "names the tiers whose regression rolls a deployment back."
    )
    enabled: bool
    interval_minutes: int
    runner: Runner = strawberry.field(
        description="BUILT_IN: Signalbox runs it after each production deployment and on its "
        "schedule; another runner reports its results (journeyResultReport, CDEvents)."
    )
    next_run_at: datetime | None
    steps: list[JourneyStep]
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]
    team_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        return from_columns(
            cls,
            row,
            tier=Tier(row.tier),
            runner=Runner(row.runner),
            steps=[JourneyStep.from_json(s) for s in row.steps],
        )

    service = node_field(Service, "service", "service_uid")
    owner_team = node_field(Team, "team", "team_uid")

    @strawberry.field(description="Its runs, oldest first.")
    async def runs(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[JourneyRun]:
        return await load_page(
            info.context.loaders.journey_runs, (self.uid, first, after), JourneyRun
        )


@strawberry.type(
    description="A journey that passed before a production deployment and fails after it."
)
class JourneyRegression(Node):
    id: strawberry.ID
    detected_at: datetime
    summary: str
    rolled_back: bool = strawberry.field(
        description="Whether it triggered the deployment's rollback decision (the guardrail)."
    )
    uid: strawberry.Private[uuid.UUID]
    journey_uid: strawberry.Private[uuid.UUID]
    run_uid: strawberry.Private[uuid.UUID]
    baseline_run_uid: strawberry.Private[uuid.UUID]
    deployment_uid: strawberry.Private[uuid.UUID | None]
    report_uid: strawberry.Private[uuid.UUID | None]
    rollback_of_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        return from_columns(
            cls,
            row,
            **_followed(row),
            rolled_back=row.rollback_id is not None,
            rollback_of_uid=row.deployment_id if row.rollback_id is not None else None,
        )

    journey = node_field(Journey, "journey", "journey_uid")
    run = node_field(JourneyRun, "journey_run", "run_uid", "The failing run after it.")
    baseline_run = node_field(
        JourneyRun, "journey_run", "baseline_run_uid", "The passing run before it."
    )
    deployment = node_field(Deployment, "deployment", "deployment_uid")
    deployment_report = node_field(DeploymentReport, "deployment_report", "report_uid")

    @strawberry.field(description="The rollback decision it triggered, if any.")
    async def rollback(self, info: Info) -> RollbackDecision | None:
        if self.rollback_of_uid is None:
            return None
        return await load_node(  # type: ignore[no-any-return]
            info.context.loaders.deployment_rollback, RollbackDecision, self.rollback_of_uid
        )


@strawberry.type(description="The hosts a service's journeys may send requests to.")
class JourneyHosts(Node):
    id: strawberry.ID
    hosts: list[str]
    version: int
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        return from_columns(cls, row, hosts=list(row.hosts))

    service = node_field(Service, "service", "service_uid")


@strawberry.type
class JourneyPayload:
    journey: Journey | None
    errors: list[UserError]


@strawberry.type
class JourneyHostsPayload:
    journey_hosts: JourneyHosts | None
    errors: list[UserError]


@strawberry.type
class JourneyRunPayload:
    journey_run: JourneyRun | None
    errors: list[UserError]


NODE_LOADERS: dict[str, tuple[str, Any]] = {
    "Journey": ("journey", Journey),
    "JourneyRun": ("journey_run", JourneyRun),
    "JourneyRegression": ("journey_regression", JourneyRegression),
}
"""Node types of this module and their DataLoaders, for `node(id:)`."""
