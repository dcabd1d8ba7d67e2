"""Flags: created for a service, updated, archived, and killed (off everywhere, at once)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from domain.flags import repository as repo
from domain.flags import rules
from domain.flags.commands import CreateFlag, KillFlag, UpdateFlag
from domain.flags.errors import FlagErrorCode as Code
from domain.flags.events import FlagFlipped, FlagsChanged
from domain.flags.models import Flag, FlagChange, FlagEnvironment
from domain.flags.states import state_json, state_of
from domain.flags.vocabulary import ChangeAction, ChangeStatus, FlagKind, ValueType
from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import described
from domain.kernel.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    id: uuid.UUID
    bu_id: uuid.UUID
    tier: str
    key: str


async def changed(uow: UnitOfWork, *flag_keys: str) -> None:
    """Bump the flags' revision and announce it: evaluation snapshots are stale from now on."""
    await repo.bump_revision(uow.session)
    uow.emit(FlagsChanged(flag_keys))


async def visible_flag(uow: UnitOfWork, flag_id: uuid.UUID) -> tuple[Flag, ServiceFacts]:
    """The flag and its service, or NotFound when the actor may not read it."""
    flag = await repo.get_flag(uow.session, flag_id)
    facts = await repo.service_facts(uow.session, flag.service_id) if flag else None
    if (
        flag is None
        or facts is None
        or not uow.scope(Action.READ, Resource.FLAG).allows(facts.bu_id)
    ):
        raise NotFound("Flag was not found.")
    return flag, ServiceFacts(facts.id, facts.bu_id, facts.tier, facts.key)


def live(flag: Flag) -> None:
    if flag.archived_at is not None:
        raise DomainError("The flag is archived.", code=Code.FLAG_ARCHIVED)


def add_change(
    uow: UnitOfWork,
    flag: Flag,
    action: ChangeAction,
    *,
    status: ChangeStatus = ChangeStatus.APPLIED,
    environment: str | None = None,
    production: bool = False,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    base_version: int | None = None,
    reason: str = "",
) -> FlagChange:
    """A row of the flag's history (and, when pending, the change awaiting approval)."""
    now = uow.clock.now()
    change = FlagChange(
        id=uuid.uuid4(),
        flag_id=flag.id,
        environment=environment,
        action=action.value,
        status=status.value,
        production=production,
        before=before,
        after=after,
        base_version=base_version,
        reason=reason,
        requested_by_id=uow.actor.person_id,
        decided_by_id=uow.actor.person_id if status is ChangeStatus.APPLIED else None,
        decided_at=now if status is ChangeStatus.APPLIED else None,
        note="",
        created_at=now,
    )
    uow.session.add(change)
    return change


def flipped(
    uow: UnitOfWork, flag: Flag, facts: ServiceFacts, state: FlagEnvironment, change: FlagChange
) -> FlagFlipped:
    return FlagFlipped(
        flag_id=flag.id,
        flag_key=flag.key,
        service_id=facts.id,
        bu_id=facts.bu_id,
        environment=state.environment,
        enabled=state.enabled,
        change_id=change.id,
        actor=uow.actor.username,
        occurred_at=uow.clock.now(),
    )


async def create_flag(uow: UnitOfWork, c: CreateFlag) -> Flag:
    """Create a flag for a service; it is off in every environment until given a state."""
    facts = await repo.service_facts(uow.session, c.service_id)
    if facts is None or not uow.scope(Action.READ, Resource.SERVICE).allows(facts.bu_id):
        raise NotFound("Service was not found.", field="serviceId")
    rule = uow.authorize(Action.CREATE, Resource.FLAG, facts.bu_id)
    key = rules.check_key(c.key)
    kind = rules.choice(FlagKind, c.kind, Code.INVALID_KIND, "kind")
    value_type = rules.choice(ValueType, c.value_type, Code.INVALID_VALUE_TYPE, "valueType")
    variants, default, off = rules.check_variants(
        value_type, c.variants, c.default_variant, c.off_variant
    )
    now = uow.clock.now()
    expires_at = rules.check_expiry(kind, c.expires_at, now, created=True)
    if await repo.flag_key_taken(uow.session, key):
        raise AlreadyExists(f"A flag '{key}' exists already.", field="key")
    flag = Flag(
        id=uuid.uuid4(),
        key=key,
        service_id=facts.id,
        name=rules.check_name(c.name),
        description=described(c.description),
        kind=kind.value,
        value_type=value_type.value,
        variants=rules.variants_to_json(variants),
        default_variant=default,
        off_variant=off,
        expires_at=expires_at,
        created_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
    )
    await uow.created(flag, action="flag.create", bu_id=facts.bu_id, rule=rule)
    add_change(uow, flag, ChangeAction.CREATE, after=snapshot(flag))
    await changed(uow, flag.key)
    return flag


