"""Governance use cases on a real database (SQLite and PostgreSQL), with a clock we move."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import scheduling
from domain.governance import commands as cmd
from domain.governance import releases, signoffs
from domain.governance.errors import Frozen, SignOffMissing
from domain.governance.models import Release, SignOffRule
from domain.governance.release_rules import TRANSITIONS
from domain.governance.vocabulary import ReleaseStatus
from domain.kernel.errors import DomainError
from domain.kernel.uow import UnitOfWork
from domain.organization.models import BusinessUnit, Person, RoleGrant, Service
from domain.pipelines import release_completion
from tests.world import World

S = ReleaseStatus


class GovernanceWorld(World):
    acting_as = "owner"
    bu: BusinessUnit
    legal: Person
    service: Service

    async def release(self, status: S = S.DRAFT, **kw: Any) -> Release:
        uow = self.uow()
        made = await releases.create_release(
            uow,
            cmd.CreateRelease(
                bu_id=self.bu.id,
                title="Release",
                release_type="standard",
                services=[cmd.ServiceLine(self.service.id, "1.0")],
                **kw,
            ),
        )
        made.status = status
        await uow.session.flush()
        await uow.commit()
        return made


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> GovernanceWorld:
    """A BU with one personal-data service; its owner; Lena, a legal approver; an EU-style rule
    that asks legal to sign off personal data in the service's region."""
    world = GovernanceWorld(session, now)
    # A region of its own: rules other tests commit (the demo's EU rules) never match it.
    prefix = f"zz-{uuid.uuid4().hex[:8]}"
    world.bu = await world.add.bu("BU")
    await world.add.person("owner")
    world.legal = await world.add.person("lena")
    team = await world.add.team(world.bu.id, "t-governance", name="T")
    world.service = await world.add.service(
        team, "s", name="S", data="personal", regions=[f"{prefix}-1"]
    )
    grant = RoleGrant(
        person_id=world.legal.id,
        role="approver",
        bu_id=world.bu.id,
        domain=str(world.bu.id),
        discipline="legal",
        created_at=now,
    )
    rule = SignOffRule(
        key=f"eu-{uuid.uuid4().hex[:8]}",
        name="EU",
        requirement="test_sovereignty",
        discipline="legal",
        condition={"data_classifications": ["personal"], "region_prefixes": [prefix]},
        validity_days=30,
        active=True,
        created_at=now,
        updated_at=now,
    )
    session.add_all([grant, rule])
    await session.flush()
    return world


MOVES: dict[str, tuple[S, Callable[[UnitOfWork, Any], Awaitable[Any]], type[Any]]] = {
    "submit": (S.SUBMITTED, releases.submit_release, cmd.MoveRelease),
    "approve": (S.APPROVED, releases.approve_release, cmd.MoveRelease),
    "reject": (S.REJECTED, releases.reject_release, cmd.MoveRelease),
    "schedule": (S.SCHEDULED, scheduling.schedule_release, cmd.ScheduleRelease),
    "start": (S.DEPLOYING, releases.start_release, cmd.MoveRelease),
    "complete": (S.DEPLOYED, release_completion.complete_release, cmd.MoveRelease),
    "roll back": (S.ROLLED_BACK, releases.roll_back_release, cmd.MoveRelease),
    "cancel": (S.CANCELLED, releases.cancel_release, cmd.MoveRelease),
}
ILLEGAL = [
    (status, name)
    for status in S
    for name, (target, _, _) in MOVES.items()
    if target not in TRANSITIONS[status]
]


class TestEveryIllegalMoveIsRefusedByTheUseCase:
    @pytest.mark.parametrize(("status", "name"), ILLEGAL, ids=[f"{s}-{n}" for s, n in ILLEGAL])
    async def test_the_move_is_refused_and_nothing_changes(
        self, world: GovernanceWorld, status: S, name: str
    ) -> None:
        rel = await world.release(status)
        with pytest.raises(DomainError) as refused:
            _, move, command = MOVES[name]
            await move(world.uow(), command(rel.id, rel.version))
        assert refused.value.code == "ILLEGAL_TRANSITION"
        assert rel.status == status


