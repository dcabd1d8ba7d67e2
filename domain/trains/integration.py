"""Integration-test windows per departure, their results, and the integration gate.

`integration_gate(session, departure_id, now)` reads the departure's window and results
(domain.trains.facts) and answers the pure `rules.integration_window_passed`. It does no
authorization: the caller has decided the actor may ask; it only reports facts.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.trains import repository as repo
from domain.trains import rules
from domain.trains.commands import RecordResult, ScheduleIntegration
from domain.trains.errors import TrainErrorCode as Code
from domain.trains.facts import integration_of, result_facts, window_facts
from domain.trains.models import IntegrationResult, IntegrationWindow
from domain.trains.rules import GateResult
from domain.trains.trains import visible_departure
from domain.trains.vocabulary import DepartureStatus, IntegrationWindowStatus


async def _participants(
    uow: UnitOfWork, bu_id: uuid.UUID, team_ids: list[uuid.UUID], service_ids: list[uuid.UUID]
) -> tuple[list[str], list[str]]:
    """Teams and services of the departure's BU (others read as not found)."""
    teams = sorted(set(team_ids), key=str)
    services = sorted(set(service_ids), key=str)
    found_teams = await org_facts.teams(uow.session, teams)
    if any(i not in found_teams or found_teams[i].bu_id != bu_id for i in teams):
        raise NotFound("Team was not found.", field="teamIds")
    found_services = await org_facts.services(uow.session, services)
    if any(i not in found_services or found_services[i].bu_id != bu_id for i in services):
        raise NotFound("Service was not found.", field="serviceIds")
    return [str(i) for i in teams], [str(i) for i in services]


async def schedule_window(uow: UnitOfWork, c: ScheduleIntegration) -> IntegrationWindow:
    """Schedule the integration-test window of a departure, [starts_at, ends_at), before it
    departs, with the participating teams and services."""
    departure, train = await visible_departure(uow, c.departure_id)
    rule = uow.authorize(Action.CREATE, Resource.INTEGRATION_WINDOW, train.bu_id)
    rules.check_interval(c.starts_at, c.ends_at)
    if departure.status != DepartureStatus.SCHEDULED:
        raise DomainError(
            f"Departure {departure.code} is {departure.status}.",
            code=Code.DEPARTURE_NOT_SCHEDULED,
            field="departureId",
        )
    if c.ends_at > departure.departs_at:
        raise DomainError(
            f"The window ends after departure {departure.code} leaves.",
            code=Code.INVALID_INTERVAL,
            field="endsAt",
        )
    if (await repo.windows_by_departure(uow.session, [departure.id])).get(departure.id):
        raise AlreadyExists(
            "The departure has an integration window; reschedule it instead.",
            code=Code.WINDOW_EXISTS,
            field="departureId",
        )
    teams, services = await _participants(uow, train.bu_id, c.team_ids, c.service_ids)
    now = uow.clock.now()
    window = IntegrationWindow(
        departure_id=departure.id,
        bu_id=train.bu_id,
        starts_at=c.starts_at,
        ends_at=c.ends_at,
        team_ids=teams,
        service_ids=services,
        status=str(IntegrationWindowStatus.SCHEDULED),
        created_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
    )
    await uow.created(window, action="integration_window.schedule", bu_id=train.bu_id, rule=rule)
    return window


async def _visible_window(uow: UnitOfWork, window_id: uuid.UUID) -> IntegrationWindow:
    window = await uow.session.get(IntegrationWindow, window_id)
    readable = uow.scope(Action.READ, Resource.INTEGRATION_WINDOW)
    if window is None or not readable.allows(window.bu_id):
        raise NotFound("Integration window was not found.", field="windowId")
    return window


async def reschedule_window(
    uow: UnitOfWork, window_id: uuid.UUID, version: int, starts_at: datetime, ends_at: datetime
) -> IntegrationWindow:
    """Move an integration window (results already recorded stay with it)."""
    window = await _visible_window(uow, window_id)
    rule = uow.authorize(Action.CREATE, Resource.INTEGRATION_WINDOW, window.bu_id)
    expect_version(window, version, "The integration window")
    rules.check_interval(starts_at, ends_at)
    before = snapshot(window)
    window.starts_at, window.ends_at = starts_at, ends_at
    await uow.updated(
        window, before, action="integration_window.reschedule", bu_id=window.bu_id, rule=rule
    )
    return window


async def record_result(uow: UnitOfWork, c: RecordResult) -> IntegrationResult:
    """Record a suite's result in a window that has started (by an engineer or CI)."""
    window = await _visible_window(uow, c.window_id)
    rule = uow.authorize(Action.UPDATE, Resource.INTEGRATION_WINDOW, window.bu_id)
    suite = rules.check_text(c.suite, Code.INVALID_SUITE, "suite")
    if window.status != IntegrationWindowStatus.SCHEDULED:
        raise DomainError("The window is cancelled.", code=Code.WINDOW_CANCELLED)
    now = uow.clock.now()
    if now < window.starts_at:
        raise DomainError(
            f"The window opens at {window.starts_at:%Y-%m-%d %H:%M} UTC.",
            code=Code.WINDOW_NOT_STARTED,
        )
    result = IntegrationResult(
        window_id=window.id,
        suite=suite,
        passed=c.passed,
        details=c.details,
        recorded_by_id=uow.actor.person_id,
        recorded_via=uow.actor.via,
        recorded_at=now,
    )
    await uow.created(result, action="integration_result.record", bu_id=window.bu_id, rule=rule)
    return result


def gate_of(window: object | None, results: Sequence[object], now: datetime) -> GateResult:
    """The pure gate over a window row and its result rows (as loaded by repository reads)."""
    return rules.integration_window_passed(window_facts(window), result_facts(results), now)


async def integration_gate(
    session: AsyncSession, departure_id: uuid.UUID, now: datetime
) -> GateResult:
    """Whether the departure's integration window has passed (ended, every suite's latest
    result passed), for the final-staging promotion gate. Two statements; no authorization."""
    facts = await integration_of(session, departure_id)
    return rules.integration_window_passed(facts.window, facts.results, now)
