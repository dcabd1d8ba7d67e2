"""Disaster recovery: per-service procedures (created, changed, retired) and their tests, each
audited; and the "dr_test" gate of one service (the pure domain.compliance.dr_rules.evaluate
over the procedures domain.compliance.facts reads)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance import dr_repository as repo
from domain.compliance import dr_rules as rules
from domain.compliance.control_commands import (
    CreateDrProcedure,
    RecordDrTest,
    UpdateDrProcedure,
)
from domain.compliance.errors import ComplianceErrorCode as Code
from domain.compliance.facts import dr_procedures_of_services
from domain.compliance.models import DrProcedure, DrTest
from domain.compliance.vocabulary import DrKind, DrProcedureStatus, DrResult
from domain.guardrails.effective import effective_for_service
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.gates import GateOutcome
from domain.kernel.orm import snapshot
from domain.kernel.rules import choice, expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts

T = TypeVar("T")


async def dr_gate(session: AsyncSession, service_id: uuid.UUID, now: datetime) -> GateOutcome:
    """The dr_test gate: required procedures exist and each passed a test recently enough."""
    service = await org_facts.service(session, service_id, field=None)
    procedures = (await dr_procedures_of_services(session, [service_id]))[service_id]
    max_age = int((await effective_for_service(session, service_id))["max_dr_test_age_days"])
    return rules.evaluate(service.name, service.data_classification, procedures, max_age, now)


async def _visible_service(uow: UnitOfWork, service_id: uuid.UUID) -> org_facts.ServiceFacts:
    scope = uow.scope(Action.READ, Resource.SERVICE)
    return await org_facts.service(uow.session, service_id, readable_in=scope)


async def _visible_procedure(uow: UnitOfWork, procedure_id: uuid.UUID) -> DrProcedure:
    procedure = await repo.get_procedure(uow.session, procedure_id, for_update=True)
    scope = uow.scope(Action.READ, Resource.DR_PROCEDURE)
    if procedure is None or not scope.allows(procedure.bu_id):
        raise NotFound("DR procedure was not found.")
    return procedure


def _active(procedure: DrProcedure) -> None:
    if procedure.status != DrProcedureStatus.ACTIVE:
        raise DomainError(f"'{procedure.title}' is retired.", code=Code.PROCEDURE_RETIRED)


async def _check_owners(
    uow: UnitOfWork,
    bu_id: uuid.UUID,
    person_id: uuid.UUID | None,
    team_id: uuid.UUID | None,
    *,
    required: bool = True,
) -> None:
    if required:
        rules.check_owner(person_id, team_id)
    if team_id is not None:
        team = await org_facts.team(
            uow.session,
            team_id,
            readable_in=uow.scope(Action.READ, Resource.TEAM),
            field="ownerTeamId",
        )
        if team.bu_id != bu_id:
            raise DomainError(
                "The owning team belongs to the service's business unit.",
                code=Code.OWNER_NOT_IN_BUSINESS_UNIT,
                field="ownerTeamId",
            )
    if person_id is not None and not await org_facts.active_people(uow.session, [person_id]):
        raise NotFound("Person was not found.", field="ownerId")


async def create_procedure(uow: UnitOfWork, c: CreateDrProcedure) -> DrProcedure:
    """Add a DR procedure to a service, with its owners."""
    service = await _visible_service(uow, c.service_id)
    rule = uow.authorize(Action.CREATE, Resource.DR_PROCEDURE, service.bu_id)
    kind = choice(DrKind, c.kind, Code.INVALID_KIND, "kind")
    title = rules.check_title(c.title)
    url = rules.check_runbook_url(c.runbook_url)
    await _check_owners(uow, service.bu_id, c.owner_person_id, c.owner_team_id)
    now = uow.clock.now()
    procedure = DrProcedure(
        service_id=service.id,
        bu_id=service.bu_id,
        kind=kind.value,
        title=title,
        runbook_url=url,
        owner_person_id=c.owner_person_id,
        owner_team_id=c.owner_team_id,
        rto_minutes=rules.check_objective(c.rto_minutes, "rtoMinutes"),
        rpo_minutes=rules.check_objective(c.rpo_minutes, "rpoMinutes"),
        status=str(DrProcedureStatus.ACTIVE),
        created_at=now,
        updated_at=now,
    )
    await uow.created(procedure, action="dr_procedure.create", bu_id=procedure.bu_id, rule=rule)
    return procedure


def _pick(c: UpdateDrProcedure, name: str, given: T | None, current: T | None) -> T | None:
    """The given value, else the current one; None when the update clears the field."""
    if name in c.clear:
        return None
    return given if given is not None else current


async def update_procedure(uow: UnitOfWork, c: UpdateDrProcedure) -> DrProcedure:
    """Change a procedure's title, runbook, owners or objectives; its service and kind stay."""
    procedure = await _visible_procedure(uow, c.procedure_id)
    rule = uow.authorize(Action.UPDATE, Resource.DR_PROCEDURE, procedure.bu_id)
    expect_version(procedure, c.version, "The DR procedure")
    _active(procedure)
    before = snapshot(procedure)
    person = _pick(c, "owner_person_id", c.owner_person_id, procedure.owner_person_id)
    team = _pick(c, "owner_team_id", c.owner_team_id, procedure.owner_team_id)
    rules.check_owner(person, team)
    # Only new owners are checked: CI records changes without reading teams or people.
    await _check_owners(
        uow,
        procedure.bu_id,
        person if person != procedure.owner_person_id else None,
        team if team != procedure.owner_team_id else None,
        required=False,
    )
    if c.title is not None:
        procedure.title = rules.check_title(c.title)
    if c.runbook_url is not None:
        procedure.runbook_url = rules.check_runbook_url(c.runbook_url)
    procedure.owner_person_id = person
    procedure.owner_team_id = team
    procedure.rto_minutes = rules.check_objective(
        _pick(c, "rto_minutes", c.rto_minutes, procedure.rto_minutes), "rtoMinutes"
    )
    procedure.rpo_minutes = rules.check_objective(
        _pick(c, "rpo_minutes", c.rpo_minutes, procedure.rpo_minutes), "rpoMinutes"
    )
    await uow.updated(
        procedure, before, action="dr_procedure.update", bu_id=procedure.bu_id, rule=rule
    )
    return procedure


