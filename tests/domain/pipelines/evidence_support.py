"""Factories for evidence and CDEvents tests: two BUs with a service each, people, units of work.

Not a conftest: other slices of the pipelines context share this test package.
"""

from __future__ import annotations

import copy
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from domain.environments.models import Environment
from domain.organization.models import Service
from domain.pipelines import cdevents, evidence
from domain.pipelines import commands as cmd
from domain.pipelines.cdevents_schemas import CdEventSchemas, shipped
from tests.world import World, digest

STANDARDS = Path(__file__).resolve().parents[4] / "shared" / "standards" / "cdevents" / "v0.5.1"


def conformance(name: str) -> dict[str, Any]:
    return orjson.loads((STANDARDS / "conformance" / f"{name}.json").read_bytes())  # type: ignore[no-any-return]


def schemas() -> CdEventSchemas:
    """The schemas Signalbox ships (every event is validated against its version's)."""
    return shipped()


def before_0_5(body: dict[str, Any], spec_version: str, subject_type: str | None) -> dict[str, Any]:
    """The event as CDEvents before 0.5 wrote it: `context.version`, and `subject.type`."""
    body["context"]["version"] = spec_version
    del body["context"]["specversion"]
    if subject_type is not None:
        body["subject"]["type"] = subject_type
    return body


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


class EvidenceWorld(World):
    acting_as = "ci"
    bu: uuid.UUID
    bu_key: str
    other_bu: uuid.UUID
    service: Service
    other_service: Service
    environment: Environment

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
        command = cmd.ReportEvidence(self.artifact(n), report)
        found = await self.run(evidence.report_evidence, command, authorizer=authorizer)
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
        found = await self.run(cdevents.ingest_event, c, checker or shipped())
        self.clock.advance(timedelta(seconds=1))
        return found


async def make_world(session: AsyncSession, now: datetime) -> EvidenceWorld:
    """BUs Payments and Retail with a critical Card Gateway each, production in Payments; the
    machine user ci (who acts) and rita."""
    world = EvidenceWorld(session, now)
    org = await world.add.org()
    world.bu, world.bu_key, world.other_bu = org.bu.id, org.bu.key, org.other_bu.id
    other_team = await world.add.team(org.other_bu.id)
    world.service, world.other_service = [
        await world.add.service(
            team,
            "svc",
            name="Card Gateway",
            tier="critical",
            data="restricted",
            regions=["eu-west-1"],
        )
        for team in (org.team, other_team)
    ]
    world.environment = await world.add.environment(org.bu.id)
    await world.add.person("ci", kind="machine")
    await world.add.person("rita")
    return world
