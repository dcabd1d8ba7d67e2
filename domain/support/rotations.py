"""Use cases of a team's support rotation: create it, change its members or hand-over."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import expect_version, trimmed
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.organization.member_facts import granted_in
from domain.support import commands as cmd
from domain.support import rules
from domain.support.errors import SupportErrorCode as Code
from domain.support.models import Rotation

RESOURCE = Resource.SUPPORT_ROTATION


def _name(value: str) -> str:
    return trimmed(
        value,
        1,
        200,
        "A rotation's name has 1 to 200 characters.",
        code=Code.INVALID_NAME,
        field="name",
    )


async def _members(uow: UnitOfWork, member_ids: Sequence[uuid.UUID], bu_id: uuid.UUID) -> list[str]:
    """The members in order, each an active person holding a role in the team's BU."""
    order = rules.member_order(member_ids)
    inside = await granted_in(uow.session, order, bu_id)
    outside = [m for m in order if m not in inside]
    if outside:
        raise DomainError(
            f"{len(outside)} of the members hold no role in the team's business unit "
            "(or are not active people).",
            code=Code.MEMBER_NOT_IN_TEAM,
            field="memberIds",
        )
    return [str(m) for m in order]


def _schedule(
    handover: str, tzid: str, shift_days: int, starts_on: str
) -> tuple[str, str, int, str]:
    """The schedule's fields, checked and normalized."""
    at = rules.handover_time(handover)
    rules.zone(tzid)
    return (
        at.strftime("%H:%M"),
        tzid,
        rules.shift_length(shift_days),
        rules.start_day(starts_on).isoformat(),
    )


async def create_rotation(uow: UnitOfWork, c: cmd.CreateRotation) -> Rotation:
    """Create the team's rotation (one per team): members in order, hand-over time and zone,
    shift length and the day of the first hand-over."""
    team = await org_facts.team(
        uow.session, c.team_id, readable_in=uow.scope(Action.READ, RESOURCE)
    )
    rule = uow.authorize(Action.CREATE, RESOURCE, team.bu_id)
    handover, tzid, days, starts_on = _schedule(
        c.handover_time, c.time_zone, c.shift_length_days, c.starts_on
    )
    now = uow.clock.now()
    rotation = Rotation(
        id=uuid.uuid4(),
        bu_id=team.bu_id,
        team_id=team.id,
        name=_name(c.name),
        members=await _members(uow, c.member_ids, team.bu_id),
        handover=handover,
        tzid=tzid,
        shift_days=days,
        starts_on=starts_on,
        created_by_id=uow.actor.person_id,
        version=1,
        created_at=now,
        updated_at=now,
    )
    await uow.created(rotation, action="support_rotation.create", bu_id=team.bu_id, rule=rule)
    return rotation


async def update_rotation(uow: UnitOfWork, c: cmd.UpdateRotation) -> Rotation:
    """Change a rotation's name, members or schedule. Shifts are recomputed from it; a swap
    keeps counting while the new order still gives its shift to the member who gave it away."""
    rotation = await get_readable(
        uow.session,
        Rotation,
        c.rotation_id,
        uow.scope(Action.READ, RESOURCE),
        what="Support rotation",
        field="id",
        for_update=True,
    )
    rule = uow.authorize(Action.UPDATE, RESOURCE, rotation.bu_id)
    expect_version(rotation, c.version, "The support rotation")
    handover, tzid, days, starts_on = _schedule(
        c.handover_time if c.handover_time is not None else rotation.handover,
        c.time_zone if c.time_zone is not None else rotation.tzid,
        c.shift_length_days if c.shift_length_days is not None else rotation.shift_days,
        c.starts_on if c.starts_on is not None else rotation.starts_on,
    )
    members = (
        rotation.members
        if c.member_ids is None
        else await _members(uow, c.member_ids, rotation.bu_id)
    )
    before = snapshot(rotation)
    rotation.name = rotation.name if c.name is None else _name(c.name)
    rotation.members = members
    rotation.handover, rotation.tzid, rotation.shift_days, rotation.starts_on = (
        handover,
        tzid,
        days,
        starts_on,
    )
    if uow.unchanged(rotation, before):
        return rotation
    await uow.updated(
        rotation, before, action="support_rotation.update", bu_id=rotation.bu_id, rule=rule
    )
    return rotation
