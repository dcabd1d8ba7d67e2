"""Reservations: requested (granted or queued), released, cancelled; the queue promoted.

Every use case here locks the environment row first, so two writers racing for its last
capacity are serialized and cannot both win (see repository.environment_for_update).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from domain.environments import repository as repo
from domain.environments import rules
from domain.environments.catalog import active
from domain.environments.commands import ReleaseReservation, RequestReservation
from domain.environments.errors import EnvironmentErrorCode as Code
from domain.environments.models import Environment, Reservation
from domain.environments.rules import ContentionReason
from domain.environments.vocabulary import HolderKind, ReservationMode, ReservationStatus
from domain.governance import facts as release_facts
from domain.kernel.access import Action, Resource, Scope
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts

GRANTED = str(ReservationStatus.GRANTED)
QUEUED = str(ReservationStatus.QUEUED)
OTHER_BU = "A reservation of another business unit"
"""The label of a holder the caller may not read: never another BU's release title or team."""


@dataclass(frozen=True, slots=True)
class Blocker:
    """Another reservation in a request's way: whose it is, when, and why it blocks."""

    reservation_id: uuid.UUID
    reason: ContentionReason
    holder_kind: str
    holder_id: uuid.UUID
    holder_label: str
    mode: str
    status: str
    starts_at: datetime
    ends_at: datetime
    readable: bool = True
    """False when the blocking reservation is another BU's that the caller may not read: its
    holder is then named only by OTHER_BU (an org-wide environment is shared across BUs)."""

    @property
    def message(self) -> str:
        what = {
            ContentionReason.EXCLUSIVE: "holds it and one of you needs it exclusively",
            ContentionReason.CAPACITY: "shares it and there is no capacity left",
            ContentionReason.QUEUED_AHEAD: "asked first and waits in the queue",
        }[self.reason]
        who = f"{self.holder_kind.title()} {self.holder_label}" if self.readable else OTHER_BU
        return f"{who} {what} ({self.starts_at.isoformat()} to {self.ends_at.isoformat()})."


@dataclass(frozen=True, slots=True)
class ReservationResult:
    """The reservation, what stands in its way (if queued), its place in the queue, and the
    queued reservations promoted by this change that the caller may read."""

    reservation: Reservation
    contention: list[Blocker] = field(default_factory=list)
    queue_position: int | None = None
    promoted: list[Reservation] = field(default_factory=list)


async def _locked_environment(uow: UnitOfWork, environment_id: uuid.UUID) -> Environment:
    env = await repo.environment_for_update(uow.session, environment_id)
    scope = uow.scope(Action.READ, Resource.ENVIRONMENT)
    if env is None or not (scope.allows(env.bu_id) or (env.bu_id is None and not scope.empty)):
        raise NotFound("Environment was not found.", field="environmentId")
    return env


async def _holder_label(uow: UnitOfWork, c: RequestReservation, bu_id: uuid.UUID) -> str:
    """The holder's name, checked where this Signalbox can see it. Trains live in another
    context (and migration branch): a train is taken at its word and labelled by the caller."""
    kind = HolderKind(c.holder_kind)
    label: str | None = None
    if kind == HolderKind.TEAM:
        team = await org_facts.team(
            uow.session,
            c.holder_id,
            readable_in=uow.scope(Action.READ, Resource.TEAM),
            field="holderId",
        )
        label = team.name
    elif kind == HolderKind.PERSON:
        person = (await org_facts.people(uow.session, [c.holder_id])).get(c.holder_id)
        if person is None or not person.active:
            raise NotFound("Person was not found.", field="holderId")
        label = person.display_name
    elif kind == HolderKind.RELEASE:
        release = await release_facts.release(
            uow.session,
            c.holder_id,
            readable_in=uow.scope(Action.READ, Resource.RELEASE),
            field="holderId",
        )
        if release.bu_id != bu_id:
            raise DomainError(
                "A release reserves on behalf of its own business unit.",
                code=Code.NOT_IN_BUSINESS_UNIT,
                field="holderId",
            )
        label = release.title
    given = (c.holder_label or "").strip()[:200]
    return given or label or f"{kind.value.title()} {str(c.holder_id)[:8]}"


