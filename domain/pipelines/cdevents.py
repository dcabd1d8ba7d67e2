"""CDEvents in: validate, store every event once, act on the types Signalbox knows.

- Validation: the CloudEvent's id, source and type must be the CDEvent context's; the CDEvent
  must have the structure every CDEvent has, name a spec version Signalbox has the schemas of
  (`context.specversion`, or `context.version` before 0.5), and match its type's schema in
  that version (a type the version does not define is unknown; custom `dev.cdeventsx.*`
  types are checked against the version's custom schema when it has one). Refusals carry the
  JSON pointer of each problem.
- Business unit: an event belongs to one BU. A webhook secret fixes it; otherwise the caller
  names it (`business_unit_key`, the X-Signalbox-Business-Unit header); otherwise it is the
  one BU where the caller may send CDEvents (a CI user or token scoped to one BU); a caller
  who may send them in several BUs is refused with BUSINESS_UNIT_REQUIRED, one who may send
  them nowhere with FORBIDDEN (403). Services and environments an event names are
  looked up in that BU only (plus org-wide environments), so an event can never touch another
  BU's data.
- Idempotency on (source, id, type): see domain.pipelines.cdevents_rules.
- Unknown types (custom `dev.cdeventsx.*`, or any type without a schema) are stored, marked
  unknown, and ignored; except Signalbox's own custom NFR results event
  (`dev.cdeventsx.<producer>-nfrresults.reported.0.1.x`, domain.pipelines.cdevents_nfr), known
  and acted on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, Forbidden, NotFound
from domain.kernel.orm import snapshot
from domain.kernel.uow import UnitOfWork
from domain.pipelines import cdevents_rules as rules
from domain.pipelines import repository as repo
from domain.pipelines.cdevents_effects import apply_effect
from domain.pipelines.cdevents_schemas import CdEventSchemas, Problem, spec_version_field
from domain.pipelines.cdevents_secrets import webhook_rule
from domain.pipelines.commands import IngestEvent
from domain.pipelines.errors import CdEventErrorCode as Code
from domain.pipelines.models import CdEvent, WebhookSecret
from domain.pipelines.vocabulary import CdEventOutcome


class EventRefused(DomainError):
    """An event that is not a valid CDEvent; `problems` say where and why."""

    def __init__(self, message: str, code: str, problems: list[Problem]) -> None:
        super().__init__(message, code=code)
        self.problems = problems


class ConflictingDuplicate(AlreadyExists):
    code = Code.CONFLICTING_DUPLICATE  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Ingested:
    event: CdEvent
    duplicate: bool


def check_event(c: IngestEvent, schemas: CdEventSchemas) -> bool:
    """Refuse what is not a valid CDEvent of a version Signalbox reads; True when its type is
    known (its version defines it)."""
    problems = rules.structure_problems(c.cdevent)
    if problems:
        raise EventRefused("The body is not a CDEvent.", Code.INVALID_CDEVENT, problems)
    mismatch = rules.envelope_problems(c.ce_id, c.ce_source, c.ce_type, c.cdevent)
    if mismatch:
        raise EventRefused(
            "The CloudEvent's id, source and type must be the CDEvent context's.",
            Code.ENVELOPE_MISMATCH,
            mismatch,
        )
    context = c.cdevent["context"]
    spec_version = rules.spec_version_of(c.cdevent)
    version = schemas.release_for(spec_version)
    if version is None:
        supported = ", ".join(schemas.versions)
        where = f"/context/{spec_version_field(context)}"
        raise EventRefused(
            f"CDEvents {spec_version} is not a version Signalbox reads ({supported}).",
            Code.UNSUPPORTED_SPEC_VERSION,
            [Problem(where, f"One of {supported}.")],
        )
    event_type = str(context["type"])
    problems = schemas.problems(version, c.cdevent)
    if problems:
        raise EventRefused(
            f"The CDEvent does not match the CDEvents {version} schema of {event_type}.",
            Code.INVALID_CDEVENT,
            problems,
        )
    return schemas.knows(version, event_type) or rules.acted_on_custom(event_type)


async def _business_unit(uow: UnitOfWork, c: IngestEvent) -> uuid.UUID:
    if c.business_unit_key is not None:
        bu_id = await repo.business_unit_by_key(uow.session, c.business_unit_key.strip())
        if bu_id is None or not uow.scope(Action.READ, Resource.CD_EVENT).allows(bu_id):
            raise NotFound("Business unit was not found.", field="businessUnit")
        return bu_id
    scope = uow.scope(Action.CREATE, Resource.CD_EVENT)
    if not scope.everywhere and len(scope.bu_ids) == 1:
        return next(iter(scope.bu_ids))
    if not scope.everywhere and not scope.bu_ids:
        raise Forbidden("You may not send CDEvents in any business unit.")
    raise DomainError(
        "Name the business unit of this event (X-Signalbox-Business-Unit: <business unit key>).",
        code=Code.BUSINESS_UNIT_REQUIRED,
        field="businessUnit",
    )


async def ingest_event(
    uow: UnitOfWork,
    c: IngestEvent,
    schemas: CdEventSchemas,
    *,
    webhook: WebhookSecret | None = None,
) -> Ingested:
    """Store a CDEvent once (a replay is a duplicate) and act on it when its type is known."""
    if webhook is not None:
        bu_id, rule = webhook.bu_id, webhook_rule(webhook)
        webhook.last_used_at = uow.clock.now()
    else:
        bu_id = await _business_unit(uow, c)
        rule = uow.authorize_visible(Action.CREATE, Resource.CD_EVENT, bu_id, "Business unit")
    known = check_event(c, schemas)
    subject = c.cdevent["subject"]
    digest = rules.body_hash(c.cdevent)
    existing = await repo.cd_event_by_key(uow.session, c.ce_source, c.ce_id, c.ce_type)
    if existing is not None:
        return _replayed(existing, digest)
    row = CdEvent(
        bu_id=bu_id,
        source=c.ce_source,
        event_id=c.ce_id,
        type=c.ce_type,
        specversion=rules.spec_version_of(c.cdevent),
        timestamp=rules.timestamp_of(c.cdevent),
        subject_id=str(subject["id"]),
        payload=c.cdevent,
        body_hash=digest,
        received_at=uow.clock.now(),
        received_by=uow.actor.username,
        received_by_id=uow.actor.person_id,
        webhook_secret_id=webhook.id if webhook is not None else None,
        known=known,
        outcome=str(CdEventOutcome.IGNORED),
        note="Unknown or custom type: stored, not acted on.",
    )
    try:
        # A savepoint: when a concurrent delivery of the same event wins, this one replays.
        async with uow.session.begin_nested():
            uow.session.add(row)
    except IntegrityError:
        existing = await repo.cd_event_by_key(uow.session, c.ce_source, c.ce_id, c.ce_type)
        if existing is None:
            raise
        return _replayed(existing, digest)
    if known:
        outcome, note = await apply_effect(uow, row, rule)
        row.outcome, row.note = str(outcome), note[:2000]
        await uow.session.flush()
    uow.record_change(
        row,
        action="cd_event.ingest",
        bu_id=bu_id,
        rule=rule,
        after={**snapshot(row, exclude=("payload",))},
    )
    return Ingested(row, duplicate=False)


def _replayed(existing: CdEvent, digest: str) -> Ingested:
    if existing.body_hash != digest:
        raise ConflictingDuplicate(
            f"An event with source {existing.source}, id {existing.event_id} and type "
            f"{existing.type} was already received with a different body."
        )
    return Ingested(existing, duplicate=True)
