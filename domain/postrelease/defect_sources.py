"""Where a defect came from, checked by kind: an incident report is checked here; post-mortems
and feedback items register their own check (`register_source`) from their parts, and until
one is registered a kind is refused (no defect names a source nobody can find)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from domain.kernel.errors import DomainError, NotFound
from domain.kernel.reader import Reader
from domain.kernel.uow import UnitOfWork
from domain.organization.facts import ServiceFacts
from domain.pipelines import queries as pipeline_queries
from domain.postrelease.defect_errors import DefectErrorCode as Code
from domain.postrelease.defect_vocabulary import DefectSourceKind

SourceCheck = Callable[[UnitOfWork, uuid.UUID, ServiceFacts], Awaitable[None]]
"""Refuses (NOT_FOUND, or a typed error) unless the source exists, the caller may read it and
it concerns the service."""
_CHECKS: dict[DefectSourceKind, SourceCheck] = {}


def register_source(kind: DefectSourceKind, check: SourceCheck) -> None:
    """Let defects name sources of `kind` (the part owning that kind calls this on import)."""
    _CHECKS[kind] = check


def reader_of(uow: UnitOfWork) -> Reader:
    """The unit's session read as the acting principal (what a read use case would see)."""
    return Reader(uow.session, uow.actor, uow.authorizer)


async def _incident(uow: UnitOfWork, incident_id: uuid.UUID, service: ServiceFacts) -> None:
    found = await pipeline_queries.incident_reports_by_id(reader_of(uow), [incident_id])
    incident = found.get(incident_id)
    if incident is None:
        raise NotFound("Incident was not found.", field="sourceId")
    if incident.bu_id != service.bu_id or incident.service_id not in (None, service.id):
        raise DomainError(
            "The incident concerns another service.",
            code=Code.SOURCE_OF_ANOTHER_SERVICE,
            field="sourceId",
        )


register_source(DefectSourceKind.INCIDENT, _incident)


async def check_source(
    uow: UnitOfWork, kind: DefectSourceKind, source_id: uuid.UUID | None, service: ServiceFacts
) -> None:
    """A defect recorded by hand names no source; every other kind names one that exists."""
    if kind is DefectSourceKind.MANUAL:
        if source_id is not None:
            raise DomainError(
                "A defect recorded by hand names no source id.",
                code=Code.INVALID_SOURCE,
                field="sourceId",
            )
        return
    if source_id is None:
        raise DomainError(
            f"A defect from a {kind.value.replace('_', '-')} names it (sourceId).",
            code=Code.SOURCE_REQUIRED,
            field="sourceId",
        )
    check = _CHECKS.get(kind)
    if check is None:
        raise DomainError(
            f"Defects cannot name a {kind.value.replace('_', '-')} yet.",
            code=Code.SOURCE_NOT_SUPPORTED,
            field="sourceKind",
        )
    await check(uow, source_id, service)