async def _on_behalf_of(uow: UnitOfWork, env: Environment, bu_id: uuid.UUID | None) -> uuid.UUID:
    """The environment's BU, or for an org-wide environment the BU the caller names."""
    if env.bu_id is not None:
        if bu_id is not None and bu_id != env.bu_id:
            raise DomainError(
                "A BU's environment is reserved on behalf of that BU.",
                code=Code.NOT_IN_BUSINESS_UNIT,
                field="businessUnitId",
            )
        return env.bu_id
    if bu_id is None:
        raise DomainError(
            f"{env.key} is shared org-wide: say on behalf of which business unit you reserve.",
            code=Code.BUSINESS_UNIT_REQUIRED,
            field="businessUnitId",
        )
    bu = await org_facts.business_unit(
        uow.session, bu_id, readable_in=uow.scope(Action.READ, Resource.RESERVATION)
    )
    return bu.id


def _contention(
    reservation: Reservation, others: Sequence[Row[Any]], capacity: int, readable: Scope
) -> tuple[list[Blocker], int | None]:
    """What stands in the way of the reservation, and its place in the queue if anything does;
    a blocker outside the caller's `readable` BUs is named by OTHER_BU alone."""
    hold = repo.hold_of(reservation)
    granted = [repo.hold_of(r) for r in others if r.status == GRANTED]
    queued = [repo.hold_of(r) for r in others if r.status == QUEUED]
    by_id = {r.id: r for r in others}
    found = [
        Blocker(
            reservation_id=x.reservation_id,
            reason=x.reason,
            holder_kind=by_id[x.reservation_id].holder_kind,
            holder_id=by_id[x.reservation_id].holder_id,
            holder_label=(
                by_id[x.reservation_id].holder_label
                if readable.allows(by_id[x.reservation_id].bu_id)
                else OTHER_BU
            ),
            mode=by_id[x.reservation_id].mode,
            status=by_id[x.reservation_id].status,
            starts_at=by_id[x.reservation_id].starts_at,
            ends_at=by_id[x.reservation_id].ends_at,
            readable=readable.allows(by_id[x.reservation_id].bu_id),
        )
        for x in rules.contention(hold, granted, queued, capacity)
    ]
    return found, (rules.queue_position(hold, queued) if found else None)


async def request_reservation(uow: UnitOfWork, c: RequestReservation) -> ReservationResult:
    """Reserve an environment: GRANTED when it fits, otherwise QUEUED with the contention."""
    env = await _locked_environment(uow, c.environment_id)
    bu_id = await _on_behalf_of(uow, env, c.bu_id)
    rule = uow.authorize(Action.CREATE, Resource.RESERVATION, bu_id)
    active(env)
    mode = str(ReservationMode(c.mode))
    now = uow.clock.now()
    rules.check_range(c.starts_at, c.ends_at, now)
    label = await _holder_label(uow, c, bu_id)
    others = await repo.holding_overlapping(uow.session, env.id, c.starts_at, c.ends_at)
    reservation = Reservation(
        id=uuid.uuid4(),
        environment_id=env.id,
        bu_id=bu_id,
        holder_kind=str(HolderKind(c.holder_kind)),
        holder_id=c.holder_id,
        holder_label=label,
        mode=mode,
        starts_at=c.starts_at,
        ends_at=c.ends_at,
        purpose=c.purpose.strip(),
        requested_at=now,
        requested_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
    )
    readable = uow.scope(Action.READ, Resource.RESERVATION)
    found, position = _contention(reservation, others, env.capacity, readable)
    reservation.status = QUEUED if found else GRANTED
    reservation.granted_at = None if found else now
    await uow.created(
        reservation,
        action="reservation.request",
        bu_id=bu_id,
        rule=rule,
        extra={
            "queue_position": position,
            "contention": [f"{x.reservation_id}:{x.reason}" for x in found],
        },
    )
    return ReservationResult(reservation, found, position)


