"""Trains: created with a cadence, their PIs, departures generated from the cadence, cadence
changes with a reason from a chosen PI onward."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.trains import cadence as cad
from domain.trains import repository as repo
from domain.trains import rules
from domain.trains.commands import (
    ChangeCadence,
    CreatePi,
    CreateTrain,
    GenerateDepartures,
    UpdateTrain,
)
from domain.trains.errors import TrainErrorCode as Code
from domain.trains.models import (
    CadenceChange,
    Departure,
    Feature,
    IntegrationWindow,
    ProgramIncrement,
    Train,
)
from domain.trains.vocabulary import CadenceChangeReason, DepartureStatus

MAX_PIS_AT_ONCE = 8


async def visible_train(uow: UnitOfWork, train_id: uuid.UUID, field: str = "id") -> Train:
    scope = uow.scope(Action.READ, Resource.TRAIN)
    return await get_readable(uow.session, Train, train_id, scope, what="Train", field=field)


async def visible_departure(uow: UnitOfWork, departure_id: uuid.UUID) -> tuple[Departure, Train]:
    departure = await uow.session.get(Departure, departure_id)
    train = await uow.session.get(Train, departure.train_id) if departure else None
    if departure is None or train is None:
        raise NotFound("Departure was not found.", field="departureId")
    if not uow.scope(Action.READ, Resource.TRAIN).allows(train.bu_id):
        raise NotFound("Departure was not found.", field="departureId")
    return departure, train


def _cadence_columns(c: cad.Cadence) -> dict[str, object]:
    return {
        "cadence": c.kind,
        "weekday": c.weekday,
        "dates": [d.isoformat() for d in c.dates],
        "rrule": c.rrule,
        "departure_time": c.departure_time,
        "tzid": c.tzid,
    }


def cadence_of(row: Train | CadenceChange) -> cad.Cadence:
    return cad.Cadence(
        kind=row.cadence,
        departure_time=row.departure_time,
        tzid=row.tzid,
        weekday=row.weekday,
        dates=tuple(date.fromisoformat(d) for d in row.dates or []),
        rrule=row.rrule,
    )


async def create_train(uow: UnitOfWork, c: CreateTrain) -> Train:
    """Create a train with its first cadence (recorded as history entry 1, without a reason)."""
    bu = await org_facts.business_unit(
        uow.session, c.bu_id, readable_in=uow.scope(Action.READ, Resource.TRAIN)
    )
    rule = uow.authorize(Action.CREATE, Resource.TRAIN, bu.id)
    key = rules.check_key(c.key)
    name = rules.check_text(c.name, Code.INVALID_NAME, "name")
    domain = rules.check_text(c.product_domain, Code.INVALID_NAME, "productDomain", 100)
    cadence = cad.check_cadence(c.cadence)
    if await repo.train_key_taken(uow.session, key):
        raise AlreadyExists(f"A train with key '{key}' exists.", field="key")
    now = uow.clock.now()
    train = Train(
        bu_id=bu.id,
        key=key,
        name=name,
        product_domain=domain,
        created_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
        **_cadence_columns(cadence),
    )
    await uow.created(train, action="train.create", bu_id=bu.id, rule=rule)
    uow.session.add(
        CadenceChange(
            train_id=train.id,
            seq=1,
            effective_from_seq=0,
            effective_from_pi_id=None,
            reason=None,
            reason_text="",
            changed_by_id=uow.actor.person_id,
            created_at=now,
            **_cadence_columns(cadence),
        )
    )
    await uow.session.flush()
    return train


async def update_train(uow: UnitOfWork, c: UpdateTrain) -> Train:
    """Rename a train or change its product domain (the cadence has its own use case)."""
    train = await visible_train(uow, c.train_id)
    rule = uow.authorize(Action.UPDATE, Resource.TRAIN, train.bu_id)
    expect_version(train, c.version, "The train")
    before = snapshot(train)
    if c.name is not None:
        train.name = rules.check_text(c.name, Code.INVALID_NAME, "name")
    if c.product_domain is not None:
        train.product_domain = rules.check_text(
            c.product_domain, Code.INVALID_NAME, "productDomain", 100
        )
    await uow.updated(train, before, action="train.update", bu_id=train.bu_id, rule=rule)
    return train


async def create_pis(uow: UnitOfWork, c: CreatePi) -> list[ProgramIncrement]:
    """Add `count` PIs after the train's last one (or from `starts_on`), back to back."""
    train = await visible_train(uow, c.train_id, "trainId")
    rule = uow.authorize(Action.UPDATE, Resource.TRAIN, train.bu_id)
    if not 1 <= c.count <= MAX_PIS_AT_ONCE:
        raise DomainError(
            f"Create 1 to {MAX_PIS_AT_ONCE} PIs at a time.",
            code=Code.INVALID_PI_SHAPE,
            field="count",
        )
    existing = await repo.pis_of_train(uow.session, train.id)
    last = existing[-1] if existing else None
    if c.starts_on is not None:
        start = c.starts_on
    elif last is not None:
        start = cad.local_date(last.ends_at, train.tzid)
    else:
        start = cad.local_date(uow.clock.now(), train.tzid)
    made: list[ProgramIncrement] = []
    seq = last.seq if last else 0
    now = uow.clock.now()
    for _ in range(c.count):
        starts_at, ends_at, planning_at = cad.pi_bounds(
            start, train.tzid, c.iterations, c.iteration_weeks
        )
        if any(p.starts_at < ends_at and starts_at < p.ends_at for p in [*existing, *made]):
            raise DomainError(
                "The PI would overlap another PI of the train.",
                code=Code.PI_OVERLAP,
                field="startsOn",
            )
        seq += 1
        pi = ProgramIncrement(
            train_id=train.id,
            seq=seq,
            name=(c.name if c.name and c.count == 1 else f"{train.key} PI {seq}"),
            iterations=c.iterations,
            iteration_weeks=c.iteration_weeks,
            starts_at=starts_at,
            ends_at=ends_at,
            planning_at=planning_at,
            created_at=now,
            updated_at=now,
        )
        await uow.created(pi, action="program_increment.create", bu_id=train.bu_id, rule=rule)
        made.append(pi)
        start = start + timedelta(weeks=c.iterations * c.iteration_weeks)
    return made


