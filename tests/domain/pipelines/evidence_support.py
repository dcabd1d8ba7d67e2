"""Factories for evidence and CDEvents tests: two BUs with a service each, people, units of work.

Not a conftest: other slices of the pipelines context share this test package.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.compliance.models import AuditRecord
from domain.compliance.repository import append_audit
from domain.environments.models import Environment
from domain.kernel.access import Actor
from domain.kernel.clock import FixedClock
from domain.kernel.uow import UnitOfWork
from domain.organization.models import BusinessUnit, Person, Service, Team
from domain.pipelines import cdevents, evidence
from domain.pipelines import commands as cmd
from domain.pipelines.cdevents_schemas import CdEventSchemas
from tests.world import AllowAll

STANDARDS = Path(__file__).resolve().parents[4] / "shared" / "standards" / "cdevents" / "v0.5.1"


def digest(n: int | str) -> str:
    return "sha256:" + f"{n}".encode().hex().rjust(64, "0")[-64:]


def conformance(name: str) -> dict[str, Any]:
    return orjson.loads((STANDARDS / "conformance" / f"{name}.json").read_bytes())  # type: ignore[no-any-return]


def schemas() -> CdEventSchemas | None:
    directory = STANDARDS / "schemas"
    return CdEventSchemas.load(directory) if directory.is_dir() else None


def event(
    kind: str,
    *,
    event_id: str | None = None,
    subject_id: str = "subject-1",
    content: dict[str, Any] | None = None,
    custom: dict[str, Any] | None = None,
    source: str = "/ci/pipeline",
    timestamp: str = "2026-11-27T09:00:00Z",
    version: str = "0.3.0",
) -> dict[str, Any]:
    """A minimal valid CDEvent of `kind` (e.g. `service.deployed`)."""
    body: dict[str, Any] = {
        "context": {
            "specversion": "0.5.1",
            "id": event_id or uuid.uuid4().hex,
            "source": source,
            "type": f"dev.cdevents.{kind}.{version}",
            "timestamp": timestamp,
        },
        "subject": {"id": subject_id, "source": source, "content": content or {}},
    }
    if custom is not None:
        body["customData"] = custom
    return body


@dataclass
class World:
    session: AsyncSession
    clock: FixedClock
    bu: uuid.UUID
    bu_key: str
    other_bu: uuid.UUID
    service: Service
    other_service: Service
    environment: Environment
    people: dict[str, Person]
    authorizer: Any = field(default_factory=AllowAll)

    def uow(self, who: str = "ci", authorizer: Any = None) -> UnitOfWork:
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
            request_id="req-evidence",
        )

    def artifact(self, n: int = 1, service: Service | None = None) -> cmd.ArtifactRef:
        return cmd.ArtifactRef(
            service_id=(service or self.service).id,
            name="card-gateway",
            version=f"1.{n}.0",
            digest=digest(n),
        )

    async def report(
        self, report: cmd.Report, n: int = 1, *, authorizer: Any = None
    ) -> evidence.ReportedEvidence:
        uow = self.uow(authorizer=authorizer)
        found = await evidence.report_evidence(uow, cmd.ReportEvidence(self.artifact(n), report))
        await uow.commit()
        self.clock.advance(timedelta(seconds=1))
        return found

    async def ingest(
        self, body: dict[str, Any], *, bu_key: str | None = None, checker: Any = None, **kw: Any
    ) -> cdevents.Ingested:
        ctx = body.get("context", {})
        c = cmd.IngestEvent(
            ce_id=kw.get("ce_id", ctx.get("id", "")),
            ce_source=kw.get("ce_source", ctx.get("source", "")),
            ce_type=kw.get("ce_type", ctx.get("type", "")),
            cdevent=copy.deepcopy(body),
            business_unit_key=bu_key if bu_key is not None else self.bu_key,
        )
        uow = self.uow()
        found = await cdevents.ingest_event(uow, c, checker)
        await uow.commit()
        self.clock.advance(timedelta(seconds=1))
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
    key = f"bu-{uuid.uuid4().hex[:8]}"
    bu = BusinessUnit(key=key, name="Payments", description="", **stamp)
    other = BusinessUnit(key=f"bu-{uuid.uuid4().hex[:8]}", name="Retail", description="", **stamp)
    session.add_all([bu, other])
    await session.flush()
    teams = [
        Team(bu_id=b.id, key="core", name="Core", description="", **stamp) for b in (bu, other)
    ]
    session.add_all(teams)
    await session.flush()
    services = [
        Service(
            bu_id=t.bu_id,
            team_id=t.id,
            key=f"svc-{uuid.uuid4().hex[:8]}",
            name="Card Gateway",
            tier="critical",
            data_classification="restricted",
            regions=["eu-west-1"],
            **stamp,
        )
        for t in teams
    ]
    env = Environment(
        key=f"prod-{uuid.uuid4().hex[:8]}",
        name="Production",
        kind="production",
        bu_id=bu.id,
        region="eu-west-1",
        final_staging=False,
        owner_person_ids=[],
        capacity=1,
        status="active",
        **stamp,
    )
    session.add_all([*services, env])
    people = {}
    for name in ("ci", "rita"):
        p = Person(
            username=f"{name}-{uuid.uuid4().hex[:8]}",
            display_name=name.title(),
            email=None,
            kind="machine" if name == "ci" else "human",
            issuer="test",
            subject=f"{name}-{uuid.uuid4().hex}",
            active=True,
            **stamp,
        )
        session.add(p)
        people[name] = p
    await session.flush()
    return World(
        session, FixedClock(now), bu.id, key, other.id, services[0], services[1], env, people
    )
