"""Types of the 24-hour post-release review: the review, what it gathered (metrics before and
after, alerts, incidents, log signals, feedback, synthetic results) and its emergent issues;
a service's metric template; a team's overdue reviews."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from api.graphql.context import Info
from api.graphql.deployments_types import Deployment
from api.graphql.enums import exposed
from api.graphql.organization_types import BusinessUnit, Person, Service, Team
from api.graphql.pipelines_evidence_types import DeploymentReport, IncidentReport
from api.graphql.postrelease_incidents_types import IncidentAttribution
from api.graphql.relay import Node, node_field
from api.graphql.rows import from_columns
from domain.postrelease import feedback_vocabulary, review_vocabulary
from domain.postrelease import review_rules as rules

PostReleaseReviewStatus = exposed(review_vocabulary.ReviewStatus, name="PostReleaseReviewStatus")
PostReleaseVerdict = exposed(review_vocabulary.Verdict, name="PostReleaseVerdict")
PostReleaseIssueKind = exposed(review_vocabulary.IssueKind, name="PostReleaseIssueKind")
PostReleaseMetricsState = exposed(review_vocabulary.MetricsState, name="PostReleaseMetricsState")
FeedbackKind = exposed(feedback_vocabulary.FeedbackKind, name="FeedbackKind")


@strawberry.type(description="A metric's mean in the window before and in the window after.")
class PostReleaseMetric:
    name: str
    query: str = strawberry.field(description="The PromQL read, `{service}` filled in.")
    before: float | None = strawberry.field(description="Null: Prometheus had no sample.")
    after: float | None
    rise_pct: float | None = strawberry.field(description="How much worse after, in percent.")


@strawberry.type(description="Something that emerged after the deployment.")
class PostReleaseIssue:
    kind: PostReleaseIssueKind
    key: str = strawberry.field(description="The metric, fingerprint, tag or incident.")
    detail: str


@strawberry.type(description="An Alertmanager alert received for the service after it.")
class PostReleaseAlert:
    name: str
    fingerprint: str
    summary: str
    starts_at: datetime


@strawberry.type(description="An incident of the service detected after the deployment.")
class PostReleaseIncident:
    ref: str
    status: str
    description: str
    detected_at: datetime
    attributed_elsewhere: bool = strawberry.field(
        description="Attributed to another change (a flag flip, a configuration change, another "
        "deployment): shown, but not an emergent issue of this deployment."
    )
    incident_uid: strawberry.Private[uuid.UUID]

    incident = node_field(IncidentReport, "incident_report", "incident_uid", "As reported.")
    attribution = node_field(
        IncidentAttribution,
        "incident_attribution_of_incident",
        "incident_uid",
        "The change it is attributed to, and how that was decided; null until attributed.",
    )


@strawberry.type(description="Errors of one fingerprint the log pipelines counted.")
class PostReleaseLogSignal:
    fingerprint: str
    before: int
    after: int


@strawberry.type(description="One feedback item about the service after the deployment.")
class PostReleaseFeedbackItem:
    kind: FeedbackKind
    title: str
    tags: list[str]
    occurred_at: datetime


@strawberry.type(description="Synthetic journey results around the deployment.")
class PostReleaseSynthetic:
    available: bool = strawberry.field(
        description="False when the service has no synthetic journeys."
    )
    results: strawberry.scalars.JSON | None = strawberry.field(
        description="Per journey (by key): runs before and after the deployment, whether every "
        "run passed on each side (null: no run), and how many failed after."
    )


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _gathered(findings: dict[str, Any]) -> dict[str, Any]:
    """The parts of a review's findings, as GraphQL objects."""
    signals = findings.get("logSignals", {"before": {}, "after": {}})
    feedback = findings.get("feedback", {})
    synthetic = findings.get("synthetic")
    return {
        "metrics": [PostReleaseMetric(**_snake(m)) for m in findings.get("metrics", [])],
        "metrics_note": findings.get("metricsNote", ""),
        "alerts": [
            PostReleaseAlert(
                name=a["name"],
                fingerprint=a["fingerprint"],
                summary=a["summary"],
                starts_at=_when(a["startsAt"]),
            )
            for a in findings.get("alerts", [])
        ],
        "incidents": [
            PostReleaseIncident(
                ref=i["ref"],
                status=i["status"],
                description=i["description"],
                detected_at=_when(i["detectedAt"]),
                attributed_elsewhere=bool(i.get("attributedElsewhere")),
                incident_uid=uuid.UUID(i["id"]),
            )
            for i in findings.get("incidents", [])
        ],
        "log_signals": [
            PostReleaseLogSignal(
                fingerprint=fp,
                before=signals["before"].get(fp, 0),
                after=signals["after"].get(fp, 0),
            )
            for fp in sorted({*signals["before"], *signals["after"]})
        ],
        "feedback": [
            PostReleaseFeedbackItem(
                kind=feedback_vocabulary.FeedbackKind(f["kind"]),  # type: ignore[arg-type]
                title=f["title"],
                tags=f["tags"],
                occurred_at=_when(f["occurredAt"]),
            )
            for f in feedback.get("items", [])
        ],
        "feedback_themes_before": feedback.get("themesBefore", []),
        "synthetic": PostReleaseSynthetic(available=synthetic is not None, results=synthetic),
        "tolerance_pct": findings.get("tolerancePct"),
        "compared_from": _when(w["beforeStart"]) if (w := findings.get("windows")) else None,
        "compared_until": _when(w["afterEnd"]) if w else None,
    }


