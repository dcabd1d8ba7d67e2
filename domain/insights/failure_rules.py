"""Where changes fail, as pure rules over the change ledger's rows of one scope and period.

Per change type, per risk level, per kind of change and per (change type, risk level) cell:
the changes counted, their share of all the scope's changes, the failed ones (by DORA's
switchable definition, `dora_vocabulary.FailureDefinition`: incident, rollback, hotfix or
any; rolled-back changes are counted only when rollbacks count, as DORA's rate does), the
change failure rate, the incidents counted against them by severity (and the worst), and the
rate relative to the scope's overall rate (the lift).

An incident counts against the change its attribution names (DORA's RECORDED attribution over
every kind of change), because DevLake's default, the last deployment before the incident,
can never blame a flag flip or a configuration push.

A change with several change types counts under each (the shares of the types may add up to
more than 1); one with none is `unclassified`, one without a risk assessment `unassessed`.

A change type *stands out* when its failure rate is at least `factor` times the scope's
overall rate and it has at least `min_changes` changes (both per query; by default 1.5 and 4),
so one failure out of two changes does not flag a type. What to change for a type that stands
out is `failure_suggestions`' to say.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from domain.insights import dora_rules
from domain.insights.dora_vocabulary import Attribution, FailureDefinition
from domain.insights.failure_errors import FailureErrorCode as Code
from domain.insights.ledger_vocabulary import ChangeKind
from domain.kernel.errors import DomainError
from domain.pipelines.vocabulary import IncidentSeverity

UNCLASSIFIED = "unclassified"
"""The change type of a change with none (a deployment that shipped no release)."""
UNASSESSED = "unassessed"
"""The risk level of a change whose release has no risk assessment."""
UNKNOWN_SEVERITY = "unknown"
SEVERITIES = (*(s.value for s in IncidentSeverity), UNKNOWN_SEVERITY)
DEFAULT_FACTOR = 1.5
DEFAULT_MIN_CHANGES = 4
MAX_FACTOR = 100.0
MAX_MIN_CHANGES = 100_000
K = TypeVar("K", str, tuple[str, str])


@dataclass(frozen=True, slots=True)
class Change:
    """A production change as this analysis sees it (a ledger entry in the period)."""

    id: uuid.UUID
    service_id: uuid.UUID
    at: datetime
    kind: str = ChangeKind.DEPLOYMENT.value
    change_types: tuple[str, ...] = ()
    risk_level: str | None = None
    rolled_back: bool = False
    hotfixed: bool = False


@dataclass(frozen=True, slots=True)
class Incident:
    """A production incident and the change its attribution names (if any)."""

    id: uuid.UUID
    service_id: uuid.UUID
    created_at: datetime
    change_id: uuid.UUID | None = None
    severity: str | None = None


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a change type stands out: a rate at least `factor` times the overall rate, over at
    least `min_changes` changes."""

    factor: float = DEFAULT_FACTOR
    min_changes: int = DEFAULT_MIN_CHANGES


def thresholds(factor: float | None, min_changes: int | None) -> Thresholds:
    """The thresholds asked for (None: the default), refused when out of range."""
    f = DEFAULT_FACTOR if factor is None else factor
    n = DEFAULT_MIN_CHANGES if min_changes is None else min_changes
    if not 1.0 <= f <= MAX_FACTOR:
        raise DomainError(
            f"The factor is 1 to {MAX_FACTOR:g}.", code=Code.INVALID_FACTOR, field="factor"
        )
    if not 1 <= n <= MAX_MIN_CHANGES:
        raise DomainError(
            f"The minimum number of changes is 1 to {MAX_MIN_CHANGES}.",
            code=Code.INVALID_MIN_CHANGES,
            field="minChanges",
        )
    return Thresholds(float(f), n)


