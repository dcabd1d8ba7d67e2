"""Words of synthetic journeys: how a step asserts, how a run came about, who ran it."""

from __future__ import annotations

from enum import StrEnum


class HttpMethod(StrEnum):
    """The HTTP method of a journey's step."""

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"
    HEAD = "HEAD"
    OPTIONS = "OPTIONS"


class AssertionKind(StrEnum):
    """What a step's assertion looks at in the response."""

    STATUS = "status"
    """The HTTP status code."""
    JSON_PATH = "json_path"
    """The value(s) a JSONPath (RFC 9535) selects in the JSON body."""
    LATENCY_MS = "latency_ms"
    """The time from sending the request to the whole response, in milliseconds."""


class Operator(StrEnum):
    """How an assertion compares what it looks at with the expected value (EXISTS: a JSONPath
    selects something)."""

    EQUALS = "equals"
    NOT_EQUALS = "not_equals"
    LESS_THAN = "less_than"
    AT_MOST = "at_most"
    GREATER_THAN = "greater_than"
    AT_LEAST = "at_least"
    EXISTS = "exists"
    CONTAINS = "contains"


class RunOutcome(StrEnum):
    """Whether every step of the run got a response that satisfied its assertions."""

    PASSED = "passed"
    FAILED = "failed"


class RunTrigger(StrEnum):
    """Why a journey ran: right after a production deployment, on its schedule, asked by a
    person (run now), or reported by an external runner."""

    DEPLOYMENT = "deployment"
    SCHEDULE = "schedule"
    MANUAL = "manual"
    EXTERNAL = "external"


class Runner(StrEnum):
    """Who ran the journey: Signalbox's built-in runner or an external one."""

    BUILT_IN = "built_in"
    K6 = "k6"
    CHECKLY = "checkly"
    BLACKBOX_EXPORTER = "blackbox_exporter"
    CDEVENTS = "cdevents"
    OTHER = "other"


class DeploymentRefKind(StrEnum):
    """Which kind of production deployment a run or regression follows: a deployment Signalbox
    planned (canary, blue-green) or one a CD tool reported (CDEvents, GraphQL)."""

    DEPLOYMENT = "deployment"
    REPORT = "report"
