"""Where changes fail in a scope (BU, team, service, tier) over a period, read from the change
ledger in two statements (the period's entries, the incidents from its start on), with the
control suggestions of the types that stand out read from the guardrails in force (two more,
only when one stands out); and the same figures as CSV."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails import facts as guardrail_facts
from domain.insights import failure_repository
from domain.insights import failure_rules as rules
from domain.insights import failure_suggestions as advice
from domain.insights import ledger_repository as repo
from domain.insights.dora_vocabulary import FailureDefinition
from domain.insights.ledger_repository import LedgerFilter
from domain.insights.ledger_rules import split
from domain.insights.policy_targets import SET_KIND
from domain.insights.policy_vocabulary import TargetScope
from domain.kernel.access import Action, Resource, Scope
from domain.kernel.reader import Reader
from domain.kernel.scoped_reads import readable_by_id

analyses_by_id = readable_by_id(Resource.POLICY_PROPOSAL, failure_repository.analyses_by_ids)
"""The analyses proposals were made from, where you may read the proposals (their BU's)."""


@dataclass(frozen=True, slots=True)
class FailureReport:
    start: datetime
    end: datetime
    analysis: rules.Analysis
    place: advice.Place
    suggestions: dict[str, tuple[advice.Suggestion, ...]]
    """By change type, for the types that stand out."""
    entries: dict[uuid.UUID, Any]
    """The ledger rows the figures name, by id (the drill-down's)."""


def _change(r: Any) -> rules.Change:
    return rules.Change(
        id=r.id,
        service_id=r.service_id,
        at=r.at,
        kind=r.kind,
        change_types=split(r.change_types),
        risk_level=r.risk_level,
        rolled_back=r.rolled_back,
        hotfixed=r.hotfixed,
    )


def _incident(r: Any) -> rules.Incident:
    return rules.Incident(r.id, r.service_id, r.created_at, r.change_id, r.severity)


def _subject(p: advice.Place, bu_id: uuid.UUID | None) -> str:
    if p.scope is TargetScope.TIER:
        return str(p.tier)
    if p.scope is TargetScope.BUSINESS_UNIT:
        return str(bu_id)
    return guardrail_facts.CORE_SUBJECT


async def analysed(
    session: AsyncSession,
    scope: Scope,
    f: LedgerFilter,
    start: datetime,
    end: datetime,
    failure: FailureDefinition = FailureDefinition.INCIDENT,
    t: rules.Thresholds = rules.Thresholds(),
) -> FailureReport:
    """Where the changes of [start, end) in the BUs of `scope` meeting `f` fail; an incident
    counts against its change whenever it was created (from the period's start on)."""
    rows: list[Any] = []
    incident_rows: list[Any] = []
    if not scope.empty:
        rows = await repo.entries(session, scope, replace(f, since=start, until=end))
        incident_rows = await repo.incidents(session, scope, replace(f, since=start, until=None))
    analysis = rules.analyse(
        [_change(x) for x in rows], [_incident(x) for x in incident_rows], failure, t
    )
    place = advice.place(f.tier, f.bu_id is not None)
    suggestions: dict[str, tuple[advice.Suggestion, ...]] = {}
    if analysis.standing_out:
        in_force = await guardrail_facts.values_in_force(
            session,
            SET_KIND[place.scope],
            _subject(place, f.bu_id),
            list(advice.CONTROL_FIELDS.values()),
        )
        suggestions = {
            str(g.change_type): advice.suggestions(g, place, in_force)
            for g in analysis.standing_out
        }
    return FailureReport(start, end, analysis, place, suggestions, {x.id: x for x in rows})


async def change_failures(
    r: Reader,
    f: LedgerFilter,
    start: datetime,
    end: datetime,
    failure: FailureDefinition = FailureDefinition.INCIDENT,
    t: rules.Thresholds = rules.Thresholds(),
    action: Action = Action.READ,
) -> FailureReport:
    """Where changes fail in the BUs where the caller may read (or, for the CSV, export) the
    ledger; nothing elsewhere."""
    scope = r.authorizer.scope(r.actor, action, Resource.CHANGE_LEDGER)
    return await analysed(r.session, scope, f, start, end, failure, t)


HEADER = (
    "dimension",
    "change_type",
    "risk_level",
    "kind",
    "changes",
    "share",
    "failed",
    "change_failure_rate",
    "lift",
    "incidents",
    *(f"incidents_{s.lower()}" for s in rules.SEVERITIES),
    "worst_severity",
    "stands_out",
    "verdict",
)


def _number(x: float | None) -> str:
    return "" if x is None else f"{x:.6g}"


def _row(dimension: str, g: rules.Group, standing: set[str]) -> list[str]:
    f = g.figures
    return [
        dimension,
        g.change_type or "",
        g.risk_level or "",
        g.kind or "",
        str(len(f.changes)),
        _number(f.share),
        str(len(f.failed)),
        _number(f.rate),
        _number(f.lift),
        str(len(f.incidents)),
        *(str(n) for _, n in f.by_severity),
        f.worst or "",
        "true" if dimension == "change_type" and g.change_type in standing else "",
        g.verdict,
    ]


def failures_csv(a: rules.Analysis) -> str:
    """The figures as CSV (RFC 4180, CRLF): the overall row, then by change type, risk level,
    kind and (type, level) cell; rates and shares 0 to 1, empty when nothing was counted."""
    standing = {str(g.change_type) for g in a.standing_out}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerow(_row("overall", rules.Group(None, None, None, a.overall), standing))
    for dimension, groups in (
        ("change_type", a.by_type),
        ("risk_level", a.by_risk),
        ("kind", a.by_kind),
        ("cell", a.cells),
    ):
        for g in groups:
            writer.writerow(_row(dimension, g, standing))
    return out.getvalue()
