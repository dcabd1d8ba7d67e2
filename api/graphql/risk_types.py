"""GraphQL types of risk: the model, BU mappings, assessments and peer reviews.

Plain fields filled from domain values or rows; related objects only through DataLoaders.
The `release_*` resolvers at the end serve `ReleaseRisk` here and can back fields on
`Release` itself.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.governance_types import ChangeType, Release
from api.graphql.organization_types import BusinessUnit, Discipline, Person
from api.graphql.relay import Connection, Node, load_node, load_page, node_field
from api.graphql.rows import FromColumns, from_columns
from domain.guardrails import vocabulary
from domain.kernel import vocabulary as shared_vocabulary
from domain.organization import vocabulary as organization_vocabulary
from domain.risk import model as risk_model
from domain.risk import queries as riskq
from domain.risk import review_rules, rules
from domain.risk import vocabulary as risk_vocabulary
from domain.risk.scoring import RiskFacts as DomainFacts
from domain.risk.versions import model_of

RiskLevel = exposed(vocabulary.RiskLevel)
RiskFactor = strawberry.enum(risk_model.Factor, description="A factor of the risk score.")
RiskFactorGroup = strawberry.enum(
    risk_model.FactorGroup, description="Impact, complexity or novelty."
)
PeerReviewVerdict = exposed(risk_vocabulary.Verdict)


@strawberry.type(description="What a risk level requires of a release.")
class RiskRequirements:
    test_suites: list[str] = strawberry.field(description="Named test suites that must pass.")
    min_approvals: int
    disciplines: list[Discipline] = strawberry.field(description="Disciplines that approve.")
    peer_review: bool = strawberry.field(description="A peer review by a non-author.")
    board_decision: bool = strawberry.field(description="A board go/no-go decision.")
    canary_minutes: int = strawberry.field(description="How long a canary runs, at least.")

    @classmethod
    def from_domain(cls, r: risk_model.Requirements) -> RiskRequirements:
        return from_columns(
            cls,
            r,
            test_suites=list(r.test_suites),
            disciplines=[organization_vocabulary.Discipline(d) for d in r.disciplines],
        )


@strawberry.type(description="What one level requires.")
class RiskLevelRequirements:
    level: RiskLevel
    requirements: RiskRequirements


@strawberry.type(description="The score from which a level starts (low starts at 0).")
class RiskThreshold:
    level: RiskLevel
    min_score: float


@strawberry.type(description="A factor's weight: points = weight x min(input, cap).")
class RiskFactorWeight:
    factor: RiskFactor
    group: RiskFactorGroup
    weight: float
    cap: float | None = strawberry.field(description="Null: the input is never capped.")


@strawberry.type(description="How much a change type adds to the change_types factor's input.")
class ChangeTypeWeight:
    change_type: ChangeType
    weight: float


def _levels(mapping: risk_model.RiskMapping) -> tuple[list[RiskThreshold], list[Any]]:
    thresholds = [
        RiskThreshold(level=lv, min_score=mapping.thresholds[lv])
        for lv in risk_model.THRESHOLD_LEVELS
    ]
    requirements = [
        RiskLevelRequirements(
            level=lv, requirements=RiskRequirements.from_domain(mapping.requirements[lv])
        )
        for lv in risk_model.LEVELS
    ]
    return thresholds, requirements


@strawberry.type(description="A version of the org's risk model (version 0 is the built-in).")
class RiskModel:
    version: int
    factors: list[RiskFactorWeight]
    change_type_weights: list[ChangeTypeWeight]
    thresholds: list[RiskThreshold]
    requirements: list[RiskLevelRequirements]
    note: str
    created_at: datetime | None = strawberry.field(description="Null for the built-in.")
    origin: JSON | None = strawberry.field(
        description="What asked for this version, when something did: {kind: policy_proposal, "
        "proposal_id, origin_kind (retrospective, post_mortem), origin_id}; raw UUIDs."
    )
    created_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_domain(cls, m: risk_model.RiskModel, row: Any | None) -> RiskModel:
        thresholds, requirements = _levels(m.mapping)
        return from_columns(
            cls,
            m,
            factors=[
                RiskFactorWeight(factor=f, group=risk_model.GROUP_OF[f], weight=w.weight, cap=w.cap)
                for f, w in m.weights.items()
            ],
            change_type_weights=[
                ChangeTypeWeight(change_type=shared_vocabulary.ChangeType(k), weight=v)
                for k, v in sorted(m.change_type_weights.items())
            ],
            thresholds=thresholds,
            requirements=requirements,
            created_at=row.created_at if row is not None else None,
            created_by_uid=row.created_by_id if row is not None else None,
            origin=row.origin if row is not None else None,
        )

    @classmethod
    def from_row(cls, row: Any) -> RiskModel:
        return cls.from_domain(model_of(row), row)

    created_by = node_field(
        Person, "person", "created_by_uid", "Who saved it; null for the built-in."
    )


@strawberry.type(description="Where an effective value comes from: `core` or `bu:<key>`.")
class RiskMappingSource:
    path: str = strawberry.field(description="e.g. thresholds.high, requirements.high.minApprovals")
    source: str


@strawberry.type(
    description="A BU value looser than the core's: refused on save; after a core change, "
    "reported here and not used (the core's stricter value applies)."
)
class RiskMappingConflict:
    path: str
    value: str
    bound: str
    message: str
    bu_uid: strawberry.Private[uuid.UUID | None] = None

    @classmethod
    def from_domain(cls, x: rules.Looser, bu_id: uuid.UUID | None = None) -> RiskMappingConflict:
        return from_columns(
            cls, x, value=str(rules.plain(x.value)), bound=str(rules.plain(x.bound)), bu_uid=bu_id
        )

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")


@strawberry.type(description="A BU's effective risk mapping: the strictest of core and BU.")
class RiskMapping:
    core_version: int
    overlay_version: int = strawberry.field(description="0 when the BU has not tightened it.")
    thresholds: list[RiskThreshold]
    requirements: list[RiskLevelRequirements]
    sources: list[RiskMappingSource]
    conflicts: list[RiskMappingConflict]
    bu_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, v: riskq.MappingView) -> RiskMapping:
        thresholds, requirements = _levels(v.effective.mapping)
        return from_columns(
            cls,
            v,
            thresholds=thresholds,
            requirements=requirements,
            sources=[
                RiskMappingSource(path=p, source=s.source)
                for p, s in sorted(v.effective.sources.items())
            ],
            conflicts=[RiskMappingConflict.from_domain(x, v.bu_id) for x in v.effective.conflicts],
        )

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")


@strawberry.type(description="One factor's part in a score, with the sentence that explains it.")
class RiskContribution:
    factor: RiskFactor
    group: RiskFactorGroup
    input: float
    weight: float
    points: float
    explanation: str


@strawberry.type(description="Lines and files changed, as given with the assessment.")
class ChangeSize:
    lines_changed: int
    files_changed: int


@strawberry.type(description="The facts a score was made of, by service key.")
class RiskFacts:
    services: list[str]
    consumers: list[str] = strawberry.field(description="Transitive consumers.")
    regions: list[str]
    change_types: list[str]
    size: ChangeSize | None
    first_release: list[str]
    new_dependencies: list[str]
    first_author_changes: list[str]
    new_infrastructure: list[str]

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> RiskFacts:
        f = DomainFacts.from_json(raw)
        return cls(
            services=list(f.services),
            consumers=list(f.consumers),
            regions=list(f.regions),
            change_types=list(f.change_types),
            size=ChangeSize(lines_changed=f.size.lines_changed, files_changed=f.size.files_changed)
            if f.size
            else None,
            first_release=list(f.first_release),
            new_dependencies=list(f.new_dependencies),
            first_author_changes=list(f.first_author_changes),
            new_infrastructure=list(f.new_infrastructure),
        )


@strawberry.type(description="A release scored: level, why, and what the level requires.")
class RiskAssessment(Node):
    id: strawberry.ID
    score: float
    level: RiskLevel
    contributions: list[RiskContribution]
    requirements: RiskRequirements
    facts: RiskFacts
    model_version: int
    mapping_version: int = strawberry.field(description="The BU overlay's version; 0: none.")
    assessed_at: datetime
    uid: strawberry.Private[uuid.UUID]
    release_uid: strawberry.Private[uuid.UUID]
    assessed_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> RiskAssessment:
        return from_columns(
            cls,
            r,
            contributions=[
                RiskContribution(
                    factor=risk_model.Factor(c["factor"]),
                    group=risk_model.FactorGroup(c["group"]),
                    input=c["input"],
                    weight=c["weight"],
                    points=c["points"],
                    explanation=c["explanation"],
                )
                for c in r.contributions
            ],
            requirements=RiskRequirements.from_domain(
                risk_model.Requirements.from_json(r.requirements)
            ),
            facts=RiskFacts.from_json(r.facts),
        )

    assessed_by = node_field(Person, "person", "assessed_by_uid")

    release = node_field(Release, "release", "release_uid")


@strawberry.type(description="A reviewer's verdict on a release's changes (never an author's).")
class PeerReview(Node, FromColumns):
    id: strawberry.ID
    verdict: PeerReviewVerdict
    comment: str
    reference: str = strawberry.field(description="Where the review happened, e.g. a PR URL.")
    created_at: datetime
    updated_at: datetime
    version: int
    uid: strawberry.Private[uuid.UUID]
    release_uid: strawberry.Private[uuid.UUID]
    reviewer_uid: strawberry.Private[uuid.UUID]

    reviewer = node_field(Person, "person", "reviewer_uid")

    release = node_field(Release, "release", "release_uid")


@strawberry.type(description="Whether a release needs a peer review before staging, and why.")
class PeerReviewRequirement:
    required: bool
    change_types: list[ChangeType] = strawberry.field(
        description="Its change types the guardrails say need a review."
    )
    risk_level: RiskLevel = strawberry.field(description="Its risk level now.")
    by_risk_level: bool = strawberry.field(description="Whether that level requires one.")
    reason: str

    @classmethod
    def from_domain(cls, r: review_rules.ReviewRequirement) -> PeerReviewRequirement:
        return from_columns(
            cls, r, change_types=[shared_vocabulary.ChangeType(c) for c in r.change_types]
        )


async def release_risk_assessment(info: Info, release_id: uuid.UUID) -> RiskAssessment | None:
    """The release's latest assessment, if any (and yours to read)."""
    return await load_node(info.context.loaders.latest_risk_assessment, RiskAssessment, release_id)


async def release_risk_assessments(
    info: Info, release_id: uuid.UUID, first: int | None, after: str | None
) -> Connection[RiskAssessment]:
    return await load_page(
        info.context.loaders.risk_assessments_of_release, (release_id, first, after), RiskAssessment
    )


async def release_peer_reviews(info: Info, release_id: uuid.UUID) -> list[PeerReview]:
    rows = await info.context.loaders.peer_reviews_of_release.load(release_id)
    return [PeerReview.from_row(r) for r in rows]


async def release_peer_review_requirement(
    info: Info, release_id: uuid.UUID
) -> PeerReviewRequirement:
    async with info.context.reader() as r:
        found = await riskq.review_requirement(r, release_id, info.context.runtime.clock.now())
    return PeerReviewRequirement.from_domain(found)