@dataclass(frozen=True, slots=True)
class Regenerated:
    created: list[str]
    moved: list[str]
    cancelled: list[str]
    removed: list[str]


async def _referenced(uow: UnitOfWork, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    if not ids:
        return set()
    used: set[uuid.UUID | None] = set(await repo.boarded_departures(uow.session, ids))
    for col in (Feature.departure_id, IntegrationWindow.departure_id):
        stmt = select(col).where(col.in_(ids)).distinct()
        used |= set((await uow.session.scalars(stmt)).all())
    return {u for u in used if u is not None}


async def regenerate(uow: UnitOfWork, train: Train, pis: list[ProgramIncrement]) -> Regenerated:
    """Make the departures of these PIs what their governing cadence says (idempotent).

    A departure already on a wanted date is kept (its time follows the cadence); one the
    cadence no longer wants is removed, or cancelled when a release, a feature or an
    integration window refers to it; departed ones are never touched.
    """
    changes = await repo.cadence_changes(uow.session, train.id)
    existing = await repo.departures_of_pis(uow.session, [p.id for p in pis])
    by_code = {d.code: d for d in existing}
    out = Regenerated([], [], [], [])
    wanted_codes: set[str] = set()
    now = uow.clock.now()
    for pi in pis:
        entry = cad.cadence_for(changes, pi.seq)
        assert entry is not None
        cadence = cadence_of(entry)
        for at in cad.departures_in(cadence, pi.starts_at, pi.ends_at):
            code = cad.departure_code(train.key, at, cadence.tzid)
            wanted_codes.add(code)
            found = by_code.get(code)
            if found is None:
                uow.session.add(
                    Departure(
                        train_id=train.id,
                        pi_id=pi.id,
                        code=code,
                        departs_at=at,
                        status=str(DepartureStatus.SCHEDULED),
                        cadence_change_id=entry.id,
                        created_at=now,
                        updated_at=now,
                    )
                )
                out.created.append(code)
            elif found.status != DepartureStatus.DEPARTED and (
                found.departs_at != at or found.status == DepartureStatus.CANCELLED
            ):
                found.departs_at, found.cadence_change_id = at, entry.id
                found.status, found.updated_at = str(DepartureStatus.SCHEDULED), now
                out.moved.append(code)
    stale = [
        d for d in existing if d.code not in wanted_codes and d.status == DepartureStatus.SCHEDULED
    ]
    used = await _referenced(uow, [d.id for d in stale])
    for d in stale:
        if d.id in used:
            d.status, d.updated_at = str(DepartureStatus.CANCELLED), now
            out.cancelled.append(d.code)
        else:
            await uow.session.delete(d)
            out.removed.append(d.code)
    await uow.session.flush()
    return out


def _record_regeneration(
    uow: UnitOfWork, train: Train, rule: str, what: Regenerated, pis: list[ProgramIncrement]
) -> None:
    uow.record_change(
        train,
        action="train.departures_generate",
        bu_id=train.bu_id,
        rule=rule,
        after={
            "pis": [p.seq for p in pis],
            "created": what.created,
            "moved": what.moved,
            "cancelled": what.cancelled,
            "removed": what.removed,
        },
    )


async def _pi_of(uow: UnitOfWork, train: Train, pi_id: uuid.UUID, field: str) -> ProgramIncrement:
    pi = await uow.session.get(ProgramIncrement, pi_id)
    if pi is None:
        raise NotFound("Program increment was not found.", field=field)
    if pi.train_id != train.id:
        raise DomainError(
            "That PI belongs to another train.", code=Code.PI_NOT_OF_TRAIN, field=field
        )
    return pi


async def generate_departures(uow: UnitOfWork, c: GenerateDepartures) -> list[Departure]:
    """Generate the departures of a range of PIs from their cadence; running it again changes
    nothing."""
    train = await visible_train(uow, c.train_id, "trainId")
    rule = uow.authorize(Action.UPDATE, Resource.TRAIN, train.bu_id)
    first = await _pi_of(uow, train, c.from_pi_id, "fromPiId")
    last = await _pi_of(uow, train, c.to_pi_id, "toPiId") if c.to_pi_id else first
    if last.seq < first.seq:
        raise DomainError(
            "The range ends before it starts.", code=Code.INVALID_RANGE, field="toPiId"
        )
    pis = [
        p for p in await repo.pis_of_train(uow.session, train.id) if first.seq <= p.seq <= last.seq
    ]
    what = await regenerate(uow, train, pis)
    _record_regeneration(uow, train, rule, what, pis)
    return await repo.departures_of_pis(uow.session, [p.id for p in pis])


async def change_cadence(uow: UnitOfWork, c: ChangeCadence) -> Train:
    """Change a train's cadence from a PI that has not started, with a reason; departures of
    that PI onward are regenerated, earlier ones are kept, and the change joins the history."""
    train = await visible_train(uow, c.train_id, "trainId")
    rule = uow.authorize(Action.UPDATE, Resource.TRAIN, train.bu_id)
    expect_version(train, c.version, "The train")
    try:
        reason = str(CadenceChangeReason(c.reason))
    except ValueError:
        raise DomainError("Unknown reason.", code=Code.INVALID_REASON, field="reason") from None
    text = c.reason_text.strip()
    if reason == CadenceChangeReason.OTHER and not text:
        raise DomainError(
            "Say why when the reason is OTHER.", code=Code.REASON_TEXT_REQUIRED, field="reasonText"
        )
    cadence = cad.check_cadence(c.cadence)
    pi = await _pi_of(uow, train, c.effective_from_pi_id, "effectiveFromPiId")
    now = uow.clock.now()
    if pi.starts_at <= now:
        raise DomainError(
            f"{pi.name} has already started; a cadence changes from a PI still to come.",
            code=Code.PI_ALREADY_STARTED,
            field="effectiveFromPiId",
        )
    seq = await uow.session.scalar(
        select(func.max(CadenceChange.seq)).where(CadenceChange.train_id == train.id)
    )
    change = CadenceChange(
        train_id=train.id,
        seq=(seq or 0) + 1,
        effective_from_seq=pi.seq,
        effective_from_pi_id=pi.id,
        reason=reason,
        reason_text=text,
        changed_by_id=uow.actor.person_id,
        created_at=now,
        **_cadence_columns(cadence),
    )
    await uow.created(change, action="cadence_change.record", bu_id=train.bu_id, rule=rule)
    before = snapshot(train)
    for k, v in _cadence_columns(cadence).items():
        setattr(train, k, v)
    await uow.updated(train, before, action="train.cadence_change", bu_id=train.bu_id, rule=rule)
    later = [p for p in await repo.pis_of_train(uow.session, train.id) if p.seq >= pi.seq]
    what = await regenerate(uow, train, later)
    _record_regeneration(uow, train, rule, what, later)
    return train
