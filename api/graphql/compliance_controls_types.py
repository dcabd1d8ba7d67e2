"""GraphQL types of the compliance controls: bypasses, their uses and reviews, DR procedures and
tests. Plain fields filled from rows; states that depend on time are derived with the server's
clock; related objects only through DataLoaders."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from strawberry.scalars import JSON

from api.global_ids import with_global_ids
from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.environments_types import Environment
from api.graphql.governance_types import Release
from api.graphql.organization_types import BusinessUnit, Person, Service, Team
from api.graphql.relay import Connection, Node, load_node, load_page, node_field
from api.graphql.rows import FromColumns, from_columns
from domain.compliance import bypass_rules
from domain.compliance import vocabulary as compliance_vocabulary
from domain.compliance.bypasses import facts_of
from domain.kernel import gates
from domain.kernel.gates import GateOutcome, GateStatus

GateKey = strawberry.enum(
    gates.GateKey,
    description="A gate of the promotion decision, by name. SEGREGATION_OF_DUTIES is never "
    "waived by a bypass.",
)
BypassState = strawberry.enum(
    bypass_rules.BypassState,
    description="PENDING until decided; an approved bypass is ACTIVE until it expires, then "
    "EXPIRED (derived from the clock); REJECTED and REVOKED are final.",
)
BypassReviewOutcome = exposed(compliance_vocabulary.ReviewOutcome)
DrProcedureKind = exposed(compliance_vocabulary.DrKind)
DrProcedureStatus = exposed(compliance_vocabulary.DrProcedureStatus)
DrTestResult = exposed(compliance_vocabulary.DrResult)
DrGateStatus = strawberry.enum(
    GateStatus, name="DrGateStatus", description="The dr_test gate's verdict."
)


def _now(info: Info) -> datetime:
    return info.context.runtime.clock.now()


@strawberry.type(description="One use of a bypass: a gate waived for its target, by whom, when.")
class BypassUse:
    gate: GateKey
    used_at: datetime
    used_by: str = strawberry.field(description="Username of who used it (often CI).")
    note: str
    person_uid: strawberry.Private[uuid.UUID | None]
    environment_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, r: Any) -> BypassUse:
        return from_columns(cls, r, person_uid=r.used_by_id)

    person = node_field(Person, "person", "person_uid")

    environment = node_field(Environment, "environment", "environment_uid")


@strawberry.type(
    description="An emergency bypass (break-glass): named gates waived for one hotfix release "
    "and one target environment, for a bounded time, approved by someone else."
)
class Bypass(Node):
    id: strawberry.ID
    gates: list[GateKey] = strawberry.field(description="Fixed at request; never widened.")
    justification: str
    incident_reference: str
    duration_hours: int = strawberry.field(description="As requested (capped on approval).")
    requested_at: datetime
    decided_at: datetime | None
    decision_note: str
    approved_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str
    version: int
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[Any]

    @classmethod
    def from_row(cls, r: Any) -> Bypass:
        return from_columns(cls, r, gates=[gates.GateKey(g) for g in r.gates], row=r)

    @strawberry.field(description="The state now, derived from the decision and the clock.")
    def state(self, info: Info) -> BypassState:
        return bypass_rules.state(facts_of(self.row), _now(info))

    @strawberry.field
    async def release(self, info: Info) -> Release | None:
        return await load_node(info.context.loaders.release, Release, self.row.release_id)

    @strawberry.field(description="The one target environment.")
    async def environment(self, info: Info) -> Environment | None:
        return await load_node(
            info.context.loaders.environment, Environment, self.row.environment_id
        )

    @strawberry.field
    async def business_unit(self, info: Info) -> BusinessUnit | None:
        return await load_node(info.context.loaders.business_unit, BusinessUnit, self.row.bu_id)

    @strawberry.field
    async def requested_by(self, info: Info) -> Person | None:
        return await load_node(info.context.loaders.person, Person, self.row.requested_by_id)

    @strawberry.field(description="Who approved or rejected it.")
    async def decided_by(self, info: Info) -> Person | None:
        return await load_node(info.context.loaders.person, Person, self.row.decided_by_id)

    @strawberry.field
    async def revoked_by(self, info: Info) -> Person | None:
        return await load_node(info.context.loaders.person, Person, self.row.revoked_by_id)

    @strawberry.field(description="Its post-facto review, opened on approval.")
    async def review(self, info: Info) -> BypassReview | None:
        return await load_node(info.context.loaders.review_of_bypass, BypassReview, self.row.id)

    @strawberry.field(description="Every recorded use, oldest first.")
    async def uses(self, info: Info) -> list[BypassUse]:
        rows = await info.context.loaders.bypass_uses.load(self.row.id)
        return [BypassUse.from_row(r) for r in rows]


@strawberry.type(description="The post-facto review of an approved bypass.")
class BypassReview(Node):
    id: strawberry.ID
    opened_at: datetime
    due_at: datetime
    completed_at: datetime | None
    outcome: BypassReviewOutcome | None
    findings: str
    action_items: list[str]
    version: int
    bypass_uid: strawberry.Private[uuid.UUID]
    bu_uid: strawberry.Private[uuid.UUID]
    reviewer_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> BypassReview:
        return from_columns(cls, r, action_items=list(r.action_items or []))

    @strawberry.field(description="Not completed and past due, now.")
    def overdue(self, info: Info) -> bool:
        return bypass_rules.overdue(self.completed_at, self.due_at, _now(info))

    bypass = node_field(Bypass, "bypass", "bypass_uid")

    reviewer = node_field(Person, "person", "reviewer_uid")

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")


@strawberry.type(
    description="A BU's bypasses requested in a period, against the releases created in it."
)
class BypassStatistics:
    requested: int
    approved: int
    releases: int = strawberry.field(description="Releases created in the period.")
    rate: float | None = strawberry.field(
        description="Approved bypasses per release created; null without releases."
    )
    overdue_reviews: int = strawberry.field(description="Reviews of them overdue now.")
    completed_reviews: int
    mean_hours_to_review: float | None = strawberry.field(
        description="Mean hours from opening to completing their completed reviews."
    )
    bu_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, s: bypass_rules.BuStatistics) -> BypassStatistics:
        return from_columns(cls, s)

    business_unit = node_field(BusinessUnit, "business_unit", "bu_uid")


@strawberry.type(description="One exercise of a DR procedure and its result.")
class DrTest(Node, FromColumns):
    id: strawberry.ID
    performed_at: datetime
    result: DrTestResult
    notes: str
    evidence_url: str | None
    duration_minutes: int | None
    recorded_at: datetime
    procedure_uid: strawberry.Private[uuid.UUID]
    recorded_by_uid: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def procedure(self, info: Info) -> DrProcedure | None:
        return await load_node(info.context.loaders.dr_procedure, DrProcedure, self.procedure_uid)

    recorded_by = node_field(Person, "person", "recorded_by_uid")


@strawberry.type(description="A service's disaster-recovery procedure for release-induced outages.")
class DrProcedure(Node, FromColumns):
    id: strawberry.ID
    kind: DrProcedureKind
    title: str
    runbook_url: str
    rto_minutes: int | None = strawberry.field(description="Recovery time objective.")
    rpo_minutes: int | None = strawberry.field(description="Recovery point objective.")
    status: DrProcedureStatus
    retired_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    uid: strawberry.Private[uuid.UUID]
    service_uid: strawberry.Private[uuid.UUID]
    owner_person_uid: strawberry.Private[uuid.UUID | None]
    owner_team_uid: strawberry.Private[uuid.UUID | None]

    service = node_field(Service, "service", "service_uid")

    owner = node_field(Person, "person", "owner_person_uid")

    owner_team = node_field(Team, "team", "owner_team_uid")
    last_test = node_field(DrTest, "dr_last_test", "uid", "The newest test, passed or failed.")
    last_passed_test = node_field(
        DrTest,
        "dr_last_passed_test",
        "uid",
        "The newest passing test: what the gate's age is taken from.",
    )

    @strawberry.field(description="Every test recorded, oldest first.")
    async def tests(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> Connection[DrTest]:
        return await load_page(
            info.context.loaders.dr_tests_of_procedure, (self.uid, first, after), DrTest
        )


@strawberry.type(description="The dr_test gate of a service: its verdict, why, and the facts used.")
class DrStatus:
    gate: str
    status: DrGateStatus
    reason: str
    evidence: JSON = strawberry.field(
        description="Required kinds, the age bound in days, and each procedure's last pass."
    )
    service_uid: strawberry.Private[uuid.UUID]

    @classmethod
    def from_domain(cls, outcome: GateOutcome, service_id: uuid.UUID) -> DrStatus:
        evidence = with_global_ids(outcome.evidence)
        return from_columns(cls, outcome, evidence=evidence, service_uid=service_id)

    service = node_field(Service, "service", "service_uid")

    @strawberry.field(description="The service's active DR procedures.")
    async def procedures(self, info: Info) -> list[DrProcedure]:
        rows = await info.context.loaders.dr_procedures_of_service.load(self.service_uid)
        return [DrProcedure.from_row(r) for r in rows]


NODE_LOADERS: dict[str, tuple[str, Any]] = {
    "Bypass": ("bypass", Bypass),
    "BypassReview": ("bypass_review", BypassReview),
    "DrProcedure": ("dr_procedure", DrProcedure),
    "DrTest": ("dr_test", DrTest),
}
"""Node types of this module and their DataLoaders, for `node(id:)`."""
