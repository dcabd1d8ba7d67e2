"""Segments: named, reusable sets of conditions (e.g. `internal-users` for dark launches)."""

from __future__ import annotations

import uuid

from domain.flags import repository as repo
from domain.flags import rules
from domain.flags.commands import CreateSegment, UpdateSegment
from domain.flags.definitions import condition_to_json
from domain.flags.flags import changed
from domain.flags.models import FlagSegment
from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import described
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts


async def create_segment(uow: UnitOfWork, c: CreateSegment) -> FlagSegment:
    """A BU's segment (flag/create there), or an organization one (flag/create at org scope)."""
    if c.bu_id is not None:
        await org_facts.business_unit(
            uow.session, c.bu_id, readable_in=uow.scope(Action.READ, Resource.FLAG)
        )
    rule = uow.authorize(Action.CREATE, Resource.FLAG, c.bu_id)
    key = rules.check_segment_key(c.key)
    rules.check_conditions(c.conditions, "conditions")
    if await repo.segment_key_taken(uow.session, key):
        raise AlreadyExists(f"A segment '{key}' exists already.", field="key")
    now = uow.clock.now()
    segment = FlagSegment(
        id=uuid.uuid4(),
        key=key,
        name=rules.check_name(c.name),
        description=described(c.description),
        bu_id=c.bu_id,
        conditions=[condition_to_json(x) for x in c.conditions],
        created_at=now,
        updated_at=now,
    )
    await uow.created(segment, action="flag_segment.create", bu_id=c.bu_id, rule=rule)
    await changed(uow)  # any flag may use the segment
    return segment


async def update_segment(uow: UnitOfWork, c: UpdateSegment) -> FlagSegment:
    """Change a segment's conditions: every flag using it sees the change at once."""
    segment = await repo.get_segment(uow.session, c.segment_id)
    readable = uow.scope(Action.READ, Resource.FLAG)
    if segment is None or (segment.bu_id is not None and not readable.allows(segment.bu_id)):
        raise NotFound("Segment was not found.")
    rule = uow.authorize(Action.UPDATE, Resource.FLAG, segment.bu_id)
    rules.expect_version(segment.version, c.version, "The segment")
    rules.check_conditions(c.conditions, "conditions")
    before = snapshot(segment)
    if c.name is not None:
        segment.name = rules.check_name(c.name)
    if c.description is not None:
        segment.description = described(c.description)
    segment.conditions = [condition_to_json(x) for x in c.conditions]
    await uow.updated(segment, before, action="flag_segment.update", bu_id=segment.bu_id, rule=rule)
    await changed(uow)  # any flag may use the segment
    return segment
