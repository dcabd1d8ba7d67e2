"""Published facts that verify post-mortem action items (issue 17): passing test evidence of a
service's artifacts and activated pipeline-definition versions, each since an instant (one
statement each)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.pipelines.definition_models import DefinitionVersion, Pipeline
from domain.pipelines.models import Artifact, Evidence
from domain.pipelines.vocabulary import EvidenceType


@dataclass(frozen=True, slots=True)
class TestEvidence:
    id: uuid.UUID
    service_id: uuid.UUID
    name: str
    at: datetime


async def passing_tests(
    session: AsyncSession, service_ids: Sequence[uuid.UUID], names: Sequence[str], since: datetime
) -> list[TestEvidence]:
    """Passing test-run evidence named `names` (its subject) of the services' artifacts,
    reported at or after `since`."""
    if not service_ids or not names:
        return []
    stmt = (
        select(Evidence.id, Artifact.service_id, Evidence.subject, Evidence.reported_at)
        .join(Artifact, Artifact.id == Evidence.artifact_id)
        .where(
            Artifact.service_id.in_(sorted(service_ids, key=str)),
            Evidence.kind == EvidenceType.TEST_RUN.value,
            Evidence.subject.in_(sorted(names)),
            Evidence.passed.is_(True),
            Evidence.reported_at >= since,
        )
        .order_by(Evidence.reported_at, Evidence.id)
    )
    return [TestEvidence(*r) for r in (await session.execute(stmt)).all()]


@dataclass(frozen=True, slots=True)
class ActivatedDefinition:
    id: uuid.UUID
    pipeline_key: str
    number: int
    at: datetime
    gates: frozenset[str]


async def activated_definitions(
    session: AsyncSession, bu_id: uuid.UUID, pipeline_keys: Sequence[str], since: datetime
) -> list[ActivatedDefinition]:
    """Versions of the BU's pipelines keyed `pipeline_keys` activated at or after `since`, with
    every gate their stages list."""
    if not pipeline_keys:
        return []
    stmt = (
        select(DefinitionVersion, Pipeline.key)
        .join(Pipeline, Pipeline.id == DefinitionVersion.pipeline_id)
        .where(
            Pipeline.bu_id == bu_id,
            Pipeline.key.in_(sorted(pipeline_keys)),
            DefinitionVersion.activated_at.is_not(None),
            DefinitionVersion.activated_at >= since,
        )
        .order_by(DefinitionVersion.activated_at, DefinitionVersion.id)
    )
    out = []
    for v, key in (await session.execute(stmt)).all():
        stages = v.document.get("stages", []) if isinstance(v.document, dict) else []
        gates = frozenset(str(g) for s in stages if isinstance(s, dict) for g in s.get("gates", []))
        assert v.activated_at is not None
        out.append(ActivatedDefinition(v.id, key, v.number, v.activated_at, gates))
    return out
