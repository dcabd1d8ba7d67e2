"""Flags fixtures: a BU with a critical and an internal service, two people; unsupported Unleash
specification cases are deselected (never skipped)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.world import World


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from tests.domain.flags.test_unleash_spec import is_unsupported

    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        case = callspec.params.get("case") if callspec is not None else None
        unsupported = "test_unleash_spec" in item.nodeid and is_unsupported(case)
        (drop if unsupported else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class FlagsWorld(World):
    services: dict[str, uuid.UUID]


@pytest.fixture
async def world(session: AsyncSession, now: datetime) -> FlagsWorld:
    """Services api (critical: production changes wait for approval) and cache; rita and bob."""
    world = FlagsWorld(session, now)
    team = await world.add.team((await world.add.bu()).id)
    world.services = {
        "api": (await world.add.service(team, "api", tier="critical")).id,
        "cache": (await world.add.service(team, "cache")).id,
    }
    for name in ("rita", "bob"):
        await world.add.person(name)
    return world
