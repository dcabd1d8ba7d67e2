"""Use cases of legal and regulatory sign-offs: the RMO's rules, and signing for a release."""

from __future__ import annotations

from domain.governance import assessment
from domain.governance import commands as cmd
from domain.governance import documentation as docs
from domain.governance import repository as repo
from domain.governance import signoff_rules as rules
from domain.governance.errors import GovernanceErrorCode as Code
from domain.governance.models import SignOff, SignOffRule
from domain.governance.releases import release_for_update
from domain.governance.templates import _name
from domain.governance.vocabulary import ReleaseStatus
from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork

SIGNABLE = frozenset(
    {ReleaseStatus.DRAFT, ReleaseStatus.SUBMITTED, ReleaseStatus.APPROVED, ReleaseStatus.SCHEDULED}
)


def _slug(value: str, field: str) -> str:
    value = value.strip()
    if not docs.KEY.match(value):
        raise DomainError(
            f"'{value}' is not a key: lowercase letters, digits, '-' and '_'.",
            code=Code.INVALID_KEY,
            field=field,
        )
    return value


async def create_rule(uow: UnitOfWork, c: cmd.CreateSignOffRule) -> SignOffRule:
    """A rule deriving a required sign-off from a release's data (the RMO's)."""
    rule = uow.authorize(Action.CREATE, Resource.SIGN_OFF_RULE, None)
    key = _slug(c.key, "key")
    if await repo.rule_key_taken(uow.session, key):
        raise AlreadyExists(f"Sign-off rule '{key}' exists.", code=Code.KEY_TAKEN, field="key")
    now = uow.clock.now()
    sign_off_rule = SignOffRule(
        key=key,
        name=_name(c.name),
        requirement=_slug(c.requirement, "requirement"),
        discipline=rules.check_discipline(c.discipline),
        condition=rules.check_condition(c.condition),
        validity_days=rules.check_validity(c.validity_days),
        active=c.active,
        created_at=now,
        updated_at=now,
    )
    await uow.created(sign_off_rule, action="sign_off_rule.create", bu_id=None, rule=rule)
    return sign_off_rule


async def update_rule(uow: UnitOfWork, c: cmd.UpdateSignOffRule) -> SignOffRule:
    sign_off_rule = await repo.get_rule(uow.session, c.rule_id)
    if sign_off_rule is None:
        raise NotFound("Sign-off rule was not found.")
    rule = uow.authorize(Action.UPDATE, Resource.SIGN_OFF_RULE, None)
    expect_version(sign_off_rule, c.version, "The sign-off rule")
    before = snapshot(sign_off_rule)
    if c.name is not None:
        sign_off_rule.name = _name(c.name)
    if c.requirement is not None:
        sign_off_rule.requirement = _slug(c.requirement, "requirement")
    if c.discipline is not None:
        sign_off_rule.discipline = rules.check_discipline(c.discipline)
    if c.condition is not None:
        sign_off_rule.condition = rules.check_condition(c.condition)
    if c.validity_days is not None:
        sign_off_rule.validity_days = rules.check_validity(c.validity_days)
    if c.active is not None:
        sign_off_rule.active = c.active
    await uow.updated(sign_off_rule, before, action="sign_off_rule.update", bu_id=None, rule=rule)
    return sign_off_rule


async def give_sign_off(uow: UnitOfWork, c: cmd.GiveSignOff) -> SignOff:
    """Sign a required sign-off: an approver of its discipline, never the owner or an author."""
    release = await release_for_update(uow, c.release_id)
    rule = uow.authorize(Action.SIGN, Resource.SIGN_OFF, release.bu_id)
    if release.status not in SIGNABLE:
        raise DomainError(
            f"A {release.status} release takes no more sign-offs.", code=Code.ILLEGAL_TRANSITION
        )
    required = (await assessment.required_sign_offs(uow.session, [release]))[release.id]
    match = next((r for r in required if r.requirement == c.requirement), None)
    if match is None:
        raise DomainError(
            f"This release does not need a '{c.requirement}' sign-off.",
            code=Code.SIGN_OFF_NOT_REQUIRED,
            field="requirement",
        )
    person_id = uow.actor.person_id
    if person_id is None or match.discipline not in await repo.approver_disciplines(
        uow.session, person_id, release.bu_id
    ):
        raise DomainError(
            f"'{match.requirement}' is signed by a {match.discipline} approver.",
            code=Code.NOT_AN_APPROVER,
        )
    if person_id == release.owner_id or person_id in await repo.author_ids(uow.session, release.id):
        raise DomainError(
            "The release's owner and authors do not sign it off.", code=Code.CONFLICT_OF_INTEREST
        )
    now = uow.clock.now()
    sign_off = SignOff(
        release_id=release.id,
        requirement=match.requirement,
        signer_id=person_id,
        discipline=match.discipline,
        signed_at=now,
        expires_at=rules.expiry(now, match.validity_days),
        note=c.note.strip()[:4000],
    )
    await uow.created(sign_off, action="sign_off.give", bu_id=release.bu_id, rule=rule)
    return sign_off


async def revoke_sign_off(uow: UnitOfWork, sign_off_id: object) -> SignOff:
    sign_off = await repo.get_sign_off(uow.session, sign_off_id)  # type: ignore[arg-type]
    if sign_off is None:
        raise NotFound("Sign-off was not found.")
    try:
        release = await release_for_update(uow, sign_off.release_id)
    except NotFound:
        raise NotFound("Sign-off was not found.") from None
    # Read again under the release's lock: a revocation that committed meanwhile is seen.
    await uow.session.refresh(sign_off)
    rule = uow.authorize(Action.REVOKE, Resource.SIGN_OFF, release.bu_id)
    if sign_off.revoked_at is not None:
        raise DomainError("That sign-off is already revoked.", code=Code.SIGN_OFF_ALREADY_REVOKED)
    before = snapshot(sign_off)
    sign_off.revoked_at = uow.clock.now()
    await uow.updated(sign_off, before, action="sign_off.revoke", bu_id=release.bu_id, rule=rule)
    return sign_off
