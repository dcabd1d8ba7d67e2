"""Use cases of the 24-hour post-release review: open one per production deployment (the
housekeeping sweep), gather what happened before versus after it, close it with a verdict, and
keep a service's metric template."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Action, Resource, Scope
from domain.kernel.errors import DomainError
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import expect_version, trimmed
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.organization.vocabulary import Role
from domain.pipelines import production_deployments as production
from domain.postrelease import review_commands as cmd
from domain.postrelease import review_gathering as gathering
from domain.postrelease import review_repository as repo
from domain.postrelease import review_rules as rules
from domain.postrelease.journey_review import journey_results
from domain.postrelease.review_errors import ReviewErrorCode as Code
from domain.postrelease.review_gathering import MetricsRead, Plan
from domain.postrelease.review_models import MetricTemplate, PostReleaseReview
from domain.postrelease.review_sources import SyntheticResults
from domain.postrelease.review_vocabulary import MetricsState, ReviewStatus, Verdict

RESOURCE = Resource.POST_RELEASE_REVIEW
LOOKBACK = timedelta(days=7)
"""How far back the sweep looks for production deployments without a review."""
SWEEP_BATCH = 200
CLOSERS = (Role.ENGINEER.value, Role.SRE.value)
"""Who closes a review: the service's owners (engineers of its BU) or an SRE."""


def review_key(f: production.FinishedDeployment) -> str:
    """`deployment:<id>` or `report:<id>`: one review per deployment, whichever way it came."""
    return f"{f.kind}:{f.id}"


async def open_due_reviews(uow: UnitOfWork) -> list[uuid.UUID]:
    """Open a review for every production deployment of the last week that has none (the
    unique deployment key keeps it to one however often this runs), due a day after it."""
    now = uow.clock.now()
    found = await production.finished_in(uow.session, now - LOOKBACK, now, limit=SWEEP_BATCH)
    taken = await repo.existing_keys(uow.session, [review_key(f) for f in found])
    fresh = [f for f in found if review_key(f) not in taken]
    services = await org_facts.services(uow.session, {f.service_id for f in fresh})
    opened = []
    for f in fresh:
        service = services.get(f.service_id)
        if service is None:
            continue
        review = PostReleaseReview(
            id=uuid.uuid4(),
            deployment_key=review_key(f),
            deployment_id=f.id if f.kind == production.PLANNED else None,
            deployment_report_id=f.id if f.kind == production.REPORTED else None,
            bu_id=f.bu_id,
            service_id=f.service_id,
            team_id=service.team_id,
            environment_id=f.environment_id,
            artifact_version=f.artifact[:128],
            deployed_at=f.finished_at,
            due_at=rules.due_at(f.finished_at),
            status=ReviewStatus.OPEN.value,
            metrics_state=MetricsState.NOT_GATHERED.value,
            findings={},
            issues=[],
            summary="",
            version=1,
            created_at=now,
            updated_at=now,
        )
        rule = "every production deployment opens a post-release review due 24 hours later"
        await uow.created(review, action="post_release_review.open", bu_id=f.bu_id, rule=rule)
        opened.append(review.id)
    return opened


async def due_for_gathering(uow: UnitOfWork) -> list[uuid.UUID]:
    """Open reviews that fell due since they were last gathered (the sweep gathers them)."""
    return await repo.due_ungathered(uow.session, uow.clock.now(), limit=SWEEP_BATCH)


async def _visible(
    uow: UnitOfWork, review_id: uuid.UUID, *, for_update: bool = False
) -> PostReleaseReview:
    """The review when the caller may read it (NOT_FOUND otherwise)."""
    return await get_readable(
        uow.session,
        PostReleaseReview,
        review_id,
        uow.scope(Action.READ, RESOURCE),
        what="Post-release review",
        field="id",
        for_update=for_update,
    )


async def plan_gathering(
    session: AsyncSession, review_id: uuid.UUID, now: datetime, readable: Scope
) -> Plan | None:
    """Gathering's first step, in a read session: the windows and queries of an open review
    the caller may read; None otherwise (the unit of work that stores says why). The metrics
    are read next, outside any transaction (`review_gathering.read_metrics`)."""
    review = await session.get(PostReleaseReview, review_id)
    if review is None or review.status != ReviewStatus.OPEN or not readable.allows(review.bu_id):
        return None
    return await gathering.plan(session, review, now)


async def gather_review(
    uow: UnitOfWork,
    c: cmd.GatherReview,
    plan: Plan | None,
    metrics: MetricsRead,
    synthetic: SyntheticResults = journey_results,
) -> PostReleaseReview:
    """Store what happened before versus after the deployment, over the plan's windows with the
    metrics read for it, and list what emerged."""
    review = await _visible(uow, c.review_id)
    rule = uow.authorize(Action.UPDATE, RESOURCE, review.bu_id)
    return await store_gathered(uow, review, plan, metrics, synthetic, rule)


