"""Pipelines and definition versions: registration, idempotency, peer review, one active."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from domain.kernel.errors import DomainError, Forbidden, NotFound, VersionConflict
from domain.pipelines import definition_commands as cmd
from domain.pipelines import definition_queries as queries
from domain.pipelines import definitions
from domain.pipelines.definition_models import DefinitionVersion, PipelineService
from domain.pipelines.definitions import RegistrationOutcome
from tests.domain.pipelines.test_definition_world import V1, V2, V3, DefinitionsWorld, hash_of
from tests.world import OnlyIn


class TestCreatingPipelines:
    async def test_a_pipeline_belongs_to_a_team_and_lists_its_services(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline(key="deploy-api")
        assert (pipeline.bu_id, pipeline.team_id, pipeline.key) == (
            world.bu,
            world.team,
            "deploy-api",
        )
        services = await world.session.scalars(
            select(PipelineService.service_id).where(PipelineService.pipeline_id == pipeline.id)
        )
        assert list(services) == [world.services["api"]]
        assert [r.action for r in await world.audit(pipeline.id)] == [
            "pipeline.create",
            "pipeline.services",
        ]

    async def test_a_key_is_unique_within_its_team(self, world: DefinitionsWorld) -> None:
        await world.pipeline(key="deploy")
        with pytest.raises(DomainError) as e:
            await world.pipeline(key="deploy")
        assert (e.value.code, e.value.field) == ("ALREADY_EXISTS", "key")

    async def test_a_malformed_key_is_refused(self, world: DefinitionsWorld) -> None:
        with pytest.raises(DomainError) as e:
            await world.pipeline(key="Deploy API")
        assert (e.value.code, e.value.field) == ("INVALID_KEY", "key")

    async def test_services_of_another_business_unit_are_refused(
        self, world: DefinitionsWorld
    ) -> None:
        with pytest.raises(DomainError) as e:
            await world.pipeline(service_ids=[world.services["shop"]])
        assert (e.value.code, e.value.field) == ("SERVICE_NOT_IN_BUSINESS_UNIT", "serviceIds")

    async def test_an_unknown_service_reads_as_not_found(self, world: DefinitionsWorld) -> None:
        with pytest.raises(NotFound) as e:
            await world.pipeline(service_ids=[uuid.uuid4()])
        assert e.value.field == "serviceIds"

    async def test_a_team_outside_your_business_units_reads_as_not_found(
        self, world: DefinitionsWorld
    ) -> None:
        uow = world.uow(authorizer=OnlyIn(world.other_bu))
        with pytest.raises(NotFound):
            await definitions.create_pipeline(
                uow, cmd.CreatePipeline(team_id=world.team, key="x", name="X")
            )


class TestRegistering:
    async def test_a_new_definition_is_proposed_with_its_hashes_and_audited(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        found = await world.register(pipeline, V1)
        v = found.version
        assert found.outcome is RegistrationOutcome.REGISTERED
        assert (v.number, v.status, v.content_hash) == (1, "proposed", hash_of(V1))
        assert v.author_id == world.people["rita"].id and v.source == V1
        (record,) = await world.audit(v.id)
        assert record.action == "pipeline_definition.register"
        assert record.after["content_hash"] == hash_of(V1) and "source" not in record.after

    async def test_versions_are_numbered_in_order(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        numbers = [(await world.register(pipeline, s)).version.number for s in (V1, V2, V3)]
        assert numbers == [1, 2, 3]

    async def test_registering_the_active_content_again_changes_nothing(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        active = await world.active(pipeline, V1)
        reformatted = "# same\n" + V1.replace(
            "    gates:\n      - approvals", "    gates: [approvals]"
        )
        again = await world.register(pipeline, reformatted)
        assert again.outcome is RegistrationOutcome.ALREADY_ACTIVE
        assert again.version.id == active.id
        assert "already active" in again.message
        count = await world.session.scalar(
            select(func.count()).where(DefinitionVersion.pipeline_id == pipeline.id)
        )
        assert count == 1

    async def test_registering_content_awaiting_review_returns_that_version(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        first = await world.register(pipeline, V2)
        again = await world.register(pipeline, V2, who="carl")
        assert again.outcome is RegistrationOutcome.ALREADY_PROPOSED
        assert again.version.id == first.version.id

    async def test_going_back_to_a_superseded_definition_is_a_new_version(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        await world.active(pipeline, V1)
        await world.active(pipeline, V2)
        back = await world.register(pipeline, V1)
        assert (back.outcome, back.version.number, back.version.status) == (
            RegistrationOutcome.REGISTERED,
            3,
            "proposed",
        )

    async def test_an_invalid_definition_is_refused(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        with pytest.raises(DomainError) as e:
            await world.register(pipeline, V1.replace("approvals", "good_vibes"))
        assert (e.value.code, e.value.field) == ("UNKNOWN_GATE", "source")

    async def test_a_pipeline_outside_your_scope_reads_as_not_found(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        uow = world.uow(authorizer=OnlyIn(world.other_bu))
        with pytest.raises(NotFound) as e:
            await definitions.register_definition(uow, cmd.RegisterDefinition(pipeline.id, V1))
        assert e.value.field == "pipelineId"


class TestPeerReview:
    async def test_the_author_may_not_review_their_own_version(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        registered = await world.register(pipeline, V1, who="rita")
        with pytest.raises(DomainError) as e:
            await world.review(registered.version, who="rita")
        assert e.value.code == "DEFINITION_REVIEW_BY_AUTHOR"

    async def test_an_approval_activates_and_supersedes_the_previous_version(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        first = await world.active(pipeline, V1)
        assert (first.status, first.activated_at) == (
            "active",
            world.clock.now() - timedelta(minutes=1),
        )
        second = (await world.register(pipeline, V2)).version
        await world.review(second, who="carl")
        await world.session.refresh(first)
        assert (first.status, second.status) == ("superseded", "active")
        assert first.superseded_at == second.activated_at
        actions = [r.action for r in await world.audit(first.id)]
        assert actions == [
            "pipeline_definition.register",
            "pipeline_definition.activate",
            "pipeline_definition.supersede",
        ]
        await world.session.refresh(pipeline)
        assert pipeline.version == 3

    async def test_the_review_is_kept_with_its_reviewer(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        version = await world.active(pipeline, V1)
        reader = world.reader("carl")
        (review,) = (await queries.reviews_of_versions(reader, [version.id]))[version.id]
        assert (review.verdict, review.reviewer_id) == ("approve", world.people["bob"].id)

    async def test_a_rejection_needs_a_reason_and_leaves_the_active_version(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        active = await world.active(pipeline, V1)
        proposed = (await world.register(pipeline, V2)).version
        with pytest.raises(DomainError) as e:
            await world.review(proposed, "reject", comment="  ")
        assert (e.value.code, e.value.field) == ("COMMENT_REQUIRED", "comment")
        rejected = await world.review(proposed, "reject", comment="Drops the licence scan.")
        await world.session.refresh(active)
        assert (rejected.status, active.status) == ("rejected", "active")
        assert rejected.rejected_at is not None

    async def test_only_a_proposed_version_is_reviewed(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        active = await world.active(pipeline, V1)
        with pytest.raises(DomainError) as e:
            await world.review(active, who="carl")
        assert e.value.code == "DEFINITION_NOT_PROPOSED"

    async def test_an_unknown_verdict_is_refused(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        registered = await world.register(pipeline, V1)
        with pytest.raises(DomainError) as e:
            await world.review(registered.version, "maybe")
        assert (e.value.code, e.value.field) == ("INVALID_VERDICT", "verdict")

    async def test_a_stale_version_is_a_conflict(self, world: DefinitionsWorld) -> None:
        pipeline = await world.pipeline()
        registered = await world.register(pipeline, V1)
        with pytest.raises(VersionConflict):
            await world.review(registered.version, version=7)

    async def test_someone_without_the_permission_is_forbidden(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        registered = await world.register(pipeline, V1)

        class ReadOnly(OnlyIn):
            def check(
                self, actor: object, action: object, resource: object, bu: object
            ) -> str | None:
                return "read" if action == "read" else None

        with pytest.raises(Forbidden):
            await world.review(registered.version, authorizer=ReadOnly(world.bu))


class TestOneActiveVersion:
    async def test_the_database_refuses_a_second_active_version(
        self, world: DefinitionsWorld
    ) -> None:
        pipeline = await world.pipeline()
        await world.active(pipeline, V1)
        proposed = (await world.register(pipeline, V2)).version
        proposed.status = "active"
        with pytest.raises(IntegrityError):
            async with world.session.begin_nested():
                await world.session.flush()
