"""Use cases of the organization: each authorizes, applies the rules, audits, and flushes."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from domain.kernel.access import ORG_SCOPE, Action, Resource, domain_of
from domain.kernel.errors import AlreadyExists, DomainError, NotFound, VersionConflict
from domain.kernel.events import GrantsChanged
from domain.kernel.orm import snapshot
from domain.kernel.uow import UnitOfWork
from domain.organization import commands as cmd
from domain.organization import repository as repo
from domain.organization import rules
from domain.organization.errors import OrganizationErrorCode as Code
from domain.organization.models import (
    ApiToken,
    ApiTokenScope,
    AttestationStatus,
    BusinessUnit,
    DataClassification,
    DependencyKind,
    Person,
    PersonKind,
    RoleGrant,
    Service,
    ServiceDependency,
    Team,
    Tier,
    Vendor,
)


def _expect_version(entity: Any, version: int, what: str) -> None:
    if entity.version != version:
        raise VersionConflict(
            f"{what} is at version {entity.version}, not {version}: reload and try again.",
            field="version",
        )


def _choice(enum: Any, value: str, code: Code, field: str) -> str:
    try:
        return str(enum(value))
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise DomainError(f"'{value}' is not one of: {allowed}.", code=code, field=field) from None


def _touch(entity: Any, uow: UnitOfWork) -> None:
    entity.updated_at = uow.clock.now()


# -- business units ------------------------------------------------------------------------


async def create_business_unit(uow: UnitOfWork, c: cmd.CreateBusinessUnit) -> BusinessUnit:
    """Open a new business unit (the release management office only)."""
    rule = uow.authorize(Action.CREATE, Resource.BUSINESS_UNIT, None)
    key = rules.check_key(c.key)
    if await repo.bu_key_taken(uow.session, key):
        raise AlreadyExists(
            f"A business unit with key '{key}' exists.", code=Code.KEY_TAKEN, field="key"
        )
    now = uow.clock.now()
    bu = BusinessUnit(
        key=key,
        name=rules.check_name(c.name),
        description=c.description.strip(),
        created_at=now,
        updated_at=now,
    )
    uow.session.add(bu)
    await uow.session.flush()
    uow.record(
        action="business_unit.create",
        entity_type="business_unit",
        entity_id=bu.id,
        bu_id=bu.id,
        rule=rule,
        after=snapshot(bu),
    )
    return bu


async def update_business_unit(uow: UnitOfWork, c: cmd.UpdateBusinessUnit) -> BusinessUnit:
    bu = await repo.get_bu(uow.session, c.bu_id)
    if bu is None:
        raise NotFound("Business unit was not found.")
    rule = uow.authorize_visible(Action.UPDATE, Resource.BUSINESS_UNIT, bu.id, "Business unit")
    _expect_version(bu, c.version, "The business unit")
    before = snapshot(bu)
    if c.name is not None:
        bu.name = rules.check_name(c.name)
    if c.description is not None:
        bu.description = c.description.strip()
    _touch(bu, uow)
    await uow.session.flush()
    uow.record(
        action="business_unit.update",
        entity_type="business_unit",
        entity_id=bu.id,
        bu_id=bu.id,
        rule=rule,
        before=before,
        after=snapshot(bu),
    )
    return bu


# -- teams ---------------------------------------------------------------------------------


async def create_team(uow: UnitOfWork, c: cmd.CreateTeam) -> Team:
    bu = await repo.get_bu(uow.session, c.bu_id)
    if bu is None:
        raise NotFound("Business unit was not found.", field="buId")
    rule = uow.authorize_visible(Action.CREATE, Resource.TEAM, bu.id, "Business unit")
    key = rules.check_key(c.key)
    if await repo.team_key_taken(uow.session, bu.id, key):
        raise AlreadyExists(f"Team '{key}' exists in {bu.key}.", code=Code.KEY_TAKEN, field="key")
    now = uow.clock.now()
    team = Team(
        bu_id=bu.id,
        key=key,
        name=rules.check_name(c.name),
        description=c.description.strip(),
        created_at=now,
        updated_at=now,
    )
    uow.session.add(team)
    await uow.session.flush()
    uow.record(
        action="team.create",
        entity_type="team",
        entity_id=team.id,
        bu_id=bu.id,
        rule=rule,
        after=snapshot(team),
    )
    return team


async def update_team(uow: UnitOfWork, c: cmd.UpdateTeam) -> Team:
    team = await repo.get_team(uow.session, c.team_id)
    if team is None:
        raise NotFound("Team was not found.")
    rule = uow.authorize_visible(Action.UPDATE, Resource.TEAM, team.bu_id, "Team")
    _expect_version(team, c.version, "The team")
    before = snapshot(team)
    if c.name is not None:
        team.name = rules.check_name(c.name)
    if c.description is not None:
        team.description = c.description.strip()
    _touch(team, uow)
    await uow.session.flush()
    uow.record(
        action="team.update",
        entity_type="team",
        entity_id=team.id,
        bu_id=team.bu_id,
        rule=rule,
        before=before,
        after=snapshot(team),
    )
    return team


# -- services ------------------------------------------------------------------------------


async def _visible_team(uow: UnitOfWork, team_id: uuid.UUID) -> Team:
    team = await repo.get_team(uow.session, team_id)
    if team is None or not uow.scope(Action.READ, Resource.TEAM).allows(team.bu_id):
        raise NotFound("Team was not found.", field="teamId")
    return team


async def create_service(uow: UnitOfWork, c: cmd.CreateService) -> Service:
    team = await _visible_team(uow, c.team_id)
    rule = uow.authorize(Action.CREATE, Resource.SERVICE, team.bu_id)
    key = rules.check_key(c.key)
    if await repo.service_key_taken(uow.session, key):
        raise AlreadyExists(f"Service '{key}' exists.", code=Code.KEY_TAKEN, field="key")
    now = uow.clock.now()
    service = Service(
        bu_id=team.bu_id,
        team_id=team.id,
        key=key,
        name=rules.check_name(c.name),
        tier=_choice(Tier, c.tier, Code.INVALID_TIER, "tier"),
        data_classification=_choice(
            DataClassification,
            c.data_classification,
            Code.INVALID_DATA_CLASSIFICATION,
            "dataClassification",
        ),
        regions=rules.check_regions(c.regions),
        created_at=now,
        updated_at=now,
    )
    uow.session.add(service)
    await uow.session.flush()
    uow.record(
        action="service.create",
        entity_type="service",
        entity_id=service.id,
        bu_id=service.bu_id,
        rule=rule,
        after=snapshot(service),
    )
    return service


async def update_service(uow: UnitOfWork, c: cmd.UpdateService) -> Service:
    service = await repo.get_service(uow.session, c.service_id)
    if service is None:
        raise NotFound("Service was not found.")
    rule = uow.authorize_visible(Action.UPDATE, Resource.SERVICE, service.bu_id, "Service")
    _expect_version(service, c.version, "The service")
    before = snapshot(service)
    if c.name is not None:
        service.name = rules.check_name(c.name)
    if c.tier is not None:
        service.tier = _choice(Tier, c.tier, Code.INVALID_TIER, "tier")
    if c.data_classification is not None:
        service.data_classification = _choice(
            DataClassification,
            c.data_classification,
            Code.INVALID_DATA_CLASSIFICATION,
            "dataClassification",
        )
    if c.regions is not None:
        service.regions = rules.check_regions(c.regions)
    if c.team_id is not None and c.team_id != service.team_id:
        team = await _visible_team(uow, c.team_id)
        if team.bu_id != service.bu_id:
            raise DomainError(
                "A service moves between teams of its own business unit only.",
                code=Code.TEAM_NOT_IN_BU,
                field="teamId",
            )
        service.team_id = team.id
    _touch(service, uow)
    await uow.session.flush()
    uow.record(
        action="service.update",
        entity_type="service",
        entity_id=service.id,
        bu_id=service.bu_id,
        rule=rule,
        before=before,
        after=snapshot(service),
    )
    return service


# -- dependencies --------------------------------------------------------------------------


async def _visible_service(uow: UnitOfWork, service_id: uuid.UUID, field: str) -> Service:
    service = await repo.get_service(uow.session, service_id)
    if service is None or not uow.scope(Action.READ, Resource.SERVICE).allows(service.bu_id):
        raise NotFound("Service was not found.", field=field)
    return service


async def add_dependency(uow: UnitOfWork, c: cmd.AddDependency) -> ServiceDependency:
    """Record that a consumer depends on a provider (the consumer's BU owns the edge)."""
    if c.consumer_id == c.provider_id:
        raise DomainError(
            "A service cannot depend on itself.", code=Code.SELF_DEPENDENCY, field="providerId"
        )
    consumer = await _visible_service(uow, c.consumer_id, "consumerId")
    provider = await _visible_service(uow, c.provider_id, "providerId")
    rule = uow.authorize(Action.CREATE, Resource.SERVICE_DEPENDENCY, consumer.bu_id)
    if await repo.get_dependency(uow.session, consumer.id, provider.id) is not None:
        raise AlreadyExists(
            f"{consumer.key} already depends on {provider.key}.", code=Code.DEPENDENCY_EXISTS
        )
    edge = ServiceDependency(
        consumer_id=consumer.id,
        provider_id=provider.id,
        kind=_choice(DependencyKind, c.kind, Code.INVALID_KEY, "kind"),
        created_at=uow.clock.now(),
    )
    uow.session.add(edge)
    await uow.session.flush()
    uow.record(
        action="service_dependency.add",
        entity_type="service_dependency",
        entity_id=edge.id,
        bu_id=consumer.bu_id,
        rule=rule,
        after=snapshot(edge),
    )
    return edge


async def remove_dependency(
    uow: UnitOfWork, consumer_id: uuid.UUID, provider_id: uuid.UUID
) -> ServiceDependency:
    consumer = await _visible_service(uow, consumer_id, "consumerId")
    rule = uow.authorize(Action.DELETE, Resource.SERVICE_DEPENDENCY, consumer.bu_id)
    edge = await repo.get_dependency(uow.session, consumer_id, provider_id)
    if edge is None:
        raise NotFound("That dependency was not found.")
    before = snapshot(edge)
    await uow.session.delete(edge)
    await uow.session.flush()
    uow.record(
        action="service_dependency.remove",
        entity_type="service_dependency",
        entity_id=edge.id,
        bu_id=consumer.bu_id,
        rule=rule,
        before=before,
    )
    return edge


# -- vendors -------------------------------------------------------------------------------


async def create_vendor(uow: UnitOfWork, c: cmd.CreateVendor) -> Vendor:
    bu = await repo.get_bu(uow.session, c.bu_id)
    if bu is None:
        raise NotFound("Business unit was not found.", field="buId")
    rule = uow.authorize_visible(Action.CREATE, Resource.VENDOR, bu.id, "Business unit")
    name = rules.check_name(c.name)
    if await repo.vendor_name_taken(uow.session, bu.id, name):
        raise AlreadyExists(
            f"Vendor '{name}' exists in {bu.key}.", code=Code.KEY_TAKEN, field="name"
        )
    now = uow.clock.now()
    vendor = Vendor(
        bu_id=bu.id,
        name=name,
        contact_email=rules.check_email(c.contact_email),
        attestation_status=_choice(
            AttestationStatus, c.attestation_status, Code.INVALID_ATTESTATION, "attestationStatus"
        ),
        attestation_expires_at=c.attestation_expires_at,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(vendor)
    await uow.session.flush()
    uow.record(
        action="vendor.create",
        entity_type="vendor",
        entity_id=vendor.id,
        bu_id=bu.id,
        rule=rule,
        after=snapshot(vendor),
    )
    return vendor


async def update_vendor(uow: UnitOfWork, c: cmd.UpdateVendor) -> Vendor:
    vendor = await repo.get_vendor(uow.session, c.vendor_id)
    if vendor is None:
        raise NotFound("Vendor was not found.")
    rule = uow.authorize_visible(Action.UPDATE, Resource.VENDOR, vendor.bu_id, "Vendor")
    _expect_version(vendor, c.version, "The vendor")
    before = snapshot(vendor)
    if c.contact_email is not None:
        vendor.contact_email = rules.check_email(c.contact_email)
    if c.attestation_status is not None:
        vendor.attestation_status = _choice(
            AttestationStatus, c.attestation_status, Code.INVALID_ATTESTATION, "attestationStatus"
        )
    if c.attestation_expires_at is not None:
        vendor.attestation_expires_at = c.attestation_expires_at
    _touch(vendor, uow)
    await uow.session.flush()
    uow.record(
        action="vendor.update",
        entity_type="vendor",
        entity_id=vendor.id,
        bu_id=vendor.bu_id,
        rule=rule,
        before=before,
        after=snapshot(vendor),
    )
    return vendor


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
        kind=_choice(PersonKind, c.kind, Code.INVALID_KEY, "kind"),
        issuer=issuer,
        subject=username,
        active=True,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(person)
    await uow.session.flush()
    uow.record(
        action="person.create",
        entity_type="person",
        entity_id=person.id,
        bu_id=None,
        rule=rule,
        after=snapshot(person),
    )
    return person


# -- role grants ---------------------------------------------------------------------------


async def grant_role(uow: UnitOfWork, c: cmd.GrantRole) -> RoleGrant:
    """Give a person a role in a BU, or org-wide; never above the grantor's own role."""
    role = rules.parse_role(c.role)
    discipline = (
        rules.Discipline(
            _choice(rules.Discipline, c.discipline, Code.DISCIPLINE_REQUIRED, "discipline")
        )
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
    uow.session.add(grant)
    await uow.session.flush()
    await _announce(uow, f"person:{person.id}")
    uow.record(
        action="role_grant.grant",
        entity_type="role_grant",
        entity_id=grant.id,
        bu_id=c.bu_id,
        rule=rule,
        after=snapshot(grant),
    )
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
    before = snapshot(grant)
    await uow.session.delete(grant)
    await uow.session.flush()
    await _announce(uow, f"person:{grant.person_id}")
    uow.record(
        action="role_grant.revoke",
        entity_type="role_grant",
        entity_id=grant.id,
        bu_id=grant.bu_id,
        rule=rule,
        before=before,
    )
    return grant


async def _announce(uow: UnitOfWork, subject: str) -> None:
    """Tell this process (after commit) and every other one (PostgreSQL NOTIFY, on commit)."""
    uow.emit(GrantsChanged(subject))
    if uow.session.get_bind().dialect.name == "postgresql":
        await uow.session.execute(text("SELECT pg_notify('signalbox_authz', :s)"), {"s": subject})


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
    uow.session.add(token)
    await uow.session.flush()
    for role, domain in scopes:
        bu_id = None if domain == ORG_SCOPE else uuid.UUID(domain)
        uow.session.add(ApiTokenScope(token_id=token.id, role=role, bu_id=bu_id, domain=domain))
    await uow.session.flush()
    await _announce(uow, f"token:{token.id}")
    uow.record(
        action="api_token.create",
        entity_type="api_token",
        entity_id=token.id,
        bu_id=None,
        rule=rule,
        after={**snapshot(token, exclude=("token_hash",)), "scopes": [list(s) for s in scopes]},
    )
    return token


def _own_token_rule(uow: UnitOfWork) -> str:
    # Every signed-in person may manage their own tokens; the scope check above bounds them.
    return f"owner({uow.actor.subject}) may manage own api tokens"


async def revoke_api_token(uow: UnitOfWork, token_id: uuid.UUID) -> ApiToken:
    token = await repo.get_token(uow.session, token_id)
    if token is None:
        raise NotFound("API token was not found.")
    if token.person_id == uow.actor.person_id:
        rule = _own_token_rule(uow)
    else:
        # Revoking someone else's credential (a leaked one, say) administers access: it takes
        # the right to revoke role grants org-wide. Everyone else sees no such token.
        if uow.authorizer.check(uow.actor, Action.REVOKE, Resource.ROLE_GRANT, None) is None:
            raise NotFound("API token was not found.")
        rule = uow.authorize(Action.REVOKE, Resource.ROLE_GRANT, None)
    if token.revoked_at is not None:
        raise DomainError("That token is already revoked.", code=Code.TOKEN_ALREADY_REVOKED)
    before = snapshot(token, exclude=("token_hash",))
    token.revoked_at = uow.clock.now()
    token.revoked_by_id = uow.actor.person_id
    await uow.session.flush()
    await _announce(uow, f"token:{token.id}")
    uow.record(
        action="api_token.revoke",
        entity_type="api_token",
        entity_id=token.id,
        bu_id=None,
        rule=rule,
        before=before,
        after=snapshot(token, exclude=("token_hash",)),
    )
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
    uow.session.add(person)
    await uow.session.flush()
    uow.record(
        action="person.provision",
        entity_type="person",
        entity_id=person.id,
        bu_id=None,
        rule=rule,
        after=snapshot(person),
    )
    return person


async def sync_group_grants(
    uow: UnitOfWork, person_id: uuid.UUID, desired: set[tuple[str, str, str]]
) -> bool:
    """Make the person's group-derived grants equal `desired` (group, role, bu key or '*')."""
    rule = uow.authorize(Action.GRANT, Resource.ROLE_GRANT, None)
    wanted: dict[tuple[str, str], tuple[str, uuid.UUID | None]] = {}
    for group, role, bu_key in desired:
        if role not in set(rules.Role):
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
            before = snapshot(grant)
            await uow.session.delete(grant)
            uow.record(
                action="role_grant.revoke",
                entity_type="role_grant",
                entity_id=grant.id,
                bu_id=grant.bu_id,
                rule=f"{rule}; identity provider groups",
                before=before,
            )
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
        uow.session.add(grant)
        await uow.session.flush()
        uow.record(
            action="role_grant.grant",
            entity_type="role_grant",
            entity_id=grant.id,
            bu_id=bu_id,
            rule=f"{rule}; identity provider groups",
            after=snapshot(grant),
        )
        changed = True
    if changed:
        await uow.session.flush()
        await _announce(uow, f"person:{person_id}")
    return changed
