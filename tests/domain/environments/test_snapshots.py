"""Config snapshots: validated digests, append-only history, the newest is current, parity."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.environments import parity, queries, repository
from domain.environments.models import ConfigSnapshot
from domain.environments.parity_rules import DivergenceKind
from domain.kernel.errors import DomainError
from tests.domain.environments.conftest import EnvironmentsWorld
from tests.world import digest

COMMIT = "a" * 40


class TestDigestsAreValidated:
    @pytest.mark.parametrize(
        "bad",
        ["sha256:abc", "sha1:" + "a" * 64, "sha256:" + "A" * 64, "sha256:" + "g" * 64, "a" * 64],
    )
    async def test_a_malformed_image_digest_is_refused(
        self, world: EnvironmentsWorld, bad: str
    ) -> None:
        env = await world.environment()
        with pytest.raises(DomainError) as e:
            await world.report(env, images=[("api", bad)])
        assert (e.value.code, e.value.field) == ("INVALID_DIGEST", "images")

    async def test_a_malformed_helm_values_digest_is_refused(
        self, world: EnvironmentsWorld
    ) -> None:
        env = await world.environment()
        with pytest.raises(DomainError) as e:
            await world.report(
                env, helm_chart="pay", helm_chart_version="1.0.0", helm_values_digest="md5:x"
            )
        assert (e.value.code, e.value.field) == ("INVALID_DIGEST", "helmValuesDigest")

    async def test_a_service_listed_twice_is_refused(self, world: EnvironmentsWorld) -> None:
        env = await world.environment()
        with pytest.raises(DomainError) as e:
            await world.report(env, images=[("api", digest(1)), ("api", digest(2))])
        assert e.value.code == "INVALID_SERVICE_KEY"

    async def test_an_empty_snapshot_is_refused(self, world: EnvironmentsWorld) -> None:
        env = await world.environment()
        with pytest.raises(DomainError) as e:
            await world.report(env, git_commit=COMMIT)
        assert e.value.code == "EMPTY_SNAPSHOT"


class TestHistory:
    async def test_snapshots_are_kept_and_the_newest_is_current(
        self, world: EnvironmentsWorld
    ) -> None:
        env = await world.environment()
        first = await world.report(env, images=[("api", digest(1))], git_commit=COMMIT)
        second = await world.report(env, images=[("api", digest(2))], terraform_serial=4)
        current = await repository.current_snapshots(world.session, [env.id])
        assert current[env.id].id == second.snapshot.id
        rows = (
            await world.session.scalars(
                select(ConfigSnapshot.id).where(ConfigSnapshot.environment_id == env.id)
            )
        ).all()
        assert set(rows) == {first.snapshot.id, second.snapshot.id}
        reader = world.reader()
        pages = await queries.snapshots_of_environments(reader, [env.id], first=1, after=None)
        assert [r.id for r in pages[env.id].items] == [first.snapshot.id]
        assert pages[env.id].has_next

    async def test_a_report_is_audited_with_its_images(self, world: EnvironmentsWorld) -> None:
        env = await world.environment()
        found = await world.report(env, images=[("api", digest(1))])
        (record,) = await world.audit(found.snapshot.id)
        assert record.action == "config_snapshot.report"
        assert record.after["images"] == {"api": digest(1)}
        assert record.after["reporter"] == world.people["rita"].username


class TestParityGate:
    async def test_staging_and_production_differing_in_helm_values_are_not_in_parity(
        self, world: EnvironmentsWorld
    ) -> None:
        staging = await world.environment(kind="staging")
        production = await world.environment(kind="production", region="eu-west-1")
        common = {
            "helm_chart": "pay",
            "helm_chart_version": "2.0.0",
            "images": [("api", digest(1))],
        }
        await world.report(staging, helm_values_digest=digest(10), **common)
        await world.report(production, helm_values_digest=digest(11), **common)
        result = await parity.parity_gate(world.session, staging.id, production.id)
        assert not result.in_parity
        assert [(d.kind, d.left, d.right) for d in result.divergences] == [
            (DivergenceKind.HELM_VALUES_DIGEST, digest(10), digest(11))
        ]

    async def test_an_environment_without_a_snapshot_fails_the_gate(
        self, world: EnvironmentsWorld
    ) -> None:
        staging = await world.environment()
        production = await world.environment(kind="production", region="eu-west-1")
        await world.report(staging, images=[("api", digest(1))])
        result = await parity.parity_gate(world.session, staging.id, production.id)
        assert [d.kind for d in result.divergences] == [DivergenceKind.SNAPSHOT_MISSING_RIGHT]
