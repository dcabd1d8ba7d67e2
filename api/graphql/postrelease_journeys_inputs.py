"""Inputs of synthetic journeys (postrelease)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from api.graphql.organization_types import Tier
from api.graphql.postrelease_journeys_types import AssertionKind, HttpMethod, Operator, Runner
from domain.postrelease.journey_commands import (
    AssertionSpec,
    CaptureSpec,
    HeaderSpec,
    StepResult,
    StepSpec,
)


@strawberry.input(
    description="A header the step sends. A secret one (an API key, a bearer token) is sealed "
    "at rest and never shown again; when changing a journey, a secret header sent without a "
    "value keeps the one sealed for the same step."
)
class JourneyHeaderInput:
    name: str
    value: str | None = None
    secret: bool = False

    def command(self) -> HeaderSpec:
        return HeaderSpec(self.name, self.value, self.secret)


@strawberry.input(
    description="What the response must satisfy: its STATUS or LATENCY_MS compared with a "
    "number, or the values a JSON_PATH (RFC 9535) selects in the JSON body (every selected "
    "value must satisfy it; EXISTS asks only that one is selected)."
)
class JourneyAssertionInput:
    kind: AssertionKind
    operator: Operator
    expected: JSON | None = None
    path: str = ""

    def command(self) -> AssertionSpec:
        return AssertionSpec(self.kind.value, self.operator.value, self.expected, self.path)


@strawberry.input(description="A value to carry into later steps as {{name}}.")
class JourneyCaptureInput:
    name: str
    path: str = strawberry.field(description="A JSONPath into the JSON body, or header:<name>.")

    def command(self) -> CaptureSpec:
        return CaptureSpec(self.name, self.path)


@strawberry.input(
    description="One HTTP request. Its scheme and host are written out and must be one of the "
    "service's allowed hosts; its path, query, headers and body may carry {{name}} values "
    "captured by earlier steps."
)
class JourneyStepInput:
    name: str
    method: HttpMethod
    url: str
    headers: list[JourneyHeaderInput] = strawberry.field(default_factory=list)
    body: str | None = None
    assertions: list[JourneyAssertionInput] = strawberry.field(default_factory=list)
    captures: list[JourneyCaptureInput] = strawberry.field(default_factory=list)
    timeout_ms: int = 5000

    def command(self) -> StepSpec:
        return StepSpec(
            name=self.name,
            method=self.method.value,
            url=self.url,
            headers=tuple(h.command() for h in self.headers),
            body=self.body,
            assertions=tuple(a.command() for a in self.assertions),
            captures=tuple(c.command() for c in self.captures),
            timeout_ms=self.timeout_ms,
        )


@strawberry.input(description="Define a critical user journey of a service.")
class JourneyCreateInput:
    service_id: strawberry.ID
    key: str = strawberry.field(description="Lower-case letters, digits and dashes (checkout).")
    name: str
    owner_team_id: strawberry.ID = strawberry.field(description="A team of the service's BU.")
    tier: Tier
    interval_minutes: int = strawberry.field(
        default=60, description="How often it runs between deployments (5 to 1440)."
    )
    steps: list[JourneyStepInput] = strawberry.field(default_factory=list)
    description: str = ""
    enabled: bool = True
    runner: Runner = Runner.BUILT_IN  # type: ignore[attr-defined]


@strawberry.input(description="Change a journey, at the version you read.")
class JourneyUpdateInput:
    id: strawberry.ID
    version: int
    name: str
    owner_team_id: strawberry.ID
    tier: Tier
    interval_minutes: int
    steps: list[JourneyStepInput]
    description: str = ""
    enabled: bool = True
    runner: Runner = Runner.BUILT_IN  # type: ignore[attr-defined]


@strawberry.input(description="One journey, at the version you read.")
class JourneyVersionInput:
    id: strawberry.ID
    version: int


@strawberry.input(description="Run a journey now, with the built-in runner.")
class JourneyRunNowInput:
    id: strawberry.ID


@strawberry.input(description="Set the hosts a service's journeys may send requests to.")
class JourneyHostsSetInput:
    service_id: strawberry.ID
    hosts: list[str] = strawberry.field(
        description="Host names (no scheme, port or path); outside development never an "
        "internal address (loopback, private, link-local)."
    )
    version: int | None = strawberry.field(
        default=None, description="The version you read when changing them."
    )


@strawberry.input(description="One step of a run an external runner made.")
class JourneyStepResultInput:
    name: str
    passed: bool
    status: int | None = None
    latency_ms: float | None = None
    failures: list[str] = strawberry.field(default_factory=list)

    def command(self) -> StepResult:
        return StepResult(
            self.name, self.passed, self.status, self.latency_ms, tuple(self.failures)
        )


@strawberry.input(
    description="A result from an external runner (k6, Checkly, the blackbox exporter). "
    "Without `deploymentId`, it follows the service's latest production deployment that "
    "finished within 24 hours before the run started."
)
class JourneyResultReportInput:
    journey_id: strawberry.ID
    passed: bool
    started_at: datetime
    finished_at: datetime
    runner: Runner
    external_id: str | None = strawberry.field(
        default=None, description="The runner's id of the run; a second report of it is refused."
    )
    summary: str = ""
    steps: list[JourneyStepResultInput] = strawberry.field(default_factory=list)
    deployment_id: strawberry.ID | None = strawberry.field(
        default=None, description="A Deployment or a DeploymentReport in production."
    )