async def gather_due(
    uow: UnitOfWork,
    review_id: uuid.UUID,
    plan: Plan | None,
    metrics: MetricsRead,
    synthetic: SyntheticResults = journey_results,
) -> PostReleaseReview | None:
    """The sweep's gathering of a review that fell due (the system acts; no permission)."""
    review = await uow.session.get(PostReleaseReview, review_id)
    if review is None or review.status != ReviewStatus.OPEN:
        return None
    rule = "a review is gathered when due"
    return await store_gathered(uow, review, plan, metrics, synthetic, rule)


async def store_gathered(
    uow: UnitOfWork,
    review: PostReleaseReview,
    plan: Plan | None,
    metrics: MetricsRead,
    synthetic: SyntheticResults,
    rule: str,
) -> PostReleaseReview:
    if review.status == ReviewStatus.CLOSED:
        raise DomainError("The review is closed: its findings stay.", code=Code.REVIEW_CLOSED)
    if plan is None:
        raise DomainError(
            "No time has passed since the deployment: there is nothing to compare yet.",
            code=Code.INVALID_WINDOW,
        )
    now = uow.clock.now()
    found = await gathering.gather(uow.session, review, plan, metrics, synthetic)
    before = snapshot(review, exclude=("findings",))
    review.metrics_state = found.metrics_state.value
    review.findings, review.issues, review.gathered_at = found.findings, found.issues, now
    await uow.updated(
        review,
        before,
        action="post_release_review.gather",
        bu_id=review.bu_id,
        rule=rule,
        exclude=("findings",),
    )
    return review


async def close_review(uow: UnitOfWork, c: cmd.CloseReview) -> PostReleaseReview:
    """Close the review with a verdict and a summary: someone of the service's owners
    (an engineer of its BU) or an SRE."""
    review = await _visible(uow, c.review_id, for_update=True)
    rule = uow.authorize(Action.SIGN, RESOURCE, review.bu_id)
    expect_version(review, c.version, "The post-release review")
    if review.status == ReviewStatus.CLOSED:
        raise DomainError("The review is closed already.", code=Code.REVIEW_CLOSED)
    if c.verdict not in {v.value for v in Verdict}:
        raise DomainError(
            f"A verdict is one of {', '.join(v.value for v in Verdict)}.",
            code=Code.UNKNOWN_VERDICT,
            field="verdict",
        )
    summary = trimmed(
        c.summary,
        1,
        4000,
        "Sum the review up (1 to 4000 characters).",
        code=Code.INVALID_SUMMARY,
        field="summary",
    )
    closer = uow.actor.person_id
    if closer is None or not any(
        [await org_facts.holds_role(uow.session, closer, role, review.bu_id) for role in CLOSERS]
    ):
        raise DomainError(
            "A post-release review is closed by the service's owners (an engineer of its "
            "business unit) or an SRE.",
            code=Code.NOT_OWNER_OR_SRE,
        )
    before = snapshot(review, exclude=("findings",))
    review.status, review.verdict, review.summary = ReviewStatus.CLOSED.value, c.verdict, summary
    review.closed_by_id, review.closed_at = closer, uow.clock.now()
    await uow.updated(
        review,
        before,
        action="post_release_review.close",
        bu_id=review.bu_id,
        rule=rule,
        exclude=("findings",),
    )
    return review


async def set_metric_template(uow: UnitOfWork, c: cmd.SetMetricTemplate) -> MetricTemplate:
    """Set the service's named PromQL queries (replacing its template at `version`)."""
    service = await org_facts.service(
        uow.session, c.service_id, readable_in=uow.scope(Action.READ, Resource.SERVICE)
    )
    rule = uow.authorize(Action.UPDATE, Resource.METRIC_TEMPLATE, service.bu_id)
    queries = rules.validated_queries(c.queries)
    now = uow.clock.now()
    template = await repo.template_of(uow.session, service.id, for_update=True)
    if template is None:
        template = MetricTemplate(
            id=uuid.uuid4(),
            service_id=service.id,
            bu_id=service.bu_id,
            queries=queries,
            updated_by_id=uow.actor.person_id,
            version=1,
            created_at=now,
            updated_at=now,
        )
        await uow.created(template, action="metric_template.set", bu_id=service.bu_id, rule=rule)
        return template
    expect_version(template, c.version if c.version is not None else 0, "The metric template")
    before = snapshot(template)
    template.queries, template.updated_by_id = queries, uow.actor.person_id
    await uow.updated(
        template, before, action="metric_template.set", bu_id=service.bu_id, rule=rule
    )
    return template
