"""Use cases of releases: drafting and every lifecycle move, each authorized and audited."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.governance import assessment
from domain.governance import board_repository as board_repo
from domain.governance import commands as cmd
from domain.governance import documentation as docs
from domain.governance import release_rules as rules
from domain.governance import repository as repo
from domain.governance import signoff_rules as so
from domain.governance.errors import DocumentationIncomplete, Frozen, SignOffMissing
from domain.governance.errors import GovernanceErrorCode as Code
from domain.governance.models import Release
from domain.governance.vocabulary import ReleaseStatus, SessionStatus
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import described, expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts

S = ReleaseStatus


async def release_for_update(uow: UnitOfWork, release_id: uuid.UUID) -> Release:
    """The release, locked for this unit of work; NOT_FOUND when absent or outside your BUs."""
    release = await repo.get_release(uow.session, release_id, for_update=True)
    if release is None or not uow.scope(Action.READ, Resource.RELEASE).allows(release.bu_id):
        raise NotFound("Release was not found.")
    return release


def audit_related(
    lines: Sequence[tuple[uuid.UUID, str]], authors: Sequence[uuid.UUID]
) -> dict[str, Any]:
    """What the audit of a release shows beside its columns: its services and authors."""
    return {
        "services": [{"service_id": str(s), "artifact_version": v} for s, v in lines],
        "authors": [str(a) for a in authors],
    }


async def lines_and_authors(
    uow: UnitOfWork, release_id: uuid.UUID
) -> tuple[list[tuple[uuid.UUID, str]], list[uuid.UUID]]:
    """A release's (service, artifact version) lines and its authors, as stored."""
    rows = await repo.release_lines(uow.session, release_id)
    lines = [(x.service_id, x.artifact_version) for x in rows]
    return lines, await repo.author_ids(uow.session, release_id)


async def _checked_lines(
    uow: UnitOfWork, bu_id: uuid.UUID, lines: Sequence[cmd.ServiceLine]
) -> list[tuple[uuid.UUID, str]]:
    """Services of the release's BU, or visible to the caller; each named once."""
    ids = [line.service_id for line in lines]
    if len(set(ids)) != len(ids):
        raise DomainError(
            "A release names each service once.", code=Code.DUPLICATE_SERVICE, field="services"
        )
    found = await repo.services_by_ids(uow.session, ids) if ids else {}
    scope = uow.scope(Action.READ, Resource.SERVICE)
    for sid in ids:
        row = found.get(sid)
        if row is None or (row.bu_id != bu_id and not scope.allows(row.bu_id)):
            raise NotFound("Service was not found.", field="services")
    return [
        (line.service_id, rules.check_artifact_version(line.artifact_version)) for line in lines
    ]


async def _checked_people(uow: UnitOfWork, ids: Sequence[uuid.UUID], field: str) -> list[uuid.UUID]:
    unique = sorted(set(ids), key=str)
    if unique and await repo.people_exist(uow.session, unique) != set(unique):
        raise NotFound("Person was not found.", field=field)
    return unique


async def create_release(uow: UnitOfWork, c: cmd.CreateRelease) -> Release:
    """Draft a release in a BU; the owner defaults to its creator."""
    await org_facts.business_unit(uow.session, c.bu_id)
    rule = uow.authorize_visible(Action.CREATE, Resource.RELEASE, c.bu_id, "Business unit")
    owner_id = c.owner_id or uow.actor.person_id
    if owner_id is None:
        raise DomainError("Name the release's owner.", code=Code.OWNER_REQUIRED, field="ownerId")
    await _checked_people(uow, [owner_id], "ownerId")
    rules.check_window(c.planned_start, c.planned_end)
    lines = await _checked_lines(uow, c.bu_id, c.services)
    authors = await _checked_people(uow, c.author_ids, "authorIds")
    now = uow.clock.now()
    release = Release(
        bu_id=c.bu_id,
        title=rules.check_title(c.title),
        description=described(c.description),
        release_type=rules.check_release_type(c.release_type),
        status=S.DRAFT,
        owner_id=owner_id,
        change_types=rules.check_change_types(c.change_types),
        environments=rules.check_environments(c.environments),
        regions=rules.check_regions(c.regions),
        planned_start=c.planned_start,
        planned_end=c.planned_end,
        documentation=docs.merge_documentation(
            {}, ((d.section, d.field, d.value) for d in c.documentation)
        ),
        checked_templates=[],
        status_reason="",
        created_at=now,
        updated_at=now,
    )
    return await add_release(uow, release, lines, authors, action="release.create", rule=rule)


async def add_release(
    uow: UnitOfWork,
    release: Release,
    lines: Sequence[tuple[uuid.UUID, str]],
    authors: Sequence[uuid.UUID],
    *,
    action: str,
    rule: str,
) -> Release:
    """Add a new draft with its services and authors, audited with them."""
    extra = audit_related(lines, authors)
    await uow.created(release, action=action, bu_id=release.bu_id, rule=rule, extra=extra)
    await repo.replace_lines(uow.session, release.id, lines)
    await repo.replace_authors(uow.session, release.id, authors)
    return release


