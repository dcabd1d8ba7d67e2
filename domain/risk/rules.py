"""Pure rules of risk: a model is valid, a BU only tightens it, the strictest mapping wins.

Strictness comes from domain.guardrails.lattice: thresholds AT_MOST (lower catches more
releases), suites and disciplines SUPERSET, approvals and canary AT_LEAST, peer review and
board REQUIRE.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from domain.guardrails.lattice import at_least_as_strict, stricter
from domain.guardrails.vocabulary import RISK_ORDER, RiskLevel
from domain.kernel.errors import DomainError
from domain.kernel.vocabulary import ChangeType
from domain.organization.vocabulary import Discipline
from domain.risk.errors import RiskErrorCode as Code
from domain.risk.model import (
    LEVELS,
    STRICTNESS,
    THRESHOLD_LEVELS,
    THRESHOLD_STRICTNESS,
    Factor,
    Overlay,
    Requirement,
    Requirements,
    RiskMapping,
    RiskModel,
    Weight,
)

SUITE = re.compile(r"^[a-z][a-z0-9_-]{0,47}$")
MAX_APPROVALS = 20
MAX_CANARY_MINUTES = 7 * 24 * 60
MAX_WEIGHT = 1000.0
MAX_THRESHOLD = 100_000.0
MAX_SIZE = 10_000_000


def camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(p.title() for p in rest)


def path(level: RiskLevel, key: Requirement | None = None) -> str:
    """The input field a value sits in, e.g. requirements.high.minApprovals."""
    if key is None:
        return f"thresholds.{level.value}"
    return f"requirements.{level.value}.{camel(key.value)}"


# -- the core model --------------------------------------------------------------------------


def check_weight(value: float, field: str) -> float:
    if not math.isfinite(value) or not 0 <= value <= MAX_WEIGHT:
        raise DomainError(
            f"A weight is a number from 0 to {MAX_WEIGHT:g}; {value} is not.",
            code=Code.INVALID_WEIGHT,
            field=field,
        )
    return float(value)


def check_factor_weight(factor: Factor, w: Weight) -> Weight:
    check_weight(w.weight, f"factors.{camel(factor.value)}.weight")
    if w.cap is not None and (not math.isfinite(w.cap) or w.cap < 0):
        raise DomainError(
            f"A cap is a number of 0 or more; {w.cap} is not.",
            code=Code.INVALID_CAP,
            field=f"factors.{camel(factor.value)}.cap",
        )
    return Weight(float(w.weight), None if w.cap is None else float(w.cap))


def check_change_type(value: str, field: str = "changeTypeWeights") -> str:
    if value not in {c.value for c in ChangeType}:
        raise DomainError(
            f"'{value}' is not a change type.", code=Code.UNKNOWN_CHANGE_TYPE, field=field
        )
    return value


def check_thresholds(thresholds: Mapping[RiskLevel, float], *, strict: bool = True) -> None:
    """Every level above low has a threshold above 0; each is higher than the one below."""
    previous = 0.0
    for level in THRESHOLD_LEVELS:
        value = thresholds.get(level)
        if value is None or not math.isfinite(value) or not 0 < value <= MAX_THRESHOLD:
            raise DomainError(
                f"The {level.value} threshold is a score above 0 and at most {MAX_THRESHOLD:g}.",
                code=Code.INVALID_THRESHOLD,
                field=path(level),
            )
        if strict and value <= previous:
            raise DomainError(
                f"Thresholds ascend: {level.value} ({value:g}) must be above the level below "
                f"({previous:g}).",
                code=Code.RISK_THRESHOLDS_NOT_ASCENDING,
                field=path(level),
            )
        previous = value


def check_requirements(level: RiskLevel, r: Requirements) -> Requirements:
    for suite in r.test_suites:
        if not SUITE.match(suite):
            raise DomainError(
                f"'{suite}' is not a test suite name (lower case, digits, - and _).",
                code=Code.INVALID_TEST_SUITE,
                field=path(level, Requirement.TEST_SUITES),
            )
    allowed = {d.value for d in Discipline}
    for d in r.disciplines:
        if d not in allowed:
            raise DomainError(
                f"'{d}' is not a discipline.",
                code=Code.UNKNOWN_DISCIPLINE,
                field=path(level, Requirement.DISCIPLINES),
            )
    if not 0 <= r.min_approvals <= MAX_APPROVALS:
        raise DomainError(
            f"Approvals are from 0 to {MAX_APPROVALS}.",
            code=Code.INVALID_APPROVALS,
            field=path(level, Requirement.MIN_APPROVALS),
        )
    if not 0 <= r.canary_minutes <= MAX_CANARY_MINUTES:
        raise DomainError(
            f"A canary lasts from 0 to {MAX_CANARY_MINUTES} minutes.",
            code=Code.INVALID_CANARY,
            field=path(level, Requirement.CANARY_MINUTES),
        )
    return Requirements(
        tuple(sorted(set(r.test_suites))),
        r.min_approvals,
        tuple(sorted(set(r.disciplines))),
        r.peer_review,
        r.board_decision,
        r.canary_minutes,
    )


def check_monotone(requirements: Mapping[RiskLevel, Requirements]) -> None:
    """A higher level never requires less than the one below it."""
    for lower, higher in itertools.pairwise(LEVELS):
        for key, kind in STRICTNESS.items():
            low, high = requirements[lower].get(key), requirements[higher].get(key)
            if not at_least_as_strict(kind, high, low):
                raise DomainError(
                    f"{higher.value} requires less {key.value.replace('_', ' ')} "
                    f"({_show(high)}) than {lower.value} ({_show(low)}).",
                    code=Code.RISK_MAPPING_NOT_MONOTONE,
                    field=path(higher, key),
                )


def check_model(model: RiskModel) -> RiskModel:
    """A model every score can be trusted with: weights ≥ 0, thresholds ascending, a
    requirement mapping where a higher level never requires less."""
    weights = {f: check_factor_weight(f, model.weights[f]) for f in Factor}
    change_types = {
        check_change_type(k): check_weight(v, f"changeTypeWeights.{k}")
        for k, v in model.change_type_weights.items()
    }
    check_thresholds(model.mapping.thresholds)
    requirements = {lv: check_requirements(lv, model.mapping.requirements[lv]) for lv in LEVELS}
    check_monotone(requirements)
    return RiskModel(
        version=model.version,
        weights=weights,
        change_type_weights=change_types,
        mapping=RiskMapping(dict(model.mapping.thresholds), requirements),
        note=model.note.strip()[:2000],
    )


def plain(value: Any) -> Any:
    """A value as JSON-able data (collections as sorted lists)."""
    return sorted(value) if isinstance(value, list | tuple | set | frozenset) else value


def _show(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return "[" + ", ".join(sorted(value)) + "]"
    if isinstance(value, bool):
        return "required" if value else "not required"
    return f"{value:g}" if isinstance(value, float) else str(value)


# -- BU overlays and the effective mapping ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class Looser:
    """A BU value looser than the core's bound (refused on save; reported after a core change)."""

    path: str
    value: Any
    bound: Any

    @property
    def message(self) -> str:
        return (
            f"{self.path} {_show(self.value)} is looser than the core's {_show(self.bound)}: "
            "a business unit may only tighten the risk mapping."
        )


