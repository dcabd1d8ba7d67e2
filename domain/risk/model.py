"""The risk model: factors with weights, levels with thresholds, and what each level requires.

A model is plain data, versioned: version 0 is the built-in default below, in force until the
RMO saves its own; saved versions are immutable rows (domain/risk/versions.py).

How a score is made (domain/risk/scoring.py): every factor turns the release's facts into a
non-negative input; its points are `weight * min(input, cap)`; the score is the sum of the
points; the level is the highest one whose threshold the score reaches (low from 0). Weights
are never negative and thresholds ascend, so raising any fact never lowers score or level.

The built-in default (version 0), as `factor (group): input; weight, cap`:

- service_tier (impact): highest tier shipped, internal 1, customer-facing 2, critical 3; 4
- transitive_consumers (impact): services depending on a shipped one at any distance; 0.5, 20
- consumer_tier (impact): highest tier among those consumers (0 when none); 1
- data_classification (impact): highest shipped, public 0, internal 1, confidential 2,
  personal 3, restricted 4; 1.5
- regions (impact): regions reached (the release's, else its services'); 1, cap 5
- services (complexity): services shipped; 1, cap 10
- change_types (complexity): sum of the change types' own weights (below); 1, cap 20
- schema_migration (complexity): 1 when it migrates a schema; 3
- infrastructure_change (complexity): 1 when it changes infrastructure; 3
- size (complexity): max(lines changed / 100, files changed / 10); 1, cap 20
- first_release (novelty): services never deployed before; 3, cap 5
- new_dependency (novelty): dependencies added since a service's last deployment; 1.5, cap 5
- first_change_by_author (novelty): (author, service) pairs with no earlier release; 1, cap 5
- new_infrastructure (novelty): services getting their first infrastructure change; 2, cap 5

Change-type weights: payment_logic 8, schema_migration 3, infrastructure 3, data_fix 3, api 2,
dependency_upgrade 1, config 1, ui 1. Thresholds: medium 8, high 18, critical 32. So a
payment-logic change to one critical service scores at least 4*3 + 8 + 1 = 21: high.

Requirements per level (each level requires at least what the one below does):

- low: suites unit; 1 approval; engineering; canary 0 minutes
- medium: suites unit, integration; 1 approval; engineering; canary 15 minutes
- high: suites unit, integration, end_to_end; 2 approvals; engineering, product; peer review;
  board decision; canary 60 minutes
- critical: suites unit, integration, end_to_end, performance, security; 3 approvals;
  engineering, product, security; peer review; board decision; canary 240 minutes
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from domain.guardrails.lattice import Strictness
from domain.guardrails.vocabulary import RiskLevel
from domain.kernel.vocabulary import ChangeType


class FactorGroup(StrEnum):
    IMPACT = "impact"
    COMPLEXITY = "complexity"
    NOVELTY = "novelty"


class Factor(StrEnum):
    SERVICE_TIER = "service_tier"
    TRANSITIVE_CONSUMERS = "transitive_consumers"
    CONSUMER_TIER = "consumer_tier"
    DATA_CLASSIFICATION = "data_classification"
    REGIONS = "regions"
    SERVICES = "services"
    CHANGE_TYPES = "change_types"
    SCHEMA_MIGRATION = "schema_migration"
    INFRASTRUCTURE_CHANGE = "infrastructure_change"
    SIZE = "size"
    FIRST_RELEASE = "first_release"
    NEW_DEPENDENCY = "new_dependency"
    FIRST_CHANGE_BY_AUTHOR = "first_change_by_author"
    NEW_INFRASTRUCTURE = "new_infrastructure"


F = Factor
GROUP_OF: dict[Factor, FactorGroup] = {
    **{
        f: FactorGroup.IMPACT
        for f in (
            F.SERVICE_TIER,
            F.TRANSITIVE_CONSUMERS,
            F.CONSUMER_TIER,
            F.DATA_CLASSIFICATION,
            F.REGIONS,
        )
    },
    **{
        f: FactorGroup.COMPLEXITY
        for f in (F.SERVICES, F.CHANGE_TYPES, F.SCHEMA_MIGRATION, F.INFRASTRUCTURE_CHANGE, F.SIZE)
    },
    **{
        f: FactorGroup.NOVELTY
        for f in (
            F.FIRST_RELEASE,
            F.NEW_DEPENDENCY,
            F.FIRST_CHANGE_BY_AUTHOR,
            F.NEW_INFRASTRUCTURE,
        )
    },
}

LEVELS: tuple[RiskLevel, ...] = tuple(RiskLevel)
"""low < medium < high < critical."""
THRESHOLD_LEVELS: tuple[RiskLevel, ...] = LEVELS[1:]
"""Low starts at 0; the other levels start at their threshold."""


class Requirement(StrEnum):
    """The keys of what a level requires, each with the order that makes it stricter."""

    TEST_SUITES = "test_suites"
    MIN_APPROVALS = "min_approvals"
    DISCIPLINES = "disciplines"
    PEER_REVIEW = "peer_review"
    BOARD_DECISION = "board_decision"
    CANARY_MINUTES = "canary_minutes"


STRICTNESS: dict[Requirement, Strictness] = {
    Requirement.TEST_SUITES: Strictness.SUPERSET,
    Requirement.MIN_APPROVALS: Strictness.AT_LEAST,
    Requirement.DISCIPLINES: Strictness.SUPERSET,
    Requirement.PEER_REVIEW: Strictness.REQUIRE,
    Requirement.BOARD_DECISION: Strictness.REQUIRE,
    Requirement.CANARY_MINUTES: Strictness.AT_LEAST,
}
THRESHOLD_STRICTNESS = Strictness.AT_MOST
"""A lower threshold puts more releases into the level: stricter."""


@dataclass(frozen=True, slots=True)
class Weight:
    weight: float
    cap: float | None = None


@dataclass(frozen=True, slots=True)
class Requirements:
    test_suites: tuple[str, ...] = ()
    min_approvals: int = 0
    disciplines: tuple[str, ...] = ()
    peer_review: bool = False
    board_decision: bool = False
    canary_minutes: int = 0

    def get(self, key: Requirement) -> Any:
        return getattr(self, key.value)

    def with_value(self, key: Requirement, value: Any) -> Requirements:
        if key in (Requirement.TEST_SUITES, Requirement.DISCIPLINES):
            value = tuple(sorted(set(value)))
        return replace(self, **{key.value: value})

    def as_json(self) -> dict[str, Any]:
        return {
            "test_suites": list(self.test_suites),
            "min_approvals": self.min_approvals,
            "disciplines": list(self.disciplines),
            "peer_review": self.peer_review,
            "board_decision": self.board_decision,
            "canary_minutes": self.canary_minutes,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Requirements:
        return cls(
            test_suites=tuple(raw["test_suites"]),
            min_approvals=int(raw["min_approvals"]),
            disciplines=tuple(raw["disciplines"]),
            peer_review=bool(raw["peer_review"]),
            board_decision=bool(raw["board_decision"]),
            canary_minutes=int(raw["canary_minutes"]),
        )


@dataclass(frozen=True, slots=True)
class RiskMapping:
    """From score to level (thresholds) and from level to requirements."""

    thresholds: Mapping[RiskLevel, float]
    requirements: Mapping[RiskLevel, Requirements]

    def level_of(self, score: float) -> RiskLevel:
        """The highest level whose threshold the score reaches (monotone in the score)."""
        level = RiskLevel.LOW
        for candidate in THRESHOLD_LEVELS:
            if score >= self.thresholds[candidate]:
                level = candidate
        return level

    def as_json(self) -> dict[str, Any]:
        return {
            "thresholds": {str(k): v for k, v in self.thresholds.items()},
            "requirements": {str(k): v.as_json() for k, v in self.requirements.items()},
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> RiskMapping:
        return cls(
            thresholds={RiskLevel(k): float(v) for k, v in raw["thresholds"].items()},
            requirements={
                RiskLevel(k): Requirements.from_json(v) for k, v in raw["requirements"].items()
            },
        )


@dataclass(frozen=True, slots=True)
class RiskModel:
    version: int
    weights: Mapping[Factor, Weight]
    change_type_weights: Mapping[str, float]
    mapping: RiskMapping
    note: str = ""

    def factors_json(self) -> dict[str, Any]:
        return {str(f): {"weight": w.weight, "cap": w.cap} for f, w in self.weights.items()}


def weights_from_json(raw: Mapping[str, Any]) -> dict[Factor, Weight]:
    return {Factor(k): Weight(float(v["weight"]), v.get("cap")) for k, v in raw.items()}


@dataclass(frozen=True, slots=True)
class Overlay:
    """A BU's tightening of the core mapping: only the values it sets (empty: none)."""

    thresholds: Mapping[RiskLevel, float] = field(default_factory=dict)
    requirements: Mapping[RiskLevel, Mapping[Requirement, Any]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "thresholds": {str(k): v for k, v in self.thresholds.items()},
            "requirements": {
                str(level): {str(k): _plain(v) for k, v in values.items()}
                for level, values in self.requirements.items()
            },
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Overlay:
        return cls(
            thresholds={RiskLevel(k): float(v) for k, v in raw.get("thresholds", {}).items()},
            requirements={
                RiskLevel(level): {Requirement(k): v for k, v in values.items()}
                for level, values in raw.get("requirements", {}).items()
            },
        )


def _plain(value: Any) -> Any:
    return sorted(value) if isinstance(value, list | tuple | set | frozenset) else value


L = RiskLevel
DEFAULT_MODEL = RiskModel(
    version=0,
    weights={
        F.SERVICE_TIER: Weight(4),
        F.TRANSITIVE_CONSUMERS: Weight(0.5, 20),
        F.CONSUMER_TIER: Weight(1),
        F.DATA_CLASSIFICATION: Weight(1.5),
        F.REGIONS: Weight(1, 5),
        F.SERVICES: Weight(1, 10),
        F.CHANGE_TYPES: Weight(1, 20),
        F.SCHEMA_MIGRATION: Weight(3),
        F.INFRASTRUCTURE_CHANGE: Weight(3),
        F.SIZE: Weight(1, 20),
        F.FIRST_RELEASE: Weight(3, 5),
        F.NEW_DEPENDENCY: Weight(1.5, 5),
        F.FIRST_CHANGE_BY_AUTHOR: Weight(1, 5),
        F.NEW_INFRASTRUCTURE: Weight(2, 5),
    },
    change_type_weights={
        ChangeType.PAYMENT_LOGIC.value: 8,
        ChangeType.SCHEMA_MIGRATION.value: 3,
        ChangeType.INFRASTRUCTURE.value: 3,
        ChangeType.DATA_FIX.value: 3,
        ChangeType.API.value: 2,
        ChangeType.DEPENDENCY_UPGRADE.value: 1,
        ChangeType.CONFIG.value: 1,
        ChangeType.UI.value: 1,
    },
    mapping=RiskMapping(
        thresholds={L.MEDIUM: 8, L.HIGH: 18, L.CRITICAL: 32},
        requirements={
            L.LOW: Requirements(("unit",), 1, ("engineering",)),
            L.MEDIUM: Requirements(("integration", "unit"), 1, ("engineering",), canary_minutes=15),
            L.HIGH: Requirements(
                ("end_to_end", "integration", "unit"),
                2,
                ("engineering", "product"),
                peer_review=True,
                board_decision=True,
                canary_minutes=60,
            ),
            L.CRITICAL: Requirements(
                ("end_to_end", "integration", "performance", "security", "unit"),
                3,
                ("engineering", "product", "security"),
                peer_review=True,
                board_decision=True,
                canary_minutes=240,
            ),
        },
    ),
    note="Built-in default.",
)
"""In force until the RMO saves a model (see the module docstring)."""