def _snake(metric: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": metric["name"],
        "query": metric["query"],
        "before": metric["before"],
        "after": metric["after"],
        "rise_pct": metric["risePct"],
    }


@strawberry.type(
    description="The 24-hour post-release review of a production deployment: what happened "
    "to its service in the day after versus the day before, what emerged, and the verdict."
)
class PostReleaseReview(Node):
    id: strawberry.ID
    status: PostReleaseReviewStatus
    verdict: PostReleaseVerdict | None
    summary: str
    artifact_version: str
    deployed_at: datetime
    due_at: datetime = strawberry.field(description="24 hours after the deployment finished.")
    gathered_at: datetime | None = strawberry.field(description="When the findings were read.")
    closed_at: datetime | None
    version: int
    metrics_state: PostReleaseMetricsState = strawberry.field(
        description="NOT_CONFIGURED when no Prometheus is set up: metrics are absent, not zero."
    )
    metrics_note: str = strawberry.field(description="Why metrics are absent, when they are.")
    tolerance_pct: float | None = strawberry.field(
        description="The regression tolerance (guardrail post_release_regression_tolerance_pct) "
        "the issues were found with."
    )
    compared_from: datetime | None = strawberry.field(
        description="Start of the window before the deployment (as long as the one after)."
    )
    compared_until: datetime | None = strawberry.field(
        description="End of the window after the deployment: a day later, or when gathered."
    )
    metrics: list[PostReleaseMetric]
    alerts: list[PostReleaseAlert]
    incidents: list[PostReleaseIncident]
    log_signals: list[PostReleaseLogSignal]
    feedback: list[PostReleaseFeedbackItem] = strawberry.field(
        description="Feedback items about the service after the deployment."
    )
    feedback_themes_before: list[str] = strawberry.field(
        description="Feedback tags seen in the window before the deployment."
    )
    synthetic: PostReleaseSynthetic
    emergent_issues: list[PostReleaseIssue]
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]
    team_uid: strawberry.Private[uuid.UUID]
    deployment_uid: strawberry.Private[uuid.UUID | None]
    deployment_report_uid: strawberry.Private[uuid.UUID | None]
    closed_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> PostReleaseReview:
        return from_columns(
            cls,
            r,
            emergent_issues=[
                PostReleaseIssue(
                    kind=review_vocabulary.IssueKind(i["kind"]),  # type: ignore[arg-type]
                    key=i["key"],
                    detail=i["detail"],
                )
                for i in r.issues
            ],
            **_gathered(r.findings or {}),
        )

    @strawberry.field(description="Open and past due: it counts against the team.")
    def overdue(self, info: Info) -> bool:
        return rules.is_overdue(self.status, self.due_at, info.context.runtime.clock.now())

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")
    service = node_field(Service, "service", "service_uid")
    team = node_field(Team, "team", "team_uid", "The team owning the service: it is counted.")
    deployment = node_field(Deployment, "deployment", "deployment_uid", "Null: a reported one.")
    deployment_report = node_field(
        DeploymentReport, "deployment_report", "deployment_report_uid", "A CD tool's report."
    )
    closed_by = node_field(Person, "person", "closed_by_uid")


@strawberry.type(description="A service's named PromQL queries (`{service}`: its key).")
class PostReleaseMetricTemplateQuery:
    name: str
    promql: str


@strawberry.type(description="A service's metric template for post-release reviews.")
class PostReleaseMetricTemplate(Node):
    id: strawberry.ID
    version: int
    updated_at: datetime
    queries: list[PostReleaseMetricTemplateQuery]
    uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: Any) -> PostReleaseMetricTemplate:
        return from_columns(
            cls, r, queries=[PostReleaseMetricTemplateQuery(**q) for q in r.queries]
        )

    service = node_field(Service, "service", "service_uid")


@strawberry.type(description="A team's post-release reviews open past their due time.")
class TeamOverdueReviews:
    overdue: int
    oldest_due_at: datetime
    team_uid: strawberry.Private[uuid.UUID]

    team = node_field(Team, "team", "team_uid")


@strawberry.type(description="A feedback item as stored.")
class PostReleaseFeedback(Node):
    id: strawberry.ID
    kind: FeedbackKind
    source: str
    external_ref: str
    title: str
    tags: list[str]
    occurred_at: datetime
    received_at: datetime
    uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: Any) -> PostReleaseFeedback:
        return from_columns(cls, r)

    service = node_field(Service, "service", "service_uid")


@strawberry.type(description="A log signal as stored.")
class PostReleaseLogSignalReport(Node):
    id: strawberry.ID
    fingerprint: str
    count: int
    starts_at: datetime
    ends_at: datetime
    uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: Any) -> PostReleaseLogSignalReport:
        return from_columns(cls, r)

    service = node_field(Service, "service", "service_uid")
