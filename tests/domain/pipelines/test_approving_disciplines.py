"""A production promotion's approvals cover the approving disciplines its release's risk level
requires: an approval counts for its approver's disciplines (approver grants in the BU or
org-wide), gathered and judged on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.kernel.access import ORG_SCOPE
from domain.kernel.gates import GateOutcome, GateStatus
from domain.organization.models import RoleGrant
from domain.pipelines.decision_rules import ApprovalFacts
from domain.pipelines.gather import Ask, take_snapshot
from domain.pipelines.judge import judge
from tests.world import World

APPROVERS = {"erin": "engineering", "sam": "security", "olga": "engineering"}
"""Who approves for which discipline; olga is an org-wide approver, the others the BU's."""


class ApprovalWorld(World):
    ask: Ask

    async def approvals_gate(self, *approvers: str) -> GateOutcome:
        approvals = [
            ApprovalFacts(uuid.uuid4(), self.people[p].id, p, self.clock.now()) for p in approvers
        ]
        s = await take_snapshot(self.session, self.ask, self.clock.now(), approvals)
        return judge(s, self.clock.now()).by_gate()["approvals"]


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> ApprovalWorld:
    """An approved release of one service asking for production, two approvers needed."""
    world = ApprovalWorld(session, now)
    for name in ("owner", "requester", "ben", *APPROVERS):
        await world.add.person(name)
    bu = await world.add.bu()
    service = await world.add.service(await world.add.team(bu.id), "svc")
    env = await world.add.environment(bu.id)
    release = await world.add.release(
        bu.id, owner="owner", status="approved", services=[service.id]
    )
    session.add_all(
        RoleGrant(
            person_id=world.people[name].id,
            role="approver",
            bu_id=None if name == "olga" else bu.id,
            domain=ORG_SCOPE if name == "olga" else str(bu.id),
            discipline=discipline,
            created_at=now,
        )
        for name, discipline in APPROVERS.items()
    )
    session.add(
        RoleGrant(
            person_id=world.people["ben"].id,
            role="bu_admin",
            bu_id=bu.id,
            domain=str(bu.id),
            created_at=now,
        )
    )
    await session.flush()
    world.ask = Ask(service.id, env.id, "1.0", release.id, world.people["requester"].id)
    return world


class TestTheRiskLevelsApprovingDisciplineIsRequired:
    async def test_two_approvals_without_engineering_wait(self, world: ApprovalWorld) -> None:
        gate = await world.approvals_gate("sam", "ben")
        assert gate.status is GateStatus.PENDING
        assert "2 of 2 approvals given. No approval yet from engineering: risk " in gate.reason
        assert gate.evidence["missingDisciplines"] == ["engineering"]

    async def test_an_engineering_approval_in_the_bu_completes_them(
        self, world: ApprovalWorld
    ) -> None:
        gate = await world.approvals_gate("sam", "erin")
        assert gate.status is GateStatus.PASSED
        assert gate.reason == "2 of 2 approvals given, covering engineering."

    async def test_an_org_wide_engineering_approver_counts_too(self, world: ApprovalWorld) -> None:
        assert (await world.approvals_gate("olga", "ben")).status is GateStatus.PASSED