class TestOwnersDoNotApproveTheirOwnRelease:
    async def test_the_owner_is_refused_and_someone_else_approves(
        self, world: GovernanceWorld
    ) -> None:
        rel = await world.release(S.SUBMITTED)
        with pytest.raises(DomainError) as refused:
            await releases.approve_release(world.uow(), cmd.MoveRelease(rel.id, rel.version))
        assert refused.value.code == "CONFLICT_OF_INTEREST"


class TestAnExpiredSignOffKeepsTheReleaseFromApproval:
    async def test_approval_passes_while_valid_and_fails_once_expired(
        self, world: GovernanceWorld
    ) -> None:
        first = await world.release(S.SUBMITTED)
        second = await world.release(S.SUBMITTED)
        for rel in (first, second):
            uow = world.uow(world.legal)
            given = await signoffs.give_sign_off(uow, cmd.GiveSignOff(rel.id, "test_sovereignty"))
            await uow.commit()
        assert given.expires_at == world.clock.now() + timedelta(days=30)
        uow = world.uow(world.legal)  # not the owner: owners never approve their own release
        approved = await releases.approve_release(uow, cmd.MoveRelease(first.id, first.version))
        await uow.commit()
        assert approved.status == S.APPROVED
        world.clock.advance(timedelta(days=30))
        with pytest.raises(SignOffMissing) as refused:
            await releases.approve_release(
                world.uow(world.legal), cmd.MoveRelease(second.id, second.version)
            )
        assert [(s.requirement, s.status) for s in refused.value.outstanding] == [
            ("test_sovereignty", "expired")
        ]

    async def test_the_owner_never_signs_their_own_release(self, world: GovernanceWorld) -> None:
        rel = await world.release(S.SUBMITTED, owner_id=world.legal.id)
        with pytest.raises(DomainError) as refused:
            await signoffs.give_sign_off(
                world.uow(world.legal), cmd.GiveSignOff(rel.id, "test_sovereignty")
            )
        assert refused.value.code == "CONFLICT_OF_INTEREST"


@dataclass(frozen=True)
class Hit:
    freeze_id: uuid.UUID
    title: str
    occurrence_start: datetime
    occurrence_end: datetime


class TestSchedulingAsksTheCalendar:
    async def test_a_window_inside_a_freeze_is_refused_with_the_freezes(
        self, world: GovernanceWorld, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import domain.calendar.freezes as freezes

        asked: dict[str, Any] = {}
        start = world.clock.now() + timedelta(days=3)
        hit = Hit(
            uuid.uuid4(), "Quarter-end close", start - timedelta(hours=1), start + timedelta(days=1)
        )

        async def blocking(session: AsyncSession, **kw: Any) -> list[Hit]:
            asked.update(kw)
            return [hit]

        monkeypatch.setattr(freezes, "blocking_freezes", blocking)
        rel = await world.release(
            S.APPROVED,
            environments=["production"],
            planned_start=start,
            planned_end=start + timedelta(hours=2),
        )
        with pytest.raises(Frozen) as refused:
            await scheduling.schedule_release(world.uow(), cmd.ScheduleRelease(rel.id, rel.version))
        assert refused.value.code == "FROZEN" and refused.value.hits == [hit]
        assert "Quarter-end close" in refused.value.message
        assert asked["bu_id"] == world.bu.id and asked["service_ids"] == [world.service.id]
        assert asked["environments"] == ["production"] and asked["tiers"] == ["internal"]
        assert asked["release_id"] == rel.id and asked["starts_at"] == start

    async def test_without_freezes_the_release_is_scheduled(
        self, world: GovernanceWorld, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import domain.calendar.freezes as freezes

        async def none(session: AsyncSession, **kw: Any) -> list[Hit]:
            return []

        monkeypatch.setattr(freezes, "blocking_freezes", none)
        start = world.clock.now() + timedelta(days=3)
        rel = await world.release(S.APPROVED)
        uow = world.uow()
        done = await scheduling.schedule_release(
            uow, cmd.ScheduleRelease(rel.id, rel.version, start, start + timedelta(hours=1))
        )
        await uow.commit()
        assert (done.status, done.planned_start) == (S.SCHEDULED, start)
