"""Features of teams planned for a PI (and optionally a departure), and their cross-team
dependencies. Cycles and misalignments are allowed to be recorded: the graph reports them."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import described, expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.trains import repository as repo
from domain.trains import rules
from domain.trains.commands import CreateFeature, UpdateFeature
from domain.trains.errors import TrainErrorCode as Code
from domain.trains.models import Departure, Feature, FeatureDependency, ProgramIncrement, Train
from domain.trains.vocabulary import FeatureStatus


async def visible_feature(uow: UnitOfWork, feature_id: uuid.UUID, field: str = "id") -> Feature:
    scope = uow.scope(Action.READ, Resource.FEATURE)
    return await get_readable(uow.session, Feature, feature_id, scope, what="Feature", field=field)


async def _plan(
    uow: UnitOfWork, bu_id: uuid.UUID, pi_id: uuid.UUID, departure_id: uuid.UUID | None
) -> tuple[ProgramIncrement, Departure | None]:
    """The PI (of a train of the team's BU) and departure (of that PI) a feature is planned for."""
    pi = await uow.session.get(ProgramIncrement, pi_id)
    train = await uow.session.get(Train, pi.train_id) if pi else None
    if (
        pi is None
        or train is None
        or not uow.scope(Action.READ, Resource.TRAIN).allows(train.bu_id)
    ):
        raise NotFound("Program increment was not found.", field="piId")
    if train.bu_id != bu_id:
        raise DomainError(
            "A team plans features on trains of its own business unit.",
            code=Code.NOT_IN_BUSINESS_UNIT,
            field="piId",
        )
    if departure_id is None:
        return pi, None
    departure = await uow.session.get(Departure, departure_id)
    if departure is None:
        raise NotFound("Departure was not found.", field="departureId")
    if departure.pi_id != pi.id:
        raise DomainError(
            f"Departure {departure.code} is not in {pi.name}.",
            code=Code.DEPARTURE_NOT_OF_PI,
            field="departureId",
        )
    return pi, departure


async def create_feature(uow: UnitOfWork, c: CreateFeature) -> Feature:
    """Plan a team's feature for a PI and, optionally, one of its departures."""
    team = await org_facts.team(
        uow.session, c.team_id, readable_in=uow.scope(Action.READ, Resource.FEATURE)
    )
    rule = uow.authorize(Action.CREATE, Resource.FEATURE, team.bu_id)
    title = rules.check_text(c.title, Code.INVALID_TITLE, "title")
    effort = rules.check_effort(c.effort)
    pi, departure = await _plan(uow, team.bu_id, c.pi_id, c.departure_id)
    now = uow.clock.now()
    feature = Feature(
        bu_id=team.bu_id,
        team_id=team.id,
        train_id=pi.train_id,
        pi_id=pi.id,
        departure_id=departure.id if departure else None,
        title=title,
        description=described(c.description),
        effort=effort,
        status=str(FeatureStatus.PLANNED),
        created_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
    )
    await uow.created(feature, action="feature.create", bu_id=team.bu_id, rule=rule)
    return feature


async def update_feature(uow: UnitOfWork, c: UpdateFeature) -> Feature:
    """Edit or re-plan a feature (PI, departure); the graph shows what the move causes."""
    feature = await visible_feature(uow, c.feature_id)
    rule = uow.authorize(Action.UPDATE, Resource.FEATURE, feature.bu_id)
    expect_version(feature, c.version, "The feature")
    before = snapshot(feature)
    if c.title is not None:
        feature.title = rules.check_text(c.title, Code.INVALID_TITLE, "title")
    if c.description is not None:
        feature.description = described(c.description)
    if c.effort is not None:
        feature.effort = rules.check_effort(c.effort)
    if c.done is not None:
        feature.status = str(FeatureStatus.DONE if c.done else FeatureStatus.PLANNED)
    if c.pi_id is not None or c.departure_id is not None or c.clear_departure:
        departure_id = None if c.clear_departure else (c.departure_id or feature.departure_id)
        pi_id = c.pi_id or feature.pi_id
        if c.pi_id is not None and c.departure_id is None and pi_id != feature.pi_id:
            departure_id = None  # a new PI without a departure leaves the old PI's departure
        pi, departure = await _plan(uow, feature.bu_id, pi_id, departure_id)
        feature.pi_id, feature.train_id = pi.id, pi.train_id
        feature.departure_id = departure.id if departure else None
    await uow.updated(feature, before, action="feature.update", bu_id=feature.bu_id, rule=rule)
    return feature


async def delete_feature(uow: UnitOfWork, feature_id: uuid.UUID, version: int) -> Feature:
    """Drop a feature, and the dependencies on and of it (each recorded)."""
    feature = await visible_feature(uow, feature_id)
    rule = uow.authorize(Action.DELETE, Resource.FEATURE, feature.bu_id)
    expect_version(feature, version, "The feature")
    for link in await repo.remove_links_of(uow.session, feature.id):
        uow.record(
            action="feature_dependency.remove",
            entity_type="feature_dependency",
            entity_id=link.id,
            bu_id=feature.bu_id,
            rule=rule,
            before={"consumer_id": str(link.consumer_id), "provider_id": str(link.provider_id)},
        )
    await uow.deleted(feature, action="feature.delete", bu_id=feature.bu_id, rule=rule)
    return feature


async def _link(
    uow: UnitOfWork, consumer_id: uuid.UUID, provider_id: uuid.UUID
) -> tuple[Feature, Feature, str]:
    consumer = await visible_feature(uow, consumer_id, "featureId")
    rule = uow.authorize(Action.UPDATE, Resource.FEATURE, consumer.bu_id)
    provider = await visible_feature(uow, provider_id, "dependsOnId")
    return consumer, provider, rule


async def add_dependency(
    uow: UnitOfWork, consumer_id: uuid.UUID, provider_id: uuid.UUID, note: str = ""
) -> Feature:
    """The consumer feature depends on a feature of another team (cycles are reported, not
    refused: they are facts of the plan to be resolved by people)."""
    consumer, provider, rule = await _link(uow, consumer_id, provider_id)
    if consumer.id == provider.id:
        raise DomainError(
            "A feature cannot depend on itself.", code=Code.SELF_DEPENDENCY, field="dependsOnId"
        )
    if consumer.team_id == provider.team_id:
        raise DomainError(
            "Dependencies are between teams; plan work within a team in its own backlog.",
            code=Code.SAME_TEAM,
            field="dependsOnId",
        )
    stmt = select(FeatureDependency.id).where(
        FeatureDependency.consumer_id == consumer.id, FeatureDependency.provider_id == provider.id
    )
    if await uow.session.scalar(stmt) is not None:
        raise DomainError(
            "That dependency is already recorded.", code=Code.DEPENDENCY_EXISTS, field="dependsOnId"
        )
    link = FeatureDependency(
        consumer_id=consumer.id,
        provider_id=provider.id,
        note=note.strip(),
        created_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    await uow.created(link, action="feature_dependency.add", bu_id=consumer.bu_id, rule=rule)
    return consumer


async def remove_dependency(
    uow: UnitOfWork, consumer_id: uuid.UUID, provider_id: uuid.UUID
) -> Feature:
    consumer, provider, rule = await _link(uow, consumer_id, provider_id)
    stmt = select(FeatureDependency).where(
        FeatureDependency.consumer_id == consumer.id, FeatureDependency.provider_id == provider.id
    )
    link = (await uow.session.scalars(stmt)).first()
    if link is None:
        raise DomainError(
            "No such dependency.", code=Code.DEPENDENCY_NOT_FOUND, field="dependsOnId"
        )
    await uow.deleted(link, action="feature_dependency.remove", bu_id=consumer.bu_id, rule=rule)
    return consumer
