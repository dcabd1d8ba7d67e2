"""Scoring: facts in, a score, a level and one written sentence per factor out. Pure.

`score(model, facts)` is monotone: every factor input is a non-decreasing function of the
facts, points are `weight * min(input, cap)` with weight ≥ 0, and the level is the highest
whose threshold the score reaches. Raising any fact never lowers the score or the level.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.guardrails.vocabulary import RiskLevel
from domain.kernel.vocabulary import ChangeType
from domain.organization.vocabulary import DataClassification, Tier
from domain.risk.model import GROUP_OF, Factor, FactorGroup, RiskMapping, RiskModel

TIER_RANK: dict[str, int] = {Tier.INTERNAL: 1, Tier.CUSTOMER_FACING: 2, Tier.CRITICAL: 3}
CLASSIFICATION_RANK: dict[str, int] = {
    DataClassification.PUBLIC: 0,
    DataClassification.INTERNAL: 1,
    DataClassification.CONFIDENTIAL: 2,
    DataClassification.PERSONAL: 3,
    DataClassification.RESTRICTED: 4,
}
LINES_PER_SIZE_UNIT = 100
FILES_PER_SIZE_UNIT = 10


@dataclass(frozen=True, slots=True)
class Size:
    """How big the change is, as its author or CI says (optional on an assessment)."""

    lines_changed: int = 0
    files_changed: int = 0

    @property
    def units(self) -> float:
        return max(
            self.lines_changed / LINES_PER_SIZE_UNIT, self.files_changed / FILES_PER_SIZE_UNIT
        )


@dataclass(frozen=True, slots=True)
class RiskFacts:
    """What scoring looks at, gathered from the database by domain/risk/factors.py."""

    services: tuple[str, ...] = ()
    """Keys of the services shipped."""
    max_tier: str | None = None
    consumers: tuple[str, ...] = ()
    """Keys of the services depending on a shipped one, directly or transitively."""
    max_consumer_tier: str | None = None
    max_classification: str | None = None
    regions: tuple[str, ...] = ()
    change_types: tuple[str, ...] = ()
    size: Size | None = None
    first_release: tuple[str, ...] = ()
    """Services shipped that no deployed release contained before."""
    new_dependencies: tuple[str, ...] = ()
    """`consumer → provider` edges added after the consumer's last deployed release."""
    first_author_changes: tuple[str, ...] = ()
    """`author on service` pairs with no earlier release of that author and service."""
    new_infrastructure: tuple[str, ...] = ()
    """Services whose first infrastructure change this release carries."""

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if isinstance(value, Size):
                value = {"lines_changed": value.lines_changed, "files_changed": value.files_changed}
            elif isinstance(value, tuple):
                value = list(value)
            out[name] = value
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> RiskFacts:
        values: dict[str, Any] = {}
        for name in cls.__slots__:
            if name not in raw:
                continue
            value = raw[name]
            if name == "size":
                value = Size(**value) if value is not None else None
            elif isinstance(value, list):
                value = tuple(value)
            values[name] = value
        return cls(**values)


@dataclass(frozen=True, slots=True)
class Contribution:
    factor: Factor
    group: FactorGroup
    input: float
    weight: float
    points: float
    explanation: str


@dataclass(frozen=True, slots=True)
class Assessment:
    score: float
    level: RiskLevel
    contributions: list[Contribution] = field(default_factory=list)


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.2f}".rstrip("0")


def _names(values: tuple[str, ...], limit: int = 5) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" and {len(values) - limit} more" if len(values) > limit else "")


def _change_type_sum(model: RiskModel, facts: RiskFacts) -> float:
    return sum(model.change_type_weights.get(c, 0.0) for c in set(facts.change_types))


def inputs(model: RiskModel, facts: RiskFacts) -> dict[Factor, float]:
    """Each factor's input: a non-negative number that never falls when a fact rises."""
    kinds = set(facts.change_types)
    return {
        Factor.SERVICE_TIER: TIER_RANK.get(facts.max_tier or "", 0),
        Factor.TRANSITIVE_CONSUMERS: len(facts.consumers),
        Factor.CONSUMER_TIER: TIER_RANK.get(facts.max_consumer_tier or "", 0),
        Factor.DATA_CLASSIFICATION: CLASSIFICATION_RANK.get(facts.max_classification or "", 0),
        Factor.REGIONS: len(set(facts.regions)),
        Factor.SERVICES: len(facts.services),
        Factor.CHANGE_TYPES: _change_type_sum(model, facts),
        Factor.SCHEMA_MIGRATION: int(ChangeType.SCHEMA_MIGRATION in kinds),
        Factor.INFRASTRUCTURE_CHANGE: int(ChangeType.INFRASTRUCTURE in kinds),
        Factor.SIZE: facts.size.units if facts.size else 0.0,
        Factor.FIRST_RELEASE: len(facts.first_release),
        Factor.NEW_DEPENDENCY: len(facts.new_dependencies),
        Factor.FIRST_CHANGE_BY_AUTHOR: len(facts.first_author_changes),
        Factor.NEW_INFRASTRUCTURE: len(facts.new_infrastructure),
    }


