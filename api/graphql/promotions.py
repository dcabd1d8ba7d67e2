"""The promotion decision in GraphQL: ask it, request a promotion, approve, decide again."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from api.endpoints.decisions import decision_cache
from api.global_ids import with_global_ids
from api.graphql.compliance_controls_types import Bypass, GateKey
from api.graphql.context import Info
from api.graphql.enums import exposed
from api.graphql.mutations import MutationRunner
from api.graphql.organization_types import Person, Service
from api.graphql.relay import (
    Connection,
    Node,
    from_global_id,
    from_optional_global_id,
    load_node,
    node_field,
    paginate,
    to_global_id,
)
from api.graphql.user_errors import PIPELINES, UserError
from domain.kernel.gates import GateOutcome
from domain.kernel.gates import GateStatus as GateStatusKind
from domain.pipelines import promotion_lifecycle as lifecycle
from domain.pipelines import promotion_queries, promotions
from domain.pipelines.decision_rules import Decision
from domain.pipelines.promotion_commands import (
    ApprovePromotion,
    AskPromotion,
    CancelPromotion,
    Change,
)
from domain.pipelines.recorded_decision import recorded_decision
from domain.pipelines.vocabulary import PromotionStatus as PromotionStatusKind

run = MutationRunner(PIPELINES)

GateStatus = strawberry.enum(
    GateStatusKind, name="PromotionGateStatus", description="How a gate stands."
)
PromotionStatus = exposed(PromotionStatusKind)


@strawberry.type(description="One gate of a promotion decision: its status, why, and the evidence.")
class PromotionGate:
    gate: GateKey  # type: ignore[valid-type]
    status: GateStatus  # type: ignore[valid-type]
    reason: str
    evidence: JSON
    waived_by_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_outcome(cls, o: GateOutcome) -> PromotionGate:
        return cls(
            gate=GateKey(o.gate),  # type: ignore[operator]
            status=o.status,
            reason=o.reason,
            evidence=with_global_ids(o.evidence),
            waived_by_uid=o.waived_by,
        )

    @strawberry.field(description="The emergency bypass that waived it, if one did.")
    async def waived_by(self, info: Info) -> Bypass | None:
        if self.waived_by_uid is None:
            return None
        return await load_node(info.context.loaders.bypass, Bypass, self.waived_by_uid)


@strawberry.type(description="May this artifact go there now? Every gate, and the verdict.")
class PromotionDecision:
    status: PromotionStatus = strawberry.field(  # type: ignore[valid-type]
        description="ALLOWED, REFUSED (a gate failed) or WAITING (only pending gates block)."
    )
    allowed: bool
    exit_code: int = strawberry.field(
        description="0 allowed, 1 refused (a gate failed), 2 waiting (only pending gates block)."
    )
    summary: str = strawberry.field(
        description="The verdict in words, opening with the status: Allowed, Refused or Waiting."
    )
    as_of: datetime | None = strawberry.field(
        description="When the facts judged were gathered: an asked decision may answer from "
        "facts up to two seconds old (ask with fresh: true for facts gathered now)."
    )
    risk_level: str | None
    gates: list[PromotionGate]

    @classmethod
    def from_domain(cls, d: Decision, risk_level: str | None) -> PromotionDecision:
        return cls(
            status=d.status,
            allowed=d.allowed,
            exit_code=exit_code(d),
            summary=d.summary,
            as_of=d.as_of,
            risk_level=risk_level,
            gates=[PromotionGate.from_outcome(o) for o in d.outcomes],
        )


def exit_code(d: Decision) -> int:
    return {"allowed": 0, "refused": 1}.get(str(d.status), 2)


@strawberry.type(description="An artifact asked to go to an environment, decided and approved.")
class Promotion(Node):
    id: strawberry.ID
    artifact_version: str
    stored_status: strawberry.Private[str]
    stored_summary: strawberry.Private[str]
    expires_at: datetime | None = strawberry.field(
        description="When it expires if still waiting (guardrail promotion_wait_expiry_hours)."
    )
    decided_at: datetime
    decision: JSON = strawberry.field(
        description="The last decision, every gate with evidence, as stored.",
        deprecation_reason="Use `recordedDecision`, typed like an asked decision; `decision` "
        "goes away in the next release.",
    )
    changes: JSON
    version: int
    created_at: datetime
    service_uid: strawberry.Private[uuid.UUID]
    requester_uid: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, r: Any) -> Promotion:
        return cls(
            id=strawberry.ID(to_global_id("Promotion", r.id)),
            artifact_version=r.artifact_version,
            stored_status=r.status,
            stored_summary=r.summary,
            expires_at=r.expires_at,
            decided_at=r.decided_at,
            decision=with_global_ids(r.decision),
            changes=[with_global_ids(c) for c in r.changes],
            version=r.version,
            created_at=r.created_at,
            service_uid=r.service_id,
            requester_uid=r.requested_by_id,
        )

    service = node_field(Service, "service", "service_uid")

    def _as_read(self, info: Info) -> tuple[PromotionStatusKind, str]:
        now = info.context.runtime.clock.now()
        return lifecycle.as_read(self.stored_status, self.stored_summary, self.expires_at, now)

    @strawberry.field(
        description="Where it stands now: a waiting promotion reads EXPIRED from expiresAt on."
    )
    def status(self, info: Info) -> PromotionStatus:  # type: ignore[valid-type]
        return self._as_read(info)[0]

    @strawberry.field(description="The last decision recorded, every gate with its evidence.")
    def recorded_decision(self) -> PromotionDecision:
        return PromotionDecision.from_domain(
            recorded_decision(self.decision), self.decision.get("riskLevel")
        )

    @strawberry.field(description="The last decision in words, opening with the status.")
    def summary(self, info: Info) -> str:
        return self._as_read(info)[1]

    @strawberry.field
    async def requested_by(self, info: Info) -> Person | None:
        if self.requester_uid is None:
            return None
        return await load_node(info.context.loaders.person, Person, self.requester_uid)


@strawberry.input(description="A change in the promotion and its people, by username.")
class PromotionChangeInput:
    ref: str
    authors: list[str] = strawberry.field(default_factory=list)
    reviewers: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class PromotionAskInput:
    service_id: strawberry.ID
    environment_id: strawberry.ID
    artifact_version: str
    release_id: strawberry.ID | None = None
    changes: list[PromotionChangeInput] = strawberry.field(default_factory=list)

    def command(self) -> AskPromotion:
        return AskPromotion(
            service_id=from_global_id(self.service_id, "Service", "serviceId"),
            environment_id=from_global_id(self.environment_id, "Environment", "environmentId"),
            artifact_version=self.artifact_version,
            release_id=from_optional_global_id(self.release_id, "Release", "releaseId"),
            changes=tuple(
                Change(c.ref, tuple(c.authors), tuple(c.reviewers)) for c in self.changes
            ),
        )


@strawberry.input
class PromotionApproveInput:
    id: strawberry.ID
    version: int
    note: str = ""


@strawberry.input
class PromotionDecideInput:
    id: strawberry.ID


@strawberry.input(description="Withdraw a waiting promotion.")
class PromotionCancelInput:
    id: strawberry.ID
    version: int
    reason: str = strawberry.field(default="", description="Why, for the audit trail.")

    def command(self) -> CancelPromotion:
        pid = from_global_id(self.id, "Promotion", "id")
        return CancelPromotion(promotion_id=pid, version=self.version, reason=self.reason)


@strawberry.type
class PromotionPayload:
    promotion: Promotion | None
    decision: PromotionDecision | None
    errors: list[UserError]


def _payload(found: Any, errors: list[UserError]) -> PromotionPayload:
    if found is None:
        return PromotionPayload(promotion=None, decision=None, errors=errors)
    row, decision = found
    level = row.decision.get("riskLevel") if row.decision else None
    return PromotionPayload(
        promotion=Promotion.from_row(row),
        decision=PromotionDecision.from_domain(decision, level),
        errors=errors,
    )


@strawberry.input
class PromotionFilter:
    service_id: strawberry.ID | None = None
    environment_id: strawberry.ID | None = None
    statuses: list[PromotionStatus] = strawberry.field(  # type: ignore[valid-type]
        default_factory=list, description="Any of these, as they stand now; empty: every status."
    )
    status: str | None = strawberry.field(
        default=None,
        description="refused, waiting, allowed, promoted, cancelled or expired.",
        deprecation_reason="Use `statuses`, typed by PromotionStatus; `status` goes away in the "
        "next release.",
    )


@strawberry.type
class PromotionsQuery:
    @strawberry.field(description="Promotions you may read, in the order they were asked.")
    async def promotions(
        self,
        info: Info,
        filter: PromotionFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Promotion]:
        f = filter or PromotionFilter()
        return await paginate(
            info,
            Promotion,
            promotion_queries.promotions,
            service_id=from_optional_global_id(f.service_id, "Service", "serviceId"),
            environment_id=from_optional_global_id(
                f.environment_id, "Environment", "environmentId"
            ),
            statuses=[*f.statuses, *([f.status] if f.status is not None else [])],
            now=info.context.runtime.clock.now(),
            first=first,
            after=after,
        )

    @strawberry.field(
        description="May this artifact of this service go to this environment now? Nothing is "
        "recorded (facts may be up to two seconds old, see asOf); every gate with its reason "
        "and evidence."
    )
    async def promotion_decision(
        self,
        info: Info,
        input: PromotionAskInput,
        fresh: Annotated[
            bool,
            strawberry.argument(
                description="Gather the facts now rather than answer from a recent snapshot."
            ),
        ] = False,
    ) -> PromotionDecision:
        runtime = info.context.runtime
        cache = None if fresh else decision_cache(runtime)
        async with info.context.reader() as r:
            s, decision = await promotions.evaluate(r, input.command(), runtime.clock.now(), cache)
        return PromotionDecision.from_domain(decision, s.risk_level)


@strawberry.type
class PromotionsMutation:
    @strawberry.mutation(
        description="Ask for a promotion: decided now and recorded in the audit trail."
    )
    async def promotion_request(self, info: Info, input: PromotionAskInput) -> PromotionPayload:
        c = input.command()
        found, errors = await run(info, lambda uow: promotions.request_promotion(uow, c))
        return _payload(found, errors)

    @strawberry.mutation(
        description="Approve a promotion; refused to its requester and to anyone who wrote or "
        "reviewed a change in it (SOD_REQUESTER, SOD_AUTHOR, SOD_REVIEWER)."
    )
    async def promotion_approve(self, info: Info, input: PromotionApproveInput) -> PromotionPayload:
        c = ApprovePromotion(
            promotion_id=from_global_id(input.id, "Promotion", "id"),
            version=input.version,
            note=input.note,
        )
        found, errors = await run(info, lambda uow: promotions.approve_promotion(uow, c))
        return _payload(found, errors)

    @strawberry.mutation(description="Decide a promotion again now, and record the decision.")
    async def promotion_decide(self, info: Info, input: PromotionDecideInput) -> PromotionPayload:
        pid = from_global_id(input.id, "Promotion", "id")
        found, errors = await run(info, lambda uow: promotions.decide_promotion(uow, pid))
        return _payload(found, errors)

    @strawberry.mutation(
        description="Cancel a waiting promotion: its requester, a release manager or the RMO "
        "(PROMOTION_NOT_WAITING, PROMOTION_EXPIRED, PROMOTION_CANCELLED otherwise)."
    )
    async def promotion_cancel(self, info: Info, input: PromotionCancelInput) -> PromotionPayload:
        c = input.command()
        row, errors = await run(info, lambda uow: lifecycle.cancel_promotion(uow, c))
        promotion = Promotion.from_row(row) if row is not None else None
        return PromotionPayload(promotion=promotion, decision=None, errors=errors)
