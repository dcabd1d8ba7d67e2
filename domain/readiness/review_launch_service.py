"""Use case of a service's first-launch readiness review: open it, its checklist from the
templates that apply to the service's tier. Evidence, sign-off and reopening are the release
review's use cases (domain.readiness.review_service), which take a review id.

Whether the service has reached production is the pipelines' fact (deployments are theirs, a
context above): the decision judges the review only for a first launch, and a review opened
for a service already in production is kept but never weighs.
"""

from __future__ import annotations

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.readiness import review_commands as cmd
from domain.readiness import review_repository as repo
from domain.readiness.review_errors import ReviewErrorCode as Code
from domain.readiness.review_models import ReadinessReview
from domain.readiness.review_service import RESOURCE, checklist, new_review


async def open_service_review(uow: UnitOfWork, c: cmd.OpenServiceReview) -> ReadinessReview:
    """Open the service's first-launch review with the checklist of every active template
    applying to its tier (org templates, then its BU's)."""
    service = await org_facts.service(
        uow.session, c.service_id, readable_in=uow.scope(Action.READ, Resource.SERVICE)
    )
    rule = uow.authorize_visible(Action.CREATE, RESOURCE, service.bu_id, "Service")
    if await repo.review_of_service(uow.session, service.id) is not None:
        raise DomainError(
            "The service has a readiness review; reopen it instead.",
            code=Code.REVIEW_EXISTS,
            field="serviceId",
        )
    templates, specs = await checklist(uow, {service.tier}, service.bu_id, field="serviceId")
    review = new_review(uow, service.bu_id, templates, specs, service_id=service.id)
    await uow.created(
        review,
        action="readiness_review.open_for_service",
        bu_id=service.bu_id,
        rule=rule,
        extra={"serviceId": str(service.id), "items": [s.key for s in specs]},
    )
    return review