def _ranked(name: str | None, ranks: dict[str, int], what: str, none: str) -> str:
    return f"{what} {name} (rank {ranks[name]})" if name in ranks else none


def _size(f: RiskFacts) -> str:
    if f.size is None:
        return "size not given"
    return f"{f.size.lines_changed} lines in {f.size.files_changed} files changed"


WHAT: dict[Factor, Callable[[RiskFacts], str]] = {
    Factor.SERVICE_TIER: lambda f: _ranked(
        f.max_tier, TIER_RANK, "the most critical service shipped is", "ships no service"
    ),
    Factor.TRANSITIVE_CONSUMERS: lambda f: (
        f"{len(f.consumers)} services depend on it, directly or transitively"
        + (f" ({_names(f.consumers)})" if f.consumers else "")
    ),
    Factor.CONSUMER_TIER: lambda f: _ranked(
        f.max_consumer_tier, TIER_RANK, "the most critical consumer is", "no consumers"
    ),
    Factor.DATA_CLASSIFICATION: lambda f: (
        _ranked(f.max_classification, CLASSIFICATION_RANK, "it handles", "no data classification")
        + (" data" if f.max_classification in CLASSIFICATION_RANK else "")
    ),
    Factor.REGIONS: lambda f: (
        f"reaches {len(set(f.regions))} regions ({_names(tuple(sorted(set(f.regions))))})"
        if f.regions
        else "reaches no named region"
    ),
    Factor.SERVICES: lambda f: f"ships {len(f.services)} services ({_names(f.services)})",
    Factor.CHANGE_TYPES: lambda f: (
        f"change types {_names(tuple(sorted(set(f.change_types))))}"
        if f.change_types
        else "no change types named"
    ),
    Factor.SCHEMA_MIGRATION: lambda f: (
        "migrates a schema" if ChangeType.SCHEMA_MIGRATION in f.change_types else "no migration"
    ),
    Factor.INFRASTRUCTURE_CHANGE: lambda f: (
        "changes infrastructure"
        if ChangeType.INFRASTRUCTURE in f.change_types
        else "no infrastructure change"
    ),
    Factor.SIZE: _size,
    Factor.FIRST_RELEASE: lambda f: (
        f"first deployment of {_names(f.first_release)}"
        if f.first_release
        else "every service was deployed before"
    ),
    Factor.NEW_DEPENDENCY: lambda f: (
        f"new dependencies since the last deployment: {_names(f.new_dependencies)}"
        if f.new_dependencies
        else "no new dependency"
    ),
    Factor.FIRST_CHANGE_BY_AUTHOR: lambda f: (
        f"first change of {_names(f.first_author_changes)}"
        if f.first_author_changes
        else "every author changed these services before"
    ),
    Factor.NEW_INFRASTRUCTURE: lambda f: (
        f"first infrastructure change of {_names(f.new_infrastructure)}"
        if f.new_infrastructure
        else "no new infrastructure"
    ),
}


def level_of(mapping: RiskMapping, score: float) -> RiskLevel:
    return mapping.level_of(score)


def score_inputs(model: RiskModel, values: Mapping[Factor, float]) -> tuple[float, RiskLevel]:
    """The score and level of factor inputs (the arithmetic alone, for properties)."""
    total = 0.0
    for factor, w in model.weights.items():
        x = values.get(factor, 0.0)
        total += w.weight * (x if w.cap is None else min(x, w.cap))
    return total, model.mapping.level_of(total)


def score(model: RiskModel, facts: RiskFacts, mapping: RiskMapping | None = None) -> Assessment:
    """The score, level (by `mapping`, default the model's own) and every factor's part."""
    values = inputs(model, facts)
    contributions = []
    for factor in Factor:
        w = model.weights[factor]
        x = values[factor]
        used = x if w.cap is None else min(x, w.cap)
        points = w.weight * used
        capped = f" (capped at {_n(w.cap)})" if w.cap is not None and x > w.cap else ""
        label = factor.value.replace("_", " ").capitalize()
        contributions.append(
            Contribution(
                factor=factor,
                group=GROUP_OF[factor],
                input=x,
                weight=w.weight,
                points=points,
                explanation=(
                    f"{label}: {WHAT[factor](facts)}; {_n(x)}{capped} x {_n(w.weight)} "
                    f"= {_n(points)} points."
                ),
            )
        )
    total, _ = score_inputs(model, values)
    return Assessment(
        score=total,
        level=(mapping or model.mapping).level_of(total),
        contributions=contributions,
    )
