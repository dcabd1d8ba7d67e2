"""Policy iteration in the living world (issue 18): the acquiring team's retrospective after the
ledger post-mortem proposed two changes. The first, post-mortems due in 7 days rather than 10 in
payments, was approved by the payments BU admin and applied, so it is version 2 of payments'
guardrails and records the proposal and the retrospective (post-mortems opened from then on are
due sooner); the second, a lower score for high risk in payments, waits for a decision."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from demo.cast import Cast
from domain.insights import policy_service as policy
from domain.insights.policy_commands import CreateProposal, DecideProposal, RecordRetrospective
from domain.insights.policy_models import PolicyProposal

if TYPE_CHECKING:
    from api.runtime import Runtime

TITLE = "Acquiring: sprint 48 retrospective"
NOTES = (
    "The ledger post-mortem's actions went stale: by day 10 nobody remembered the timeline. "
    "Two high-risk releases scored just under the threshold."
)
OUTCOMES = "Post-mortems due sooner in payments; look at the high-risk threshold."
APPLIED = (
    "postmortem_due_days",
    7,
    "Post-mortems written within a week keep their timeline; at 10 days actions go stale.",
)
PENDING = ("high", 15.0, "Two releases scored 16 and 17 and went out as medium risk.")


async def load_policy(runtime: Runtime, cast: Cast) -> None:
    """The retrospective, the applied proposal and the pending one, each step as its person."""
    run = runtime.units.run
    engineer, admin = cast.actor("engineer"), cast.actor("payments-admin")
    held_on = (runtime.clock.now() - timedelta(days=3)).date()
    retro_command = RecordRetrospective(cast.teams["acquiring"], held_on, TITLE, NOTES, OUTCOMES)
    retro = await run(lambda uow: policy.record_retrospective(uow, retro_command), actor=engineer)

    async def submitted(kind: str, key: str, value: object, why: str) -> PolicyProposal:
        made = CreateProposal("retrospective", retro.id, kind, "business_unit", key, value, why)
        draft = await run(lambda uow: policy.create_proposal(uow, made), actor=engineer)
        submit = DecideProposal(draft.id, draft.version)
        return await run(lambda uow: policy.submit_proposal(uow, submit), actor=engineer)

    first = await submitted("guardrail", *APPLIED)
    approve = DecideProposal(first.id, first.version, "Agreed at the payments ops review.")
    approved = await run(lambda uow: policy.approve_proposal(uow, approve), actor=admin)
    apply = DecideProposal(approved.id, approved.version)
    await run(lambda uow: policy.apply_proposal(uow, apply), actor=admin)
    await submitted("risk_threshold", *PENDING)
