"""Calendar fixtures: a small organization made of rows, releases by factory, and units of work.

Releases are inserted as governance rows directly (the governance use cases are another
context's); every test runs in a rolled-back transaction on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import commands as cmd
from domain.calendar import freezes, windows
from domain.calendar.models import Freeze
from domain.compliance.models import AuditRecord
from domain.compliance.repository import append_audit
from domain.governance.models import Release
from domain.kernel.access import Action, Actor, Resource, Scope
from domain.kernel.clock import FixedClock
from domain.kernel.uow import UnitOfWork
from domain.organization.models import BusinessUnit, Person, Service, ServiceDependency, Team


class AllowAll:
    def check(
        self, actor: Actor, action: Action, resource: Resource, bu_id: uuid.UUID | None
    ) -> str | None:
        return "test: allow all"

    def scope(self, actor: Actor, action: Action, resource: Resource) -> Scope:
        return Scope(everywhere=True)

    def roles(self, actor: Actor, bu_id: uuid.UUID | None) -> frozenset[str]:
        return frozenset({"org_admin"})


class OnlyIn:
    """Every action, but only in the given BUs."""

    def __init__(self, *bus: uuid.UUID) -> None:
        self.bus = frozenset(bus)

    def check(
        self, actor: Actor, action: Action, resource: Resource, bu_id: uuid.UUID | None
    ) -> str | None:
        return "test: in bu" if bu_id in self.bus else None

    def scope(self, actor: Actor, action: Action, resource: Resource) -> Scope:
        return Scope(everywhere=False, bu_ids=self.bus)

    def roles(self, actor: Actor, bu_id: uuid.UUID | None) -> frozenset[str]:
        return frozenset()


def at(day: int, hour: int = 0, month: int = 12, year: int = 2026) -> datetime:
    from datetime import UTC

    return datetime(year, month, day, hour, tzinfo=UTC)


@dataclass
class World:
    session: AsyncSession
    clock: FixedClock
    bu: uuid.UUID
    other_bu: uuid.UUID
    services: dict[str, uuid.UUID]
    people: dict[str, Person]
    authorizer: Any = field(default_factory=AllowAll)

    def uow(self, who: str = "rita", authorizer: Any = None) -> UnitOfWork:
        person = self.people[who]
        actor = Actor(
            person_id=person.id,
            username=person.username,
            display_name=person.display_name,
            subjects=(f"person:{person.id}",),
        )
        return UnitOfWork(
            self.session,
            actor=actor,
            clock=self.clock,
            authorizer=authorizer or self.authorizer,
            audit_appender=append_audit,
            request_id="req-calendar",
        )

    async def release(self, title: str = "Release", bu: uuid.UUID | None = None) -> uuid.UUID:
        now = self.clock.now()
        release = Release(
            bu_id=bu or self.bu,
            title=title,
            description="",
            release_type="standard",
            status="approved",
            owner_id=self.people["rita"].id,
            change_types=[],
            environments=[],
            regions=[],
            documentation={},
            checked_templates=[],
            status_reason="",
            created_at=now,
            updated_at=now,
        )
        self.session.add(release)
        await self.session.flush()
        return release.id

    async def plan(self, who: str = "rita", **kw: Any) -> windows.WindowResult:
        values: dict[str, Any] = {"bu_id": self.bu, "kind": "maintenance", "title": "Window"}
        values.update(kw)
        if values.get("release_id") is not None:
            values["kind"] = "release"
        uow = self.uow(who)
        result = await windows.plan_window(uow, cmd.PlanWindow(**values))
        await uow.commit()
        return result

    async def freeze(self, *, approve: bool = True, **kw: Any) -> Freeze:
        values: dict[str, Any] = {
            "title": "Freeze",
            "scope": "org",
            "stakeholder_ids": [self.people["bob"].id],
        }
        values.update(kw)
        uow = self.uow("rita")
        freeze = await freezes.propose_freeze(uow, cmd.ProposeFreeze(**values))
        await uow.commit()
        if approve:
            for person_id in values["stakeholder_ids"]:
                who = next(k for k, p in self.people.items() if p.id == person_id)
                uow = self.uow(who)
                freeze = await freezes.decide_freeze(
                    uow, cmd.DecideFreeze(freeze_id=freeze.id, approve=True)
                )
                await uow.commit()
        return freeze

    async def audit(self, entity_id: uuid.UUID) -> list[AuditRecord]:
        rows = await self.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.entity_id == str(entity_id))
            .order_by(AuditRecord.seq)
        )
        return list(rows.all())


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> World:
    """Two BUs; services api, db, web, cache, batch; web → api → db; people rita, bob, carol."""
    stamp = {"created_at": now, "updated_at": now}
    bu = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Payments", description="", **stamp)
    other = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Retail", description="", **stamp)
    session.add_all([bu, other])
    await session.flush()
    team = Team(bu_id=bu.id, key="core", name="Core", description="", **stamp)
    session.add(team)
    await session.flush()
    services: dict[str, uuid.UUID] = {}
    tiers = {"api": "critical", "db": "critical", "web": "customer_facing"}
    for name in ("api", "db", "web", "cache", "batch"):
        s = Service(
            bu_id=bu.id,
            team_id=team.id,
            key=f"{name}-{uuid.uuid4().hex[:8]}",
            name=name,
            tier=tiers.get(name, "internal"),
            data_classification="internal",
            regions=[],
            **stamp,
        )
        session.add(s)
        await session.flush()
        services[name] = s.id
    for consumer, provider in (("web", "api"), ("api", "db")):
        session.add(
            ServiceDependency(
                consumer_id=services[consumer],
                provider_id=services[provider],
                kind="runtime",
                created_at=now,
            )
        )
    people = {}
    for name in ("rita", "bob", "carol"):
        p = Person(
            username=f"{name}-{uuid.uuid4().hex[:8]}",
            display_name=name.title(),
            email=None,
            kind="human",
            issuer="test",
            subject=f"{name}-{uuid.uuid4().hex}",
            active=True,
            **stamp,
        )
        session.add(p)
        people[name] = p
    await session.flush()
    return World(session, FixedClock(now), bu.id, other.id, services, people)


HOUR = timedelta(hours=1)
