"""The environment catalog: environments created, changed and retired, each audited."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from domain.environments import repository as repo
from domain.environments import rules
from domain.environments.commands import CreateEnvironment, UpdateEnvironment
from domain.environments.errors import EnvironmentErrorCode as Code
from domain.environments.models import Environment
from domain.environments.vocabulary import EnvironmentStatus
from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.kernel.vocabulary import EnvironmentKind
from domain.organization import facts as org_facts


async def visible_environment(uow: UnitOfWork, environment_id: uuid.UUID) -> Environment:
    """The environment, or NotFound when it is absent or outside what the actor may read."""
    scope = uow.scope(Action.READ, Resource.ENVIRONMENT)
    return await get_readable(
        uow.session, Environment, environment_id, scope, what="Environment", org_rows=True
    )


def active(env: Environment) -> None:
    if env.status != EnvironmentStatus.ACTIVE:
        raise DomainError(f"{env.key} is retired.", code=Code.ENVIRONMENT_RETIRED)


async def _owners(
    uow: UnitOfWork,
    bu_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    person_ids: Sequence[uuid.UUID],
) -> list[str]:
    if team_id is not None:
        team = await org_facts.team(
            uow.session,
            team_id,
            readable_in=uow.scope(Action.READ, Resource.TEAM),
            field="ownerTeamId",
        )
        if bu_id is not None and team.bu_id != bu_id:
            raise DomainError(
                "The owning team belongs to the environment's business unit.",
                code=Code.OWNER_NOT_IN_BUSINESS_UNIT,
                field="ownerTeamId",
            )
    people = sorted(set(person_ids), key=str)
    if people and await org_facts.active_people(uow.session, people) != set(people):
        raise NotFound("Person was not found.", field="ownerIds")
    return [str(p) for p in people]


async def _final_staging_free(
    uow: UnitOfWork, env_id: uuid.UUID | None, final: bool, product_domain: str | None
) -> None:
    if not final or product_domain is None:
        return
    other = await repo.final_staging_of(uow.session, product_domain, other_than=env_id)
    if other is not None:
        raise DomainError(
            f"Product domain {product_domain} already has its final staging environment.",
            code=Code.FINAL_STAGING_TAKEN,
            field="finalStaging",
        )


async def create_environment(uow: UnitOfWork, c: CreateEnvironment) -> Environment:
    """Add an environment to the catalog (a BU's, or org-wide without a BU)."""
    kind = str(EnvironmentKind(c.kind))
    if c.bu_id is not None:
        await org_facts.business_unit(
            uow.session, c.bu_id, readable_in=uow.scope(Action.READ, Resource.ENVIRONMENT)
        )
    rule = uow.authorize(Action.CREATE, Resource.ENVIRONMENT, c.bu_id)
    key = rules.check_key(c.key)
    product_domain = rules.check_product_domain(c.product_domain)
    rules.check_final_staging(kind, c.final_staging, product_domain)
    if await repo.key_taken(uow.session, key):
        raise AlreadyExists(f"An environment with key {key} exists.", field="key")
    await _final_staging_free(uow, None, c.final_staging, product_domain)
    now = uow.clock.now()
    env = Environment(
        key=key,
        name=rules.check_name(c.name),
        kind=kind,
        bu_id=c.bu_id,
        product_domain=product_domain,
        train_id=c.train_id,
        region=rules.check_region(kind, c.region),
        final_staging=c.final_staging,
        owner_team_id=c.owner_team_id,
        owner_person_ids=await _owners(uow, c.bu_id, c.owner_team_id, c.owner_person_ids),
        capacity=rules.check_capacity(c.capacity),
        status=str(EnvironmentStatus.ACTIVE),
        created_at=now,
        updated_at=now,
    )
    await uow.created(env, action="environment.create", bu_id=env.bu_id, rule=rule)
    return env


async def update_environment(uow: UnitOfWork, c: UpdateEnvironment) -> Environment:
    """Change an environment's facts; its key, kind and BU never change."""
    env = await visible_environment(uow, c.environment_id)
    rule = uow.authorize(Action.UPDATE, Resource.ENVIRONMENT, env.bu_id)
    expect_version(env, c.version, "The environment")
    active(env)
    before = snapshot(env)

    def pick(name: str, given: object) -> object:
        return None if name in c.clear else (given if given is not None else getattr(env, name))

    product_domain = rules.check_product_domain(pick("product_domain", c.product_domain))  # type: ignore[arg-type]
    final = bool(pick("final_staging", c.final_staging))
    rules.check_final_staging(env.kind, final, product_domain)
    await _final_staging_free(uow, env.id, final, product_domain)
    team = pick("owner_team_id", c.owner_team_id)
    people = (
        c.owner_person_ids
        if c.owner_person_ids is not None
        else [uuid.UUID(p) for p in env.owner_person_ids]
    )
    env.name = rules.check_name(c.name) if c.name is not None else env.name
    env.capacity = rules.check_capacity(c.capacity) if c.capacity is not None else env.capacity
    env.product_domain = product_domain
    env.final_staging = final
    env.train_id = pick("train_id", c.train_id)  # type: ignore[assignment]
    env.region = rules.check_region(env.kind, pick("region", c.region))  # type: ignore[arg-type]
    env.owner_team_id = team  # type: ignore[assignment]
    env.owner_person_ids = await _owners(uow, env.bu_id, team, people)  # type: ignore[arg-type]
    await uow.updated(env, before, action="environment.update", bu_id=env.bu_id, rule=rule)
    return env


async def retire_environment(
    uow: UnitOfWork, environment_id: uuid.UUID, version: int
) -> Environment:
    """Retire an environment nobody holds or waits for any more; its history stays."""
    scope = uow.scope(Action.READ, Resource.ENVIRONMENT)
    env = await get_readable(
        uow.session,
        Environment,
        environment_id,
        scope,
        what="Environment",
        org_rows=True,
        for_update=True,
    )
    rule = uow.authorize(Action.DELETE, Resource.ENVIRONMENT, env.bu_id)
    expect_version(env, version, "The environment")
    active(env)
    now = uow.clock.now()
    if await repo.active_reservation_count(uow.session, env.id, now):
        raise DomainError(
            f"{env.key} still has granted or queued reservations; release or cancel them first.",
            code=Code.ENVIRONMENT_IN_USE,
        )
    before = snapshot(env)
    env.status = str(EnvironmentStatus.RETIRED)
    env.retired_at = now
    env.final_staging = False
    await uow.updated(env, before, action="environment.retire", bu_id=env.bu_id, rule=rule)
    return env
