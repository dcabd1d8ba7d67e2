"""The snapshot cache of asked decisions: young snapshots answer, old ones are taken again."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from domain.environments.facts import EnvironmentFacts
from domain.organization.facts import ServiceFacts
from domain.pipelines.evidence_gates import NO_ARTIFACT, EvidenceFacts
from domain.pipelines.snapshot import Snapshot
from domain.pipelines.snapshot_cache import SnapshotCache

T0 = datetime(2026, 11, 27, 9, tzinfo=UTC)


def _snapshot(at: datetime) -> Snapshot:
    bu_id = uuid.uuid4()
    return Snapshot(
        service=ServiceFacts(uuid.uuid4(), "svc", "Svc", bu_id, uuid.uuid4(), "internal", "PUBLIC"),
        environment=EnvironmentFacts(uuid.uuid4(), "prod", "production", bu_id, None),
        artifact_version="1.0",
        requester_id=None,
        taken_at=at,
        guardrails={},
        evidence=EvidenceFacts(NO_ARTIFACT),
    )


class TestTheCacheAnswersOnlyWhileYoung:
    async def test_a_young_snapshot_answers_and_an_old_one_is_taken_again(self) -> None:
        cache = SnapshotCache(ttl=timedelta(seconds=2))
        taken: list[datetime] = []

        async def take_at(at: datetime) -> Snapshot:
            taken.append(at)
            return _snapshot(at)

        first = await cache.get("k", T0, lambda: take_at(T0))
        again = await cache.get("k", T0 + timedelta(seconds=1), lambda: take_at(T0))
        assert again is first and len(taken) == 1
        later = T0 + timedelta(seconds=3)
        fresh = await cache.get("k", later, lambda: take_at(later))
        assert fresh is not first and taken == [T0, later]
        assert (cache.hits, cache.misses) == (1, 2)

    async def test_the_least_recently_used_goes_first_when_full(self) -> None:
        cache = SnapshotCache(size=2)

        async def take() -> Snapshot:
            return _snapshot(T0)

        for key in ("a", "b", "a", "c"):
            await cache.get(key, T0, take)
        misses = cache.misses
        await cache.get("a", T0, take)
        assert cache.misses == misses  # "a" was used recently, so "b" went
        await cache.get("b", T0, take)
        assert cache.misses == misses + 1