@dataclass(frozen=True, slots=True)
class Figures:
    """One group's figures and the rows that make them."""

    changes: tuple[uuid.UUID, ...]
    """The changes counted (the rate's denominator), earliest first."""
    failed: tuple[uuid.UUID, ...]
    incidents: tuple[uuid.UUID, ...]
    """The incidents counted against the group's changes, earliest first."""
    share: float | None
    """Of all the scope's changes counted; None when the scope has none."""
    rate: float | None
    """Failed of counted; None when nothing was counted (never an error)."""
    lift: float | None
    """The rate over the scope's overall rate; None when either is None or the overall is 0."""
    by_severity: tuple[tuple[str, int], ...]
    """Incidents per severity, SEV1 (the worst) to SEV4, then `unknown`; every level listed."""
    worst: str | None
    """The worst severity among the incidents (None without any of known severity)."""

    def as_dict(self) -> dict[str, Any]:
        """The figures in plain numbers (what a proposal's origin records)."""
        return {
            "changes": len(self.changes),
            "failed": len(self.failed),
            "incidents": len(self.incidents),
            "share": self.share,
            "rate": self.rate,
            "lift": self.lift,
            "by_severity": dict(self.by_severity),
            "worst": self.worst,
        }


@dataclass(frozen=True, slots=True)
class Group:
    """A group of changes: a change type, a risk level, a kind, or a (type, level) cell."""

    change_type: str | None
    risk_level: str | None
    kind: str | None
    figures: Figures
    verdict: str = ""
    """For a change type: whether it stands out, and why, in words."""


@dataclass(frozen=True, slots=True)
class Analysis:
    failure: FailureDefinition
    thresholds: Thresholds
    overall: Figures
    by_type: tuple[Group, ...]
    by_risk: tuple[Group, ...]
    by_kind: tuple[Group, ...]
    cells: tuple[Group, ...]
    standing_out: tuple[Group, ...]
    """The change types that stand out, the highest rate first."""


def _types(c: Change) -> tuple[str, ...]:
    return c.change_types or (UNCLASSIFIED,)


def _risk(c: Change) -> tuple[str, ...]:
    return (c.risk_level or UNASSESSED,)


def _kind(c: Change) -> tuple[str, ...]:
    return (c.kind,)


def _cells(c: Change) -> tuple[tuple[str, str], ...]:
    return tuple((t, _risk(c)[0]) for t in _types(c))


def blame(changes: Sequence[Change], incidents: Sequence[Incident]) -> dict[uuid.UUID, uuid.UUID]:
    """The change each incident counts against: the one its attribution names, of any kind,
    when that change succeeded and finished before the incident (DORA's RECORDED rule)."""
    options = dora_rules.Options(
        attribution=Attribution.RECORDED, kinds=frozenset(k.value for k in ChangeKind)
    )
    return dora_rules.attribute(
        [dora_rules.DoraChange(c.id, c.service_id, c.at, c.kind, c.rolled_back) for c in changes],
        [
            dora_rules.DoraIncident(i.id, i.service_id, i.created_at, None, i.change_id)
            for i in incidents
        ],
        options,
    )


def _severities(incidents: Iterable[Incident]) -> tuple[tuple[tuple[str, int], ...], str | None]:
    counts = dict.fromkeys(SEVERITIES, 0)
    for i in incidents:
        counts[i.severity if i.severity in counts else UNKNOWN_SEVERITY] += 1
    known = [s for s in SEVERITIES[:-1] if counts[s]]
    return tuple(counts.items()), (known[0] if known else None)


@dataclass(frozen=True, slots=True)
class _Base:
    """What every group is measured against: the scope's counted changes and overall rate."""

    total: int
    rate: float | None
    failed: frozenset[uuid.UUID]
    against: Mapping[uuid.UUID, Sequence[Incident]]


