"""The demo's policy iteration (issue 18): the acquiring team's retrospective with one proposal
applied, as payments' guardrail version 2 recording the proposal and the retrospective, and one
waiting for a decision."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from demo.cast import read_cast
from domain.guardrails.models import GuardrailSetVersion
from domain.insights.policy_models import PolicyProposal, Retrospective
from tests.demo import test_demo_dates as dates
from tests.demo.test_demo_dates import ORDINARY, load_everything

database_url = dates.database_url  # the same fixture: a fresh database per dialect


async def test_the_demo_retrospective_has_an_applied_proposal_and_a_pending_one(
    database_url: str, tmp_path: Path
) -> None:
    runtime = await load_everything(database_url, tmp_path, ORDINARY)
    try:
        cast = await read_cast(runtime)
        assert cast is not None
        async with runtime.db.read_session() as session:
            [retro] = (await session.scalars(select(Retrospective))).all()
            proposals = (
                await session.scalars(select(PolicyProposal).order_by(PolicyProposal.created_at))
            ).all()
            versions = (
                await session.scalars(
                    select(GuardrailSetVersion)
                    .where(GuardrailSetVersion.bu_id == cast.bus["payments"])
                    .order_by(GuardrailSetVersion.version)
                )
            ).all()
        assert retro.team_id == cast.teams["acquiring"]
        assert [(p.status, p.key) for p in proposals] == [
            ("applied", "postmortem_due_days"),
            ("submitted", "high"),
        ]
        applied = proposals[0]
        assert applied.applied_version == 2 == versions[-1].version
        assert versions[-1].values["postmortem_due_days"] == 7
        assert versions[-1].origin == {
            "kind": "policy_proposal",
            "proposal_id": str(applied.id),
            "origin_kind": "retrospective",
            "origin_id": str(retro.id),
        }
        assert (applied.proposed_by_id, applied.decided_by_id) == (
            cast.person("engineer"),
            cast.person("payments-admin"),
        )
    finally:
        await runtime.stop()
