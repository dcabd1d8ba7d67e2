"""Use case of a production release's watchers: the member on shift when its production window
opens (primary) and, by rule, one of its authors (secondary) for its first hours.

The rule, in `rules.pick_rotation` and `rules.pick_secondary`: the rotation is that of the team
whose services the release ships most of (ties by team key); the secondary is, of the release's
authors (its owner when it names none) other than the primary, the one with the fewest
secondary assignments over the 90 days before the window opens, ties by name. The secondary
watches for the longest `release_secondary_hours` any shipped service's guardrails ask (24 by
default).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row

from domain.governance import facts as release_facts
from domain.governance import fragments as release_fragments
from domain.governance.vocabulary import ReleaseStatus as S
from domain.guardrails.facts import guardrails_of_services
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.kernel.vocabulary import EnvironmentKind
from domain.organization import facts as org_facts
from domain.support import commands as cmd
from domain.support import repository as repo
from domain.support import rules
from domain.support.errors import SupportErrorCode as Code
from domain.support.facts import schedule_of, swaps_by_number
from domain.support.models import ReleaseWatch

RESOURCE = Resource.RELEASE_WATCH
NOT_WATCHED = frozenset(s.value for s in (S.DRAFT, S.REJECTED, S.CANCELLED))
"""A release in these states goes nowhere, so nobody watches it."""


async def _secondary_hours(uow: UnitOfWork, service_ids: list[uuid.UUID]) -> int:
    found = await guardrails_of_services(uow.session, service_ids)
    return rules.secondary_hours(int(g["release_secondary_hours"]) for g in found.values())


async def _candidates(
    uow: UnitOfWork, release_id: uuid.UUID, owner_id: uuid.UUID
) -> list[rules.Candidate]:
    authors = await release_facts.author_ids(uow.session, release_id) or [owner_id]
    people = await org_facts.people(uow.session, authors)
    return [rules.Candidate(p.id, p.display_name) for p in people.values() if p.active]


async def _rotation_row(uow: UnitOfWork, service_ids: list[uuid.UUID]) -> Row[Any]:
    services = await org_facts.services(uow.session, service_ids)
    per_team = Counter(s.team_id for s in services.values())
    rotations = await repo.rotations_of_teams(uow.session, list(per_team))
    teams = await org_facts.teams(uow.session, list(rotations))
    chosen = rules.pick_rotation(per_team, {t: teams[t].key for t in rotations if t in teams})
    if chosen is None:
        raise DomainError(
            "No team whose services the release ships has a support rotation.",
            code=Code.NO_ROTATION,
            field="releaseId",
        )
    return rotations[chosen]


async def _check(uow: UnitOfWork, release: release_facts.ReleaseSummary) -> datetime:
    """When the release's production window opens; refused for a release not going to
    production, going nowhere, without a window yet, or watched already."""
    if EnvironmentKind.PRODUCTION.value not in release.environments:
        raise DomainError(
            "Only a release to production gets watchers.",
            code=Code.NOT_PRODUCTION,
            field="releaseId",
        )
    if release.status in NOT_WATCHED:
        raise DomainError(
            f"The release is {release.status}: nobody watches it.",
            code=Code.RELEASE_CLOSED,
            field="releaseId",
        )
    if release.planned_start is None:
        raise DomainError(
            "The release has no production window yet: schedule it first.",
            code=Code.RELEASE_NOT_SCHEDULED,
            field="releaseId",
        )
    if await repo.watch_of_release(uow.session, release.id) is not None:
        raise DomainError(
            "The release has its watchers already.",
            code=Code.WATCHERS_ASSIGNED,
            field="releaseId",
        )
    return release.planned_start


async def assign_watchers(uow: UnitOfWork, c: cmd.AssignWatchers) -> ReleaseWatch:
    """Record who watches a production release: the member on shift when its window opens,
    and the secondary the rule picks among its authors."""
    release = await release_facts.release(
        uow.session,
        c.release_id,
        readable_in=uow.scope(Action.READ, Resource.RELEASE),
        for_update=True,
    )
    rule = uow.authorize(Action.CREATE, RESOURCE, release.bu_id)
    starts_at = await _check(uow, release)
    service_ids = await release_facts.shipped_service_ids(uow.session, release.id)
    rotation = await _rotation_row(uow, service_ids)
    swaps = swaps_by_number(await repo.swaps_of(uow.session, rotation.id))
    shift = rules.on_shift(schedule_of(rotation), swaps, starts_at)
    if shift is None:
        raise DomainError(
            "The rotation's first hand-over comes after the release's window opens.",
            code=Code.NO_ROTATION,
            field="releaseId",
        )
    candidates = await _candidates(uow, release.id, release.owner_id)
    counts = await repo.secondary_counts(
        uow.session, [x.id for x in candidates], starts_at - rules.FAIRNESS_WINDOW, starts_at
    )
    hours = await _secondary_hours(uow, service_ids)
    watch = ReleaseWatch(
        release_id=release.id,
        bu_id=release.bu_id,
        rotation_id=rotation.id,
        shift_number=shift.number,
        primary_id=shift.member_id,
        secondary_id=rules.pick_secondary(candidates, counts, shift.member_id),
        starts_at=starts_at,
        secondary_until=starts_at + timedelta(hours=hours),
        secondary_hours=hours,
        assigned_by_id=uow.actor.person_id,
        created_at=uow.clock.now(),
    )
    await uow.created(watch, action="release_watch.assign", bu_id=release.bu_id, rule=rule)
    return watch


DUE_AHEAD = timedelta(hours=1)
"""The sweep assigns a release's watchers up to this long before its window opens..."""
DUE_BEHIND = timedelta(hours=24)
"""...and up to this long after (a window that opened while no sweep ran)."""
MAX_PER_SWEEP = 100
WATCHED = frozenset(s.value for s in (S.APPROVED, S.SCHEDULED, S.DEPLOYING, S.DEPLOYED))


async def assign_due(uow: UnitOfWork) -> list[ReleaseWatch]:
    """The housekeeping sweep's part: assign the watchers of every production release whose
    window opens within the hour (or opened in the last day) and has none, each in a savepoint
    (a release whose teams have no rotation is left as it is)."""
    now = uow.clock.now()
    due = await repo.unwatched_release_ids(
        uow.session,
        release_fragments.release_rows(),
        WATCHED,
        now - DUE_BEHIND,
        now + DUE_AHEAD,
        limit=MAX_PER_SWEEP,
    )
    made = []
    for release_id, environments in due:
        if EnvironmentKind.PRODUCTION.value not in environments:
            continue
        try:
            async with uow.savepoint():
                made.append(await assign_watchers(uow, cmd.AssignWatchers(release_id)))
        except DomainError:
            continue
    return made