async def update_flag(uow: UnitOfWork, c: UpdateFlag) -> Flag:
    """Rename, redescribe, re-variant or re-expire a flag; states must still fit its variants."""
    flag, facts = await visible_flag(uow, c.flag_id)
    rule = uow.authorize(Action.UPDATE, Resource.FLAG, facts.bu_id)
    live(flag)
    rules.expect_version(flag.version, c.version, "The flag")
    before = snapshot(flag)
    if c.name is not None:
        flag.name = rules.check_name(c.name)
    if c.description is not None:
        flag.description = described(c.description)
    if c.variants is not None or c.default_variant or c.off_variant:
        value_type = ValueType(flag.value_type)
        given = c.variants if c.variants is not None else rules.variants_from_json(flag.variants)
        variants, default, off = rules.check_variants(
            value_type,
            given,
            c.default_variant or flag.default_variant,
            c.off_variant or flag.off_variant,
        )
        keys = {v.key for v in variants}
        segments = await repo.segment_keys_for(uow.session, facts.bu_id)
        for state in await repo.states_of_flag(uow.session, flag.id):
            rules.check_state(state_of(state), keys, segments)
        flag.variants = rules.variants_to_json(variants)
        flag.default_variant, flag.off_variant = default, off
    if c.expires_at is not None:
        kind = FlagKind(flag.kind)
        flag.expires_at = rules.check_expiry(kind, c.expires_at, uow.clock.now(), created=True)
    await uow.updated(flag, before, action="flag.update", bu_id=facts.bu_id, rule=rule)
    add_change(uow, flag, ChangeAction.UPDATE, before=before, after=snapshot(flag))
    await changed(uow, flag.key)
    return flag


async def archive_flag(uow: UnitOfWork, flag_id: uuid.UUID, version: int) -> Flag:
    """Archive a flag: it stops being evaluated (OFREP answers FLAG_NOT_FOUND) and listed."""
    flag, facts = await visible_flag(uow, flag_id)
    rule = uow.authorize(Action.DELETE, Resource.FLAG, facts.bu_id)
    live(flag)
    rules.expect_version(flag.version, version, "The flag")
    before = snapshot(flag)
    flag.archived_at = uow.clock.now()
    await uow.updated(flag, before, action="flag.archive", bu_id=facts.bu_id, rule=rule)
    add_change(uow, flag, ChangeAction.ARCHIVE, before=before, after=snapshot(flag))
    await changed(uow, flag.key)
    return flag


async def kill_flag(uow: UnitOfWork, c: KillFlag) -> Flag:
    """The kill switch: off in every environment at once, production included, no approval
    awaited (stopping is always allowed); audited, and a flip in each production state."""
    flag, facts = await visible_flag(uow, c.flag_id)
    rule = uow.authorize(Action.UPDATE, Resource.FLAG, facts.bu_id)
    live(flag)
    reason = c.reason.strip()
    if not reason:
        raise DomainError("Say why the flag is killed.", code=Code.REASON_REQUIRED, field="reason")
    now = uow.clock.now()
    before_flag = snapshot(flag)
    states = await repo.states_of_flag(uow.session, flag.id)
    turned_off = [s for s in states if s.enabled]
    before = {s.environment: state_json(s) for s in turned_off}
    for state in turned_off:
        state.enabled = False
        state.updated_at = now
    flag.killed_at = now
    await uow.updated(flag, before_flag, action="flag.kill", bu_id=facts.bu_id, rule=rule)
    production = any(rules.is_production(s.environment, s.production) for s in turned_off)
    change = add_change(
        uow,
        flag,
        ChangeAction.KILL,
        production=production,
        before={"environments": before},
        after={"environments": {s.environment: state_json(s) for s in turned_off}},
        reason=reason,
    )
    await uow.session.flush()
    for state in turned_off:
        if rules.is_production(state.environment, state.production):
            uow.emit(flipped(uow, flag, facts, state, change))
    await changed(uow, flag.key)
    return flag
