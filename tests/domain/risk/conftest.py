"""Risk fixtures: a BU with a team, services and people as rows; releases written directly.

Every test runs in a rolled-back transaction on SQLite and PostgreSQL; use cases run through
units of work (AllowAll unless a test narrows the authorizer).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import AuditRecord
from domain.compliance.repository import append_audit
from domain.governance.models import Release, ReleaseAuthor, ReleaseService
from domain.kernel.access import Actor
from domain.kernel.clock import FixedClock
from domain.kernel.reader import Reader
from domain.kernel.uow import UnitOfWork
from domain.organization.models import BusinessUnit, Person, Service, ServiceDependency, Team
from domain.risk import assessments, peer_reviews, versions
from domain.risk import commands as cmd
from domain.risk.model import DEFAULT_MODEL
from domain.risk.models import PeerReview, RiskAssessment
from tests.world import AllowAll


@dataclass
class World:
    session: AsyncSession
    clock: FixedClock
    bu: BusinessUnit
    other_bu: BusinessUnit
    team: Team
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
            request_id="req-risk",
        )

    def reader(self, who: str = "rita", authorizer: Any = None) -> Reader:
        person = self.people[who]
        actor = Actor(
            person_id=person.id,
            username=person.username,
            display_name=person.display_name,
            subjects=(f"person:{person.id}",),
        )
        return Reader(self.session, actor, authorizer or self.authorizer)

    def tick(self, seconds: int = 60) -> None:
        self.clock.advance(timedelta(seconds=seconds))

    async def service(
        self,
        tier: str = "internal",
        data: str = "internal",
        regions: list[str] | None = None,
        bu: BusinessUnit | None = None,
    ) -> Service:
        now = self.clock.now()
        made = Service(
            bu_id=(bu or self.bu).id,
            team_id=self.team.id,
            key=f"svc-{uuid.uuid4().hex[:8]}",
            name="S",
            tier=tier,
            data_classification=data,
            regions=regions if regions is not None else ["eu-west-1"],
            created_at=now,
            updated_at=now,
        )
        self.session.add(made)
        await self.session.flush()
        return made

    async def depend(self, consumer: Service, provider: Service) -> None:
        self.session.add(
            ServiceDependency(
                consumer_id=consumer.id,
                provider_id=provider.id,
                kind="runtime",
                created_at=self.clock.now(),
            )
        )
        await self.session.flush()

    async def release(
        self,
        services: list[Service],
        change_types: list[str] | None = None,
        authors: list[str] | None = None,
        status: str = "draft",
        bu: BusinessUnit | None = None,
        regions: list[str] | None = None,
    ) -> Release:
        now = self.clock.now()
        made = Release(
            bu_id=(bu or self.bu).id,
            title="Release",
            description="",
            release_type="standard",
            status=status,
            owner_id=self.people["rita"].id,
            change_types=change_types or [],
            environments=[],
            regions=regions or [],
            documentation={},
            checked_templates=[],
            status_reason="",
            created_at=now,
            updated_at=now,
        )
        self.session.add(made)
        await self.session.flush()
        self.session.add_all(
            ReleaseService(release_id=made.id, service_id=s.id, artifact_version="1.0")
            for s in services
        )
        self.session.add_all(
            ReleaseAuthor(release_id=made.id, person_id=self.people[a].id) for a in authors or []
        )
        await self.session.flush()
        self.tick()
        return made

    async def assess(self, release: Release, who: str = "rita", **kw: Any) -> RiskAssessment:
        uow = self.uow(who)
        row = await assessments.assess_risk(uow, cmd.AssessRisk(release.id, **kw))
        await uow.commit()
        self.tick()
        return row

    async def review(
        self, release: Release, who: str, verdict: str = "approved", **kw: Any
    ) -> PeerReview:
        uow = self.uow(who)
        row = await peer_reviews.record_peer_review(
            uow, cmd.RecordPeerReview(release.id, verdict, **kw)
        )
        await uow.commit()
        self.tick()
        return row

    async def save_model(self, who: str = "rita", **kw: Any) -> versions.ModelSaved:
        current = await versions.current_model(self.session)
        uow = self.uow(who)
        kw.setdefault("expected_version", current.version)
        saved = await versions.update_core_model(uow, cmd.UpdateRiskModel(**kw))
        await uow.commit()
        return saved

    async def save_mapping(self, who: str = "rita", **kw: Any) -> Any:
        kw.setdefault("bu_id", self.bu.id)
        _, version = await versions.current_overlay(self.session, kw["bu_id"])
        kw.setdefault("expected_version", version)
        uow = self.uow(who)
        saved = await versions.update_bu_mapping(uow, cmd.UpdateRiskMapping(**kw))
        await uow.commit()
        return saved

    async def audit(self, entity_id: uuid.UUID) -> list[AuditRecord]:
        rows = await self.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.entity_id == str(entity_id))
            .order_by(AuditRecord.seq)
        )
        return list(rows.all())


def _person(name: str, now: datetime) -> Person:
    return Person(
        username=f"{name}-{uuid.uuid4().hex[:8]}",
        display_name=name.title(),
        email=None,
        kind="human",
        issuer="test",
        subject=f"{name}-{uuid.uuid4().hex}",
        active=True,
        created_at=now,
        updated_at=now,
    )


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> World:
    stamp = {"created_at": now, "updated_at": now}
    bu = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Payments", description="", **stamp)
    other = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Retail", description="", **stamp)
    session.add_all([bu, other])
    await session.flush()
    team = Team(bu_id=bu.id, key="core", name="Core", description="", **stamp)
    people = {name: _person(name, now) for name in ("rita", "ann", "bob", "cid")}
    session.add_all([team, *people.values()])
    await session.flush()
    made = World(session, FixedClock(now), bu, other, team, people)
    # API tests share the database and may have saved core models: score with the defaults.
    if (await versions.current_model(session)).version != 0:
        await made.save_model(
            weights=DEFAULT_MODEL.weights,
            change_type_weights=DEFAULT_MODEL.change_type_weights,
            thresholds=DEFAULT_MODEL.mapping.thresholds,
            requirements=DEFAULT_MODEL.mapping.requirements,
        )
    return made
