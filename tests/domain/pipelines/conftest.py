"""Pipelines fixtures: the pipeline-definition world and the deployment world.

The evidence and CDEvents tests build their own `world` (evidence_support.make_world).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.domain.pipelines.deploy_support import DeployWorld, make_deploy_world
from tests.domain.pipelines.test_definition_world import DefinitionsWorld, make_world


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> DefinitionsWorld:
    return await make_world(session, now)


@pytest.fixture
async def deploy_world(session: AsyncSession, now: datetime) -> DeployWorld:
    return await make_deploy_world(session, now)
