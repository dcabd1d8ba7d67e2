"""Inputs of the risk use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from domain.guardrails.vocabulary import RiskLevel
from domain.risk.model import Factor, Requirement, Requirements, Weight
from domain.risk.scoring import Size


@dataclass(frozen=True, slots=True)
class UpdateRiskModel:
    """Save the next core model version. Only what is given changes; the rest is carried over
    from the current version. A level's requirements are given whole."""

    expected_version: int
    weights: Mapping[Factor, Weight] = field(default_factory=dict)
    change_type_weights: Mapping[str, float] = field(default_factory=dict)
    thresholds: Mapping[RiskLevel, float] = field(default_factory=dict)
    requirements: Mapping[RiskLevel, Requirements] = field(default_factory=dict)
    note: str = ""
    origin: Mapping[str, str] | None = None
    """What asked for the change (a policy proposal and its origin), kept with the version."""


@dataclass(frozen=True, slots=True)
class UpdateRiskMapping:
    """Save the next version of a BU's overlay: exactly the values given (empty: none)."""

    bu_id: uuid.UUID
    expected_version: int
    thresholds: Mapping[RiskLevel, float] = field(default_factory=dict)
    requirements: Mapping[RiskLevel, Mapping[Requirement, Any]] = field(default_factory=dict)
    note: str = ""
    origin: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class AssessRisk:
    release_id: uuid.UUID
    size: Size | None = None


@dataclass(frozen=True, slots=True)
class RecordPeerReview:
    release_id: uuid.UUID
    verdict: str
    comment: str = ""
    reference: str = ""
