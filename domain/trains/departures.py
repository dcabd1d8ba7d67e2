"""Departures: releases boarding and alighting, departed and cancelled."""

from __future__ import annotations

import uuid

from domain.governance.vocabulary import ReleaseStatus
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.trains import repository as repo
from domain.trains.commands import Board
from domain.trains.errors import TrainErrorCode as Code
from domain.trains.models import Departure, DepartureBoarding
from domain.trains.trains import visible_departure
from domain.trains.vocabulary import DepartureStatus

NOT_BOARDABLE = {ReleaseStatus.CANCELLED, ReleaseStatus.REJECTED}


async def _boardable(uow: UnitOfWork, departure: Departure) -> None:
    if departure.status != DepartureStatus.SCHEDULED:
        raise DomainError(
            f"Departure {departure.code} is {departure.status}.",
            code=Code.DEPARTURE_NOT_SCHEDULED,
            field="departureId",
        )
    if departure.departs_at <= uow.clock.now():
        raise DomainError(
            f"Departure {departure.code} has left.", code=Code.DEPARTURE_PASSED, field="departureId"
        )


async def board(uow: UnitOfWork, c: Board) -> Departure:
    """A release of the train's BU, not cancelled or rejected, boards a scheduled departure."""
    departure, train = await visible_departure(uow, c.departure_id)
    rule = uow.authorize(Action.UPDATE, Resource.TRAIN, train.bu_id)
    release = await repo.release_info(uow.session, c.release_id)
    if release is None or not uow.scope(Action.READ, Resource.RELEASE).allows(release.bu_id):
        raise NotFound("Release was not found.", field="releaseId")
    if release.bu_id != train.bu_id:
        raise DomainError(
            "A release boards a train of its own business unit.",
            code=Code.NOT_IN_BUSINESS_UNIT,
            field="releaseId",
        )
    if release.status in NOT_BOARDABLE:
        raise DomainError(
            f"A {release.status} release cannot board.",
            code=Code.RELEASE_NOT_BOARDABLE,
            field="releaseId",
        )
    await _boardable(uow, departure)
    if await repo.boarding_of_release(uow.session, release.id) is not None:
        raise DomainError(
            "The release already boarded a departure; alight it first.",
            code=Code.RELEASE_ALREADY_BOARDED,
            field="releaseId",
        )
    boarding = DepartureBoarding(
        departure_id=departure.id,
        release_id=release.id,
        boarded_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    await uow.created(boarding, action="departure_boarding.board", bu_id=train.bu_id, rule=rule)
    return departure


async def alight(uow: UnitOfWork, c: Board) -> Departure:
    """Take a release off a departure it boarded."""
    departure, train = await visible_departure(uow, c.departure_id)
    rule = uow.authorize(Action.UPDATE, Resource.TRAIN, train.bu_id)
    boarding = await repo.boarding_of_release(uow.session, c.release_id)
    if boarding is None or boarding.departure_id != departure.id:
        raise DomainError(
            "The release is not on this departure.",
            code=Code.RELEASE_NOT_BOARDED,
            field="releaseId",
        )
    await uow.deleted(boarding, action="departure_boarding.alight", bu_id=train.bu_id, rule=rule)
    return departure


async def set_departure_status(
    uow: UnitOfWork, departure_id: uuid.UUID, version: int, status: DepartureStatus
) -> Departure:
    """Mark a scheduled departure departed (it left) or cancelled (it will not run)."""
    departure, train = await visible_departure(uow, departure_id)
    action = Action.DELETE if status == DepartureStatus.CANCELLED else Action.UPDATE
    rule = uow.authorize(action, Resource.TRAIN, train.bu_id)
    expect_version(departure, version, "The departure")
    if departure.status != DepartureStatus.SCHEDULED:
        raise DomainError(
            f"Departure {departure.code} is {departure.status}.",
            code=Code.DEPARTURE_NOT_SCHEDULED,
        )
    before = snapshot(departure)
    departure.status = str(status)
    verb = "cancel" if status == DepartureStatus.CANCELLED else "depart"
    await uow.updated(departure, before, action=f"departure.{verb}", bu_id=train.bu_id, rule=rule)
    return departure
