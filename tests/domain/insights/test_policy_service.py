"""Applying proposals at org scope, on a rolled-back session (the API tests share their database,
so the core and the tier profiles are changed only here): a core guardrail, a tier profile and
the core risk model's threshold, each through its context's own use case, each version
recording the proposal and the retrospective."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.guardrails import facts as guardrail_facts
from domain.guardrails.models import GuardrailSet, GuardrailSetVersion
from domain.insights import policy_service as policy
from domain.insights.policy_commands import CreateProposal, DecideProposal, RecordRetrospective
from domain.insights.policy_models import PolicyProposal
from domain.kernel.errors import DomainError
from domain.risk import versions as risk_versions
from domain.risk.models import RiskMappingVersion, RiskModelVersion
from tests.world import World


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> World:
    """A pristine org: no saved guardrail set or risk model (the API tests' are deleted inside
    the rolled-back transaction)."""
    for table in (GuardrailSetVersion, GuardrailSet, RiskMappingVersion, RiskModelVersion):
        await session.execute(delete(table))
    w = World(session, now)
    org = await w.add.org("rita", "bob")
    w.team = org.team  # type: ignore[attr-defined]
    return w


async def applied(w: World, kind: str, scope: str, key: str, value: Any, **kw: Any) -> Any:
    """Rita's retrospective proposes; she submits; Bob approves and applies."""
    team: Any = w.team  # type: ignore[attr-defined]
    retro = await w.run(
        policy.record_retrospective,
        RecordRetrospective(team.id, w.clock.now().date(), "Sprint 9"),
    )
    made = CreateProposal("retrospective", retro.id, kind, scope, key, value, "Because.", **kw)
    p: PolicyProposal = await w.run(policy.create_proposal, made)
    p = await w.run(policy.submit_proposal, DecideProposal(p.id, p.version))
    with pytest.raises(DomainError) as own:
        await w.run(policy.approve_proposal, DecideProposal(p.id, p.version))
    assert own.value.code == "SELF_APPROVAL"
    p = await w.run(policy.approve_proposal, DecideProposal(p.id, p.version), who="bob")
    p = await w.run(policy.apply_proposal, DecideProposal(p.id, p.version), who="bob")
    assert p.status == "applied"
    return p, retro


def origin(p: PolicyProposal, retro_id: uuid.UUID) -> dict[str, str]:
    return {
        "kind": "policy_proposal",
        "proposal_id": str(p.id),
        "origin_kind": "retrospective",
        "origin_id": str(retro_id),
    }


class TestOrgScopeProposalsApplyThroughTheirContexts:
    async def test_a_core_guardrail_becomes_core_version_one_and_binds_every_service(
        self, world: World
    ) -> None:
        p, retro = await applied(world, "guardrail", "core", "min_approvers.production", 3)
        [version] = (await world.session.scalars(select(GuardrailSetVersion))).all()
        assert (version.kind, version.version, p.applied_version) == ("core", 1, 1)
        assert version.values["min_approvers.production"] == 3
        assert version.origin == origin(p, retro.id)
        team: Any = world.team  # type: ignore[attr-defined]
        service = await world.add.service(team, "pay")
        found = await guardrail_facts.guardrails_of_services(world.session, [service.id])
        assert found[service.id]["min_approvers.production"] == 3

    async def test_a_tier_profile_becomes_its_next_version(self, world: World) -> None:
        p, retro = await applied(
            world, "guardrail", "tier", "min_test_coverage_percent", 90, tier="critical"
        )
        [version] = (await world.session.scalars(select(GuardrailSetVersion))).all()
        assert (version.kind, version.subject, version.version) == ("profile", "critical", 1)
        assert version.values["min_test_coverage_percent"] == 90
        assert version.origin == origin(p, retro.id)

    async def test_a_core_risk_threshold_becomes_the_next_model_version(self, world: World) -> None:
        p, retro = await applied(world, "risk_threshold", "core", "high", 16)
        model = await risk_versions.current_model(world.session)
        assert (model.version, p.applied_version) == (1, 1)
        assert model.mapping.thresholds["high"] == 16.0
        [row] = (await world.session.scalars(select(RiskModelVersion))).all()
        assert row.origin == origin(p, retro.id)
        assert "policy_proposal.apply" in await world.audit_actions(p.id)
