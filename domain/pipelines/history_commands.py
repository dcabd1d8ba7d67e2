"""Inputs of the deployment history import: a service's production deployments (and incidents)
from before it was governed here, as a CD tool and an operations tool remember them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class HistoricOutcome(StrEnum):
    """How an imported deployment ended: SUCCEEDED, FAILED (it never took traffic) or
    ROLLED_BACK."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"


@dataclass(frozen=True, slots=True)
class CommitTimes:
    first_commit_at: datetime
    count: int


@dataclass(frozen=True, slots=True)
class PullRequestTimes:
    opened_at: datetime
    first_review_at: datetime | None = None
    approved_at: datetime | None = None
    merged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class HistoricDeployment:
    """One deployment. The environment by id or by key (one of them)."""

    artifact_version: str
    started_at: datetime
    finished_at: datetime
    outcome: str
    """succeeded, failed or rolled_back."""
    environment_id: uuid.UUID | None = None
    environment_key: str | None = None
    strategy: str | None = None
    commits: CommitTimes | None = None
    pull_request: PullRequestTimes | None = None


@dataclass(frozen=True, slots=True)
class HistoricIncident:
    """One production incident of the service, resolved or not."""

    incident_ref: str
    detected_at: datetime
    severity: str
    resolved_at: datetime | None = None
    description: str = ""


@dataclass(frozen=True, slots=True)
class ImportHistory:
    service_id: uuid.UUID
    records: tuple[HistoricDeployment, ...]
    incidents: tuple[HistoricIncident, ...] = ()
