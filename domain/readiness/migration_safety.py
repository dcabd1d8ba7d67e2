"""Declaring a release's data migrations and making them safe, each change audited: their
pre-validation checks and results, their compensating step, the approval of an irreversible
one's waiver, and withdrawing a declaration. The gate is domain.readiness.migration_rules'."""

from __future__ import annotations

import uuid
from typing import Any

from domain.governance import facts as gov_facts
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.rules import described, expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.readiness import migration_repository as repo
from domain.readiness import migration_rules as rules
from domain.readiness.migration_commands import (
    DeclareDataMigration,
    RecordPreChecks,
    SetCompensation,
)
from domain.readiness.migration_errors import DataMigrationErrorCode as Code
from domain.readiness.migration_models import DataMigration
from domain.readiness.migration_vocabulary import CompensationKind


async def _visible(uow: UnitOfWork, migration_id: uuid.UUID) -> DataMigration:
    migration = await repo.get_migration(uow.session, migration_id, for_update=True)
    scope = uow.scope(Action.READ, Resource.DATA_MIGRATION)
    if migration is None or not scope.allows(migration.bu_id):
        raise NotFound("Data migration was not found.")
    return migration


async def _changing(
    uow: UnitOfWork, migration_id: uuid.UUID, version: int, action: Action
) -> tuple[DataMigration, str, dict[str, Any]]:
    """The migration you may read, authorized for `action`, at the version you read; with the
    rule that allowed it and its before-image."""
    migration = await _visible(uow, migration_id)
    rule = uow.authorize(action, Resource.DATA_MIGRATION, migration.bu_id)
    expect_version(migration, version, "The data migration")
    return migration, rule, snapshot(migration)


def _compensate(migration: DataMigration, compensation: rules.Compensation) -> None:
    kind, reference, notes = rules.check_compensation(compensation)
    migration.compensation_kind = kind.value
    migration.compensation_reference = reference
    migration.compensation_notes = notes
    # A new compensating step, or a new reason to waive one, is approved afresh.
    migration.waiver_approved_by_id = None
    migration.waiver_approved_at = None


async def declare(uow: UnitOfWork, c: DeclareDataMigration) -> DataMigration:
    """Declare a data migration the release carries for one of the services it ships."""
    scope = uow.scope(Action.READ, Resource.RELEASE)
    release = await gov_facts.release(uow.session, c.release_id, readable_in=scope)
    rule = uow.authorize(Action.CREATE, Resource.DATA_MIGRATION, release.bu_id)
    await org_facts.service(
        uow.session, c.service_id, readable_in=uow.scope(Action.READ, Resource.SERVICE)
    )
    if c.service_id not in await gov_facts.shipped_service_ids(uow.session, release.id):
        raise DomainError(
            "The release does not ship this service.",
            code=Code.SERVICE_NOT_SHIPPED,
            field="serviceId",
        )
    if await repo.count_of_release(uow.session, release.id) >= rules.MAX_MIGRATIONS:
        raise DomainError(
            f"A release declares at most {rules.MAX_MIGRATIONS} data migrations.",
            code=Code.TOO_MANY_MIGRATIONS,
        )
    now = uow.clock.now()
    migration = DataMigration(
        release_id=release.id,
        service_id=c.service_id,
        bu_id=release.bu_id,
        key=rules.check_key(c.key),
        description=described(c.description),
        pre_checks=rules.check_pre_checks(c.pre_checks),
        compensation_kind=None,
        compensation_reference="",
        compensation_notes="",
        declared_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
    )
    if c.compensation is not None:
        _compensate(migration, c.compensation)
    await uow.created(migration, action="data_migration.declare", bu_id=release.bu_id, rule=rule)
    return migration


async def record_pre_checks(uow: UnitOfWork, c: RecordPreChecks) -> DataMigration:
    """Replace the migration's pre-validation checks with these, and their results."""
    migration, rule, before = await _changing(uow, c.migration_id, c.version, Action.UPDATE)
    migration.pre_checks = rules.check_pre_checks(c.pre_checks)
    await uow.updated(
        migration, before, action="data_migration.pre_checks", bu_id=migration.bu_id, rule=rule
    )
    return migration


async def set_compensation(uow: UnitOfWork, c: SetCompensation) -> DataMigration:
    """Say how the migration is undone on rollback, or that nothing can undo it (a waiver
    someone else then approves)."""
    migration, rule, before = await _changing(uow, c.migration_id, c.version, Action.UPDATE)
    _compensate(migration, c.compensation)
    await uow.updated(
        migration, before, action="data_migration.compensation", bu_id=migration.bu_id, rule=rule
    )
    return migration


async def approve_waiver(uow: UnitOfWork, migration_id: uuid.UUID, version: int) -> DataMigration:
    """Approve an irreversible migration's waiver: never by its declarer nor an author of the
    release."""
    migration, rule, before = await _changing(uow, migration_id, version, Action.APPROVE)
    if migration.compensation_kind != CompensationKind.IRREVERSIBLE:
        raise DomainError(
            "Only a migration declared irreversible has a waiver to approve.",
            code=Code.NOT_IRREVERSIBLE,
        )
    if migration.waiver_approved_by_id is not None:
        raise DomainError("The waiver is already approved.", code=Code.WAIVER_ALREADY_APPROVED)
    me = uow.actor.person_id
    if me is None:
        raise DomainError(
            "A person approves a waiver, not a token alone.", code=Code.PERSON_REQUIRED
        )
    if me == migration.declared_by_id:
        raise DomainError(
            "Someone other than its declarer approves the waiver.",
            code=Code.WAIVER_SELF_APPROVAL,
        )
    if me in await gov_facts.author_ids(uow.session, migration.release_id):
        raise DomainError(
            "An author of the release does not approve its irreversible migration.",
            code=Code.WAIVER_APPROVER_IS_AUTHOR,
        )
    migration.waiver_approved_by_id = me
    migration.waiver_approved_at = uow.clock.now()
    await uow.updated(
        migration, before, action="data_migration.waiver_approve", bu_id=migration.bu_id, rule=rule
    )
    return migration


async def withdraw(uow: UnitOfWork, migration_id: uuid.UUID, version: int) -> DataMigration:
    """Withdraw a declaration made by mistake (the audit trail keeps it)."""
    migration, rule, _ = await _changing(uow, migration_id, version, Action.DELETE)
    await uow.deleted(migration, action="data_migration.withdraw", bu_id=migration.bu_id, rule=rule)
    return migration
