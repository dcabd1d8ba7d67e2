"""Inputs of the source-change use case: the commits CI built an artifact version from."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PullRequestTimes:
    ref: str
    """The pull (merge) request as the forge names it: a URL or `owner/repo#123`."""
    opened_at: datetime
    first_review_at: datetime | None = None
    approved_at: datetime | None = None
    merged_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    authored_at: datetime
    committed_at: datetime
    pull_request: PullRequestTimes | None = None


@dataclass(frozen=True, slots=True)
class RecordSourceChange:
    service_id: uuid.UUID
    artifact_version: str
    commits: tuple[Commit, ...]
