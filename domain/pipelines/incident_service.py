"""Incidents reported and resolved through GraphQL (issue 17), beside those CDEvents open.

Whoever runs a service reports an incident of it (`incident/create`) with a severity (SEV1..4),
the reference it has in the operations tool (unique per BU and origin), and when it was
detected (not in the future); it is resolved once (`incident/update`). Attribution to a change
happens in the post-release context, when the housekeeping sweep next runs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from domain.environments import facts as env_facts
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import choice, described, expect_version, trimmed
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines.incident_errors import IncidentErrorCode as Code
from domain.pipelines.incident_rules import happened
from domain.pipelines.models import IncidentReport
from domain.pipelines.vocabulary import IncidentSeverity, IncidentStatus

ORIGIN = "graphql"
RESOURCE = Resource.INCIDENT


@dataclass(frozen=True, slots=True)
class ReportIncident:
    service_id: uuid.UUID
    severity: str
    incident_ref: str
    description: str
    detected_at: datetime | None = None
    environment_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class ResolveIncident:
    incident_id: uuid.UUID
    version: int


@dataclass(frozen=True, slots=True)
class RateIncident:
    incident_id: uuid.UUID
    version: int
    severity: str


def severity_of(value: str) -> IncidentSeverity:
    return choice(IncidentSeverity, value.strip().upper(), Code.UNKNOWN_SEVERITY, "severity")


async def environment_in(
    uow: UnitOfWork, environment_id: uuid.UUID | None, bu_id: uuid.UUID
) -> tuple[uuid.UUID | None, str]:
    """The environment (id, key) when given: one you may read, the BU's own or org-wide."""
    if environment_id is None:
        return None, ""
    env = await env_facts.environment(
        uow.session, environment_id, readable_in=uow.scope(Action.READ, Resource.ENVIRONMENT)
    )
    if env.bu_id not in (None, bu_id):
        raise DomainError(
            "The environment is another business unit's.",
            code=Code.ENVIRONMENT_OF_ANOTHER_BU,
            field="environmentId",
        )
    return env.id, env.key


async def report_incident(uow: UnitOfWork, c: ReportIncident) -> IncidentReport:
    """Open an incident of a service, rated SEV1..SEV4."""
    service = await org_facts.service(
        uow.session, c.service_id, readable_in=uow.scope(Action.READ, Resource.SERVICE)
    )
    rule = uow.authorize(Action.CREATE, RESOURCE, service.bu_id)
    severity = severity_of(c.severity)
    ref = trimmed(
        c.incident_ref,
        1,
        512,
        "The incident's reference in your operations tool takes 1 to 512 characters.",
        code=Code.INVALID_INCIDENT_REF,
        field="incidentRef",
    )
    detected = happened(
        c.detected_at,
        uow.clock.now(),
        "An incident's detection",
        code=Code.INVALID_DETECTED_AT,
        field="detectedAt",
    )
    environment_id, environment_key = await environment_in(uow, c.environment_id, service.bu_id)
    incident = IncidentReport(
        id=uuid.uuid4(),
        bu_id=service.bu_id,
        origin=ORIGIN,
        incident_ref=ref,
        status=IncidentStatus.OPEN.value,
        description=described(c.description),
        service_ref=service.key,
        environment_ref=environment_key,
        artifact_ref="",
        service_id=service.id,
        environment_id=environment_id,
        detected_at=detected,
        resolved_at=None,
        opened_by_event_id=None,
        resolved_by_event_id=None,
        unresolved="",
        severity=severity.value,
        reported_by_id=uow.actor.person_id,
        version=1,
    )
    await uow.created(incident, action="incident_report.open", bu_id=service.bu_id, rule=rule)
    return incident


async def _incident(uow: UnitOfWork, incident_id: uuid.UUID) -> tuple[IncidentReport, str]:
    found = await get_readable(
        uow.session,
        IncidentReport,
        incident_id,
        uow.scope(Action.READ, RESOURCE),
        what="Incident",
        field="id",
        for_update=True,
    )
    return found, uow.authorize(Action.UPDATE, RESOURCE, found.bu_id)


async def resolve_incident(uow: UnitOfWork, c: ResolveIncident) -> IncidentReport:
    """Resolve an open incident, now."""
    incident, rule = await _incident(uow, c.incident_id)
    expect_version(incident, c.version, "The incident")
    if incident.status == IncidentStatus.RESOLVED:
        raise DomainError("The incident is resolved already.", code=Code.INCIDENT_RESOLVED)
    before = snapshot(incident)
    incident.status, incident.resolved_at = IncidentStatus.RESOLVED.value, uow.clock.now()
    await uow.updated(
        incident, before, action="incident_report.resolve", bu_id=incident.bu_id, rule=rule
    )
    return incident


async def rate_incident(uow: UnitOfWork, c: RateIncident) -> IncidentReport:
    """Set or change an incident's severity (one an operations tool sent unrated, say)."""
    incident, rule = await _incident(uow, c.incident_id)
    expect_version(incident, c.version, "The incident")
    severity = severity_of(c.severity)
    before = snapshot(incident)
    incident.severity = severity.value
    await uow.updated(
        incident, before, action="incident_report.rate", bu_id=incident.bu_id, rule=rule
    )
    return incident
