"""Assessing a release as a pure rule: its facts, the core model, the BU's effective mapping
and the effective guardrails of the services it ships make a `RiskResult`.

The facts are read by domain.risk.facts; the guardrails come from whoever already holds them
(the promotion decision computes them once), so nothing here reads or recomputes anything.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from domain.guardrails.vocabulary import RiskLevel
from domain.risk import rules
from domain.risk.model import Requirements, RiskMapping, RiskModel
from domain.risk.scoring import Assessment, RiskFacts, score


class Guardrails(Protocol):
    """The effective guardrail values of one service (as domain.guardrails.facts gives them)."""

    def __getitem__(self, key: str) -> Any: ...


@dataclass(frozen=True, slots=True)
class RiskInputs:
    """Everything a release's assessment is made of but the guardrails."""

    release_id: uuid.UUID
    bu_id: uuid.UUID
    facts: RiskFacts
    model: RiskModel
    mapping: RiskMapping
    """The core mapping with the BU's overlay applied."""
    mapping_version: int


@dataclass(frozen=True, slots=True)
class RiskResult:
    release_id: uuid.UUID
    bu_id: uuid.UUID
    facts: RiskFacts
    model_version: int
    mapping_version: int
    assessment: Assessment
    requirements: Requirements
    peer_review_change_types: tuple[str, ...]
    """The union of the effective `peer_review_change_types` of its services."""
    board_required_from: tuple[str, ...]
    """The effective `board_required_from_risk` of its services."""

    @property
    def level(self) -> RiskLevel:
        return self.assessment.level


def assess(inputs: RiskInputs, guardrails: Sequence[Guardrails]) -> RiskResult:
    """Score the release and derive what its level requires, tightened by the guardrails of
    the services it ships (a board decision from `board_required_from_risk` up)."""
    assessment = score(inputs.model, inputs.facts, inputs.mapping)
    board_from = tuple(sorted({g["board_required_from_risk"] for g in guardrails}))
    requirements = rules.with_board_guardrail(
        inputs.mapping.requirements[assessment.level], assessment.level, board_from
    )
    return RiskResult(
        release_id=inputs.release_id,
        bu_id=inputs.bu_id,
        facts=inputs.facts,
        model_version=inputs.model.version,
        mapping_version=inputs.mapping_version,
        assessment=assessment,
        requirements=requirements,
        peer_review_change_types=tuple(
            sorted({c for g in guardrails for c in g["peer_review_change_types"]})
        ),
        board_required_from=board_from,
    )
