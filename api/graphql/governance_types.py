"""GraphQL types of governance: plain fields filled from rows; I/O only via DataLoaders."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.organization_types import (
    BusinessUnit,
    Discipline,
    Person,
    Service,
)
from api.graphql.relay import Connection, Node, load_node, node_field, to_global_id
from api.graphql.rows import from_columns
from domain.governance import signoff_rules as so
from domain.governance import vocabulary as governance_vocabulary
from domain.kernel import vocabulary as shared_vocabulary

if TYPE_CHECKING:
    from api.graphql.governance_board_types import GoNoGoSession
    from api.graphql.readiness_review_types import ReadinessReview
    from api.graphql.release_blockers import ReleaseBlockers
    from api.graphql.risk_types import PeerReview, PeerReviewRequirement, RiskAssessment
    from api.graphql.support_types import ReleaseWatchers
    from api.graphql.unauthorized_types import UnauthorizedChange

ReleaseStatus = exposed(governance_vocabulary.ReleaseStatus)
ReleaseType = exposed(governance_vocabulary.ReleaseType)
ChangeType = exposed(shared_vocabulary.ChangeType)
VoteChoice = exposed(governance_vocabulary.VoteChoice)
SessionStatus = exposed(governance_vocabulary.SessionStatus)
SessionOutcome = exposed(governance_vocabulary.SessionOutcome)
SignOffStatus = strawberry.enum(so.SignOffStatus, description="A required sign-off's state now.")


BLOCKERS_DESCRIPTION = (
    "For each service it ships and each environment it targets, the promotion decision now "
    "and its failing and pending gates: what `promotionDecision(fresh: true)` answers for the "
    "service, the version the release ships and the environment, with this release. The "
    "target environments are the release's `environments` (each an environment kind such as "
    "production, or an environment key), matched against the active environments of its "
    "business unit and those shared org-wide; a release naming none targets production. "
    "`environment` asks about that one environment instead. Services of another business unit "
    "are left out (a decision judges a service only with a release of its own). Answered in a "
    "bounded number of statements, whatever the number of services; nothing is recorded."
)


@strawberry.type(description="A service a release ships, at the artifact version it ships.")
class ReleaseServiceLine:
    service: Service
    artifact_version: str


@strawberry.type(description="One filled-in documentation field of a release.")
class DocumentationEntry:
    section: str
    field: str
    value: str


@strawberry.type(description="A template version a release was checked against at submission.")
class CheckedTemplate:
    template_id: strawberry.ID
    key: str
    version: int


@strawberry.type(description="A required documentation field that is not filled in.")
class MissingDocumentation:
    template_key: str
    template_version: int
    organization_wide: bool = strawberry.field(description="True for an RMO (org) template.")
    section: str
    field: str
    label: str

    @classmethod
    def from_requirement(cls, r: Any) -> MissingDocumentation:
        return from_columns(cls, r, organization_wide=r.org_level)


@strawberry.type(description="Whether a release's documentation meets the applicable templates.")
class Completeness:
    complete: bool
    missing: list[MissingDocumentation] = strawberry.field(
        description="Exactly the required fields still blank, org templates first."
    )


@strawberry.type(description="A sign-off a release needs, and its state now.")
class RequiredSignOff:
    requirement: str
    discipline: Discipline
    status: SignOffStatus
    signed_at: datetime | None
    expires_at: datetime | None
    signer_uid: strawberry.Private[uuid.UUID | None]
    sign_off_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_state(cls, s: so.State) -> RequiredSignOff:
        given = s.sign_off
        return from_columns(
            cls,
            s,
            signed_at=given.signed_at if given else None,
            expires_at=given.expires_at if given else None,
            signer_uid=given.signer_id if given else None,
            sign_off_uid=given.id if given else None,
        )

    signer = node_field(
        Person, "person", "signer_uid", "Who signed the sign-off that decides the state."
    )

    @strawberry.field(description="The global id of that sign-off (to revoke it).")
    def sign_off_id(self) -> strawberry.ID | None:
        return (
            strawberry.ID(to_global_id("SignOff", self.sign_off_uid)) if self.sign_off_uid else None
        )


@strawberry.type(description="A change on its way to production: services, window, approvals.")
class Release(Node):
    id: strawberry.ID
    title: str
    description: str
    release_type: ReleaseType
    status: ReleaseStatus
    status_reason: str = strawberry.field(
        description="Why it is in this state, when one was given."
    )
    change_types: list[ChangeType]
    environments: list[str]
    regions: list[str] = strawberry.field(description="Target regions; empty: the services' own.")
    planned_start: datetime | None
    planned_end: datetime | None
    submitted_at: datetime | None
    decided_at: datetime | None
    documentation: list[DocumentationEntry]
    checked_templates: list[CheckedTemplate] = strawberry.field(
        description="The template versions the release was checked against when submitted."
    )
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    owner_uid: strawberry.Private[uuid.UUID]
    cloned_from_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> Release:
        return from_columns(
            cls,
            r,
            change_types=[shared_vocabulary.ChangeType(c) for c in r.change_types],
            environments=list(r.environments),
            regions=list(r.regions),
            documentation=[
                DocumentationEntry(section=s, field=f, value=v)
                for s, fields in sorted((r.documentation or {}).items())
                for f, v in sorted(fields.items())
            ],
            checked_templates=[
                CheckedTemplate(
                    template_id=strawberry.ID(
                        to_global_id("DocumentTemplate", uuid.UUID(t["template_id"]))
                    ),
                    key=t["key"],
                    version=t["version"],
                )
                for t in r.checked_templates or []
            ],
        )

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")

    owner = node_field(
        Person, "person", "owner_uid", "Who answers for the release; never votes or signs on it."
    )

    @strawberry.field(description="The rejected or cancelled release this one was cloned from.")
    async def cloned_from(self, info: Info) -> Release | None:
        return await load_node(info.context.loaders.release, Release, self.cloned_from_uid)

    @strawberry.field(
        description="Its SRE readiness review: checklist, what is missing, sign-off; null when "
        "none is open or not yours to read."
    )
    async def readiness_review(
        self, info: Info
    ) -> Annotated[ReadinessReview, strawberry.lazy("api.graphql.readiness_review_types")] | None:
        from api.graphql.readiness_review_types import release_readiness_review

        return await release_readiness_review(info, self.uid)

    @strawberry.field(
        description="Who watches it once its production window opens: the member on shift and "
        "one of its authors as secondary; null before they are assigned or not yours to read."
    )
    async def watchers(
        self, info: Info
    ) -> Annotated[ReleaseWatchers, strawberry.lazy("api.graphql.support_types")] | None:
        from api.graphql.support_types import release_watchers

        return await release_watchers(info, self.uid)

    @strawberry.field(description="Who authored its changes; they never vote or sign on it.")
    async def authors(self, info: Info) -> list[Person]:
        rows = await info.context.loaders.release_authors.load(self.uid)
        return [Person.from_row(r) for r in rows]

    @strawberry.field(description="The services it ships, by key.")
    async def services(self, info: Info) -> list[ReleaseServiceLine]:
        rows = await info.context.loaders.release_services.load(self.uid)
        return [
            ReleaseServiceLine(service=Service.from_row(r), artifact_version=r.artifact_version)
            for r in rows
        ]

    @strawberry.field(description="Its documentation against the latest active templates.")
    async def completeness(self, info: Info) -> Completeness | None:
        result = await info.context.loaders.release_completeness.load(self.uid)
        if result is None:
            return None
        return Completeness(
            complete=result.complete,
            missing=[MissingDocumentation.from_requirement(m) for m in result.missing],
        )

    @strawberry.field(description="The sign-offs its data requires, and their state now.")
    async def sign_offs(self, info: Info) -> list[RequiredSignOff]:
        states = await info.context.loaders.release_sign_offs.load(self.uid)
        return [RequiredSignOff.from_state(s) for s in states]

    @strawberry.field(description="Its go/no-go sessions, oldest first.")
    async def go_no_go_sessions(
        self, info: Info
    ) -> list[Annotated[GoNoGoSession, strawberry.lazy("api.graphql.governance_board_types")]]:
        from api.graphql.governance_board_types import GoNoGoSession

        rows = await info.context.loaders.release_sessions.load(self.uid)
        return [GoNoGoSession.from_row(r) for r in rows]

    @strawberry.field(description="Its latest risk assessment: score, level, every factor.")
    async def risk_assessment(
        self, info: Info
    ) -> Annotated[RiskAssessment, strawberry.lazy("api.graphql.risk_types")] | None:
        from api.graphql.risk_types import release_risk_assessment

        return await release_risk_assessment(info, self.uid)

    @strawberry.field(description="Its risk assessments, newest first.")
    async def risk_assessments(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[Annotated[RiskAssessment, strawberry.lazy("api.graphql.risk_types")]]:
        from api.graphql.risk_types import release_risk_assessments

        return await release_risk_assessments(info, self.uid, first, after)

    @strawberry.field(description="Peer reviews of its changes.")
    async def peer_reviews(
        self, info: Info
    ) -> list[Annotated[PeerReview, strawberry.lazy("api.graphql.risk_types")]]:
        from api.graphql.risk_types import release_peer_reviews

        return await release_peer_reviews(info, self.uid)

    @strawberry.field(description="Whether its changes need a peer review before staging, and why.")
    async def peer_review_requirement(
        self, info: Info
    ) -> Annotated[PeerReviewRequirement, strawberry.lazy("api.graphql.risk_types")]:
        from api.graphql.risk_types import release_peer_review_requirement

        return await release_peer_review_requirement(info, self.uid)

    @strawberry.field(
        description="Its production deployments that no allowed promotion covered (unauthorized "
        "changes), oldest first; the release reaches DEPLOYED only once every one is reviewed."
    )
    async def unauthorized_changes(
        self, info: Info
    ) -> list[Annotated[UnauthorizedChange, strawberry.lazy("api.graphql.unauthorized_types")]]:
        from api.graphql.unauthorized_types import release_unauthorized_changes

        return await release_unauthorized_changes(info, self.uid)

    @strawberry.field(description=BLOCKERS_DESCRIPTION)
    async def blockers(
        self,
        info: Info,
        environment: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this environment (an Environment id)."),
        ] = None,
    ) -> list[Annotated[ReleaseBlockers, strawberry.lazy("api.graphql.release_blockers")]]:
        from api.graphql.release_blockers import blockers_of_release

        return await blockers_of_release(info, self.uid, environment)
