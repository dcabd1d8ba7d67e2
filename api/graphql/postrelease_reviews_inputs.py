"""Inputs and payloads of the post-release review mutations, and their decoding into commands."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.graphql.postrelease_reviews_types import (
    FeedbackKind,
    PostReleaseFeedback,
    PostReleaseLogSignalReport,
    PostReleaseMetricTemplate,
    PostReleaseReview,
    PostReleaseVerdict,
)
from api.graphql.relay import from_global_id
from api.graphql.user_errors import UserError
from domain.postrelease import review_commands as cmd


@strawberry.input(description="Close a review with a verdict and a summary.")
class PostReleaseReviewCloseInput:
    id: strawberry.ID
    version: int
    verdict: PostReleaseVerdict
    summary: str = strawberry.field(description="1 to 4000 characters.")


@strawberry.input(description="Read a review's findings again now.")
class PostReleaseReviewGatherInput:
    id: strawberry.ID


@strawberry.input(description="One named query; `{service}` stands for the service's key.")
class PostReleaseMetricQueryInput:
    name: str = strawberry.field(
        description="error_rate, latency_p99 or saturation replace the built-in query; any "
        "other name (lowercase letters, digits, _) adds one."
    )
    promql: str


@strawberry.input(description="Set a service's metric template (replacing it at `version`).")
class PostReleaseMetricTemplateSetInput:
    service_id: strawberry.ID
    queries: list[PostReleaseMetricQueryInput]
    version: int | None = strawberry.field(
        default=None, description="The template's version when it exists already."
    )


@strawberry.input(description="One feedback item about a service, tagged with themes.")
class PostReleaseFeedbackReportInput:
    service_id: strawberry.ID
    kind: FeedbackKind
    external_ref: str = strawberry.field(
        description="The ticket's or item's id in the tool it came from (once per source)."
    )
    title: str
    body: str = ""
    tags: list[str] = strawberry.field(default_factory=list, description="Themes, as slugs.")
    occurred_at: datetime | None = None


@strawberry.input(description="Errors of one fingerprint a log pipeline counted in a window.")
class PostReleaseLogSignalReportInput:
    service_id: strawberry.ID
    fingerprint: str
    count: int
    starts_at: datetime
    ends_at: datetime
    message: str = ""


@strawberry.type
class PostReleaseReviewPayload:
    post_release_review: PostReleaseReview | None
    errors: list[UserError]


@strawberry.type
class PostReleaseMetricTemplatePayload:
    post_release_metric_template: PostReleaseMetricTemplate | None
    errors: list[UserError]


@strawberry.type
class PostReleaseFeedbackPayload:
    post_release_feedback: PostReleaseFeedback | None
    errors: list[UserError]


@strawberry.type
class PostReleaseLogSignalPayload:
    post_release_log_signal: PostReleaseLogSignalReport | None
    errors: list[UserError]


def close(i: PostReleaseReviewCloseInput) -> cmd.CloseReview:
    review_id = from_global_id(i.id, "PostReleaseReview")
    return cmd.CloseReview(review_id, i.version, i.verdict.value, i.summary)


def template_set(i: PostReleaseMetricTemplateSetInput) -> cmd.SetMetricTemplate:
    return cmd.SetMetricTemplate(
        from_global_id(i.service_id, "Service", "serviceId"),
        [{"name": q.name, "promql": q.promql} for q in i.queries],
        i.version,
    )


def feedback(i: PostReleaseFeedbackReportInput) -> cmd.ReportFeedback:
    return cmd.ReportFeedback(
        service_id=from_global_id(i.service_id, "Service", "serviceId"),
        kind=i.kind.value,
        external_ref=i.external_ref,
        title=i.title,
        body=i.body,
        tags=tuple(i.tags),
        occurred_at=i.occurred_at,
    )


def log_signal(i: PostReleaseLogSignalReportInput) -> cmd.ReportLogSignal:
    return cmd.ReportLogSignal(
        service_id=from_global_id(i.service_id, "Service", "serviceId"),
        fingerprint=i.fingerprint,
        count=i.count,
        starts_at=i.starts_at,
        ends_at=i.ends_at,
        message=i.message,
    )
