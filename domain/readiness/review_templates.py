"""Use cases of readiness checklist templates: the RMO's org templates and BU templates (which
only add items), versioned like documentation templates: editing adds version+1, so a review
keeps pointing at exactly the versions its checklist was made from."""

from __future__ import annotations

from domain.kernel.access import ORG_SCOPE, Action, Resource, domain_of
from domain.kernel.errors import AlreadyExists, DomainError, NotFound
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.organization import rules as org_rules
from domain.readiness import review_commands as cmd
from domain.readiness import review_repository as repo
from domain.readiness import review_rules as rules
from domain.readiness.review_errors import ReviewErrorCode as Code
from domain.readiness.review_models import ReviewTemplate

RESOURCE = Resource.READINESS_TEMPLATE


def _name(name: str) -> str:
    try:
        return org_rules.check_name(name)
    except DomainError as exc:
        raise DomainError(exc.message, code=Code.INVALID_NAME, field="name") from None


def _key(key: str) -> str:
    try:
        return org_rules.check_key(key)
    except DomainError as exc:
        raise DomainError(exc.message, code=Code.INVALID_KEY, field="key") from None


async def create_template(uow: UnitOfWork, c: cmd.CreateTemplate) -> ReviewTemplate:
    """Version 1 of a checklist template: org-wide (RMO) or for one BU (its admins); a BU
    template never takes an org template's key, so it can only add items."""
    if c.bu_id is not None:
        await org_facts.business_unit(uow.session, c.bu_id)
    rule = uow.authorize_visible(Action.CREATE, RESOURCE, c.bu_id, "Business unit")
    key, domain = _key(c.key), domain_of(c.bu_id)
    taken = await repo.latest_template(uow.session, domain, key)
    if c.bu_id is not None and taken is None:
        taken = await repo.latest_template(uow.session, ORG_SCOPE, key)
    if taken is not None:
        raise AlreadyExists(
            f"Checklist template '{key}' exists; revise it instead.",
            code=Code.KEY_TAKEN,
            field="key",
        )
    template = ReviewTemplate(
        key=key,
        bu_id=c.bu_id,
        domain=domain,
        version=1,
        name=_name(c.name),
        tiers=rules.check_tiers(c.tiers),
        items=rules.check_items(c.items),
        active=True,
        created_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    await uow.created(template, action="readiness_review_template.create", bu_id=c.bu_id, rule=rule)
    return template


async def revise_template(uow: UnitOfWork, c: cmd.ReviseTemplate) -> ReviewTemplate:
    """Add version+1 with the changes; `version` must be the latest one (else a conflict)."""
    seen = await repo.get_template(uow.session, c.template_id)
    scope = uow.scope(Action.READ, RESOURCE)
    if seen is None or (seen.bu_id is not None and not scope.allows(seen.bu_id)):
        raise NotFound("Checklist template was not found.")
    rule = uow.authorize(Action.UPDATE, RESOURCE, seen.bu_id)
    latest = await repo.latest_template(uow.session, seen.domain, seen.key)
    assert latest is not None
    expect_version(latest, c.version, "The template")
    template = ReviewTemplate(
        key=latest.key,
        bu_id=latest.bu_id,
        domain=latest.domain,
        version=latest.version + 1,
        name=_name(c.name) if c.name is not None else latest.name,
        tiers=rules.check_tiers(c.tiers) if c.tiers is not None else latest.tiers,
        items=rules.check_items(c.items) if c.items is not None else latest.items,
        active=c.active if c.active is not None else latest.active,
        created_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    await uow.created(
        template, action="readiness_review_template.revise", bu_id=latest.bu_id, rule=rule
    )
    return template
