"""Deployment windows: planned, moved and cancelled, each checked for conflicts first."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from domain.calendar import conflicts as detection
from domain.calendar import repository as repo
from domain.calendar import rules
from domain.calendar.commands import CheckWindow, MoveWindow, PlanWindow
from domain.calendar.errors import CalendarErrorCode as Code
from domain.calendar.models import DeploymentWindow
from domain.calendar.rules import Conflict, ConflictsFound, WindowFacts
from domain.calendar.vocabulary import WindowKind, WindowStatus
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts


@dataclass(frozen=True, slots=True)
class WindowResult:
    window: DeploymentWindow
    conflicts: list[Conflict]


async def checked_facts(uow: UnitOfWork, c: CheckWindow) -> WindowFacts:
    """Validate a window's facts as the actor sees them: its BU, services and release."""
    bu = await org_facts.business_unit(
        uow.session, c.bu_id, readable_in=uow.scope(Action.READ, Resource.DEPLOYMENT_WINDOW)
    )
    rules.check_interval(c.starts_at, c.ends_at)
    services = sorted(set(c.service_ids), key=str)
    info = await repo.services_info(uow.session, services)
    read = uow.scope(Action.READ, Resource.SERVICE)
    if any(s not in info or not read.allows(info[s].bu_id) for s in services):
        raise NotFound("Service was not found.", field="serviceIds")
    if c.release_id is not None:
        release = (await repo.releases_info(uow.session, [c.release_id])).get(c.release_id)
        if release is None or not uow.scope(Action.READ, Resource.RELEASE).allows(release.bu_id):
            raise NotFound("Release was not found.", field="releaseId")
        if release.bu_id != bu.id:
            raise DomainError(
                "A release window belongs to the release's business unit.",
                code=Code.NOT_IN_BUSINESS_UNIT,
                field="releaseId",
            )
    return window_facts(c, services, bu.id)


def window_facts(c: CheckWindow, services: Sequence[uuid.UUID], bu_id: uuid.UUID) -> WindowFacts:
    """The facts of a window whose BU and services are checked (its id new unless it moves)."""
    return WindowFacts(
        id=c.window_id or uuid.uuid4(),
        starts_at=c.starts_at,
        ends_at=c.ends_at,
        environment=rules.check_environment(c.environment),
        service_ids=frozenset(services),
        resources=frozenset(rules.check_resources(c.resources)),
        release_id=c.release_id,
        title=c.title,
        bu_id=bu_id,
    )


async def _check(
    uow: UnitOfWork, facts: WindowFacts, through_freeze: uuid.UUID | None = None
) -> list[Conflict]:
    """Every conflict; refused with CONFLICTS on a BLOCKING one, except falling into
    `through_freeze`: the freeze whose exception the emergency path requests in the same unit of
    work (`domain.calendar.emergency`). That conflict is still returned: the freeze binds the
    window until the exception is approved."""
    assert facts.bu_id is not None
    found = await detection.detect(
        uow.session,
        facts,
        bu_id=facts.bu_id,
        readable=uow.scope(Action.READ, Resource.DEPLOYMENT_WINDOW),
        now=uow.clock.now(),
    )
    pending = [c for c in found if c.freeze_id is None or c.freeze_id != through_freeze]
    if rules.refuses(c.severity for c in pending):
        raise ConflictsFound(found)
    return found


async def plan_window(
    uow: UnitOfWork, c: PlanWindow, *, through_freeze: uuid.UUID | None = None
) -> WindowResult:
    """Plan a window; refused with CONFLICTS on a BLOCKING conflict (see `_check`)."""
    kind = rules.choice(WindowKind, c.kind, Code.INVALID_KIND, "kind")
    if c.release_id is not None and kind != WindowKind.RELEASE:
        raise DomainError(
            "Only a release window names a release.",
            code=Code.NOT_A_RELEASE_WINDOW,
            field="releaseId",
        )
    facts = await checked_facts(
        uow,
        CheckWindow(
            bu_id=c.bu_id,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            release_id=c.release_id,
            environment=c.environment,
            service_ids=c.service_ids,
            resources=c.resources,
            title=rules.check_title(c.title),
        ),
    )
    rule = uow.authorize(Action.CREATE, Resource.DEPLOYMENT_WINDOW, c.bu_id)
    found = await _check(uow, facts, through_freeze)
    now = uow.clock.now()
    window = DeploymentWindow(
        id=facts.id,
        bu_id=c.bu_id,
        kind=kind,
        release_id=c.release_id,
        title=facts.title,
        environment=facts.environment,
        starts_at=c.starts_at,
        ends_at=c.ends_at,
        status=str(WindowStatus.PLANNED),
        created_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
    )
    services = sorted(facts.service_ids, key=str)
    await uow.created(
        window,
        action="deployment_window.plan",
        bu_id=window.bu_id,
        rule=rule,
        extra={
            "service_ids": [str(s) for s in services],
            "resources": sorted(facts.resources),
            "conflicts": [f"{x.kind}:{x.severity}" for x in found],
        },
    )
    await repo.add_window_rows(uow.session, window, services, sorted(facts.resources))
    return WindowResult(window, found)


async def _visible_window(uow: UnitOfWork, window_id: uuid.UUID) -> DeploymentWindow:
    scope = uow.scope(Action.READ, Resource.DEPLOYMENT_WINDOW)
    return await get_readable(
        uow.session, DeploymentWindow, window_id, scope, what="Deployment window"
    )


def _planned(window: DeploymentWindow) -> None:
    if window.status != WindowStatus.PLANNED:
        raise DomainError("The window is cancelled.", code=Code.WINDOW_CANCELLED)


async def move_window(uow: UnitOfWork, c: MoveWindow) -> WindowResult:
    """Move a window to new times; the conflict check runs again on the new times."""
    window = await _visible_window(uow, c.window_id)
    rule = uow.authorize(Action.UPDATE, Resource.DEPLOYMENT_WINDOW, window.bu_id)
    expect_version(window, c.version, "The window")
    _planned(window)
    services = await repo.services_by_window(uow.session, [window.id])
    resources = await repo.resources_by_window(uow.session, [window.id])
    facts = await checked_facts(
        uow,
        CheckWindow(
            bu_id=window.bu_id,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            release_id=window.release_id,
            environment=window.environment,
            service_ids=services.get(window.id, []),
            resources=resources.get(window.id, []),
            window_id=window.id,
            title=window.title,
        ),
    )
    found = await _check(uow, facts)
    before = snapshot(window)
    window.starts_at, window.ends_at = c.starts_at, c.ends_at
    await repo.shift_window_rows(uow.session, window.id, c.starts_at, c.ends_at)
    await uow.updated(
        window, before, action="deployment_window.move", bu_id=window.bu_id, rule=rule
    )
    return WindowResult(window, found)


async def cancel_window(uow: UnitOfWork, window_id: uuid.UUID, version: int) -> DeploymentWindow:
    """Cancel a window: it no longer conflicts with anything (its rows stay, for the record)."""
    window = await _visible_window(uow, window_id)
    rule = uow.authorize(Action.DELETE, Resource.DEPLOYMENT_WINDOW, window.bu_id)
    expect_version(window, version, "The window")
    _planned(window)
    before = snapshot(window)
    window.status = str(WindowStatus.CANCELLED)
    await uow.updated(
        window, before, action="deployment_window.cancel", bu_id=window.bu_id, rule=rule
    )
    return window
