"""Where a defect came from, checked by kind: an incident report, a post-mortem (of an incident
of the service) or a feedback item about the service must exist and be readable by the caller;
a kind without a check is refused (no defect names a source nobody can find)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from domain.kernel.access import Resource
from domain.kernel.errors import DomainError, NotFound
from domain.kernel.reader import Reader
from domain.kernel.repository import rows_by_ids
from domain.kernel.uow import UnitOfWork
from domain.organization.facts import ServiceFacts
from domain.pipelines import queries as pipeline_queries
from domain.postrelease.defect_errors import DefectErrorCode as Code
from domain.postrelease.defect_vocabulary import DefectSourceKind
from domain.postrelease.feedback_models import FeedbackItem
from domain.postrelease.postmortem_queries import post_mortems_by_id

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


def _of_another_service(what: str) -> DomainError:
    return DomainError(
        f"The {what} concerns another service.",
        code=Code.SOURCE_OF_ANOTHER_SERVICE,
        field="sourceId",
    )


async def _incident(uow: UnitOfWork, incident_id: uuid.UUID, service: ServiceFacts) -> None:
    found = await pipeline_queries.incident_reports_by_id(reader_of(uow), [incident_id])
    incident = found.get(incident_id)
    if incident is None:
        raise NotFound("Incident was not found.", field="sourceId")
    if incident.bu_id != service.bu_id or incident.service_id not in (None, service.id):
        raise _of_another_service("incident")


async def _post_mortem(uow: UnitOfWork, post_mortem_id: uuid.UUID, service: ServiceFacts) -> None:
    """A post-mortem the caller may read, of an incident of the service (its incident is checked
    as an incident source is)."""
    found = (await post_mortems_by_id(reader_of(uow), [post_mortem_id])).get(post_mortem_id)
    if found is None:
        raise NotFound("Post-mortem was not found.", field="sourceId")
    try:
        await _incident(uow, found.incident_id, service)
    except NotFound:
        raise
    except DomainError:
        raise _of_another_service("post-mortem") from None


async def _feedback(uow: UnitOfWork, feedback_id: uuid.UUID, service: ServiceFacts) -> None:
    """A feedback item about the service, in a BU where the caller may read feedback."""
    found = (await rows_by_ids(uow.session, FeedbackItem.__table__, [feedback_id])).get(feedback_id)
    if found is None or not reader_of(uow).scope(Resource.FEEDBACK).allows(found.bu_id):
        raise NotFound("Feedback item was not found.", field="sourceId")
    if found.service_id != service.id:
        raise _of_another_service("feedback item")


register_source(DefectSourceKind.INCIDENT, _incident)
register_source(DefectSourceKind.POST_MORTEM, _post_mortem)
register_source(DefectSourceKind.FEEDBACK, _feedback)


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
