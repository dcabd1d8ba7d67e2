"""Use case of user feedback: a support ticket or in-app feedback about a service, tagged with
themes, posted through GraphQL or a signed webhook (domain.postrelease.review_commands.SignedBy)."""

from __future__ import annotations

import re
from datetime import timedelta

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.rules import described, trimmed
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.postrelease import review_commands as cmd
from domain.postrelease.feedback_models import FeedbackItem
from domain.postrelease.feedback_vocabulary import FeedbackKind
from domain.postrelease.review_errors import ReviewErrorCode as Code
from domain.postrelease.review_rules import aware

TAG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_TAGS = 10
CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a reporter's clock may put an item."""


def tags_of(tags: list[str] | tuple[str, ...]) -> list[str]:
    """Themes: at most 10 distinct lowercase slugs (letters, digits, dashes; 1-40)."""
    found = sorted({t.strip().lower() for t in tags})
    if len(found) > MAX_TAGS or not all(TAG.match(t) for t in found):
        raise DomainError(
            f"Tags are at most {MAX_TAGS} slugs of lowercase letters, digits and dashes "
            "(1-40 characters).",
            code=Code.INVALID_TAGS,
            field="tags",
        )
    return found


async def _reporter(
    uow: UnitOfWork, c: cmd.ReportFeedback, signed: cmd.SignedBy | None
) -> tuple[org_facts.ServiceFacts, str, str]:
    """The service, the audit rule and the source: a person's permission, or the signature."""
    if signed is None:
        service = await org_facts.service(
            uow.session, c.service_id, readable_in=uow.scope(Action.READ, Resource.SERVICE)
        )
        return service, uow.authorize(Action.CREATE, Resource.FEEDBACK, service.bu_id), "graphql"
    found = (await org_facts.services(uow.session, [c.service_id])).get(c.service_id)
    if found is None or found.bu_id != signed.bu_id:
        raise DomainError(
            "The service is not one of the signing secret's business unit.",
            code=Code.UNKNOWN_SERVICE,
            field="service",
        )
    return found, signed.rule, signed.source


def _text(value: str, field: str, most: int) -> str:
    return trimmed(
        value,
        1,
        most,
        f"The {field} takes 1 to {most} characters.",
        code=Code.INVALID_FEEDBACK,
        field=field,
    )


async def report_feedback(
    uow: UnitOfWork, c: cmd.ReportFeedback, signed: cmd.SignedBy | None = None
) -> FeedbackItem:
    """Store one feedback item about a service (once per source and reference)."""
    service, rule, source = await _reporter(uow, c, signed)
    if c.kind not in {k.value for k in FeedbackKind}:
        raise DomainError(
            f"Feedback is one of {', '.join(k.value for k in FeedbackKind)}.",
            code=Code.INVALID_FEEDBACK,
            field="kind",
        )
    now = uow.clock.now()
    occurred = aware(c.occurred_at, "occurredAt", Code.INVALID_FEEDBACK) if c.occurred_at else now
    if occurred > now + CLOCK_SKEW:
        raise DomainError(
            "Feedback cannot come from the future.", code=Code.INVALID_FEEDBACK, field="occurredAt"
        )
    item = FeedbackItem(
        bu_id=service.bu_id,
        service_id=service.id,
        kind=c.kind,
        source=source[:200],
        external_ref=_text(c.external_ref, "externalRef", 200),
        title=_text(c.title, "title", 200),
        body=described(c.body, "body", 10_000),
        tags=tags_of(list(c.tags)),
        occurred_at=occurred,
        received_at=now,
        reported_by=uow.actor.username,
        reported_by_id=uow.actor.person_id,
    )
    await uow.created(item, action="feedback.report", bu_id=service.bu_id, rule=rule)
    return item
