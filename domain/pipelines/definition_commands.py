"""Inputs of the pipeline-definition use cases: plain values, already decoded from the transport."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class CreatePipeline:
    team_id: uuid.UUID
    key: str
    name: str
    service_ids: list[uuid.UUID] = field(default_factory=list)
    description: str = ""


@dataclass(frozen=True, slots=True)
class RegisterDefinition:
    pipeline_id: uuid.UUID
    source: str
    format: str = "yaml"


@dataclass(frozen=True, slots=True)
class ReviewDefinition:
    version_id: uuid.UUID
    verdict: str
    comment: str = ""
    version: int | None = None
    """The optimistic version of the definition version read, when the caller has it."""


@dataclass(frozen=True, slots=True)
class RunReport:
    """A pipeline run as CI reports it; the pipeline by id, or by team and pipeline key
    (with the BU key when the team key alone is ambiguous)."""

    run_id: str
    definition_hash: str
    status: str
    started_at: datetime
    finished_at: datetime | None = None
    artifact: str | None = None
    pipeline_id: uuid.UUID | None = None
    team_key: str | None = None
    pipeline_key: str | None = None
    business_unit_key: str | None = None