async def _visible_reservation(uow: UnitOfWork, reservation_id: uuid.UUID) -> Reservation:
    scope = uow.scope(Action.READ, Resource.RESERVATION)
    return await get_readable(uow.session, Reservation, reservation_id, scope, what="Reservation")


async def release_reservation(uow: UnitOfWork, c: ReleaseReservation) -> ReservationResult:
    """Give a granted reservation back from `at` (default now; a later time shortens it)."""
    found = await _visible_reservation(uow, c.reservation_id)
    env = await _locked_environment(uow, found.environment_id)
    await uow.session.refresh(found)  # read again now that its environment is ours
    rule = uow.authorize(Action.UPDATE, Resource.RESERVATION, found.bu_id)
    expect_version(found, c.version, "The reservation")
    if found.status != GRANTED:
        raise DomainError(
            "Only a granted reservation is released; cancel a queued one.",
            code=Code.RESERVATION_NOT_GRANTED,
        )
    now = uow.clock.now()
    at = c.at or now
    if at < now or at >= found.ends_at:
        raise DomainError(
            "Release from now or a later moment before the reservation ends.",
            code=Code.INVALID_RELEASE_TIME,
            field="at",
        )
    before = snapshot(found)
    if at > found.starts_at and at > now:
        found.ends_at = at  # shortened: it still holds until then
        action = "reservation.shorten"
    else:
        found.ends_at = max(found.starts_at, at)
        found.status = str(ReservationStatus.RELEASED)
        found.closed_at = now
        action = "reservation.release"
    await uow.updated(found, before, action=action, bu_id=found.bu_id, rule=rule)
    promoted = await promote_queue(uow, env, rule=rule)
    return ReservationResult(found, promoted=_readable(uow, promoted))


async def cancel_reservation(
    uow: UnitOfWork, reservation_id: uuid.UUID, version: int
) -> ReservationResult:
    """Withdraw a granted or queued reservation; whoever waited behind it moves up."""
    found = await _visible_reservation(uow, reservation_id)
    env = await _locked_environment(uow, found.environment_id)
    await uow.session.refresh(found)
    rule = uow.authorize(Action.DELETE, Resource.RESERVATION, found.bu_id)
    expect_version(found, version, "The reservation")
    if found.status not in (GRANTED, QUEUED):
        raise DomainError(
            f"The reservation is already {found.status}.", code=Code.RESERVATION_CLOSED
        )
    before = snapshot(found)
    found.status = str(ReservationStatus.CANCELLED)
    found.closed_at = uow.clock.now()
    await uow.updated(found, before, action="reservation.cancel", bu_id=found.bu_id, rule=rule)
    promoted = await promote_queue(uow, env, rule=rule)
    return ReservationResult(found, promoted=_readable(uow, promoted))


def _readable(uow: UnitOfWork, promoted: list[Reservation]) -> list[Reservation]:
    """The promoted reservations the caller may read (another BU's stay its own business)."""
    scope = uow.scope(Action.READ, Resource.RESERVATION)
    return [r for r in promoted if scope.allows(r.bu_id)]


async def promote_queue(uow: UnitOfWork, env: Environment, *, rule: str) -> list[Reservation]:
    """Grant every queued request that fits now, oldest first (the environment is locked)."""
    now = uow.clock.now()
    queued = await repo.queued_of(uow.session, env.id, now)
    if not queued:
        return []
    start = min(q.starts_at for q in queued)
    end = max(q.ends_at for q in queued)
    held = await repo.holding_overlapping(uow.session, env.id, start, end)
    granted = [repo.hold_of(r) for r in held if r.status == GRANTED]
    chosen = rules.promotions(granted, [repo.hold_of(q) for q in queued], env.capacity)
    rows = await repo.reservations_to_change(uow.session, [h.id for h in chosen])
    promoted = []
    for hold in chosen:
        reservation = rows[hold.id]
        before = snapshot(reservation)
        reservation.status = GRANTED
        reservation.granted_at = now
        await uow.updated(
            reservation,
            before,
            action="reservation.promote",
            bu_id=reservation.bu_id,
            rule=f"queue promotion after: {rule}",
        )
        promoted.append(reservation)
    return promoted