async def update_release(uow: UnitOfWork, c: cmd.UpdateRelease) -> Release:
    """Edit a draft: its fields, services, authors, window and documentation."""
    release = await release_for_update(uow, c.release_id)
    rule = uow.authorize(Action.UPDATE, Resource.RELEASE, release.bu_id)
    expect_version(release, c.version, "The release")
    if release.status != S.DRAFT:
        raise DomainError(
            f"Only a draft is edited; this release is {release.status}.",
            code=Code.ILLEGAL_TRANSITION,
            field="status",
        )
    old_lines, old_authors = await lines_and_authors(uow, release.id)
    before = {**snapshot(release), **audit_related(old_lines, old_authors)}
    if c.title is not None:
        release.title = rules.check_title(c.title)
    if c.description is not None:
        release.description = described(c.description)
    if c.release_type is not None:
        release.release_type = rules.check_release_type(c.release_type)
    if c.owner_id is not None:
        release.owner_id = (await _checked_people(uow, [c.owner_id], "ownerId"))[0]
    if c.change_types is not None:
        release.change_types = rules.check_change_types(c.change_types)
    if c.environments is not None:
        release.environments = rules.check_environments(c.environments)
    if c.regions is not None:
        release.regions = rules.check_regions(c.regions)
    if c.planned_start is not None or c.planned_end is not None:
        start = c.planned_start or release.planned_start
        end = c.planned_end or release.planned_end
        rules.check_window(start, end)
        release.planned_start, release.planned_end = start, end
    if c.documentation is not None:
        release.documentation = docs.merge_documentation(
            release.documentation or {}, ((d.section, d.field, d.value) for d in c.documentation)
        )
    lines, authors = old_lines, old_authors
    if c.services is not None:
        lines = await _checked_lines(uow, release.bu_id, c.services)
        await repo.replace_lines(uow.session, release.id, lines)
    if c.author_ids is not None:
        authors = await _checked_people(uow, c.author_ids, "authorIds")
        await repo.replace_authors(uow.session, release.id, authors)
    # Stamped updated_at, the release is always dirty, so its version moves on.
    await uow.updated(
        release,
        before,
        action="release.update",
        bu_id=release.bu_id,
        rule=rule,
        extra=audit_related(lines, authors),
    )
    return release


async def _begin_move(
    uow: UnitOfWork, release_id: uuid.UUID, version: int, target: ReleaseStatus
) -> tuple[Release, str, dict[str, Any]]:
    """Lock, authorize (the permission the move takes), check the version and the table."""
    release = await release_for_update(uow, release_id)
    rule = uow.authorize(rules.permission_for(target), Resource.RELEASE, release.bu_id)
    expect_version(release, version, "The release")
    rules.transition(release.status, target)
    return release, rule, snapshot(release)


async def _finish_move(
    uow: UnitOfWork,
    release: Release,
    before: dict[str, Any],
    target: ReleaseStatus,
    verb: str,
    rule: str,
    reason: str = "",
) -> Release:
    release.status = target
    release.status_reason = reason.strip()[:2000]
    await uow.updated(release, before, action=f"release.{verb}", bu_id=release.bu_id, rule=rule)
    return release


async def submit_release(uow: UnitOfWork, c: cmd.MoveRelease) -> Release:
    """Submit a draft: refused while documentation is incomplete; records the templates checked."""
    release, rule, before = await _begin_move(uow, c.release_id, c.version, S.SUBMITTED)
    if not await repo.release_lines(uow.session, release.id):
        raise DomainError(
            "A release ships at least one service.", code=Code.SERVICES_REQUIRED, field="services"
        )
    result = (await assessment.completeness(uow.session, [release]))[release.id]
    if not result.complete:
        raise DocumentationIncomplete(result.missing)
    release.checked_templates = result.checked
    release.submitted_at = uow.clock.now()
    return await _finish_move(uow, release, before, S.SUBMITTED, "submit", rule, c.reason)


async def outstanding_sign_offs(uow: UnitOfWork, release: Release) -> list[so.State]:
    states = await assessment.sign_off_states(uow.session, [release], uow.clock.now())
    return so.outstanding(states[release.id])


async def approve_checked(
    uow: UnitOfWork, release: Release, before: dict[str, Any], rule: str, reason: str
) -> Release:
    """Approve a submitted release whose required sign-offs are all valid (or refuse)."""
    outstanding = await outstanding_sign_offs(uow, release)
    if outstanding:
        raise SignOffMissing(outstanding)
    release.decided_at = uow.clock.now()
    return await _finish_move(uow, release, before, S.APPROVED, "approve", rule, reason)


