"""Factories of the pipeline-definition tests: an organization as rows, use cases through units
of work. Test modules build their `world` fixture with `make_world` (the pipelines package holds
three worlds: definitions, evidence and deployments)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.pipelines import definition_commands as cmd
from domain.pipelines import definitions, runs
from domain.pipelines.definition_models import DefinitionVersion, Pipeline, PipelineRun
from domain.pipelines.definition_rules import canonical_hash
from tests.world import World, unique


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
V3 = definition(("build", "test", []), ("stage", "staging", ["peer_review"]))


def hash_of(source: str) -> str:
    return canonical_hash(source)


class DefinitionsWorld(World):
    bu: uuid.UUID
    other_bu: uuid.UUID
    team: uuid.UUID
    services: dict[str, uuid.UUID]

    async def pipeline(self, who: str = "rita", **kw: Any) -> Pipeline:
        values: dict[str, Any] = {
            "team_id": self.team,
            "key": f"deploy-{uuid.uuid4().hex[:8]}",
            "name": "Deploy",
            "service_ids": [self.services["api"]],
        }
        values.update(kw)
        return await self.run(definitions.create_pipeline, cmd.CreatePipeline(**values), who=who)

    async def register(
        self, pipeline: Pipeline, source: str = V1, who: str = "rita", fmt: str = "yaml"
    ) -> definitions.Registration:
        registration = cmd.RegisterDefinition(pipeline.id, source, fmt)
        found = await self.run(definitions.register_definition, registration, who=who)
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
        authorizer = kw.pop("authorizer", None)
        review = cmd.ReviewDefinition(target.id, verdict, comment, **kw)
        found = await self.run(
            definitions.review_definition, review, who=who, authorizer=authorizer
        )
        self.clock.advance(timedelta(minutes=1))
        return found

    async def active(self, pipeline: Pipeline, source: str = V1) -> DefinitionVersion:
        """Register `source` as rita and have bob approve it."""
        registered = await self.register(pipeline, source)
        return await self.review(registered.version)

    async def record_run(
        self,
        pipeline: Pipeline | None,
        digest: str,
        run_id: str | None = None,
        started_at: datetime | None = None,
        who: str = "rita",
        **kw: Any,
    ) -> PipelineRun:
        authorizer = kw.pop("authorizer", None)
        report = cmd.RunReport(
            run_id=run_id or f"run-{uuid.uuid4().hex[:8]}",
            definition_hash=digest,
            status=kw.pop("status", "running"),
            started_at=started_at or self.clock.now(),
            pipeline_id=pipeline.id if pipeline is not None else None,
            **kw,
        )
        found = await self.run(runs.record_run, report, who=who, authorizer=authorizer)
        self.clock.advance(timedelta(minutes=1))
        return found


async def make_world(session: AsyncSession, now: datetime) -> DefinitionsWorld:
    """Payments (team core, critical service api) and Retail (team shop, critical service shop);
    rita, bob and carl."""
    world = DefinitionsWorld(session, now)
    org = await world.add.org("rita", "bob", "carl")
    world.bu, world.other_bu, world.team = org.bu.id, org.other_bu.id, org.team.id
    shop = await world.add.team(org.other_bu.id, unique("shop"), name="Shop")
    world.services = {
        name: (await world.add.service(team, name, tier="critical")).id
        for name, team in (("api", org.team), ("shop", shop))
    }
    return world
