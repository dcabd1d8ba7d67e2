"""Test investment from defect history: the defects that escaped each test layer of each
component over a period, against the service's test evidence and production deployments;
judged by `testing_rules`, read in three statements whatever the number of services."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from domain.insights import testing_repository as repo
from domain.insights import testing_rules as rules
from domain.kernel.access import Action, Resource
from domain.kernel.errors import DomainError
from domain.kernel.reader import Reader
from domain.pipelines.test_evidence_facts import runs_of_services
from domain.postrelease.defect_facts import DefectFilter, escaped_between

__all__ = ["DefectFilter", "InvestmentReport", "options", "test_investment"]


@dataclass(frozen=True, slots=True)
class InvestmentReport:
    start: datetime
    end: datetime
    options: rules.Options
    rows: tuple[rules.Row, ...]
    """Every service x component x layer with a defect, by service key, component, layer."""
    suggestions: tuple[rules.Row, ...]
    """The rows worth acting on, ranked (`testing_rules.ranked`)."""
    service_keys: dict[uuid.UUID, str]
    unmapped_suites: dict[uuid.UUID, tuple[str, ...]]
    deployments: dict[uuid.UUID, tuple[Any, ...]]
    """Each service's production deployments counted (change-ledger rows), the drill-down's."""


BOUNDS = {
    "coverage_threshold": (0.0, 100.0, "coverageThresholdPercent"),
    "min_weighted_defects": (0.0, 1_000_000.0, "minWeightedDefects"),
    "half_life_days": (1.0, 3650.0, "halfLifeDays"),
}
WEIGHT_BOUNDS = (0.0, 1000.0)


def _bounded(value: float, low: float, high: float, field: str) -> float:
    if not low <= value <= high:
        raise DomainError(f"{field} is {low:g} to {high:g}.", field=field)
    return value


def options(weights: dict[str, float | None] | None = None, **given: float | None) -> rules.Options:
    """The default options with those given (`weights` by severity; the others by
    `rules.Options`' field names), each within its bounds (a refusal naming the field else)."""
    low, high = WEIGHT_BOUNDS
    chosen_weights = {
        k: _bounded(v, low, high, f"severityWeights.{k}")
        for k, v in (weights or {}).items()
        if v is not None
    }
    chosen = {k: _bounded(v, *BOUNDS[k]) for k, v in given.items() if v is not None}
    return replace(
        rules.Options(), weights=replace(rules.SeverityWeights(), **chosen_weights), **chosen
    )


async def test_investment(
    r: Reader,
    f: DefectFilter,
    start: datetime,
    end: datetime,
    o: rules.Options,
    *,
    action: Action = Action.READ,
) -> InvestmentReport:
    """The table and the ranked suggestions of [start, end) in the BUs where the caller may
    `action` defects and read the change ledger and evidence (nothing elsewhere), narrowed by
    `f`."""
    defects = r.authorizer.scope(r.actor, action, Resource.DEFECT)
    scope = defects & r.scope(Resource.CHANGE_LEDGER) & r.scope(Resource.EVIDENCE)
    found = await escaped_between(r.session, scope, start, end, f)
    services = {d.service_id for d in found}
    runs = await runs_of_services(r.session, scope, services, start, end)
    deployed = await repo.deployments_of(r.session, scope, services, start, end)
    keys = {d.service_id: d.service_key for d in found}
    by_service: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in deployed:
        by_service[row.service_id].append(row)
    escapes = [
        rules.Escape(d.id, d.service_id, d.component, d.escaped_layer, d.severity, d.found_at)
        for d in found
    ]
    suite_runs = [
        rules.SuiteRun(x.id, x.service_id, x.suite, x.coverage_percent, x.reported_at) for x in runs
    ]
    counts = {s: len(v) for s, v in by_service.items()}
    table = rules.rows(escapes, suite_runs, counts, keys, end, o)
    return InvestmentReport(
        start=start,
        end=end,
        options=o,
        rows=tuple(table),
        suggestions=tuple(rules.ranked(table, keys)),
        service_keys=keys,
        unmapped_suites=rules.unmapped_suites(suite_runs),
        deployments={s: tuple(v) for s, v in by_service.items()},
    )