async def approve_release(uow: UnitOfWork, c: cmd.MoveRelease) -> Release:
    """Approve: every required sign-off valid, and no go/no-go session still deciding."""
    release, rule, before = await _begin_move(uow, c.release_id, c.version, S.APPROVED)
    person_id = uow.actor.person_id
    if person_id is not None and (
        person_id == release.owner_id or person_id in await repo.author_ids(uow.session, release.id)
    ):
        raise DomainError(
            "Segregation of duties: a release's owner and authors do not approve it.",
            code=Code.CONFLICT_OF_INTEREST,
        )
    if await board_repo.open_session_of(uow.session, release.id) is not None:
        raise DomainError(
            "A go/no-go session is deciding this release: close it instead.",
            code=Code.GO_NO_GO_OPEN,
        )
    return await approve_checked(uow, release, before, rule, c.reason)


async def reject_release(uow: UnitOfWork, c: cmd.MoveRelease) -> Release:
    release, rule, before = await _begin_move(uow, c.release_id, c.version, S.REJECTED)
    release.decided_at = uow.clock.now()
    return await _finish_move(uow, release, before, S.REJECTED, "reject", rule, c.reason)


@dataclass(frozen=True, slots=True)
class PlannedWindow:
    """The window a release is being scheduled into, as the calendar needs to judge it."""

    release_id: uuid.UUID
    bu_id: uuid.UUID
    service_ids: tuple[uuid.UUID, ...]
    environments: tuple[str, ...]
    tiers: tuple[str, ...]
    starts_at: datetime
    ends_at: datetime


FreezeCheck = Callable[[UnitOfWork, PlannedWindow], Awaitable[Sequence[Any]]]
"""Which freezes block a window. The calendar (a context above this one) supplies it."""


async def schedule_release(
    uow: UnitOfWork, c: cmd.ScheduleRelease, blocking_freezes: FreezeCheck
) -> Release:
    """Schedule an approved release into its planned window; refused inside a freeze.

    Called through domain.calendar.scheduling, which knows the freezes."""
    release, rule, before = await _begin_move(uow, c.release_id, c.version, S.SCHEDULED)
    start = c.planned_start or release.planned_start
    end = c.planned_end or release.planned_end
    rules.check_window(start, end)
    starts_at, ends_at = rules.require_window(start, end)
    services = (await repo.shipped_services(uow.session, [release.id])).get(release.id, [])
    window = PlannedWindow(
        release_id=release.id,
        bu_id=release.bu_id,
        service_ids=tuple(s.id for s in services),
        environments=tuple(release.environments or ()),
        tiers=tuple(sorted({s.tier for s in services})),
        starts_at=starts_at,
        ends_at=ends_at,
    )
    hits = await blocking_freezes(uow, window)
    if hits:
        raise Frozen(hits)
    release.planned_start, release.planned_end = starts_at, ends_at
    return await _finish_move(uow, release, before, S.SCHEDULED, "schedule", rule)


async def start_release(uow: UnitOfWork, c: cmd.MoveRelease) -> Release:
    release, rule, before = await _begin_move(uow, c.release_id, c.version, S.DEPLOYING)
    return await _finish_move(uow, release, before, S.DEPLOYING, "start", rule, c.reason)


ProductionCheck = Callable[[UnitOfWork, uuid.UUID, Sequence[str]], Awaitable[None]]
"""Refuses while a release's (id, environments) production deployments are not all linked to
allowed promotions. Pipelines (a context above this one) supplies it."""


async def complete_release(
    uow: UnitOfWork, c: cmd.MoveRelease, production_check: ProductionCheck
) -> Release:
    """Report a deploying release deployed. Called through domain.pipelines.release_completion,
    which knows the release's production deployments."""
    release, rule, before = await _begin_move(uow, c.release_id, c.version, S.DEPLOYED)
    await production_check(uow, release.id, release.environments or ())
    return await _finish_move(uow, release, before, S.DEPLOYED, "complete", rule, c.reason)


async def roll_back_release(uow: UnitOfWork, c: cmd.MoveRelease) -> Release:
    release, rule, before = await _begin_move(uow, c.release_id, c.version, S.ROLLED_BACK)
    return await _finish_move(uow, release, before, S.ROLLED_BACK, "roll_back", rule, c.reason)


async def cancel_release(uow: UnitOfWork, c: cmd.MoveRelease) -> Release:
    """Cancel; its open go/no-go session closes undecided (no outcome), in the same unit."""
    release, rule, before = await _begin_move(uow, c.release_id, c.version, S.CANCELLED)
    meeting = await board_repo.open_session_of(uow.session, release.id)
    if meeting is not None:
        closing = snapshot(meeting)
        meeting.status = SessionStatus.CLOSED
        meeting.closed_at = uow.clock.now()
        meeting.decided_by_rule = "closed undecided: the release was cancelled"
        await uow.updated(meeting, closing, action="go_no_go.close", bu_id=release.bu_id, rule=rule)
    return await _finish_move(uow, release, before, S.CANCELLED, "cancel", rule, c.reason)
