"""Compliance controls: emergency bypasses, post-facto reviews, disaster recovery."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from api.graphql.compliance_controls_inputs import (
    BypassDecideInput,
    BypassFilter,
    BypassPayload,
    BypassRequestInput,
    BypassReviewCompleteInput,
    BypassReviewFilter,
    BypassReviewPayload,
    BypassRevokeInput,
    BypassUseInput,
    BypassUsePayload,
    DrProcedureCreateInput,
    DrProcedurePayload,
    DrProcedureRetireInput,
    DrProcedureUpdateInput,
    DrTestPayload,
    DrTestRecordInput,
)
from api.graphql.compliance_controls_types import (
    NODE_LOADERS,
    Bypass,
    BypassReview,
    BypassStatistics,
    BypassUse,
    DrProcedure,
    DrStatus,
    DrTest,
)
from api.graphql.context import Info
from api.graphql.mutations import MutationRunner
from api.graphql.relay import Connection, from_global_id, from_optional_global_id, paginate
from api.graphql.user_errors import COMPLIANCE
from domain.compliance import bypasses, dr
from domain.compliance import control_commands as cmd
from domain.compliance import control_queries as ccq
from domain.compliance.bypass_rules import BypassState

run = MutationRunner(COMPLIANCE)
bypass_payload = run.into(BypassPayload, bypass=Bypass)
use_payload = run.into(BypassUsePayload, use=BypassUse)
bypass_review_payload = run.into(BypassReviewPayload, bypass_review=BypassReview)
dr_procedure_payload = run.into(DrProcedurePayload, dr_procedure=DrProcedure)
dr_test_payload = run.into(DrTestPayload, dr_test=DrTest)


@strawberry.type
class ComplianceControlsQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """This context's node types and loaders, for the schema's `node(id:)`."""
        return NODE_LOADERS

    @strawberry.field(description="Emergency bypasses you may read, oldest request first.")
    async def bypasses(
        self,
        info: Info,
        filter: BypassFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[Bypass]:
        f = filter or BypassFilter()
        return await paginate(
            info,
            Bypass,
            ccq.bypasses,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            release_id=from_optional_global_id(f.release_id, "Release", "releaseId"),
            state=BypassState(f.state.value) if f.state else None,
            now=info.context.runtime.clock.now(),
            first=first,
            after=after,
        )

    @strawberry.field(
        description="Post-facto reviews of bypasses you may read, soonest due first; "
        "`overdue: true` is internal audit's work list."
    )
    async def bypass_reviews(
        self,
        info: Info,
        filter: BypassReviewFilter | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[BypassReview]:
        f = filter or BypassReviewFilter()
        return await paginate(
            info,
            BypassReview,
            ccq.reviews,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            overdue=f.overdue,
            completed=f.completed,
            now=info.context.runtime.clock.now(),
            first=first,
            after=after,
        )

    @strawberry.field(
        description="Per BU: bypasses requested in [from, to), how many were approved, the "
        "releases created in the period, the bypass rate, overdue reviews and time to review."
    )
    async def bypass_statistics(
        self,
        info: Info,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        business_unit_id: strawberry.ID | None = None,
    ) -> list[BypassStatistics]:
        async with info.context.reader() as r:
            lines = await ccq.statistics(
                r,
                start=from_,
                end=to,
                bu_id=from_optional_global_id(business_unit_id, "BusinessUnit", "businessUnitId"),
                now=info.context.runtime.clock.now(),
            )
        return [BypassStatistics.from_domain(s) for s in lines]

    @strawberry.field(description="A service's DR procedures, by kind and title.")
    async def dr_procedures(
        self, info: Info, service_id: strawberry.ID, include_retired: bool = False
    ) -> list[DrProcedure]:
        sid = from_global_id(service_id, "Service", "serviceId")
        async with info.context.reader() as r:
            rows = await ccq.procedures_of_services(r, [sid], include_retired=include_retired)
        return [DrProcedure.from_row(p) for p in rows.get(sid, [])]

    @strawberry.field(
        description="The dr_test gate of a service, as the promotion decision sees it."
    )
    async def dr_status(self, info: Info, service_id: strawberry.ID) -> DrStatus:
        sid = from_global_id(service_id, "Service", "serviceId")
        async with info.context.reader() as r:
            outcome = await ccq.dr_status(r, sid, info.context.runtime.clock.now())
        return DrStatus.from_domain(outcome, sid)


def _decision(input: BypassDecideInput) -> cmd.DecideBypass:
    return cmd.DecideBypass(
        bypass_id=from_global_id(input.id, "Bypass"), version=input.version, note=input.note
    )


@strawberry.type
class ComplianceControlsMutation:
    @bypass_payload.mutation(
        bypasses.request_bypass,
        description="Ask for an emergency bypass: gates of one hotfix release waived for one "
        "target, for a bounded time, once someone else approves.",
    )
    def bypass_request(input: BypassRequestInput) -> cmd.RequestBypass:
        return cmd.RequestBypass(
            release_id=from_global_id(input.release_id, "Release", "releaseId"),
            environment_id=from_global_id(input.environment_id, "Environment", "environmentId"),
            gates=[g.value for g in input.gates],
            justification=input.justification,
            incident_reference=input.incident_reference,
            duration_hours=input.duration_hours,
        )

    @bypass_payload.mutation(
        bypasses.approve_bypass,
        description="Approve a pending bypass (never your own, nor as the release's owner or "
        "author): it is active from now until it expires, and its post-facto review opens.",
    )
    def bypass_approve(input: BypassDecideInput) -> cmd.DecideBypass:
        return _decision(input)

    @bypass_payload.mutation(bypasses.reject_bypass, description="Reject a pending bypass.")
    def bypass_reject(input: BypassDecideInput) -> cmd.DecideBypass:
        return _decision(input)

    @bypass_payload.mutation(
        bypasses.revoke_bypass, description="Stop an active bypass early; its review stays open."
    )
    def bypass_revoke(input: BypassRevokeInput) -> cmd.RevokeBypass:
        return cmd.RevokeBypass(
            bypass_id=from_global_id(input.id, "Bypass"), version=input.version, reason=input.reason
        )

    @use_payload.mutation(
        bypasses.use_bypass, description="Record a use of an active bypass: one gate, its target."
    )
    def bypass_use(input: BypassUseInput) -> cmd.UseBypass:
        return cmd.UseBypass(
            bypass_id=from_global_id(input.bypass_id, "Bypass", "bypassId"),
            gate=input.gate.value,
            environment_id=from_global_id(input.environment_id, "Environment", "environmentId"),
            note=input.note,
        )

    @bypass_review_payload.mutation(
        bypasses.complete_review,
        description="Complete a bypass's post-facto review (never by its requester or approver).",
    )
    def bypass_review_complete(input: BypassReviewCompleteInput) -> cmd.CompleteReview:
        return cmd.CompleteReview(
            review_id=from_global_id(input.review_id, "BypassReview", "reviewId"),
            version=input.version,
            outcome=input.outcome.value,
            findings=input.findings,
            action_items=list(input.action_items),
        )

    @dr_procedure_payload.mutation(
        dr.create_procedure, description="Add a DR procedure to a service."
    )
    def dr_procedure_create(input: DrProcedureCreateInput) -> cmd.CreateDrProcedure:
        return cmd.CreateDrProcedure(
            service_id=from_global_id(input.service_id, "Service", "serviceId"),
            kind=input.kind.value,
            title=input.title,
            runbook_url=input.runbook_url,
            owner_person_id=from_optional_global_id(input.owner_id, "Person", "ownerId"),
            owner_team_id=from_optional_global_id(input.owner_team_id, "Team", "ownerTeamId"),
            rto_minutes=input.rto_minutes,
            rpo_minutes=input.rpo_minutes,
        )

    @dr_procedure_payload.mutation(
        dr.update_procedure,
        description="Change a DR procedure's title, runbook, owners or objectives.",
    )
    def dr_procedure_update(input: DrProcedureUpdateInput) -> cmd.UpdateDrProcedure:
        return cmd.UpdateDrProcedure(
            procedure_id=from_global_id(input.id, "DrProcedure"),
            version=input.version,
            title=input.title,
            runbook_url=input.runbook_url,
            owner_person_id=from_optional_global_id(input.owner_id, "Person", "ownerId"),
            owner_team_id=from_optional_global_id(input.owner_team_id, "Team", "ownerTeamId"),
            rto_minutes=input.rto_minutes,
            rpo_minutes=input.rpo_minutes,
            clear=frozenset(f.value for f in input.clear),
        )

    dr_procedure_retire = dr_procedure_payload.by_id(
        DrProcedureRetireInput,
        "DrProcedure",
        dr.retire_procedure,
        description="Retire a DR procedure; it no longer counts for the gate.",
    )

    @dr_test_payload.mutation(
        dr.record_test, description="Record a performed DR test and its result."
    )
    def dr_test_record(input: DrTestRecordInput) -> cmd.RecordDrTest:
        return cmd.RecordDrTest(
            procedure_id=from_global_id(input.procedure_id, "DrProcedure", "procedureId"),
            performed_at=input.performed_at,
            result=input.result.value,
            notes=input.notes,
            evidence_url=input.evidence_url,
            duration_minutes=input.duration_minutes,
        )