def _figures(counted: Sequence[Change], base: _Base) -> Figures:
    failed = tuple(c.id for c in counted if c.id in base.failed)
    incidents = sorted(
        (i for c in counted for i in base.against.get(c.id, ())),
        key=lambda i: (i.created_at, str(i.id)),
    )
    by_severity, worst = _severities(incidents)
    rate = len(failed) / len(counted) if counted else None
    return Figures(
        changes=tuple(c.id for c in counted),
        failed=failed,
        incidents=tuple(i.id for i in incidents),
        share=len(counted) / base.total if base.total else None,
        rate=rate,
        lift=rate / base.rate if rate is not None and base.rate else None,
        by_severity=by_severity,
        worst=worst,
    )


def _grouped(
    counted: Sequence[Change], keys: Callable[[Change], tuple[K, ...]], base: _Base
) -> dict[K, Figures]:
    groups: dict[K, list[Change]] = defaultdict(list)
    for c in counted:
        for key in keys(c):
            groups[key].append(c)
    return {key: _figures(groups[key], base) for key in sorted(groups)}


def _percent(x: float) -> str:
    return f"{x:.0%}"


def verdict(change_type: str, f: Figures, overall: Figures, t: Thresholds) -> tuple[bool, str]:
    """Whether a change type stands out, and why (or why not), in words."""
    n, bad = len(f.changes), len(f.failed)
    if f.rate is None or overall.rate is None:
        return False, f"{change_type}: no changes counted."
    said = (
        f"{change_type}: {bad} of {n} changes failed ({_percent(f.rate)}) against "
        f"{_percent(overall.rate)} overall ({len(overall.failed)} of {len(overall.changes)})"
    )
    if n < t.min_changes:
        return False, f"{said}; too few changes to judge (fewer than {t.min_changes})."
    if not overall.rate or f.rate < t.factor * overall.rate:
        return False, f"{said}; not {t.factor:g} times the overall rate."
    return True, (
        f"{said}, {f.lift or 0:.2f} times the overall rate over {n} changes "
        f"({_percent(f.share or 0)} of all changes): at least {t.factor:g} times with at least "
        f"{t.min_changes} changes, so it stands out."
    )


def analyse(
    changes: Sequence[Change],
    incidents: Sequence[Incident],
    failure: FailureDefinition = FailureDefinition.INCIDENT,
    t: Thresholds = Thresholds(),
) -> Analysis:
    """Where the period's `changes` fail; `incidents` are those that may count against them
    (created from the period's start on)."""
    ordered = sorted(changes, key=lambda c: (c.at, str(c.id)))
    blamed = blame(ordered, incidents)
    by_id = {i.id: i for i in incidents}
    against: dict[uuid.UUID, list[Incident]] = defaultdict(list)
    for incident_id, change_id in blamed.items():
        against[change_id].append(by_id[incident_id])
    counted = [c for c in ordered if dora_rules.counts_rollbacks(failure) or not c.rolled_back]
    failed = frozenset(
        c.id
        for c in counted
        if dora_rules.failed(
            dora_rules.DoraChange(c.id, c.service_id, c.at, c.kind, c.rolled_back, c.hotfixed),
            [i.id for i in against[c.id]],
            failure,
        )
    )
    provisional = _Base(len(counted), None, failed, against)
    overall = _figures(counted, provisional)
    base = _Base(len(counted), overall.rate, failed, against)
    by_type = []
    for key, f in _grouped(counted, _types, base).items():
        stands, why = verdict(key, f, overall, t)
        by_type.append((stands, Group(key, None, None, f, why)))
    standing = sorted(
        (g for stands, g in by_type if stands),
        key=lambda g: (-(g.figures.rate or 0), g.change_type or ""),
    )
    return Analysis(
        failure=failure,
        thresholds=t,
        overall=overall,
        by_type=tuple(g for _, g in by_type),
        by_risk=tuple(Group(None, k, None, f) for k, f in _grouped(counted, _risk, base).items()),
        by_kind=tuple(Group(None, None, k, f) for k, f in _grouped(counted, _kind, base).items()),
        cells=tuple(Group(a, b, None, f) for (a, b), f in _grouped(counted, _cells, base).items()),
        standing_out=tuple(standing),
    )
