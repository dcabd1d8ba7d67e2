"""Use cases of incident attribution: compute it when an incident arrives (the housekeeping
sweep), confirm it or re-attribute it with a reason, and report a change no context records.

An incident is attributed once, to the most likely change of its service within the window
(domain.postrelease.attribution_rules); the attribution is stored, so what DORA counts does not
move when guardrails change later. A release-related incident severe enough opens its
post-mortem in the same unit (domain.postrelease.postmortem_service.open_for).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.guardrails.facts import guardrails_of_services
from domain.guardrails.incident_fields import INCIDENT_DEFAULTS
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.orm import snapshot
from domain.kernel.rules import choice, expect_version, trimmed
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import incident_facts
from domain.pipelines.incident_facts import IncidentFacts
from domain.pipelines.incident_rules import happened
from domain.pipelines.incident_service import environment_in
from domain.postrelease import attribution_ledger as ledger
from domain.postrelease import attribution_repository as repo
from domain.postrelease import attribution_rules as rules
from domain.postrelease import postmortem_service as post_mortems
from domain.postrelease.attribution_errors import AttributionErrorCode as Code
from domain.postrelease.attribution_models import ChangeReport, IncidentAttribution
from domain.postrelease.attribution_vocabulary import REPORTABLE, AttributionStatus, ChangeKind

RESOURCE = Resource.INCIDENT_ATTRIBUTION
LOOKBACK = timedelta(days=14)
"""How far back the sweep looks for incidents not yet attributed."""
SWEEP_BATCH = 200


@dataclass(frozen=True, slots=True)
class ConfirmAttribution:
    incident_id: uuid.UUID
    version: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class Reattribute:
    incident_id: uuid.UUID
    version: int
    reason: str
    change_kind: str | None = None
    change_id: uuid.UUID | None = None
    """None (with no kind): the incident is not release-related."""


@dataclass(frozen=True, slots=True)
class ReportChange:
    service_id: uuid.UUID
    kind: str
    summary: str
    occurred_at: datetime | None = None
    reference: str = ""
    environment_id: uuid.UUID | None = None


async def _guardrails(uow: UnitOfWork, service_id: uuid.UUID | None) -> dict[str, int]:
    found = await guardrails_of_services(uow.session, [service_id]) if service_id else {}
    g = found.get(service_id) if service_id else None
    if g is None:
        return dict(INCIDENT_DEFAULTS)
    return {key: int(g[key]) for key in INCIDENT_DEFAULTS}


async def attribute(uow: UnitOfWork, incident: IncidentFacts) -> IncidentAttribution:
    """Attribute the incident to its most likely change and store it; open its post-mortem when
    it is release-related and severe enough."""
    values = await _guardrails(uow, incident.service_id)
    window = values[rules.WINDOW_KEY]
    if incident.service_id is None:
        found = rules.Attributed(None, "The incident names no service Signalbox knows.")
    else:
        start = rules.window_start(incident.detected_at, window)
        candidates = await ledger.changes(
            uow.session, service_ids=[incident.service_id], start=start, end=incident.detected_at
        )
        found = rules.most_likely(candidates, incident.service_id, incident.detected_at, window)
    change = found.change
    now = uow.clock.now()
    row = IncidentAttribution(
        id=uuid.uuid4(),
        incident_id=incident.id,
        bu_id=incident.bu_id,
        service_id=incident.service_id,
        status=(AttributionStatus.SUGGESTED if change else AttributionStatus.UNATTRIBUTED).value,
        change_kind=change.kind.value if change else None,
        change_id=change.id if change else None,
        change_at=change.at if change else None,
        change_summary=change.summary if change else "",
        reason=found.reason,
        window_hours=window,
        note="",
        version=1,
        created_at=now,
        updated_at=now,
    )
    rule = f"{rules.WINDOW_KEY}={window}; " + uow.authorize(Action.UPDATE, RESOURCE, row.bu_id)
    await uow.created(row, action="incident_attribution.compute", bu_id=row.bu_id, rule=rule)
    await post_mortems.open_for(uow, incident, row, values, rule)
    return row


async def attribute_new(uow: UnitOfWork, limit: int = SWEEP_BATCH) -> list[uuid.UUID]:
    """The sweep: attribute the incidents detected lately that have no attribution yet (at
    most `limit`, the earliest)."""
    since = uow.clock.now() - LOOKBACK
    ids = await repo.unattributed_incidents(uow.session, since, limit)
    found = await incident_facts.incidents(uow.session, ids)
    return [(await attribute(uow, found[i])).incident_id for i in ids if i in found]


async def _attribution(
    uow: UnitOfWork, incident_id: uuid.UUID
) -> tuple[IncidentFacts, IncidentAttribution, str]:
    incident = await incident_facts.incident(
        uow.session, incident_id, readable_in=uow.scope(Action.READ, RESOURCE), field="incidentId"
    )
    rule = uow.authorize(Action.UPDATE, RESOURCE, incident.bu_id)
    row = await repo.attribution_of(uow.session, incident.id, for_update=True)
    if row is None:
        raise DomainError(
            "The incident is not attributed yet (attribution runs when it arrives, within "
            "minutes); try again shortly.",
            code=Code.NOT_ATTRIBUTED,
            field="incidentId",
        )
    return incident, row, rule


async def confirm(uow: UnitOfWork, c: ConfirmAttribution) -> IncidentAttribution:
    """A person confirms the change the rule chose."""
    _, row, rule = await _attribution(uow, c.incident_id)
    expect_version(row, c.version, "The attribution")
    if row.change_id is None:
        raise DomainError(
            "Nothing was attributed to confirm; re-attribute the incident to a change instead.",
            code=Code.NOT_ATTRIBUTED,
        )
    before = snapshot(row)
    row.status = AttributionStatus.CONFIRMED.value
    row.decided_by_id, row.decided_at = uow.actor.person_id, uow.clock.now()
    row.note = trimmed(
        c.note,
        0,
        2000,
        "A note takes at most 2000 characters.",
        code=Code.INVALID_REASON,
        field="note",
    )
    await uow.updated(
        row, before, action="incident_attribution.confirm", bu_id=row.bu_id, rule=rule
    )
    return row


async def _change(
    uow: UnitOfWork, incident: IncidentFacts, kind: ChangeKind, change_id: uuid.UUID
) -> rules.Change:
    found = await ledger.changes(uow.session, ids=[change_id], kinds=frozenset({kind}))
    if not found:
        raise DomainError(
            f"No {kind.value.replace('_', ' ')} with this id.",
            code=Code.CHANGE_NOT_FOUND,
            field="changeId",
        )
    change = next((f for f in found if f.service_id == incident.service_id), found[0])
    refused = rules.refuse_reattribution(
        change, incident.bu_id, incident.service_id, incident.detected_at
    )
    if refused is not None:
        raise DomainError(refused.message, code=refused.code, field="changeId")
    return change


async def reattribute(uow: UnitOfWork, c: Reattribute) -> IncidentAttribution:
    """A person names the change that caused the incident (or none), with a reason."""
    incident, row, rule = await _attribution(uow, c.incident_id)
    expect_version(row, c.version, "The attribution")
    reason = trimmed(
        c.reason,
        1,
        2000,
        "Say why the incident is re-attributed (1 to 2000 characters).",
        code=Code.INVALID_REASON,
        field="reason",
    )
    change = None
    if c.change_id is not None:
        kind = choice(ChangeKind, c.change_kind or "", Code.CHANGE_NOT_FOUND, "changeKind")
        change = await _change(uow, incident, kind, c.change_id)
    before = snapshot(row)
    row.status = AttributionStatus.REATTRIBUTED.value
    row.change_kind = change.kind.value if change else None
    row.change_id, row.change_at = (change.id, change.at) if change else (None, None)
    row.change_summary = change.summary if change else ""
    row.note = reason
    row.decided_by_id, row.decided_at = uow.actor.person_id, uow.clock.now()
    await uow.updated(
        row, before, action="incident_attribution.reattribute", bu_id=row.bu_id, rule=rule
    )
    values = await _guardrails(uow, incident.service_id)
    await post_mortems.open_for(uow, incident, row, values, rule)
    return row


async def report_change(uow: UnitOfWork, c: ReportChange) -> ChangeReport:
    """Record a change no other context records (a configuration change, a vendor's hot fix)."""
    service = await org_facts.service(
        uow.session, c.service_id, readable_in=uow.scope(Action.READ, Resource.CHANGE_REPORT)
    )
    rule = uow.authorize(Action.CREATE, Resource.CHANGE_REPORT, service.bu_id)
    kind = choice(ChangeKind, c.kind, Code.UNREPORTABLE_KIND, "kind")
    if kind not in REPORTABLE:
        raise DomainError(
            f"{kind.value.replace('_', ' ').capitalize()}s are recorded by Signalbox itself; "
            "report configuration changes and vendor releases.",
            code=Code.UNREPORTABLE_KIND,
            field="kind",
        )
    now = uow.clock.now()
    occurred = happened(
        c.occurred_at, now, "A change", code=Code.INVALID_OCCURRED_AT, field="occurredAt"
    )
    report = ChangeReport(
        id=uuid.uuid4(),
        bu_id=service.bu_id,
        service_id=service.id,
        environment_id=(await environment_in(uow, c.environment_id, service.bu_id))[0],
        kind=kind.value,
        summary=trimmed(
            c.summary,
            1,
            2000,
            "Say what changed (1 to 2000 characters).",
            code=Code.INVALID_SUMMARY,
            field="summary",
        ),
        reference=trimmed(
            c.reference,
            0,
            512,
            "A reference takes at most 512 characters.",
            code=Code.INVALID_REFERENCE,
            field="reference",
        ),
        occurred_at=occurred,
        reported_by_id=uow.actor.person_id,
        reported_at=now,
    )
    await uow.created(report, action="change_report.create", bu_id=service.bu_id, rule=rule)
    return report
