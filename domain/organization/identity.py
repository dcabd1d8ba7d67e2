"""Use cases of identity and access: people, role grants, API tokens, IdP group sync."""

from __future__ import annotations

import uuid

from domain.kernel.access import ORG_SCOPE, Action, Resource, domain_of
from domain.kernel.errors import AlreadyExists, DomainError, NotFound, VersionConflict
from domain.kernel.events import GrantsChanged
from domain.kernel.notify import GRANTS_CHANNEL, notify_on_commit
from domain.kernel.orm import snapshot
from domain.kernel.uow import UnitOfWork
from domain.organization import commands as cmd
from domain.organization import repository as repo
from domain.organization import rules
from domain.organization.errors import OrganizationErrorCode as Code
from domain.organization.models import ApiToken, ApiTokenScope, Person, RoleGrant
from domain.organization.vocabulary import Discipline, PersonKind, Role

# -- people --------------------------------------------------------------------------------


async def create_person(uow: UnitOfWork, c: cmd.CreatePerson, *, issuer: str) -> Person:
    """Register a person or machine user ahead of their first sign-in."""
    rule = uow.authorize(Action.CREATE, Resource.PERSON, None)
    username = rules.check_username(c.username)
    if await repo.username_taken(uow.session, username):
        raise AlreadyExists(
            f"Username '{username}' is taken.", code=Code.USERNAME_TAKEN, field="username"
        )
    now = uow.clock.now()
    person = Person(
        username=username,
        display_name=rules.check_name(c.display_name, "displayName"),
        email=rules.check_email(c.email, "email") if c.email else None,
        kind=rules.choice(PersonKind, c.kind, Code.INVALID_KEY, "kind"),
        issuer=issuer,
        subject=rules.check_subject(c.subject) if c.subject is not None else username,
        active=True,
        created_at=now,
        updated_at=now,
    )
    await uow.created(person, action="person.create", bu_id=None, rule=rule)
    return person


async def enroll_person(uow: UnitOfWork, c: cmd.EnrollPerson, *, issuer: str) -> RoleGrant:
    """Register a person with their first role in one unit; an address already known is refused."""
    if c.person.email and await repo.email_taken(uow.session, c.person.email.strip()):
        raise AlreadyExists(
            f"Someone already has the address '{c.person.email.strip()}'.",
            code=Code.EMAIL_TAKEN,
            field="email",
        )
    bu_id = None
    if c.bu_key is not None:
        bu_id = await repo.bu_id_by_key(uow.session, c.bu_key)
        if bu_id is None:
            raise NotFound(f"Business unit '{c.bu_key}' was not found.", field="businessUnit")
    person = await create_person(uow, c.person, issuer=issuer)
    return await grant_role(uow, cmd.GrantRole(person_id=person.id, role=c.role, bu_id=bu_id))


async def update_person(uow: UnitOfWork, c: cmd.UpdatePerson) -> Person:
    """Rename, re-address or (de)activate a person; a deactivated person cannot sign in."""
    person = await repo.get_person(uow.session, c.person_id)
    if person is None:
        raise NotFound("Person was not found.")
    rule = uow.authorize(Action.UPDATE, Resource.PERSON, None)
    if c.version != person.version:
        raise VersionConflict(
            f"The person is at version {person.version}, not {c.version}: reload and try again.",
            field="version",
        )
    if c.active is False and uow.actor.person_id == person.id:
        raise DomainError("Nobody deactivates themselves.", code=Code.SELF_GRANT, field="active")
    before = snapshot(person)
    if c.display_name is not None:
        person.display_name = rules.check_name(c.display_name, "displayName")
    if c.email is not None:
        person.email = rules.check_email(c.email, "email") if c.email else None
    if c.active is not None:
        person.active = c.active
    if uow.unchanged(person, before):
        return person
    await uow.updated(person, before, action="person.update", bu_id=None, rule=rule)
    if before["active"] != person.active:
        await _announce(uow, f"person:{person.id}")
    return person


# -- role grants ---------------------------------------------------------------------------


