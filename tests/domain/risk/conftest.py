"""Risk fixtures: a BU with a team, services and people as rows; releases written directly.

Every test runs in a rolled-back transaction on SQLite and PostgreSQL; use cases run through
units of work (AllowAll unless a test narrows the authorizer).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.governance.models import Release
from domain.organization.models import BusinessUnit, Service, Team
from domain.risk import assessments, peer_reviews, versions
from domain.risk import commands as cmd
from domain.risk.model import DEFAULT_MODEL
from domain.risk.models import PeerReview, RiskAssessment
from tests.world import World


class RiskWorld(World):
    bu: BusinessUnit
    other_bu: BusinessUnit
    team: Team

    def tick(self, seconds: int = 60) -> None:
        self.clock.advance(timedelta(seconds=seconds))

    async def service(
        self, tier: str = "internal", data: str = "internal", regions: list[str] | None = None
    ) -> Service:
        regions = regions if regions is not None else ["eu-west-1"]
        return await self.add.service(
            self.team, "svc", name="S", tier=tier, data=data, regions=regions
        )

    async def depend(self, consumer: Service, provider: Service) -> None:
        await self.add.depend(consumer.id, provider.id)

    async def release(
        self,
        services: list[Service],
        change_types: list[str] | None = None,
        authors: list[str] | None = None,
        status: str = "draft",
    ) -> Release:
        made = await self.add.release(
            self.bu.id,
            owner="rita",
            status=status,
            services=[s.id for s in services],
            authors=authors or [],
            change_types=change_types or [],
        )
        self.tick()
        return made

    async def assess(self, release: Release, who: str = "rita", **kw: Any) -> RiskAssessment:
        row = await self.run(assessments.assess_risk, cmd.AssessRisk(release.id, **kw), who=who)
        self.tick()
        return row

    async def review(
        self, release: Release, who: str, verdict: str = "approved", **kw: Any
    ) -> PeerReview:
        review = cmd.RecordPeerReview(release.id, verdict, **kw)
        row = await self.run(peer_reviews.record_peer_review, review, who=who)
        self.tick()
        return row

    async def save_model(self, who: str = "rita", **kw: Any) -> versions.ModelSaved:
        current = await versions.current_model(self.session)
        kw.setdefault("expected_version", current.version)
        return await self.run(versions.update_core_model, cmd.UpdateRiskModel(**kw), who=who)

    async def save_mapping(self, who: str = "rita", **kw: Any) -> Any:
        kw.setdefault("bu_id", self.bu.id)
        _, version = await versions.current_overlay(self.session, kw["bu_id"])
        kw.setdefault("expected_version", version)
        return await self.run(versions.update_bu_mapping, cmd.UpdateRiskMapping(**kw), who=who)


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> RiskWorld:
    """BUs Payments (team core) and Retail; people rita, ann, bob and cid; services by factory."""
    world = RiskWorld(session, now)
    org = await world.add.org("rita", "ann", "bob", "cid")
    world.bu, world.other_bu, world.team = org.bu, org.other_bu, org.team
    # API tests share the database and may have saved core models: score with the defaults.
    if (await versions.current_model(session)).version != 0:
        await world.save_model(
            weights=DEFAULT_MODEL.weights,
            change_type_weights=DEFAULT_MODEL.change_type_weights,
            thresholds=DEFAULT_MODEL.mapping.thresholds,
            requirements=DEFAULT_MODEL.mapping.requirements,
        )
    return world
