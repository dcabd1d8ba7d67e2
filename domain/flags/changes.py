"""A flag's state per environment: set at once, or, in production for a critical service,
recorded as pending and applied when someone else approves (see rules.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from domain.flags import repository as repo
from domain.flags import rules
from domain.flags.commands import DecideChange, SetState
from domain.flags.errors import FlagErrorCode as Code
from domain.flags.flags import ServiceFacts, add_change, changed, flipped, live, visible_flag
from domain.flags.models import Flag, FlagChange, FlagEnvironment
from domain.flags.states import definition_json, state_json, state_of
from domain.flags.vocabulary import ChangeAction, ChangeStatus
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound, VersionConflict
from domain.kernel.orm import snapshot
from domain.kernel.uow import UnitOfWork


@dataclass(frozen=True, slots=True)
class StateResult:
    flag: Flag
    state: FlagEnvironment | None
    change: FlagChange


async def _write_state(
    uow: UnitOfWork,
    flag: Flag,
    facts: ServiceFacts,
    environment: str,
    proposed: dict[str, Any],
    current: FlagEnvironment | None,
    *,
    rule: str,
    change: FlagChange,
) -> FlagEnvironment:
    """Apply a proposed state (definition JSON), audit it, and announce production flips."""
    now = uow.clock.now()
    before = state_json(current) if current is not None else None
    if current is None:
        current = FlagEnvironment(
            id=uuid.uuid4(), flag_id=flag.id, environment=environment, created_at=now
        )
        uow.session.add(current)
    for name, value in proposed.items():
        setattr(current, name, value)
    current.updated_at = now
    if current.enabled and flag.killed_at is not None:
        flag.killed_at = None  # switched on again, deliberately: the kill is over
        flag.updated_at = now
    await uow.session.flush()
    uow.record_change(
        flag,
        action="flag.environment_update",
        bu_id=facts.bu_id,
        rule=rule,
        before={"environment": environment, "state": before},
        after={"environment": environment, "state": state_json(current), "change": str(change.id)},
    )
    if rules.is_production(environment, current.production):
        uow.emit(flipped(uow, flag, facts, current, change))
    await changed(uow, flag.key)
    return current


async def set_state(uow: UnitOfWork, c: SetState) -> StateResult:
    """Set a flag's whole state in one environment; pending when it needs approval."""
    flag, facts = await visible_flag(uow, c.flag_id)
    rule = uow.authorize(Action.UPDATE, Resource.FLAG, facts.bu_id)
    live(flag)
    environment = rules.check_environment(c.environment)
    segments = await repo.segment_keys_for(uow.session, facts.bu_id)
    variants = {v["key"] for v in flag.variants}
    state = rules.check_state(c.state, variants, segments)
    current = await repo.get_state(uow.session, flag.id, environment)
    if current is not None:
        rules.expect_version(current.version, c.version, "The flag's state")
    elif c.version not in (None, 0):
        raise VersionConflict("The flag's state was removed in the meantime; reload.")
    was_production = current is not None and current.production
    production = rules.is_production(environment, was_production or c.production)
    proposed = definition_json(state, c.production or rules.is_production(environment, False))
    before = state_json(current) if current is not None else None
    if rules.needs_approval(production, facts.tier):
        change = add_change(
            uow,
            flag,
            ChangeAction.ENVIRONMENT,
            status=ChangeStatus.PENDING,
            environment=environment,
            production=True,
            before=before,
            after=proposed,
            base_version=current.version if current is not None else 0,
            reason=c.reason,
        )
        await uow.created_in(
            flag, change, action="flag.change_request", bu_id=facts.bu_id, rule=rule
        )
        return StateResult(flag, current, change)
    change = add_change(
        uow,
        flag,
        ChangeAction.ENVIRONMENT,
        environment=environment,
        production=production,
        before=before,
        after=proposed,
        reason=c.reason,
    )
    written = await _write_state(
        uow, flag, facts, environment, proposed, current, rule=rule, change=change
    )
    return StateResult(flag, written, change)


async def decide_change(uow: UnitOfWork, c: DecideChange) -> StateResult:
    """Approve (apply) or reject a pending change; never one you asked for yourself."""
    change = await repo.get_change(uow.session, c.change_id)
    if change is None:
        raise NotFound("Flag change was not found.")
    try:
        flag, facts = await visible_flag(uow, change.flag_id)
    except NotFound:
        raise NotFound("Flag change was not found.") from None
    rule = uow.authorize(Action.APPROVE, Resource.FLAG, facts.bu_id)
    if change.status != ChangeStatus.PENDING:
        raise DomainError("The change is not pending.", code=Code.CHANGE_NOT_PENDING)
    if change.requested_by_id is not None and change.requested_by_id == uow.actor.person_id:
        raise DomainError("Someone else approves a change you asked for.", code=Code.SELF_APPROVAL)
    assert change.environment is not None and change.after is not None
    current = await repo.get_state(uow.session, flag.id, change.environment)
    before_change = snapshot(change)
    now = uow.clock.now()
    change.decided_by_id, change.decided_at, change.note = uow.actor.person_id, now, c.note
    written = current
    if c.approve:
        live(flag)
        seen = current.version if current is not None else 0
        if seen != change.base_version:
            raise DomainError(
                "The state changed since this change was asked for; ask again.",
                code=Code.CHANGE_OUTDATED,
            )
        state = state_of(change.after)
        segments = await repo.segment_keys_for(uow.session, facts.bu_id)
        rules.check_state(state, {v["key"] for v in flag.variants}, segments)
        change.status = ChangeStatus.APPLIED.value
        written = await _write_state(
            uow, flag, facts, change.environment, change.after, current, rule=rule, change=change
        )
    else:
        change.status = ChangeStatus.REJECTED.value
        await uow.session.flush()
    uow.record_change(
        flag,
        action="flag.change_approve" if c.approve else "flag.change_reject",
        bu_id=facts.bu_id,
        rule=rule,
        before=before_change,
        after=snapshot(change),
    )
    return StateResult(flag, written, change)
