"""Risk: the scoring model, BU mappings, assessments and peer reviews."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any, ClassVar

import strawberry

from api.graphql.context import Info
from api.graphql.governance_types import Release
from api.graphql.mutations import MutationRunner
from api.graphql.relay import Connection, PageArgs, connection_field, from_global_id, node_field
from api.graphql.risk_inputs import (
    PeerReviewPayload,
    PeerReviewRecordInput,
    ReleaseAssessRiskInput,
    RiskAssessmentPayload,
    RiskMappingBusinessUnitUpdateInput,
    RiskMappingPayload,
    RiskModelPayload,
    RiskModelUpdateInput,
    assess_command,
    mapping_command,
    model_command,
    review_command,
)
from api.graphql.risk_types import (
    PeerReview,
    PeerReviewRequirement,
    RiskAssessment,
    RiskMapping,
    RiskMappingConflict,
    RiskModel,
    release_peer_review_requirement,
    release_peer_reviews,
    release_risk_assessment,
    release_risk_assessments,
)
from api.graphql.user_errors import RISK
from domain.kernel.access import Resource
from domain.kernel.errors import DomainError
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader
from domain.risk import assessments, peer_reviews, versions
from domain.risk import commands as cmd
from domain.risk import queries as riskq

run = MutationRunner(RISK)
risk_assessment_payload = run.into(RiskAssessmentPayload, risk_assessment=RiskAssessment)
peer_review_payload = run.into(PeerReviewPayload, peer_review=PeerReview)


@strawberry.type(description="A release's risk: assessments and peer reviews.")
class ReleaseRisk:
    release_uid: strawberry.Private[uuid.UUID]

    release = node_field(Release, "release", "release_uid")

    @strawberry.field(description="The latest assessment; null when never assessed.")
    async def assessment(self, info: Info) -> RiskAssessment | None:
        return await release_risk_assessment(info, self.release_uid)

    @strawberry.field(description="Every assessment, oldest first.")
    async def assessments(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[RiskAssessment]:
        return await release_risk_assessments(info, self.release_uid, first, after)

    @strawberry.field(description="Peer reviews, one per reviewer (their latest verdict).")
    async def peer_reviews(self, info: Info) -> list[PeerReview]:
        return await release_peer_reviews(info, self.release_uid)

    @strawberry.field(description="Whether it needs a peer review before staging, and why.")
    async def peer_review_requirement(self, info: Info) -> PeerReviewRequirement:
        return await release_peer_review_requirement(info, self.release_uid)


@strawberry.type
class RiskQuery:
    NODE_TYPES: ClassVar[dict[str, tuple[str, Any]]] = {
        "RiskAssessment": ("risk_assessment", RiskAssessment),
        "PeerReview": ("peer_review", PeerReview),
    }
    """The node types this module serves, for `node(id:)`."""

    @strawberry.field(description="The org's risk model in force (version 0: the built-in).")
    async def risk_model(self, info: Info) -> RiskModel | None:
        async with info.context.reader() as r:
            found = await riskq.model(r)
        return RiskModel.from_domain(found.model, found.row) if found else None

    @connection_field(RiskModel, description="Every saved version of the risk model, oldest first.")
    def risk_model_history(r: Reader, page: PageArgs) -> Awaitable[Page[Any]]:
        return riskq.model_history(r, **page)

    @strawberry.field(
        description="A BU's effective risk mapping: each value the strictest of core and BU, "
        "with its source, and the BU values a later core change overtook."
    )
    async def risk_mapping(self, info: Info, business_unit_id: strawberry.ID) -> RiskMapping:
        bu_id = from_global_id(business_unit_id, "BusinessUnit", "businessUnitId")
        async with info.context.reader() as r:
            return RiskMapping.from_domain(await riskq.mapping_of_bu(r, bu_id))

    @strawberry.field(description="A release's risk; null when absent or not yours to see.")
    async def release_risk(self, info: Info, release_id: strawberry.ID) -> ReleaseRisk | None:
        uid = from_global_id(release_id, "Release", "releaseId")
        async with info.context.reader() as r:
            try:
                await riskq.visible_release(r, uid, Resource.RISK_ASSESSMENT)
            except DomainError:
                return None
        return ReleaseRisk(release_uid=uid)


@strawberry.type
class RiskMutation:
    @strawberry.mutation(
        description="Save the next version of the org's risk model (RMO); BU overlays it makes "
        "looser are reported in overlayConflicts."
    )
    async def risk_model_update(self, info: Info, input: RiskModelUpdateInput) -> RiskModelPayload:
        c = model_command(input)
        saved, errors = await run(info, lambda uow: versions.update_core_model(uow, c))
        if saved is None:
            return RiskModelPayload(risk_model=None, overlay_conflicts=[], errors=errors)
        return RiskModelPayload(
            risk_model=RiskModel.from_domain(saved.model, saved.row),
            overlay_conflicts=[
                RiskMappingConflict.from_domain(x.looser, x.bu_id) for x in saved.conflicts
            ],
            errors=errors,
        )

    @strawberry.mutation(
        description="Tighten a BU's risk mapping (lower thresholds, more requirements); "
        "anything looser than the core is refused with RISK_MAPPING_LOOSER_THAN_CORE."
    )
    async def risk_mapping_business_unit_update(
        self, info: Info, input: RiskMappingBusinessUnitUpdateInput
    ) -> RiskMappingPayload:
        c = mapping_command(input)
        saved, errors = await run(info, lambda uow: versions.update_bu_mapping(uow, c))
        if saved is None:
            return RiskMappingPayload(risk_mapping=None, errors=errors)
        async with info.context.reader() as r:
            view = await riskq.mapping_of_bu(r, c.bu_id)
        return RiskMappingPayload(risk_mapping=RiskMapping.from_domain(view), errors=errors)

    @risk_assessment_payload.mutation(
        assessments.assess_risk, description="Score a release now and keep the assessment."
    )
    def release_assess_risk(input: ReleaseAssessRiskInput) -> cmd.AssessRisk:
        return assess_command(input)

    @peer_review_payload.mutation(
        peer_reviews.record_peer_review,
        description="Record your peer review of a release (never as one of its authors: "
        "PEER_REVIEW_BY_AUTHOR); a later verdict of yours replaces it.",
    )
    def peer_review_record(input: PeerReviewRecordInput) -> cmd.RecordPeerReview:
        return review_command(input)
