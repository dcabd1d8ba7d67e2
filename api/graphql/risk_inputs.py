"""Inputs and payloads of the risk mutations, and their decoding into domain commands."""

from __future__ import annotations

from typing import Any

import strawberry

from api.graphql.governance_types import ChangeType
from api.graphql.organization_types import Discipline
from api.graphql.relay import from_global_id
from api.graphql.risk_types import (
    PeerReview,
    PeerReviewVerdict,
    RiskAssessment,
    RiskFactor,
    RiskLevel,
    RiskMapping,
    RiskMappingConflict,
    RiskModel,
)
from api.graphql.user_errors import UserError
from domain.guardrails import vocabulary
from domain.risk import commands as cmd
from domain.risk import model as risk_model
from domain.risk.scoring import Size

R = risk_model.Requirement


@strawberry.input(description="A factor's new weight (and cap; null: uncapped).")
class RiskFactorWeightInput:
    factor: RiskFactor
    weight: float
    cap: float | None = None


@strawberry.input
class ChangeTypeWeightInput:
    change_type: ChangeType
    weight: float


@strawberry.input(description="The score from which a level starts.")
class RiskThresholdInput:
    level: RiskLevel
    min_score: float


@strawberry.input(description="Everything one level requires (the core model gives it whole).")
class RiskRequirementsInput:
    level: RiskLevel
    test_suites: list[str]
    min_approvals: int
    disciplines: list[Discipline]
    peer_review: bool
    board_decision: bool
    canary_minutes: int


@strawberry.input(
    description="Save the next core model version: only what is given changes. Weights ≥ 0, "
    "thresholds strictly ascending, and a higher level never requires less."
)
class RiskModelUpdateInput:
    expected_version: int = strawberry.field(description="The version you read (0: built-in).")
    factors: list[RiskFactorWeightInput] = strawberry.field(default_factory=list)
    change_type_weights: list[ChangeTypeWeightInput] = strawberry.field(default_factory=list)
    thresholds: list[RiskThresholdInput] = strawberry.field(default_factory=list)
    requirements: list[RiskRequirementsInput] = strawberry.field(default_factory=list)
    note: str = ""


@strawberry.input(description="What a BU tightens at one level; only the values given count.")
class RiskRequirementsOverlayInput:
    level: RiskLevel
    test_suites: list[str] | None = strawberry.field(
        default=None, description="The whole set: at least the core's suites."
    )
    min_approvals: int | None = None
    disciplines: list[Discipline] | None = strawberry.field(
        default=None, description="The whole set: at least the core's disciplines."
    )
    peer_review: bool | None = None
    board_decision: bool | None = None
    canary_minutes: int | None = None


@strawberry.input(
    description="Save the next version of a BU's risk mapping: exactly the values given, each "
    "at least as strict as the core's (lower thresholds, more requirements)."
)
class RiskMappingBusinessUnitUpdateInput:
    business_unit_id: strawberry.ID
    expected_version: int = strawberry.field(description="The overlay version you read (0: none).")
    thresholds: list[RiskThresholdInput] = strawberry.field(default_factory=list)
    requirements: list[RiskRequirementsOverlayInput] = strawberry.field(default_factory=list)
    note: str = ""


@strawberry.input(description="How big the change is: lines and files changed.")
class ChangeSizeInput:
    lines_changed: int = 0
    files_changed: int = 0


@strawberry.input(description="Score a release now and keep the result.")
class ReleaseAssessRiskInput:
    release_id: strawberry.ID
    size: ChangeSizeInput | None = strawberry.field(
        default=None, description="Optional; when left out, the last assessment's size is used."
    )


@strawberry.input(description="Your verdict on a release's changes; a later one replaces it.")
class PeerReviewRecordInput:
    release_id: strawberry.ID
    verdict: PeerReviewVerdict
    comment: str = strawberry.field(default="", description="Required with CHANGES_REQUESTED.")
    reference: str = strawberry.field(default="", description="e.g. the pull request's URL.")


@strawberry.type
class RiskModelPayload:
    risk_model: RiskModel | None
    overlay_conflicts: list[RiskMappingConflict] = strawberry.field(
        description="BU overlay values this version makes looser: no longer used, reported."
    )
    errors: list[UserError]


@strawberry.type
class RiskMappingPayload:
    risk_mapping: RiskMapping | None
    errors: list[UserError]


@strawberry.type
class RiskAssessmentPayload:
    risk_assessment: RiskAssessment | None
    errors: list[UserError]


@strawberry.type
class PeerReviewPayload:
    peer_review: PeerReview | None
    errors: list[UserError]


def _requirements(i: RiskRequirementsInput) -> risk_model.Requirements:
    return risk_model.Requirements(
        test_suites=tuple(i.test_suites),
        min_approvals=i.min_approvals,
        disciplines=tuple(d.value for d in i.disciplines),
        peer_review=i.peer_review,
        board_decision=i.board_decision,
        canary_minutes=i.canary_minutes,
    )


def model_command(i: RiskModelUpdateInput) -> cmd.UpdateRiskModel:
    return cmd.UpdateRiskModel(
        expected_version=i.expected_version,
        weights={
            risk_model.Factor(f.factor): risk_model.Weight(f.weight, f.cap) for f in i.factors
        },
        change_type_weights={c.change_type.value: c.weight for c in i.change_type_weights},
        thresholds={vocabulary.RiskLevel(t.level): t.min_score for t in i.thresholds},
        requirements={vocabulary.RiskLevel(r.level): _requirements(r) for r in i.requirements},
        note=i.note,
    )


def _overlay_values(i: RiskRequirementsOverlayInput) -> dict[risk_model.Requirement, Any]:
    given: dict[risk_model.Requirement, Any] = {
        R.TEST_SUITES: tuple(i.test_suites) if i.test_suites is not None else None,
        R.MIN_APPROVALS: i.min_approvals,
        R.DISCIPLINES: tuple(d.value for d in i.disciplines) if i.disciplines is not None else None,
        R.PEER_REVIEW: i.peer_review,
        R.BOARD_DECISION: i.board_decision,
        R.CANARY_MINUTES: i.canary_minutes,
    }
    return {k: v for k, v in given.items() if v is not None}


def mapping_command(i: RiskMappingBusinessUnitUpdateInput) -> cmd.UpdateRiskMapping:
    return cmd.UpdateRiskMapping(
        bu_id=from_global_id(i.business_unit_id, "BusinessUnit", "businessUnitId"),
        expected_version=i.expected_version,
        thresholds={vocabulary.RiskLevel(t.level): t.min_score for t in i.thresholds},
        requirements={vocabulary.RiskLevel(r.level): _overlay_values(r) for r in i.requirements},
        note=i.note,
    )


def assess_command(i: ReleaseAssessRiskInput) -> cmd.AssessRisk:
    size = Size(i.size.lines_changed, i.size.files_changed) if i.size else None
    return cmd.AssessRisk(from_global_id(i.release_id, "Release", "releaseId"), size)


def review_command(i: PeerReviewRecordInput) -> cmd.RecordPeerReview:
    return cmd.RecordPeerReview(
        release_id=from_global_id(i.release_id, "Release", "releaseId"),
        verdict=i.verdict.value,
        comment=i.comment,
        reference=i.reference,
    )
