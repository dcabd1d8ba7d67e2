"""Use cases of the organization: each authorizes, applies the rules, audits, and flushes."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, NotFound
from domain.kernel.orm import Base, snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import described, expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import commands as cmd
from domain.organization import repository as repo
from domain.organization import rules
from domain.organization.errors import OrganizationErrorCode as Code
from domain.organization.models import BusinessUnit, Service, ServiceDependency, Team, Vendor
from domain.organization.vocabulary import (
    AttestationStatus,
    DataClassification,
    DependencyKind,
    Tier,
)

E = TypeVar("E")

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
        description=described(c.description),
        created_at=now,
        updated_at=now,
    )
    await uow.created(bu, action="business_unit.create", bu_id=bu.id, rule=rule)
    return bu


async def update_business_unit(uow: UnitOfWork, c: cmd.UpdateBusinessUnit) -> BusinessUnit:
    bu = _found(await repo.get_bu(uow.session, c.bu_id), "Business unit")
    rule, before = _for_update(uow, bu, bu.id, c.version, Resource.BUSINESS_UNIT, "Business unit")
    _describe(bu, c.name, c.description)
    if uow.unchanged(bu, before):
        return bu
    await uow.updated(bu, before, action="business_unit.update", bu_id=bu.id, rule=rule)
    return bu


def _found(entity: E | None, what: str, field: str | None = None) -> E:
    if entity is None:
        raise NotFound(f"{what} was not found.", field=field)
    return entity


def _for_update(
    uow: UnitOfWork, entity: Base, bu_id: uuid.UUID, version: int, resource: Resource, what: str
) -> tuple[str, dict[str, Any]]:
    """The rule allowing the change (hidden things look absent) and the before-image, once the
    caller's version is checked."""
    rule = uow.authorize_visible(Action.UPDATE, resource, bu_id, what)
    expect_version(entity, version, f"The {what.lower()}")
    return rule, snapshot(entity)


def _describe(entity: BusinessUnit | Team, name: str | None, description: str | None) -> None:
    """Rename and re-describe a BU or a team; None leaves a field as it is."""
    if name is not None:
        entity.name = rules.check_name(name)
    if description is not None:
        entity.description = described(description)


# -- teams ---------------------------------------------------------------------------------


async def create_team(uow: UnitOfWork, c: cmd.CreateTeam) -> Team:
    bu = _found(await repo.get_bu(uow.session, c.bu_id), "Business unit", "buId")
    rule = uow.authorize_visible(Action.CREATE, Resource.TEAM, bu.id, "Business unit")
    key = rules.check_key(c.key)
    if await repo.team_key_taken(uow.session, bu.id, key):
        raise AlreadyExists(f"Team '{key}' exists in {bu.key}.", code=Code.KEY_TAKEN, field="key")
    now = uow.clock.now()
    team = Team(
        bu_id=bu.id,
        key=key,
        name=rules.check_name(c.name),
        description=described(c.description),
        created_at=now,
        updated_at=now,
    )
    await uow.created(team, action="team.create", bu_id=bu.id, rule=rule)
    return team


async def update_team(uow: UnitOfWork, c: cmd.UpdateTeam) -> Team:
    team = _found(await repo.get_team(uow.session, c.team_id), "Team")
    rule, before = _for_update(uow, team, team.bu_id, c.version, Resource.TEAM, "Team")
    _describe(team, c.name, c.description)
    if uow.unchanged(team, before):
        return team
    await uow.updated(team, before, action="team.update", bu_id=team.bu_id, rule=rule)
    return team


# -- services ------------------------------------------------------------------------------


async def _visible_team(uow: UnitOfWork, team_id: uuid.UUID) -> Team:
    scope = uow.scope(Action.READ, Resource.TEAM)
    return await get_readable(uow.session, Team, team_id, scope, what="Team", field="teamId")


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
        tier=rules.choice(Tier, c.tier, Code.INVALID_TIER, "tier"),
        data_classification=rules.choice(
            DataClassification,
            c.data_classification,
            Code.INVALID_DATA_CLASSIFICATION,
            "dataClassification",
        ),
        regions=rules.check_regions(c.regions),
        created_at=now,
        updated_at=now,
    )
    await uow.created(service, action="service.create", bu_id=service.bu_id, rule=rule)
    return service


async def update_service(uow: UnitOfWork, c: cmd.UpdateService) -> Service:
    service = _found(await repo.get_service(uow.session, c.service_id), "Service")
    rule, before = _for_update(uow, service, service.bu_id, c.version, Resource.SERVICE, "Service")
    if c.name is not None:
        service.name = rules.check_name(c.name)
    if c.tier is not None:
        service.tier = rules.choice(Tier, c.tier, Code.INVALID_TIER, "tier")
    if c.data_classification is not None:
        service.data_classification = rules.choice(
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
    await uow.updated(service, before, action="service.update", bu_id=service.bu_id, rule=rule)
    return service


# -- dependencies --------------------------------------------------------------------------


async def _visible_service(uow: UnitOfWork, service_id: uuid.UUID, field: str) -> Service:
    scope = uow.scope(Action.READ, Resource.SERVICE)
    return await get_readable(uow.session, Service, service_id, scope, what="Service", field=field)


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
        kind=rules.choice(DependencyKind, c.kind, Code.INVALID_KEY, "kind"),
        created_at=uow.clock.now(),
    )
    await uow.created(edge, action="service_dependency.add", bu_id=consumer.bu_id, rule=rule)
    return edge


async def remove_dependency(
    uow: UnitOfWork, consumer_id: uuid.UUID, provider_id: uuid.UUID
) -> ServiceDependency:
    consumer = await _visible_service(uow, consumer_id, "consumerId")
    rule = uow.authorize(Action.DELETE, Resource.SERVICE_DEPENDENCY, consumer.bu_id)
    edge = await repo.get_dependency(uow.session, consumer_id, provider_id)
    if edge is None:
        raise NotFound("That dependency was not found.")
    await uow.deleted(edge, action="service_dependency.remove", bu_id=consumer.bu_id, rule=rule)
    return edge


# -- vendors -------------------------------------------------------------------------------


async def create_vendor(uow: UnitOfWork, c: cmd.CreateVendor) -> Vendor:
    bu = _found(await repo.get_bu(uow.session, c.bu_id), "Business unit", "buId")
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
        attestation_status=rules.choice(
            AttestationStatus, c.attestation_status, Code.INVALID_ATTESTATION, "attestationStatus"
        ),
        attestation_expires_at=c.attestation_expires_at,
        created_at=now,
        updated_at=now,
    )
    await uow.created(vendor, action="vendor.create", bu_id=bu.id, rule=rule)
    return vendor


async def update_vendor(uow: UnitOfWork, c: cmd.UpdateVendor) -> Vendor:
    vendor = _found(await repo.get_vendor(uow.session, c.vendor_id), "Vendor")
    rule, before = _for_update(uow, vendor, vendor.bu_id, c.version, Resource.VENDOR, "Vendor")
    if c.contact_email is not None:
        vendor.contact_email = rules.check_email(c.contact_email)
    if c.attestation_status is not None:
        vendor.attestation_status = rules.choice(
            AttestationStatus, c.attestation_status, Code.INVALID_ATTESTATION, "attestationStatus"
        )
    if c.attestation_expires_at is not None:
        vendor.attestation_expires_at = c.attestation_expires_at
    await uow.updated(vendor, before, action="vendor.update", bu_id=vendor.bu_id, rule=rule)
    return vendor
