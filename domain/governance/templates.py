"""Use cases of documentation templates: the RMO's org templates and BU templates, versioned.

Rows never change: editing a template adds version+1, so a submitted release keeps pointing
at exactly the version it was checked against.
"""

from __future__ import annotations

from domain.governance import commands as cmd
from domain.governance import documentation as docs
from domain.governance import repository as repo
from domain.governance.errors import GovernanceErrorCode as Code
from domain.governance.models import DocumentTemplate
from domain.kernel.access import Action, Resource, domain_of
from domain.kernel.errors import AlreadyExists, DomainError, NotFound, VersionConflict
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.organization import rules as org_rules


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


async def create_template(uow: UnitOfWork, c: cmd.CreateTemplate) -> DocumentTemplate:
    """Version 1 of a template: org-wide (RMO, bu_id None) or for one BU (its admins)."""
    if c.bu_id is not None:
        await org_facts.business_unit(uow.session, c.bu_id)
    rule = uow.authorize_visible(
        Action.CREATE, Resource.DOCUMENT_TEMPLATE, c.bu_id, "Business unit"
    )
    key = _key(c.key)
    domain = domain_of(c.bu_id)
    if await repo.latest_template(uow.session, domain, key) is not None:
        raise AlreadyExists(
            f"Template '{key}' exists; revise it instead.", code=Code.KEY_TAKEN, field="key"
        )
    template = DocumentTemplate(
        key=key,
        bu_id=c.bu_id,
        domain=domain,
        version=1,
        name=_name(c.name),
        release_types=docs.check_release_types(c.release_types),
        tiers=docs.check_tiers(c.tiers),
        sections=docs.check_sections(c.sections),
        active=True,
        created_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    await uow.created(template, action="document_template.create", bu_id=c.bu_id, rule=rule)
    return template


async def revise_template(uow: UnitOfWork, c: cmd.UpdateTemplate) -> DocumentTemplate:
    """Add version+1 with the changes; `version` must be the latest one (else a conflict)."""
    seen = await repo.get_template(uow.session, c.template_id)
    scope = uow.scope(Action.READ, Resource.DOCUMENT_TEMPLATE)
    if seen is None or (seen.bu_id is not None and not scope.allows(seen.bu_id)):
        raise NotFound("Document template was not found.")
    rule = uow.authorize(Action.UPDATE, Resource.DOCUMENT_TEMPLATE, seen.bu_id)
    latest = await repo.latest_template(uow.session, seen.domain, seen.key)
    assert latest is not None
    if latest.version != c.version:
        raise VersionConflict(
            f"The template is at version {latest.version}, not {c.version}: reload and try again.",
            field="version",
        )
    template = DocumentTemplate(
        key=latest.key,
        bu_id=latest.bu_id,
        domain=latest.domain,
        version=latest.version + 1,
        name=_name(c.name) if c.name is not None else latest.name,
        release_types=docs.check_release_types(c.release_types)
        if c.release_types is not None
        else latest.release_types,
        tiers=docs.check_tiers(c.tiers) if c.tiers is not None else latest.tiers,
        sections=docs.check_sections(c.sections) if c.sections is not None else latest.sections,
        active=c.active if c.active is not None else latest.active,
        created_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    await uow.created(template, action="document_template.revise", bu_id=latest.bu_id, rule=rule)
    return template
