"""Pipelines and their definitions as code: created, registered, peer-reviewed, activated.

Every version is PROPOSED when registered and becomes ACTIVE only on a peer's APPROVE (never
its author's); the previous ACTIVE one is SUPERSEDED in the same unit of work. Registering the
hash that is already active (or already proposed) adds nothing and says so.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm.exc import StaleDataError

from domain.environments import facts as env_facts
from domain.kernel.access import Action, Resource
from domain.kernel.errors import AlreadyExists, DomainError, NotFound, VersionConflict
from domain.kernel.orm import snapshot
from domain.kernel.repository import get_readable
from domain.kernel.rules import choice, expect_version
from domain.kernel.uow import UnitOfWork
from domain.organization import facts as org_facts
from domain.pipelines import definition_repository as repo
from domain.pipelines import definition_rules as rules
from domain.pipelines.definition_commands import (
    CreatePipeline,
    RegisterDefinition,
    ReviewDefinition,
)
from domain.pipelines.definition_errors import DefinitionErrorCode as Code
from domain.pipelines.definition_models import DefinitionReview, DefinitionVersion, Pipeline
from domain.pipelines.vocabulary import DefinitionStatus, ReviewVerdict

SOURCE_EXCLUDED = ("source", "document")
"""Left out of the audit snapshots: the hashes identify the content, the row keeps it."""


async def visible_pipeline(
    uow: UnitOfWork, pipeline_id: uuid.UUID, *, lock: bool = False, field: str | None = None
) -> Pipeline:
    """The pipeline, or NotFound when absent or outside what the actor may read."""
    scope = uow.scope(Action.READ, Resource.PIPELINE_DEFINITION)
    return await get_readable(
        uow.session, Pipeline, pipeline_id, scope, what="Pipeline", field=field, for_update=lock
    )


async def create_pipeline(uow: UnitOfWork, c: CreatePipeline) -> Pipeline:
    """Register a team's pipeline and the services it deploys (no definition yet)."""
    # CI reads pipelines but not teams: either lets the team be seen here.
    readable = uow.scope(Action.READ, Resource.TEAM) | uow.scope(
        Action.READ, Resource.PIPELINE_DEFINITION
    )
    team = await org_facts.team(uow.session, c.team_id, readable_in=readable)
    rule = uow.authorize(Action.CREATE, Resource.PIPELINE_DEFINITION, team.bu_id)
    key = rules.check_key(c.key)
    name = rules.check_name(c.name)
    description = rules.check_description(c.description)
    service_ids = rules.check_services(c.service_ids)
    if await repo.pipeline_key_taken(uow.session, team.id, key):
        raise AlreadyExists(f"Team {team.key} already has a pipeline {key}.", field="key")
    found = await repo.service_bus(uow.session, service_ids)
    readable = uow.scope(Action.READ, Resource.SERVICE)
    if set(found) != set(service_ids) or not all(readable.allows(b) for b in found.values()):
        raise NotFound("Service was not found.", field="serviceIds")
    if any(b != team.bu_id for b in found.values()):
        raise DomainError(
            "A pipeline deploys services of its team's business unit.",
            code=Code.SERVICE_NOT_IN_BUSINESS_UNIT,
            field="serviceIds",
        )
    now = uow.clock.now()
    pipeline = Pipeline(
        bu_id=team.bu_id,
        team_id=team.id,
        key=key,
        name=name,
        description=description,
        created_by_id=uow.actor.person_id,
        created_at=now,
        updated_at=now,
    )
    await uow.created(pipeline, action="pipeline.create", bu_id=team.bu_id, rule=rule)
    await repo.add_services(uow.session, pipeline.id, service_ids)
    uow.record_change(
        pipeline,
        action="pipeline.services",
        bu_id=team.bu_id,
        rule=rule,
        after={"serviceIds": [str(s) for s in service_ids]},
    )
    return pipeline


class RegistrationOutcome(StrEnum):
    REGISTERED = "registered"
    ALREADY_ACTIVE = "already_active"
    ALREADY_PROPOSED = "already_proposed"


@dataclass(frozen=True, slots=True)
class Registration:
    version: DefinitionVersion
    outcome: RegistrationOutcome
    message: str
    warnings: tuple[str, ...] = ()
    """What the definition says that is accepted but deprecated (rules.definition_warnings)."""


async def _check_keyed_stages(uow: UnitOfWork, parsed: rules.ParsedDefinition) -> None:
    """A stage naming an environment by key lists production-only gates only if that
    environment is a production one (an unknown key is judged when the environment exists)."""
    stages = rules.stages_of(parsed.document)
    keys = sorted({s.environment_key for s in stages if s.environment_key})
    rules.check_production_only(stages, await env_facts.kinds_by_key(uow.session, keys))


