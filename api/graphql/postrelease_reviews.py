"""The 24-hour post-release review: a deployment's review, reviews of a team or BU (overdue
ones on their own), overdue reviews per team, a service's metric template; mutations that
close a review with a verdict, gather it again now, set a metric template, and report
feedback and log signals."""

from __future__ import annotations

import weakref
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import strawberry

from api.graphql import postrelease_reviews_inputs as pi
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.postrelease_reviews_types import (
    PostReleaseFeedback,
    PostReleaseLogSignalReport,
    PostReleaseMetricTemplate,
    PostReleaseReview,
    TeamOverdueReviews,
)
from api.graphql.relay import (
    Connection,
    from_global_id,
    from_optional_global_id,
    paginate,
    type_of_global_id,
)
from api.graphql.user_errors import POST_RELEASE_REVIEW
from api.post_release_prometheus import metrics_for, metrics_source
from domain.kernel.access import Resource
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.postrelease import feedback_service, review_service, signal_service
from domain.postrelease import review_commands as cmd
from domain.postrelease import review_queries as q
from domain.postrelease.review_sources import MetricsSource

if TYPE_CHECKING:
    from api.runtime import Runtime

run = MutationRunner(POST_RELEASE_REVIEW)
review_payload = run.into(pi.PostReleaseReviewPayload, post_release_review=PostReleaseReview)
template_payload = run.into(
    pi.PostReleaseMetricTemplatePayload, post_release_metric_template=PostReleaseMetricTemplate
)
feedback_payload = run.into(
    pi.PostReleaseFeedbackPayload, post_release_feedback=PostReleaseFeedback
)
signal_payload = run.into(
    pi.PostReleaseLogSignalPayload, post_release_log_signal=PostReleaseLogSignalReport
)
_sources: weakref.WeakKeyDictionary[Runtime, MetricsSource] = weakref.WeakKeyDictionary()


def source_for(runtime: Runtime) -> MetricsSource:
    """The runtime's Prometheus (or the source saying none is configured), made once."""
    if runtime not in _sources:
        _sources[runtime] = metrics_source(runtime.settings)
    return _sources[runtime]


@strawberry.input(description="Which reviews: a team's or a BU's (or all yours), overdue only.")
class PostReleaseReviewFilter:
    team_id: strawberry.ID | None = None
    business_unit_id: strawberry.ID | None = None
    overdue: bool = strawberry.field(default=False, description="Only open ones past due.")


@strawberry.type
class PostReleaseReviewQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """The node types this module serves, for `node(id:)`."""
        return {"PostReleaseReview": ("post_release_review", PostReleaseReview)}

    @strawberry.field(
        description="The post-release review of a production deployment (a Deployment's or a "
        "DeploymentReport's id); null when it has none yet or it is not yours to read."
    )
    async def post_release_review_of_deployment(
        self, info: Info, deployment_id: strawberry.ID
    ) -> PostReleaseReview | None:
        kind = "DeploymentReport" if _is_report(deployment_id) else "Deployment"
        uid = from_global_id(deployment_id, kind, "deploymentId")
        async with info.context.reader() as r:
            row = await q.review_of_deployment(r, uid)
        return PostReleaseReview.from_row(row) if row else None

    @strawberry.field(
        description="Per team with any, its post-release reviews open past due and the oldest "
        "due time, most first (what counts against a team)."
    )
    async def post_release_overdue_by_team(
        self, info: Info, business_unit_id: strawberry.ID | None = None
    ) -> list[TeamOverdueReviews]:
        bu = from_optional_global_id(business_unit_id, "BusinessUnit", "businessUnitId")
        async with info.context.reader() as r:
            rows = await q.overdue_by_team(r, info.context.runtime.clock.now(), bu)
        return [
            TeamOverdueReviews(overdue=r.overdue, oldest_due_at=r.oldest_due_at, team_uid=r.team_id)
            for r in rows
        ]

    @strawberry.field(
        description="Post-release reviews you may read by due time: a team's or a BU's, only "
        "the overdue ones (open past due) with `overdue`."
    )
    async def post_release_reviews(
        self,
        info: Info,
        filter: PostReleaseReviewFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[PostReleaseReview]:
        f = filter or PostReleaseReviewFilter()
        return await paginate(
            info,
            PostReleaseReview,
            q.reviews,
            team_id=from_optional_global_id(f.team_id, "Team", "teamId"),
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            overdue_at=info.context.runtime.clock.now() if f.overdue else None,
            first=first,
            after=after,
        )

    @strawberry.field(description="A service's metric template; null when it has none.")
    async def post_release_metric_template(
        self, info: Info, service_id: strawberry.ID
    ) -> PostReleaseMetricTemplate | None:
        uid = from_global_id(service_id, "Service", "serviceId")
        async with info.context.reader() as r:
            row = (await q.templates_of_services(r, [uid])).get(uid)
        return PostReleaseMetricTemplate.from_row(row) if row else None


def _is_report(global_id: str) -> bool:
    try:
        return type_of_global_id(global_id, "deploymentId")[0] == "DeploymentReport"
    except DomainError:
        return False


@strawberry.type
class PostReleaseReviewMutation:
    @review_payload.mutation(
        review_service.close_review,
        description="Close a post-release review with a verdict and a summary: the service's "
        "owners (an engineer of its BU) or an SRE (NOT_OWNER_OR_SRE otherwise).",
    )
    def post_release_review_close(input: pi.PostReleaseReviewCloseInput) -> cmd.CloseReview:
        return pi.close(input)

    @strawberry.mutation(
        description="Read a review's findings again now (metrics from Prometheus, alerts, "
        "incidents, log signals, feedback) and list what emerged."
    )
    async def post_release_review_gather(
        self, info: Info, input: pi.PostReleaseReviewGatherInput
    ) -> pi.PostReleaseReviewPayload:
        c = cmd.GatherReview(from_global_id(input.id, "PostReleaseReview"))
        async with info.context.reader() as r:
            now = info.context.runtime.clock.now()
            readable = r.scope(Resource.POST_RELEASE_REVIEW)
            plan = await review_service.plan_gathering(r.session, c.review_id, now, readable)
        metrics = await metrics_for(source_for(info.context.runtime), plan)

        def use_case(uow: UnitOfWork) -> Awaitable[Any]:
            return review_service.gather_review(uow, c, plan, metrics)

        return await review_payload(info, use_case)

    @template_payload.mutation(
        review_service.set_metric_template,
        description="Set a service's named PromQL queries for its post-release reviews.",
    )
    def post_release_metric_template_set(
        input: pi.PostReleaseMetricTemplateSetInput,
    ) -> cmd.SetMetricTemplate:
        return pi.template_set(input)

    @feedback_payload.mutation(
        feedback_service.report_feedback,
        description="Report a support ticket or in-app feedback about a service, tagged with "
        "themes (a support tool may post the same to the signed /feedback/webhook).",
    )
    def post_release_feedback_report(
        input: pi.PostReleaseFeedbackReportInput,
    ) -> cmd.ReportFeedback:
        return pi.feedback(input)

    @signal_payload.mutation(
        signal_service.report_log_signal,
        description="Report how many errors of one fingerprint a service logged in a window "
        "(for log pipelines).",
    )
    def post_release_log_signal_report(
        input: pi.PostReleaseLogSignalReportInput,
    ) -> cmd.ReportLogSignal:
        return pi.log_signal(input)
