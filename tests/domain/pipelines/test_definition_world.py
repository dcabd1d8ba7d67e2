"""Factories of the pipeline-definition tests: an organization as rows, use cases through units
of work. Test modules build their `world` fixture with `make_world` (no conftest of ours here:
the package's conftest belongs to the evidence tests)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import AuditRecord
from domain.compliance.repository import append_audit
from domain.kernel.access import Actor
from domain.kernel.clock import FixedClock
from domain.kernel.uow import UnitOfWork
from domain.organization.models import BusinessUnit, Person, Service, Team
from domain.pipelines import definition_commands as cmd
from domain.pipelines import definitions, runs
from domain.pipelines.definition_models import DefinitionVersion, Pipeline, PipelineRun
from domain.pipelines.definition_rules import canonical_hash
from tests.world import AllowAll


def definition(*stages: tuple[str, str, list[str]], description: str | None = None) -> str:
    """A YAML definition of (stage name, environment kind, gates) stages."""
    lines = [f"description: {description}"] if description else []
    lines.append("stages:")
    for name, kind, gates in stages:
        lines += [f"  - name: {name}", f"    environment_kind: {kind}", "    gates:"]
        lines += [f"      - {g}" for g in gates] or ["      []"]
    return "\n".join(lines) + "\n"


V1 = definition(("build", "test", ["static_analysis"]), ("prod", "production", ["approvals"]))
V2 = definition(
    ("build", "test", ["static_analysis", "security_scan"]), ("prod", "production", ["approvals"])
)
V3 = definition(("build", "test", []), ("stage", "staging", ["readiness"]))


def hash_of(source: str) -> str:
    return canonical_hash(source)


@dataclass
class World:
    session: AsyncSession
    clock: FixedClock
    bu: uuid.UUID
    other_bu: uuid.UUID
    team: uuid.UUID
    services: dict[str, uuid.UUID]
    people: dict[str, Person]
    authorizer: Any = field(default_factory=AllowAll)

    def actor(self, who: str) -> Actor:
        person = self.people[who]
        return Actor(
            person_id=person.id,
            username=person.username,
            display_name=person.display_name,
            subjects=(f"person:{person.id}",),
        )

    def uow(self, who: str = "rita", authorizer: Any = None) -> UnitOfWork:
        return UnitOfWork(
            self.session,
            actor=self.actor(who),
            clock=self.clock,
            authorizer=authorizer or self.authorizer,
            audit_appender=append_audit,
            request_id="req-pipelines",
        )

    async def pipeline(self, who: str = "rita", **kw: Any) -> Pipeline:
        values: dict[str, Any] = {
            "team_id": self.team,
            "key": f"deploy-{uuid.uuid4().hex[:8]}",
            "name": "Deploy",
            "service_ids": [self.services["api"]],
        }
        values.update(kw)
        uow = self.uow(who)
        found = await definitions.create_pipeline(uow, cmd.CreatePipeline(**values))
        await uow.commit()
        return found

    async def register(
        self, pipeline: Pipeline, source: str = V1, who: str = "rita", fmt: str = "yaml"
    ) -> definitions.Registration:
        uow = self.uow(who)
        found = await definitions.register_definition(
            uow, cmd.RegisterDefinition(pipeline.id, source, fmt)
        )
        await uow.commit()
        self.clock.advance(timedelta(minutes=1))
        return found

    async def review(
        self,
        target: DefinitionVersion,
        verdict: str = "approve",
        who: str = "bob",
        comment: str = "",
        **kw: Any,
    ) -> DefinitionVersion:
        uow = self.uow(who, kw.pop("authorizer", None))
        found = await definitions.review_definition(
            uow, cmd.ReviewDefinition(target.id, verdict, comment, **kw)
        )
        await uow.commit()
        self.clock.advance(timedelta(minutes=1))
        return found

    async def active(self, pipeline: Pipeline, source: str = V1) -> DefinitionVersion:
        """Register `source` as rita and have bob approve it."""
        registered = await self.register(pipeline, source)
        return await self.review(registered.version)

    async def run(
        self,
        pipeline: Pipeline | None,
        digest: str,
        run_id: str | None = None,
        started_at: datetime | None = None,
        who: str = "rita",
        **kw: Any,
    ) -> PipelineRun:
        uow = self.uow(who, kw.pop("authorizer", None))
        found = await runs.record_run(
            uow,
            cmd.RunReport(
                run_id=run_id or f"run-{uuid.uuid4().hex[:8]}",
                definition_hash=digest,
                status=kw.pop("status", "running"),
                started_at=started_at or self.clock.now(),
                pipeline_id=pipeline.id if pipeline is not None else None,
                **kw,
            ),
        )
        await uow.commit()
        self.clock.advance(timedelta(minutes=1))
        return found

    async def audit(self, entity_id: uuid.UUID) -> list[AuditRecord]:
        rows = await self.session.scalars(
            select(AuditRecord)
            .where(AuditRecord.entity_id == str(entity_id))
            .order_by(AuditRecord.seq)
        )
        return list(rows.all())


async def make_world(session: AsyncSession, now: datetime) -> World:
    stamp = {"created_at": now, "updated_at": now}
    bu = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Payments", description="", **stamp)
    other = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Retail", description="", **stamp)
    session.add_all([bu, other])
    await session.flush()
    team = Team(bu_id=bu.id, key=f"core-{uuid.uuid4().hex[:6]}", name="Core", **stamp)
    other_team = Team(bu_id=other.id, key=f"shop-{uuid.uuid4().hex[:6]}", name="Shop", **stamp)
    session.add_all([team, other_team])
    await session.flush()
    services = {}
    for key, team_id, bu_id in (("api", team.id, bu.id), ("shop", other_team.id, other.id)):
        svc = Service(
            bu_id=bu_id,
            team_id=team_id,
            key=f"{key}-{uuid.uuid4().hex[:8]}",
            name=key,
            tier="critical",
            data_classification="internal",
            regions=[],
            **stamp,
        )
        session.add(svc)
        await session.flush()
        services[key] = svc.id
    people = {}
    for name in ("rita", "bob", "carl"):
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
    return World(session, FixedClock(now), bu.id, other.id, team.id, services, people)
