"""Use case of a swap: another member of the rotation covers one shift, for a reason."""

from __future__ import annotations

import uuid
from datetime import datetime

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import trimmed
from domain.kernel.uow import UnitOfWork
from domain.support import commands as cmd
from domain.support import repository as repo
from domain.support import rules
from domain.support.errors import SupportErrorCode as Code
from domain.support.facts import schedule_of, swaps_by_number
from domain.support.models import Rotation, Swap

MAX_SHIFT_NUMBER = 100_000


def _who_may_swap(
    uow: UnitOfWork, rotation: Rotation, shift: rules.Shift, covering: uuid.UUID
) -> str:
    """The rule allowing the swap: those who manage the rotation swap anyone's shift; anyone
    else holding `support_swap/create` only a shift they give away or take."""
    rule = uow.authorize(Action.CREATE, Resource.SUPPORT_SWAP, rotation.bu_id)
    manages = uow.authorizer.check(
        uow.actor, Action.UPDATE, Resource.SUPPORT_ROTATION, rotation.bu_id
    )
    if manages is not None:
        return rule
    if uow.actor.person_id not in (shift.member_id, covering):
        raise DomainError(
            "You may swap only a shift you give away or take; the rotation's managers swap "
            "anyone's.",
            code=Code.NOT_YOUR_SHIFT,
        )
    return rule


def _check(
    shift: rules.Shift, schedule: rules.Schedule, covering: uuid.UUID, now: datetime
) -> None:
    """Refuse a swap to someone outside the rotation or already on it, of a shift that is over
    or swapped already."""
    if covering not in schedule.members:
        raise DomainError(
            "Whoever covers a shift is a member of the rotation.",
            code=Code.NOT_A_MEMBER,
            field="coveringMemberId",
        )
    if covering == shift.member_id:
        raise DomainError(
            "That member has the shift already.", code=Code.SAME_MEMBER, field="coveringMemberId"
        )
    if shift.ends_at <= now:
        raise DomainError(
            "That shift is over: a past shift is not swapped.",
            code=Code.PAST_SHIFT,
            field="shiftNumber",
        )
    if shift.swap is not None:
        raise DomainError(
            "That shift was swapped already.",
            code=Code.SHIFT_ALREADY_SWAPPED,
            field="shiftNumber",
        )


async def swap_shift(uow: UnitOfWork, c: cmd.SwapShift) -> Rotation:
    """Let another member of the rotation cover a shift that is not over yet, with a reason;
    the shift then shows who covers it and why."""
    rotation = await get_readable(
        uow.session,
        Rotation,
        c.rotation_id,
        uow.scope(Action.READ, Resource.SUPPORT_ROTATION),
        what="Support rotation",
        field="rotationId",
        for_update=True,
    )
    schedule = schedule_of(rotation)
    recorded = {s.shift_number: s for s in await repo.swaps_of(uow.session, rotation.id)}
    counted = swaps_by_number(list(recorded.values()))
    shift = _numbered(schedule, c.shift_number, counted, "shiftNumber")
    rule = _who_may_swap(uow, rotation, shift, c.covering_id)
    now = uow.clock.now()
    _check(shift, schedule, c.covering_id, now)
    back = None
    if c.return_shift_number is not None:
        # An exchange: the member covering gives one of their own shifts back in return.
        back = _numbered(schedule, c.return_shift_number, counted, "returnShiftNumber")
        if back.member_id != c.covering_id:
            raise DomainError(
                "In an exchange, the shift given back is one the covering member has.",
                code=Code.RETURN_SHIFT_NOT_THEIRS,
                field="returnShiftNumber",
            )
        _check(back, schedule, shift.member_id, now)
    reason = trimmed(
        c.reason,
        3,
        2000,
        "Say why (3 to 2000 characters).",
        code=Code.INVALID_REASON,
        field="reason",
    )
    for given, taker in ((shift, c.covering_id), (back, shift.member_id)):
        if given is not None:
            await _record(uow, rotation, recorded.get(given.number), given, taker, reason, rule)
    return rotation


def _numbered(
    schedule: rules.Schedule, number: int, counted: dict[int, rules.SwapFacts], field: str
) -> rules.Shift:
    if not 0 <= number <= MAX_SHIFT_NUMBER:
        raise DomainError("The rotation has no such shift.", code=Code.UNKNOWN_SHIFT, field=field)
    return rules.shift(schedule, number, counted)


async def _record(
    uow: UnitOfWork,
    rotation: Rotation,
    stale: Swap | None,
    shift: rules.Shift,
    taker: uuid.UUID,
    reason: str,
    rule: str,
) -> None:
    replaced = None
    if stale is not None:
        # A swap the rotation's new order no longer matches counts no more: this one replaces it.
        replaced = snapshot(stale)
        await uow.session.delete(stale)
        await uow.session.flush()
    swap = Swap(
        rotation_id=rotation.id,
        shift_number=shift.number,
        original_id=shift.scheduled_id,
        covering_id=taker,
        reason=reason,
        swapped_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    uow.session.add(swap)
    await uow.session.flush()
    uow.record_change(
        rotation,
        action="support_rotation.swap",
        bu_id=rotation.bu_id,
        rule=rule,
        before=replaced,
        after=snapshot(swap),
    )
