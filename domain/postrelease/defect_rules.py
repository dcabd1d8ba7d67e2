"""Pure rules of defect patterns over a period: recurring root causes and escaped test layers,
services whose escape rate rose against the previous period, change types that fail most;
and what each pattern becomes in planning. Plain values in, plain values out."""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from domain.postrelease.defect_vocabulary import (
    AUTOMATABLE_LAYERS,
    BacklogItemType,
    EscapedTestLayer,
    PatternKind,
    RootCauseCategory,
)

EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
"""A Monday: detection periods are aligned to it, so a pattern's period is the same at every
sweep and a pattern is announced once per period."""
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True, slots=True)
class DefectFacts:
    """One defect as the pattern rules see it."""

    id: uuid.UUID
    service_id: uuid.UUID
    service_key: str
    title: str
    component: str
    change_type: str
    root_cause: str
    escaped_layer: str
    severity: str
    found_at: datetime


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a count becomes a pattern (arguments of the rules, not controls of a decision)."""

    recurring: int = 3
    """Defects of one root-cause category (or escaped through one layer) in the period."""
    rising_min_defects: int = 2
    """Defects of a service in the period before its escape rate can count as rising."""
    change_type_min_defects: int = 2
    """Defects of a change type in the period before it can count as failing."""
    change_type_top: int = 3
    """How many of the worst change types (defects per release) are reported."""


@dataclass(frozen=True, slots=True)
class Pattern:
    kind: PatternKind
    subject: str
    label: str
    item_type: BacklogItemType
    defect_ids: tuple[uuid.UUID, ...]
    rate: float | None = None
    previous_rate: float | None = None

    @property
    def defects(self) -> int:
        return len(self.defect_ids)


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime

    @property
    def previous(self) -> Period:
        """The period of equal length just before this one."""
        return Period(self.start - (self.end - self.start), self.start)

    def holds(self, at: datetime) -> bool:
        return self.start <= at < self.end


def aligned_period(now: datetime, days: int) -> Period:
    """The period of `days` days holding `now`, aligned to EPOCH (ends after now)."""
    length = timedelta(days=days)
    index = (now - EPOCH) // length
    start = EPOCH + index * length
    return Period(start, start + length)


def _dominant_layer_type(defects: Iterable[DefectFacts]) -> BacklogItemType:
    """Test automation when most of these defects escaped an automatable test layer."""
    layers = Counter(d.escaped_layer for d in defects)
    automatable = sum(n for layer, n in layers.items() if layer in AUTOMATABLE_LAYERS)
    total = sum(layers.values())
    if total and automatable * 2 > total:
        return BacklogItemType.TEST_AUTOMATION
    return BacklogItemType.TECHNICAL_DEBT


def _ids(defects: Iterable[DefectFacts]) -> tuple[uuid.UUID, ...]:
    return tuple(d.id for d in sorted(defects, key=lambda d: (d.found_at, str(d.id))))


def recurring_root_causes(defects: Sequence[DefectFacts], least: int) -> list[Pattern]:
    """Each root-cause category with at least `least` defects: technical debt (a test gap is
    test automation). `unknown` is no category and never recurs."""
    by_cause: dict[str, list[DefectFacts]] = defaultdict(list)
    for d in defects:
        if d.root_cause != RootCauseCategory.UNKNOWN:
            by_cause[d.root_cause].append(d)
    return [
        Pattern(
            PatternKind.RECURRING_ROOT_CAUSE,
            cause,
            cause.replace("_", " "),
            BacklogItemType.TEST_AUTOMATION
            if cause == RootCauseCategory.TEST_GAP
            else BacklogItemType.TECHNICAL_DEBT,
            _ids(found),
        )
        for cause, found in sorted(by_cause.items())
        if len(found) >= least
    ]


def recurring_escaped_layers(defects: Sequence[DefectFacts], least: int) -> list[Pattern]:
    """Each automatable test layer at least `least` defects escaped through: test automation."""
    by_layer: dict[str, list[DefectFacts]] = defaultdict(list)
    for d in defects:
        if d.escaped_layer in AUTOMATABLE_LAYERS:
            by_layer[d.escaped_layer].append(d)
    return [
        Pattern(
            PatternKind.RECURRING_ESCAPED_LAYER,
            layer,
            EscapedTestLayer(layer).value.replace("_", "-") + " tests",
            BacklogItemType.TEST_AUTOMATION,
            _ids(found),
        )
        for layer, found in sorted(by_layer.items())
        if len(found) >= least
    ]


def escape_rate(defects: int, deployments: int) -> float | None:
    """Defects per production deployment; none without a deployment (nothing escaped from)."""
    return defects / deployments if deployments else None


def rising_escape_rates(
    current: Sequence[DefectFacts],
    previous: Sequence[DefectFacts],
    deployments_now: Mapping[uuid.UUID, int],
    deployments_before: Mapping[uuid.UUID, int],
    least: int,
) -> list[Pattern]:
    """Each service with at least `least` defects whose defects per production deployment rose
    against the previous period. A service deployed in neither period, or whose earlier rate
    is unknown (defects but no deployment), has no rise to show."""
    now_by: dict[uuid.UUID, list[DefectFacts]] = defaultdict(list)
    for d in current:
        now_by[d.service_id].append(d)
    before = Counter(d.service_id for d in previous)
    out: list[Pattern] = []
    for service_id, found in sorted(now_by.items(), key=lambda t: t[1][0].service_key):
        rate = escape_rate(len(found), deployments_now.get(service_id, 0))
        earlier = escape_rate(before[service_id], deployments_before.get(service_id, 0))
        if earlier is None and before[service_id] == 0:
            earlier = 0.0
        if len(found) < least or rate is None or earlier is None or rate <= earlier:
            continue
        out.append(
            Pattern(
                PatternKind.RISING_ESCAPE_RATE,
                str(service_id),
                found[0].service_key,
                _dominant_layer_type(found),
                _ids(found),
                rate=round(rate, 4),
                previous_rate=round(earlier, 4),
            )
        )
    return out


def failing_change_types(
    defects: Sequence[DefectFacts], releases: Mapping[str, int], least: int, top: int
) -> list[Pattern]:
    """The `top` change types with the most defects per release (releases of that change type
    finished in the period; at least one is assumed when a defect names a change type no
    finished release carried), among those with at least `least` defects."""
    by_type: dict[str, list[DefectFacts]] = defaultdict(list)
    for d in defects:
        by_type[d.change_type].append(d)
    ranked = sorted(
        (
            (len(found) / max(releases.get(change_type, 0), 1), change_type, found)
            for change_type, found in by_type.items()
            if len(found) >= least
        ),
        key=lambda t: (-t[0], t[1]),
    )
    return [
        Pattern(
            PatternKind.FAILING_CHANGE_TYPE,
            change_type,
            change_type.replace("_", " "),
            _dominant_layer_type(found),
            _ids(found),
            rate=round(rate, 4),
        )
        for rate, change_type, found in ranked[: max(top, 0)]
    ]


@dataclass(frozen=True, slots=True)
class PeriodFacts:
    """What the patterns of one BU over one period are judged on."""

    period: Period
    defects: tuple[DefectFacts, ...]
    """Defects found in the period and in the previous one."""
    deployments_now: Mapping[uuid.UUID, int]
    deployments_before: Mapping[uuid.UUID, int]
    releases: Mapping[str, int]


def patterns(facts: PeriodFacts, t: Thresholds) -> list[Pattern]:
    """Every pattern of the period, by kind."""
    now = [d for d in facts.defects if facts.period.holds(d.found_at)]
    before = [d for d in facts.defects if facts.period.previous.holds(d.found_at)]
    return [
        *recurring_root_causes(now, t.recurring),
        *recurring_escaped_layers(now, t.recurring),
        *rising_escape_rates(
            now, before, facts.deployments_now, facts.deployments_before, t.rising_min_defects
        ),
        *failing_change_types(now, facts.releases, t.change_type_min_defects, t.change_type_top),
    ]


def summary(p: Pattern, period: Period) -> str:
    """One line naming the pattern, for a backlog item's summary."""
    span = f"{period.start:%Y-%m-%d} to {period.end:%Y-%m-%d}"
    if p.kind is PatternKind.RECURRING_ROOT_CAUSE:
        return f"Recurring root cause '{p.label}': {p.defects} defects, {span}"
    if p.kind is PatternKind.RECURRING_ESCAPED_LAYER:
        return f"Defects escaping {p.label}: {p.defects} defects, {span}"
    if p.kind is PatternKind.RISING_ESCAPE_RATE:
        return (
            f"Rising escape rate of {p.label}: {p.rate:g} defects per production deployment "
            f"(was {p.previous_rate:g}), {span}"
        )
    return f"Change type '{p.label}' fails most: {p.rate:g} defects per release, {span}"