async def register_definition(uow: UnitOfWork, c: RegisterDefinition) -> Registration:
    """Propose a new definition version; the same content as the active one is a no-op."""
    pipeline = await visible_pipeline(uow, c.pipeline_id, lock=True, field="pipelineId")
    rule = uow.authorize(Action.CREATE, Resource.PIPELINE_DEFINITION, pipeline.bu_id)
    parsed = rules.parse_definition(c.source, c.format)
    await _check_keyed_stages(uow, parsed)
    active = await repo.active_version(uow.session, pipeline.id)
    if active is not None and active.content_hash == parsed.content_hash:
        return Registration(
            active,
            RegistrationOutcome.ALREADY_ACTIVE,
            f"Version {active.number} with this content is already active; nothing changed.",
            parsed.warnings,
        )
    proposed = await repo.proposed_with_hash(uow.session, pipeline.id, parsed.content_hash)
    if proposed is not None:
        return Registration(
            proposed,
            RegistrationOutcome.ALREADY_PROPOSED,
            f"Version {proposed.number} with this content already awaits review.",
            parsed.warnings,
        )
    now = uow.clock.now()
    version = DefinitionVersion(
        pipeline_id=pipeline.id,
        bu_id=pipeline.bu_id,
        number=await repo.last_number(uow.session, pipeline.id) + 1,
        format=str(parsed.format),
        source=c.source,
        document=parsed.document,
        content_hash=parsed.content_hash,
        raw_hash=parsed.raw_hash,
        status=str(DefinitionStatus.PROPOSED),
        author_id=uow.actor.person_id,
        author=uow.actor.username,
        registered_at=now,
        created_at=now,
        updated_at=now,
    )
    await uow.created(
        version,
        action="pipeline_definition.register",
        bu_id=pipeline.bu_id,
        rule=rule,
        exclude=SOURCE_EXCLUDED,
    )
    return Registration(
        version,
        RegistrationOutcome.REGISTERED,
        f"Version {version.number} registered; it becomes active once a peer approves it.",
        parsed.warnings,
    )


def _is_author(uow: UnitOfWork, version: DefinitionVersion) -> bool:
    if version.author_id is not None:
        return version.author_id == uow.actor.person_id
    return version.author == uow.actor.username


async def review_definition(uow: UnitOfWork, c: ReviewDefinition) -> DefinitionVersion:
    """A peer approves (activates) or rejects a proposed version; never its author."""
    version = await repo.get_version(uow.session, c.version_id)
    if version is None:
        raise NotFound("Pipeline definition version was not found.", field="versionId")
    pipeline = await visible_pipeline(uow, version.pipeline_id, lock=True, field="versionId")
    rule = uow.authorize(Action.APPROVE, Resource.PIPELINE_DEFINITION, pipeline.bu_id)
    # Read again under the pipeline's lock: a concurrent reviewer may just have decided it.
    version = await repo.get_version(uow.session, c.version_id, fresh=True)
    if version is None:
        raise NotFound("Pipeline definition version was not found.", field="versionId")
    verdict = choice(ReviewVerdict, c.verdict, Code.INVALID_VERDICT, "verdict")
    if c.version is not None:
        expect_version(version, c.version, "The definition version")
    if _is_author(uow, version):
        raise DomainError(
            "A definition version is reviewed by someone other than its author.",
            code=Code.DEFINITION_REVIEW_BY_AUTHOR,
        )
    if version.status != DefinitionStatus.PROPOSED:
        raise DomainError(
            f"Version {version.number} is {version.status}; only proposed versions are reviewed.",
            code=Code.DEFINITION_NOT_PROPOSED,
            field="versionId",
        )
    comment = rules.check_comment(c.comment, required=verdict is ReviewVerdict.REJECT)
    now = uow.clock.now()
    review = DefinitionReview(
        version_id=version.id,
        bu_id=pipeline.bu_id,
        reviewer_id=uow.actor.person_id,
        reviewer=uow.actor.username,
        verdict=str(verdict),
        comment=comment,
        reviewed_at=now,
    )
    await uow.created(review, action="pipeline_definition.review", bu_id=pipeline.bu_id, rule=rule)
    if verdict is ReviewVerdict.REJECT:
        await _move(uow, version, DefinitionStatus.REJECTED, "reject", pipeline.bu_id, rule, now)
        return version
    try:
        await _activate(uow, pipeline, version, rule)
    except StaleDataError as exc:
        raise VersionConflict(
            "Another review changed this pipeline in the meantime; reload and try again."
        ) from exc
    return version


async def _move(
    uow: UnitOfWork,
    version: DefinitionVersion,
    status: DefinitionStatus,
    verb: str,
    bu_id: uuid.UUID,
    rule: str,
    at: datetime,
) -> None:
    """Move a version to `status`, stamped `at`; audited as `pipeline_definition.<verb>`, without
    its source."""
    before = snapshot(version, exclude=SOURCE_EXCLUDED)
    version.status = str(status)
    if status is DefinitionStatus.REJECTED:
        version.rejected_at = at
    elif status is DefinitionStatus.SUPERSEDED:
        version.superseded_at = at
    else:
        version.activated_at = at
    await uow.updated(
        version,
        before,
        action=f"pipeline_definition.{verb}",
        bu_id=bu_id,
        rule=rule,
        exclude=SOURCE_EXCLUDED,
    )


async def _activate(
    uow: UnitOfWork, pipeline: Pipeline, version: DefinitionVersion, rule: str
) -> None:
    now = uow.clock.now()
    previous = await repo.active_version(uow.session, pipeline.id)
    if previous is not None:
        # Flushed on its own first: the one-active index must never see two at once.
        await _move(
            uow, previous, DefinitionStatus.SUPERSEDED, "supersede", pipeline.bu_id, rule, now
        )
    await _move(uow, version, DefinitionStatus.ACTIVE, "activate", pipeline.bu_id, rule, now)
    # Bumping the pipeline's version makes a concurrent activation a VERSION_CONFLICT.
    pipeline_before = snapshot(pipeline)
    await uow.updated(
        pipeline, pipeline_before, action="pipeline.activate", bu_id=pipeline.bu_id, rule=rule
    )