async def grant_role(uow: UnitOfWork, c: cmd.GrantRole) -> RoleGrant:
    """Give a person a role in a BU, or org-wide; never above the grantor's own role."""
    role = rules.parse_role(c.role)
    discipline = (
        Discipline(rules.choice(Discipline, c.discipline, Code.DISCIPLINE_REQUIRED, "discipline"))
        if c.discipline
        else None
    )
    person = await repo.get_person(uow.session, c.person_id)
    if person is None:
        raise NotFound("Person was not found.", field="personId")
    if c.bu_id is not None and await repo.get_bu(uow.session, c.bu_id) is None:
        raise NotFound("Business unit was not found.", field="buId")
    rule = uow.authorize_visible(Action.GRANT, Resource.ROLE_GRANT, c.bu_id, "Business unit")
    rules.check_grant(
        role=role,
        discipline=discipline,
        org_scope=c.bu_id is None,
        grantor_roles=uow.authorizer.roles(uow.actor, c.bu_id),
        grantor_is_grantee=uow.actor.person_id == person.id,
    )
    domain = domain_of(c.bu_id)
    if await repo.find_grant(uow.session, person.id, role, domain) is not None:
        raise AlreadyExists(
            f"{person.username} already holds {role} there.", code=Code.GRANT_EXISTS
        )
    grant = RoleGrant(
        person_id=person.id,
        role=str(role),
        bu_id=c.bu_id,
        domain=domain,
        discipline=str(discipline) if discipline else None,
        granted_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    await uow.created(grant, action="role_grant.grant", bu_id=c.bu_id, rule=rule)
    await _announce(uow, f"person:{person.id}")
    return grant


async def revoke_role(uow: UnitOfWork, grant_id: uuid.UUID) -> RoleGrant:
    grant = await repo.get_grant(uow.session, grant_id)
    if grant is None:
        raise NotFound("Role grant was not found.")
    rule = uow.authorize_visible(Action.REVOKE, Resource.ROLE_GRANT, grant.bu_id, "Role grant")
    held = uow.authorizer.roles(uow.actor, grant.bu_id)
    if rules.rank(grant.role) > max((rules.rank(r) for r in held), default=-1):
        raise DomainError(
            f"You cannot revoke {grant.role}: it is above your own role.",
            code=Code.ROLE_ABOVE_YOUR_OWN,
        )
    await uow.deleted(grant, action="role_grant.revoke", bu_id=grant.bu_id, rule=rule)
    await _announce(uow, f"person:{grant.person_id}")
    return grant


async def _announce(uow: UnitOfWork, subject: str) -> None:
    """Tell this process (after commit) and every other one (PostgreSQL NOTIFY, on commit)."""
    uow.emit(GrantsChanged(subject))
    await notify_on_commit(uow.session, GRANTS_CHANNEL, subject)


# -- API tokens ----------------------------------------------------------------------------


async def create_api_token(
    uow: UnitOfWork, c: cmd.CreateApiToken, *, token_hash: str, prefix: str
) -> ApiToken:
    """Register a token whose secret the caller generated; scopes within the creator's grants."""
    if uow.actor.person_id is None or uow.actor.token_id is not None:
        raise DomainError(
            "API tokens are created by a signed-in person, not by another token.",
            code=Code.TOKEN_SCOPE_TOO_WIDE,
        )
    rule = _own_token_rule(uow)
    held = [(g.role, g.domain) for g in await repo.grants_of(uow.session, uow.actor.person_id)]
    scopes = rules.check_token_scope(((s.role, domain_of(s.bu_id)) for s in c.scopes), held)
    now = uow.clock.now()
    token = ApiToken(
        person_id=uow.actor.person_id,
        name=rules.check_name(c.name),
        token_hash=token_hash,
        prefix=prefix,
        created_at=now,
        expires_at=rules.token_expiry(now, c.ttl),
    )
    await uow.created(
        token,
        action="api_token.create",
        bu_id=None,
        rule=rule,
        exclude=("token_hash",),
        extra={"scopes": [list(s) for s in scopes]},
    )
    for role, domain in scopes:
        bu_id = None if domain == ORG_SCOPE else uuid.UUID(domain)
        uow.session.add(ApiTokenScope(token_id=token.id, role=role, bu_id=bu_id, domain=domain))
    await uow.session.flush()
    await _announce(uow, f"token:{token.id}")
    return token


def _own_token_rule(uow: UnitOfWork) -> str:
    # Every signed-in person may manage their own tokens; the scope check above bounds them.
    return f"owner({uow.actor.subject}) may manage own api tokens"


def credential_revoke_rule(uow: UnitOfWork, owner_id: uuid.UUID, own_rule: str, what: str) -> str:
    """The rule letting the actor revoke a credential (an API token, a calendar feed): their
    own under `own_rule`. Revoking someone else's (a leaked one, say) administers access: it
    takes the right to revoke role grants org-wide. Everyone else sees no such credential."""
    if owner_id == uow.actor.person_id:
        return own_rule
    if uow.authorizer.check(uow.actor, Action.REVOKE, Resource.ROLE_GRANT, None) is None:
        raise NotFound(f"{what} was not found.")
    return uow.authorize(Action.REVOKE, Resource.ROLE_GRANT, None)


async def revoke_api_token(uow: UnitOfWork, token_id: uuid.UUID) -> ApiToken:
    """Revoke a token once: its row is locked, so of concurrent revocations one records it."""
    token = await repo.get_token(uow.session, token_id, for_update=True)
    if token is None:
        raise NotFound("API token was not found.")
    rule = credential_revoke_rule(uow, token.person_id, _own_token_rule(uow), "API token")
    if token.revoked_at is not None:
        raise DomainError("That token is already revoked.", code=Code.TOKEN_ALREADY_REVOKED)
    before = snapshot(token, exclude=("token_hash",))
    token.revoked_at = uow.clock.now()
    token.revoked_by_id = uow.actor.person_id
    await uow.updated(
        token, before, action="api_token.revoke", bu_id=None, rule=rule, exclude=("token_hash",)
    )
    await _announce(uow, f"token:{token.id}")
    return token


# -- identity provider sync (run as the system) ---------------------------------------------


async def provision_person(
    uow: UnitOfWork,
    *,
    issuer: str,
    subject: str,
    username: str,
    display_name: str,
    email: str | None,
) -> Person:
    """Create the person behind a first OIDC sign-in; the username is made unique if taken."""
    rule = uow.authorize(Action.CREATE, Resource.PERSON, None)
    base = rules.USERNAME_CLEAN.sub("-", username.lower()).strip("-.")[:56] or "user"
    candidate, n = base, 1
    while await repo.username_taken(uow.session, candidate):
        n += 1
        candidate = f"{base}-{n}"
    now = uow.clock.now()
    person = Person(
        username=candidate,
        display_name=(display_name or candidate)[:200],
        email=email,
        kind=PersonKind.HUMAN,
        issuer=issuer,
        subject=subject,
        active=True,
        created_at=now,
        updated_at=now,
    )
    await uow.created(person, action="person.provision", bu_id=None, rule=rule)
    return person


async def sync_group_grants(
    uow: UnitOfWork, person_id: uuid.UUID, desired: set[tuple[str, str, str]]
) -> bool:
    """Make the person's group-derived grants equal `desired` (group, role, bu key or '*')."""
    rule = f"{uow.authorize(Action.GRANT, Resource.ROLE_GRANT, None)}; identity provider groups"
    wanted: dict[tuple[str, str], tuple[str, uuid.UUID | None]] = {}
    for group, role, bu_key in desired:
        if role not in set(Role):
            continue
        bu_id = None
        if bu_key != ORG_SCOPE:
            bu_id = await repo.bu_id_by_key(uow.session, bu_key)
            if bu_id is None:
                continue
        wanted[(role, domain_of(bu_id))] = (f"group:{group}", bu_id)
    existing = await repo.grants_of(uow.session, person_id)
    have = {(g.role, g.domain): g for g in existing}
    changed = False
    for key, grant in have.items():
        if grant.source.startswith("group:") and key not in wanted:
            await uow.deleted(grant, action="role_grant.revoke", bu_id=grant.bu_id, rule=rule)
            changed = True
    for (role, domain), (source, bu_id) in wanted.items():
        if (role, domain) in have:
            continue
        grant = RoleGrant(
            person_id=person_id,
            role=role,
            bu_id=bu_id,
            domain=domain,
            source=source,
            created_at=uow.clock.now(),
        )
        await uow.created(grant, action="role_grant.grant", bu_id=bu_id, rule=rule)
        changed = True
    if changed:
        await _announce(uow, f"person:{person_id}")
    return changed
