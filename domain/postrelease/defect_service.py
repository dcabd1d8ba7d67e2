"""Use cases of post-release defects: record one (classified, from its source), reclassify it
with a reason. Recording also looks for the new patterns of the defect's BU, so a pattern
reaches planning when the defect that completes it is recorded, not only at the next sweep."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from domain.governance import facts as release_facts
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import choice, described, expect_version, trimmed
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.organization.facts import ServiceFacts
from domain.pipelines import queries as pipeline_queries
from domain.postrelease import defect_commands as cmd
from domain.postrelease import defect_patterns as patterns
from domain.postrelease.defect_errors import DefectErrorCode as Code
from domain.postrelease.defect_models import Defect
from domain.postrelease.defect_sources import check_source, reader_of
from domain.postrelease.defect_vocabulary import (
    ChangeType,
    DefectSeverity,
    DefectSourceKind,
    EscapedTestLayer,
    RootCauseCategory,
)

RESOURCE = Resource.DEFECT
CLASSIFICATION: dict[str, tuple[type[StrEnum], Code, str]] = {
    "change_type": (ChangeType, Code.INVALID_CHANGE_TYPE, "changeType"),
    "root_cause": (RootCauseCategory, Code.INVALID_ROOT_CAUSE, "rootCause"),
    "escaped_layer": (EscapedTestLayer, Code.INVALID_ESCAPED_LAYER, "escapedTestLayer"),
    "severity": (DefectSeverity, Code.INVALID_SEVERITY, "severity"),
}


def _classified(name: str, value: str) -> str:
    enum_, code, field = CLASSIFICATION[name]
    return choice(enum_, value, code, field).value


def _component(value: str) -> str:
    return trimmed(
        value,
        1,
        100,
        "A component is 1 to 100 characters.",
        code=Code.INVALID_COMPONENT,
        field="component",
    )


async def _found_in(uow: UnitOfWork, c: cmd.RecordDefect, service: ServiceFacts) -> None:
    """The release and deployment the defect was found in, when named, are the service's."""
    if c.release_id is not None:
        release = await release_facts.release(
            uow.session, c.release_id, readable_in=uow.scope(Action.READ, Resource.RELEASE)
        )
        if release.bu_id != service.bu_id:
            raise DomainError(
                "The release belongs to another business unit.",
                code=Code.RELEASE_OF_ANOTHER_BUSINESS_UNIT,
                field="releaseId",
            )
        if service.id not in await release_facts.shipped_service_ids(uow.session, release.id):
            raise DomainError(
                "The release does not ship this service.",
                code=Code.RELEASE_DOES_NOT_SHIP_SERVICE,
                field="releaseId",
            )
    if c.deployment_report_id is not None:
        found = await pipeline_queries.deployment_reports_by_id(
            reader_of(uow), [c.deployment_report_id]
        )
        report = found.get(c.deployment_report_id)
        if report is None:
            raise NotFound("Deployment was not found.", field="deploymentId")
        if report.service_id != service.id:
            raise DomainError(
                "The deployment is of another service.",
                code=Code.DEPLOYMENT_OF_ANOTHER_SERVICE,
                field="deploymentId",
            )


def _when(found_at: datetime | None, now: datetime) -> datetime:
    if found_at is not None and found_at.tzinfo is None:
        raise DomainError(
            "foundAt carries its UTC offset (…Z or …+02:00).",
            code=Code.INVALID_FOUND_AT,
            field="foundAt",
        )
    if found_at is not None and found_at > now:
        raise DomainError(
            "A defect cannot be found in the future.", code=Code.FOUND_IN_FUTURE, field="foundAt"
        )
    return found_at or now


async def record_defect(uow: UnitOfWork, c: cmd.RecordDefect) -> Defect:
    """Record a defect found after release, classified, from its source."""
    service = await org_facts.service(
        uow.session, c.service_id, readable_in=uow.scope(Action.READ, Resource.SERVICE)
    )
    rule = uow.authorize(Action.CREATE, RESOURCE, service.bu_id)
    title = trimmed(
        c.title, 1, 200, "A title is 1 to 200 characters.", code=Code.INVALID_TITLE, field="title"
    )
    kind = choice(DefectSourceKind, c.source_kind, Code.INVALID_SOURCE, "sourceKind")
    classes = {name: _classified(name, getattr(c, name)) for name in CLASSIFICATION}
    component = _component(c.component)
    description = described(c.description)
    now = uow.clock.now()
    found_at = _when(c.found_at, now)
    await check_source(uow, kind, c.source_id, service)
    await _found_in(uow, c, service)
    defect = Defect(
        id=uuid.uuid4(),
        bu_id=service.bu_id,
        service_id=service.id,
        title=title,
        description=description,
        component=component,
        source_kind=kind.value,
        source_id=c.source_id,
        release_id=c.release_id,
        deployment_report_id=c.deployment_report_id,
        found_at=found_at,
        recorded_by_id=uow.actor.person_id,
        version=1,
        created_at=now,
        updated_at=now,
        **classes,
    )
    await uow.created(defect, action="defect.record", bu_id=service.bu_id, rule=rule)
    await patterns.announce_new(uow, [service.bu_id])
    return defect


async def reclassify_defect(uow: UnitOfWork, c: cmd.ReclassifyDefect) -> Defect:
    """Change a defect's classification, saying why; a change that changes nothing writes
    nothing."""
    defect = await get_readable(
        uow.session,
        Defect,
        c.defect_id,
        uow.scope(Action.READ, RESOURCE),
        what="Defect",
        field="id",
        for_update=True,
    )
    rule = uow.authorize(Action.UPDATE, RESOURCE, defect.bu_id)
    expect_version(defect, c.version, "The defect")
    reason = trimmed(
        c.reason,
        1,
        2000,
        "Say why the defect is reclassified (1 to 2000 characters).",
        code=Code.INVALID_REASON,
        field="reason",
    )
    changes = {
        name: _classified(name, value)
        for name in CLASSIFICATION
        if (value := getattr(c, name)) is not None
    }
    if c.component is not None:
        changes["component"] = _component(c.component)
    before = snapshot(defect)
    for name, value in changes.items():
        setattr(defect, name, value)
    if uow.unchanged(defect, before):
        return defect
    await uow.updated(
        defect,
        before,
        action="defect.reclassify",
        bu_id=defect.bu_id,
        rule=rule,
        extra={"reason": reason},
    )
    await patterns.announce_new(uow, [defect.bu_id])
    return defect