async def retire_procedure(uow: UnitOfWork, procedure_id: uuid.UUID, version: int) -> DrProcedure:
    """Take a procedure off the shelf; it no longer counts for (or against) the gate."""
    procedure = await _visible_procedure(uow, procedure_id)
    rule = uow.authorize(Action.UPDATE, Resource.DR_PROCEDURE, procedure.bu_id)
    expect_version(procedure, version, "The DR procedure")
    _active(procedure)
    before = snapshot(procedure)
    now = uow.clock.now()
    procedure.status = str(DrProcedureStatus.RETIRED)
    procedure.retired_at = now
    await uow.updated(
        procedure, before, action="dr_procedure.retire", bu_id=procedure.bu_id, rule=rule
    )
    return procedure


async def record_test(uow: UnitOfWork, c: RecordDrTest) -> DrTest:
    """Record that a procedure was exercised, when, and whether it worked."""
    procedure = await _visible_procedure(uow, c.procedure_id)
    rule = uow.authorize(Action.CREATE, Resource.DR_TEST, procedure.bu_id)
    _active(procedure)
    now = uow.clock.now()
    test = DrTest(
        procedure_id=procedure.id,
        bu_id=procedure.bu_id,
        performed_at=rules.check_performed_at(c.performed_at, now),
        result=choice(DrResult, c.result, Code.INVALID_RESULT, "result").value,
        notes=rules.check_notes(c.notes),
        evidence_url=rules.check_evidence_url(c.evidence_url),
        duration_minutes=rules.check_test_duration(c.duration_minutes),
        recorded_by_id=uow.actor.person_id,
        recorded_at=now,
    )
    await uow.created_in(
        procedure, test, action="dr_procedure.test", bu_id=procedure.bu_id, rule=rule
    )
    return test
