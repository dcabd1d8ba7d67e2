"""The catalog: environments created with their facts, changed with versions, retired."""

from __future__ import annotations

import uuid

import pytest

from domain.environments import catalog
from domain.environments import commands as cmd
from domain.kernel.errors import DomainError, Forbidden, NotFound, VersionConflict
from tests.domain.environments.conftest import HOUR, EnvironmentsWorld
from tests.world import OnlyIn


class TestCreating:
    async def test_an_environment_is_created_with_owners_and_audited(
        self, world: EnvironmentsWorld
    ) -> None:
        env = await world.environment(
            kind="staging",
            product_domain="payments",
            final_staging=True,
            capacity=3,
            owner_team_id=world.team,
            owner_person_ids=[world.people["bob"].id],
        )
        assert (env.kind, env.capacity, env.final_staging, env.version) == ("staging", 3, True, 1)
        assert env.owner_person_ids == [str(world.people["bob"].id)]
        (record,) = await world.audit(env.id)
        assert record.action == "environment.create"
        assert record.after["key"] == env.key

    async def test_production_names_its_region(self, world: EnvironmentsWorld) -> None:
        with pytest.raises(DomainError) as e:
            await world.environment(kind="production")
        assert e.value.code == "REGION_REQUIRED"
        env = await world.environment(kind="production", region="eu-west-1")
        assert env.region == "eu-west-1"

    async def test_a_product_domain_has_one_final_staging(self, world: EnvironmentsWorld) -> None:
        domain = f"d-{uuid.uuid4().hex[:6]}"
        await world.environment(product_domain=domain, final_staging=True)
        with pytest.raises(DomainError) as e:
            await world.environment(product_domain=domain, final_staging=True)
        assert e.value.code == "FINAL_STAGING_TAKEN"

    async def test_only_staging_is_final_staging(self, world: EnvironmentsWorld) -> None:
        with pytest.raises(DomainError) as e:
            await world.environment(kind="test", product_domain="pay", final_staging=True)
        assert e.value.code == "FINAL_STAGING_NOT_STAGING"

    async def test_keys_are_unique(self, world: EnvironmentsWorld) -> None:
        env = await world.environment()
        with pytest.raises(DomainError) as e:
            await world.environment(key=env.key)
        assert e.value.code == "ALREADY_EXISTS"

    async def test_an_owner_team_of_another_bu_is_refused(self, world: EnvironmentsWorld) -> None:
        with pytest.raises(DomainError) as e:
            await world.environment(bu_id=world.other_bu, owner_team_id=world.team)
        assert e.value.code == "OWNER_NOT_IN_BUSINESS_UNIT"

    async def test_an_org_wide_environment_needs_org_scope(self, world: EnvironmentsWorld) -> None:
        uow = world.uow(authorizer=OnlyIn(world.bu))
        c = cmd.CreateEnvironment(key=f"e-{uuid.uuid4().hex[:6]}", name="Shared", kind="test")
        with pytest.raises(Forbidden):
            await catalog.create_environment(uow, c)


class TestUpdatingAndRetiring:
    async def test_an_update_changes_what_is_given_and_bumps_the_version(
        self, world: EnvironmentsWorld
    ) -> None:
        env = await world.environment(product_domain="pay", capacity=1)
        uow = world.uow()
        env = await catalog.update_environment(
            uow,
            cmd.UpdateEnvironment(env.id, 1, capacity=4, clear=frozenset({"product_domain"})),
        )
        await uow.commit()
        assert (env.capacity, env.product_domain, env.version) == (4, None, 2)
        assert [r.action for r in await world.audit(env.id)][-1] == "environment.update"

    async def test_a_stale_version_is_a_conflict(self, world: EnvironmentsWorld) -> None:
        env = await world.environment()
        with pytest.raises(VersionConflict):
            await catalog.update_environment(world.uow(), cmd.UpdateEnvironment(env.id, 7))

    async def test_an_environment_of_another_bu_reads_as_absent(
        self, world: EnvironmentsWorld
    ) -> None:
        env = await world.environment(bu_id=world.other_bu)
        uow = world.uow(authorizer=OnlyIn(world.bu))
        with pytest.raises(NotFound):
            await catalog.update_environment(uow, cmd.UpdateEnvironment(env.id, 1, name="X"))

    async def test_an_environment_in_use_is_not_retired(self, world: EnvironmentsWorld) -> None:
        env = await world.environment()
        now = world.clock.now()
        await world.reserve(env, now + HOUR, now + 2 * HOUR)
        with pytest.raises(DomainError) as e:
            await catalog.retire_environment(world.uow(), env.id, 1)
        assert e.value.code == "ENVIRONMENT_IN_USE"

    async def test_a_retired_environment_takes_no_reservations(
        self, world: EnvironmentsWorld
    ) -> None:
        env = await world.environment()
        uow = world.uow()
        await catalog.retire_environment(uow, env.id, 1)
        await uow.commit()
        now = world.clock.now()
        with pytest.raises(DomainError) as e:
            await world.reserve(env, now + HOUR, now + 2 * HOUR)
        assert e.value.code == "ENVIRONMENT_RETIRED"
        assert [r.action for r in await world.audit(env.id)][-1] == "environment.retire"