def looser_values(core: RiskMapping, overlay: Overlay) -> list[Looser]:
    """Every value of the overlay that is looser than the core's, in a stable order."""
    out = [
        Looser(path(level), value, core.thresholds[level])
        for level, value in sorted(overlay.thresholds.items(), key=lambda kv: RISK_ORDER[kv[0]])
        if not at_least_as_strict(THRESHOLD_STRICTNESS, value, core.thresholds[level])
    ]
    for level in LEVELS:
        for key, value in sorted(overlay.requirements.get(level, {}).items()):
            bound = core.requirements[level].get(key)
            if not at_least_as_strict(STRICTNESS[key], value, bound):
                out.append(Looser(path(level, key), value, bound))
    return out


def check_overlay(overlay: Overlay) -> Overlay:
    """Values of the right shapes (strictness against the core is checked separately)."""
    for level, value in overlay.thresholds.items():
        if level not in THRESHOLD_LEVELS:
            raise DomainError(
                "Low has no threshold: it starts at 0.",
                code=Code.INVALID_THRESHOLD,
                field=path(level),
            )
        if not math.isfinite(value) or not 0 < value <= MAX_THRESHOLD:
            raise DomainError(
                f"The {level.value} threshold is a score above 0.",
                code=Code.INVALID_THRESHOLD,
                field=path(level),
            )
    requirements = {}
    for level, values in overlay.requirements.items():
        base = Requirements()
        for key, value in values.items():
            base = base.with_value(key, value)
        check_requirements(level, base)
        requirements[level] = {
            k: (tuple(sorted(set(v))) if isinstance(v, list | tuple) else v)
            for k, v in values.items()
        }
    return Overlay(dict(overlay.thresholds), requirements)


