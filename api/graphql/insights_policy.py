"""Policy iteration: record a team's retrospective; draft, submit, approve, reject and apply a
policy proposal made from it or from a post-mortem; list proposals by BU and status and see one
with its origin and the figures before and after its change."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import strawberry

from api.graphql import insights_policy_inputs as pi
from api.graphql.insights_policy_types import PolicyProposal, Retrospective
from api.graphql.mutations import MutationRunner
from api.graphql.relay import PageArgs, connection_field, from_optional_global_id
from api.graphql.user_errors import POLICY
from domain.insights import policy_commands as cmd
from domain.insights import policy_queries as pq
from domain.insights import policy_service as policy
from domain.kernel.pagination import Page
from domain.kernel.reader import Reader

run = MutationRunner(POLICY)
retrospective_payload = run.into(pi.RetrospectivePayload, retrospective=Retrospective)
proposal_payload = run.into(pi.PolicyProposalPayload, policy_proposal=PolicyProposal)


@strawberry.type
class PolicyQuery:
    @staticmethod
    def node_types() -> dict[str, tuple[str, Any]]:
        """The node types this module serves, for `node(id:)`."""
        return {
            "Retrospective": ("retrospective", Retrospective),
            "PolicyProposal": ("policy_proposal", PolicyProposal),
        }

    @connection_field(Retrospective, description="Retrospectives you may read, oldest first.")
    def retrospectives(
        r: Reader, f: pi.RetrospectiveFilter, page: PageArgs
    ) -> Awaitable[Page[Any]]:
        return pq.retrospectives(
            r,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            team_id=from_optional_global_id(f.team_id, "Team", "teamId"),
            **page,
        )

    @connection_field(
        PolicyProposal,
        description="Policy proposals you may read, oldest first, by business unit and status.",
    )
    def policy_proposals(
        r: Reader, f: pi.PolicyProposalFilter, page: PageArgs
    ) -> Awaitable[Page[Any]]:
        return pq.proposals(
            r,
            bu_id=from_optional_global_id(f.business_unit_id, "BusinessUnit", "businessUnitId"),
            status=None if f.status is None else f.status.value,
            **page,
        )


@strawberry.type
class PolicyMutation:
    @retrospective_payload.mutation(
        policy.record_retrospective, description="Record a team's retrospective (audited)."
    )
    def retrospective_record(input: pi.RetrospectiveRecordInput) -> cmd.RecordRetrospective:
        return pi.record(input)

    @proposal_payload.mutation(
        policy.create_proposal,
        description="Draft a policy proposal from a retrospective or a post-mortem; the value is "
        "checked by the guardrails or risk context (their error codes).",
    )
    def policy_proposal_create(input: pi.PolicyProposalCreateInput) -> cmd.CreateProposal:
        return pi.create(input)

    @proposal_payload.mutation(
        policy.submit_proposal, description="Put a draft proposal up for a decision."
    )
    def policy_proposal_submit(input: pi.PolicyProposalMoveInput) -> cmd.DecideProposal:
        return pi.move(input)

    @proposal_payload.mutation(
        policy.approve_proposal,
        description="Approve a submitted proposal: whoever may change its target today, never "
        "its proposer (SELF_APPROVAL).",
    )
    def policy_proposal_approve(input: pi.PolicyProposalDecideInput) -> cmd.DecideProposal:
        return pi.decide(input)

    @proposal_payload.mutation(
        policy.reject_proposal,
        description="Reject a submitted proposal with a reason: whoever may change its target "
        "today, never its proposer.",
    )
    def policy_proposal_reject(input: pi.PolicyProposalDecideInput) -> cmd.DecideProposal:
        return pi.decide(input)

    @proposal_payload.mutation(
        policy.apply_proposal,
        description="Apply an approved proposal through the guardrails' or risk's own save: a "
        "new version recording the proposal and its origin; refused with their codes when the "
        "value no longer holds.",
    )
    def policy_proposal_apply(input: pi.PolicyProposalMoveInput) -> cmd.DecideProposal:
        return pi.move(input)
