"""Revocation across two workers through a real PostgreSQL restart (issue 15's blip).

A throwaway cluster of its own, so stopping it disturbs nothing else. Worker B's caches hold
three people's tokens, JWTs and grants; PostgreSQL is stopped for a second and started again;
worker A, once it answers again, revokes one person's token, deactivates another and revokes
the third one's grant. B must refuse each within a bounded poll (the time it takes is
bench/revocation_bench.py's to report), and be current again afterwards.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest

from tests.api.conftest import Api, serving, serving_demo, settings_for
from tests.api.test_revocation_across_processes import (
    POLL_BOUND,
    accepted,
    deactivate,
    may_administer,
    refused_within_bound,
    revoke_grant,
    revoke_token,
    someone,
    until_current,
    warmed,
)
from tests.support.pg_cluster import Cluster, cluster_for

pytestmark = pytest.mark.fault


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with cluster_for("the restart test", 58432) as c:
        yield c


@pytest.fixture
async def workers(cluster: Cluster, tmp_path: Path) -> AsyncIterator[tuple[Api, Api]]:
    kw = {"db_pool_size": 2, "db_pool_timeout_seconds": 1}
    async with (
        serving_demo(cluster.url, tmp_path, **kw) as a,
        serving(settings_for(cluster.url, tmp_path, **kw)) as b,
    ):
        await until_current(a)
        await until_current(b)
        yield a, b


async def once_answered(call: Callable[[], Awaitable[None]]) -> None:
    """A may still be reconnecting: retry its refusals (503) within the bound."""
    deadline = time.monotonic() + POLL_BOUND
    while True:
        try:
            return await call()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.1)


def refused_or_unavailable(probe: Callable[[], Awaitable[bool]]) -> Callable[[], Awaitable[bool]]:
    """B answering 503 while its pool reconnects accepts nothing: poll on."""

    async def still_accepted() -> bool:
        try:
            return await probe()
        except AssertionError:
            return True

    return still_accepted


class TestAPostgresRestart:
    async def test_revocations_reach_the_other_worker(
        self, workers: tuple[Api, Api], cluster: Cluster
    ) -> None:
        a, b = workers
        token_owner, leaver, demoted = await someone(a), await someone(a), await someone(a)
        for person in (token_owner, leaver, demoted):
            await warmed(b, person)
        await asyncio.to_thread(cluster.stop)
        await asyncio.sleep(1.0)
        await asyncio.to_thread(cluster.start)

        await once_answered(lambda: revoke_token(a, token_owner))
        await once_answered(lambda: deactivate(a, leaver))
        await once_answered(lambda: revoke_grant(a, demoted))

        await refused_within_bound(
            refused_or_unavailable(lambda: accepted(b, token_owner.api_token))
        )
        await refused_within_bound(refused_or_unavailable(lambda: accepted(b, leaver.jwt)))
        await refused_within_bound(
            refused_or_unavailable(lambda: may_administer(b, demoted, demoted.jwt))
        )
        await until_current(b)
        assert await accepted(b, token_owner.jwt)  # only what was revoked is refused
        assert not await may_administer(b, demoted, demoted.jwt)