@dataclass(frozen=True, slots=True)
class Sourced:
    value: Any
    source: str
    """`core`, or `bu:<BU key>` where the BU's overlay is the stricter; `… via <level>` when
    carried up from a lower level so a higher level never requires less."""


@dataclass(frozen=True, slots=True)
class EffectiveMapping:
    mapping: RiskMapping
    sources: Mapping[str, Sourced]
    """Per input path (thresholds.high, requirements.high.minApprovals)."""
    conflicts: list[Looser]
    """BU values the core has since overtaken: ignored (the core's is stricter), reported."""


def merge(core: RiskMapping, overlay: Overlay, bu_label: str) -> EffectiveMapping:
    """The strictest of core and overlay, value by value (not yet made monotone)."""
    sources: dict[str, Sourced] = {}
    thresholds: dict[RiskLevel, float] = {}
    for level in THRESHOLD_LEVELS:
        value, source = core.thresholds[level], "core"
        bu = overlay.thresholds.get(level)
        if bu is not None and bu < value:
            value, source = bu, bu_label
        thresholds[level] = value
        sources[path(level)] = Sourced(value, source)
    requirements: dict[RiskLevel, Requirements] = {}
    for level in LEVELS:
        current = core.requirements[level]
        for key, kind in STRICTNESS.items():
            value, source = current.get(key), "core"
            bu = overlay.requirements.get(level, {}).get(key)
            if bu is not None and not _same(merged := stricter(kind, value, bu), value):
                value, source = merged, bu_label
            current = current.with_value(key, value)
            sources[path(level, key)] = Sourced(current.get(key), source)
        requirements[level] = current
    return EffectiveMapping(
        RiskMapping(thresholds, requirements), sources, looser_values(core, overlay)
    )


def effective(core: RiskMapping, overlay: Overlay | None, bu_label: str) -> EffectiveMapping:
    """The strictest of core and overlay, made monotone: a lower level's threshold never sits
    above a higher one's, and a higher level requires at least what the one below does."""
    merged = merge(core, overlay or Overlay(), bu_label)
    sources = dict(merged.sources)
    thresholds = dict(merged.mapping.thresholds)
    pairs = list(itertools.pairwise(THRESHOLD_LEVELS))
    for lower, higher in reversed(pairs):
        if thresholds[higher] < thresholds[lower]:
            thresholds[lower] = thresholds[higher]
            src = sources[path(higher)].source
            sources[path(lower)] = Sourced(thresholds[lower], f"{src} via {higher.value}")
    requirements = dict(merged.mapping.requirements)
    for lower, higher in itertools.pairwise(LEVELS):
        current = requirements[higher]
        for key, kind in STRICTNESS.items():
            below = requirements[lower].get(key)
            if not at_least_as_strict(kind, current.get(key), below):
                current = current.with_value(key, stricter(kind, current.get(key), below))
                src = sources[path(lower, key)].source
                sources[path(higher, key)] = Sourced(current.get(key), f"{src} via {lower.value}")
        requirements[higher] = current
    return EffectiveMapping(RiskMapping(thresholds, requirements), sources, merged.conflicts)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) or isinstance(b, list | tuple):
        return set(a) == set(b)
    return bool(a == b)


def with_board_guardrail(
    requirements: Requirements, level: RiskLevel, board_from: Iterable[str]
) -> Requirements:
    """`board_required_from_risk` of any service forces a board decision from that level up."""
    if any(RISK_ORDER[level] >= RISK_ORDER[b] for b in board_from):
        return requirements.with_value(Requirement.BOARD_DECISION, True)
    return requirements
